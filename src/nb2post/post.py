"""The value every stage hands on: a post ready to be written, and the marker that makes writes safe.

The marker is an HTML comment on the last line of every post nb2post writes. It records which notebook
the post came from, a hash of that notebook together with the settings (so an unchanged notebook is
skipped without being read or parsed) and a hash of the post text itself (so a post that a person edited
afterwards is recognised and never overwritten without ``--force``). A post with text after its marker
(a line appended by hand) is still nb2post's, and edited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field

from . import liquid

MARKER_PREFIX = "<!-- nb2post:"
_MARKER = re.compile(
    r"\n?<!-- nb2post: generated from (?P<source>.*?); edit the notebook, not this post\. "
    r"source=(?P<source_hash>[0-9a-f]+) content=(?P<content_hash>[0-9a-f]+) -->\n?\Z",
    re.S,
)
_MARKER_START = "<!-- nb2post: generated from "
# The marker as a line of its own with text after it (see read_marker).
_MARKER_LINE = re.compile(
    r"<!-- nb2post: generated from (?P<source>[^\n]*?); edit the notebook, not this post\. "
    r"source=(?P<source_hash>[0-9a-f]+) content=(?P<content_hash>[0-9a-f]+) -->[ \t]*(?:\n|\Z)"
)


@dataclass
class Post:
    source: str  # the notebook's path relative to the site (or repository) root, POSIX style
    slug: str
    date: dt.date
    front_matter: dict
    body: str
    target: str
    source_hash: str
    assets: dict[str, bytes] = field(default_factory=dict)  # site-relative path -> bytes
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is worth knowing but needs no fix (shown with -v)
    date_origin: str = "file name"
    adopts: str | None = None  # the post nb2post did not write that this one takes over (site-relative)
    carried: list = field(default_factory=list)  # the front matter keys carried over from it
    replaced: list = field(default_factory=list)  # its keys whose values the notebook's replaced
    other_title: str = ""  # the notebook's own title, where the adopted post's was kept instead
    adopted_how: str = ""  # why that post is this notebook's (nb2post.render.adopt.Adoption.how)
    # front matter keys written as their owner wrote them: key -> (value, lines) (front_matter.dump)
    verbatim: dict = field(default_factory=dict)
    # the local files it links that were not there (site-relative): the post is stale once one appears
    awaited: tuple = ()

    @property
    def file_name(self) -> str:
        return f"{self.date.isoformat()}-{self.slug}.md"


@dataclass(frozen=True)
class Marker:
    source: str
    source_hash: str
    content_hash: str
    edited: bool = False  # the post is no longer what nb2post wrote (known only where the whole post was read)
    linked: tuple = ()  # the images and videos it links, by folder (liquid.linked_files; likewise)
    awaited: tuple = ()  # the local files it names that were missing when it was written (likewise)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _marker_source(source: str) -> str:
    """The notebook path as the marker holds it: no `--` (ends the comment), no `;`, no Liquid opener."""
    safe = source.replace("--", "%2D%2D").replace(";", "%3B")
    return liquid.escape(safe)  # Liquid runs over this comment too: `{{x}}.ipynb` must not break the build


AWAITING_PREFIX = "<!-- nb2post: awaiting "
_AWAITING = re.compile(r"^<!-- nb2post: awaiting (?P<paths>[^\n]*?) -->$", re.M)
_AWAITING_ESCAPES = {"%": "%25", " ": "%20", "-": "%2D", "{": "%7B", "\n": "%0A", ">": "%3E"}


def awaiting_line(paths) -> str:
    """The comment line before the marker that names the local files a post links but which were missing
    when it was written (site-relative, space separated; escaped so no path ends the comment, splits or
    opens Liquid): their appearance makes the post stale (see :func:`awaited_in`). "" for none."""
    if not paths:
        return ""
    escaped = (re.sub(r"[% {>\n-]", lambda m: _AWAITING_ESCAPES[m.group(0)], path) for path in paths)
    return f"{AWAITING_PREFIX}{' '.join(escaped)} -->\n"


def awaited_in(body: str) -> tuple[str, ...]:
    """The paths of the post's :func:`awaiting_line` (the last one: it is written just before the marker)."""
    start = body.rfind(AWAITING_PREFIX)
    found = _AWAITING.match(body, start) if start >= 0 and (start == 0 or body[start - 1] == "\n") else None
    if found is None:
        return ()
    return tuple(
        re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), path)
        for path in found.group("paths").split(" ")
        if path
    )


def with_marker(text: str, source: str, source_hash: str) -> str:
    text = text.rstrip("\n") + "\n"
    safe_source = _marker_source(source)
    return (
        f"{text}\n{MARKER_PREFIX} generated from {safe_source}; edit the notebook, not this post. "
        f"source={source_hash} content={content_hash(text)} -->\n"
    )


def read_marker(text: str) -> tuple[Marker | None, str]:
    """(marker, the text without it) — marker is None for files nb2post did not write.

    The marker is the post's last line; when a person added text after it, the last line that is a whole
    marker still is one (the post is nb2post's, edited), and the text without that line is returned."""
    first = text.find(_MARKER_START)
    # (no match starts before the first marker text: searched from there, not tried at every character)
    match = _MARKER.search(text, max(0, first - 1)) if first >= 0 else None
    if match:
        return _marker_of(match), text[: match.start()] + "\n"
    end = len(text)
    while first >= 0 and (start := text.rfind(_MARKER_START, first, end)) >= 0:
        line = _MARKER_LINE.match(text, start) if start == 0 or text[start - 1] == "\n" else None
        if line:
            return _marker_of(line), text[:start] + "\n" + text[line.end() :]
        end = start
    return None, text


def _marker_of(match: re.Match) -> Marker:
    source = match.group("source").replace(liquid.OPEN_BRACE, "{").replace("%2D%2D", "--").replace("%3B", ";")
    return Marker(source, match.group("source_hash"), match.group("content_hash"))


def _body_edited(marker: Marker, body: str) -> bool:
    """The body is not the one the marker's hash was taken of (trailing blank lines do not count)."""
    return content_hash(body.rstrip("\n") + "\n") != marker.content_hash


def edited_by_hand(text: str) -> bool:
    """True when the file is not (or no longer) exactly what nb2post wrote."""
    marker, body = read_marker(text)
    return marker is None or _body_edited(marker, body)


TAIL_BYTES = 16384  # where read_marker_from_file looks: the marker, and a few lines added after it


def read_marker_from_file(path) -> Marker | None:
    """Read only the tail of a post (whether it is nb2post's, and from which notebook): cheap for a big one."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    if size > TAIL_BYTES:
        tail = tail[tail.find("\n") + 1 :] if "\n" in tail else ""  # from a line start: not half a marker
    return read_marker(tail)[0]


def read_marker_and_edits(path, images_dir: str | None = None) -> Marker | None:
    """The marker of a post with ``edited``, ``linked`` and ``awaited`` set: the whole post is read and hashed (the stat
    cache keeps the answer while the post's stat is the same, so an unchanged post is not read again).
    ``images_dir``: the site's (settings.images_dir), under which the post's own image folder is found by
    its file name (its links written without Liquid count too)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    marker, body = read_marker(text)
    if marker is None:
        return None
    linked = liquid.linked_files(body)
    if not linked and images_dir and f"/{images_dir.strip('/')}/" in body:  # a post without Liquid's filters
        linked = liquid.linked_files(body, _own_folder(path, images_dir))
    awaited = awaited_in(body) if AWAITING_PREFIX in body else ()
    return Marker(marker.source, marker.source_hash, marker.content_hash, _body_edited(marker, body), linked, awaited)


def _own_folder(path, images_dir: str | None) -> str | None:
    """The site path of the image folder of the post at ``path`` (``/assets/images/2020-01-01-x``)."""
    named = re.match(r"(\d{4}-\d\d-\d\d)-(.+)\.[^.]+$", os.path.basename(path)) if images_dir else None
    if named is None:
        return None
    try:
        return f"/{images_dir.strip('/')}/{post_folder(dt.date.fromisoformat(named.group(1)), named.group(2))}"
    except ValueError:
        return None


def safe_segment(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return name or "image"


def post_folder(date: dt.date, slug: str) -> str:
    """The post's own image folder name: its date and slug, ASCII-safe, the same on every run.

    Two posts may share a slug (a weekly series) or differ only in characters a file name cannot keep
    (``日本-post``, ``中文-post``); the date, and a short hash of the real name when sanitising lost
    something, keep their folders apart.
    """
    wanted = f"{date.isoformat()}-{slug}"
    safe = re.sub(r"-{2,}", "-", safe_segment(wanted))
    if safe != wanted:
        safe = f"{safe}-{hashlib.sha256(wanted.encode('utf-8')).hexdigest()[:8]}"
    return safe
