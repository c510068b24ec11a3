"""Table of contents, in the site's own style.

``kramdown``     the post starts with ``* TOC`` + ``{:toc}``: kramdown builds the list from the ids it gives
                 the headings, so links and ids always agree (duplicates, non-ASCII, code in headings).
``frontmatter``  ``toc: true`` for layouts that draw the TOC themselves (fastpages, minimal-mistakes).
``include``      ``{% include toc %}`` (minimal-mistakes' include, or the site's own ``_includes/toc``).
``off``          nothing.

The site chooses (``nb2post: toc:``); a post overrides with ``toc:`` in its front matter: ``true`` (the
site's style; the target's when the site says ``off``), ``false``, or a style name. A site that chooses
nothing gets what its theme draws (nb2post.jekyll.themes): kramdown's list on minima and unknown themes,
``toc: true`` on fastpages, minimal-mistakes, Chirpy and layouts that read ``page.toc``.

Links a notebook makes to its own headings the Jupyter way (``#Data-preparation``) are pointed at the ids
kramdown generates (``#data-preparation``); :func:`kramdown_id` computes those ids.
"""

from __future__ import annotations

import re

from ..diagnostics import Nb2postError
from ..liquid import OPEN_BRACE
from ..templates_text import template_text

STYLES = ("kramdown", "frontmatter", "include", "off")
_ON = (True, "true", "yes", "on")
_OFF = (False, None, "false", "no", "off", "")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")


class TocError(Nb2postError, ValueError):
    pass


def _normal(value):
    return value.strip().lower() if isinstance(value, str) else value


def site_style(value, target_default: str, where: str) -> str | None:
    """The ``nb2post: toc:`` setting as a style name; None when the site does not choose."""
    value = _normal(value)
    if value is None:
        return None
    if value in _OFF:
        return "off"
    if value in _ON:
        return target_default
    if value in STYLES:
        return value
    raise TocError(f"{where}: nb2post: toc: {value!r} is not one of {', '.join(STYLES)} (or true/false)")


def post_style(site: str | None, value, target_default: str, where: str, theme_default: str | None = None) -> str:
    """The style for one post: its own ``toc:`` value over the site's; when the site chooses no style,
    what its theme draws (``theme_default``, see nb2post.jekyll.themes)."""
    value = _normal(value)
    if value is None or value == "":
        return site or "off"
    if value in _OFF:
        return "off"
    if value in _ON:
        if site is None:
            return theme_default or "frontmatter"
        return site if site != "off" else target_default
    if value in STYLES:
        return value
    raise TocError(f"{where}: front matter 'toc: {value}' should be true, false or one of {', '.join(STYLES)}")


class _Lines:
    """The lines of a text that start with ``pattern``: (offset, line, match). Only the lines that can open
    or close a fence change whether a line is code, so a post's headings and links are found without a
    Python step per line (its outputs hold thousands). The search is for a newline and then the pattern:
    a pattern anchored with ``^`` under re.MULTILINE is tried at every character, ten times slower."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.first: re.Pattern | None = None  # compiled when first used: a run with nothing to convert never does

        self.rest: re.Pattern | None = None

    def find(self, text: str):
        if self.first is None or self.rest is None:
            self.first, self.rest = re.compile(self.pattern), re.compile(f"\n(?:{self.pattern})")
        match = self.first.match(text)
        if match:
            yield 0, match.group(0), match
        for match in self.rest.finditer(text):
            yield match.start() + 1, match.group(0)[1:], match


_FENCE_LINE = _Lines(r" {0,3}(`{3,}|~{3,})[^\n]*")  # group 1: the fence's marks
_HEADING_LINE = _Lines(r" {0,3}#[^\n]*")


class _Code:
    """Where the fenced code blocks of ``body`` are (the fence lines included; one left open runs to
    the end), to ask whether a line is code by its offset."""

    def __init__(self, body: str):
        self.starts: list[int] = []
        self.ends: list[int] = []
        fence = None
        for offset, line, match in _FENCE_LINE.find(body):
            marker = match.group(1)
            if fence is None:
                fence = marker
                self.starts.append(offset)
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip().strip(marker[0]):
                fence = None
                self.ends.append(match.end())
        if fence is not None:
            self.ends.append(len(body))

    def holds(self, offset: int) -> bool:
        """True when the line starting at ``offset`` is in a fenced block."""
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset <= self.ends[index]


class _Scans:
    """What one text's scans found (its fences, its headings), shared by the steps of :func:`prepare` while
    the text they see is the same. Texts are known by identity; each is held here, so none is freed and
    its id given to another while the scans are in use."""

    def __init__(self):
        self._found: dict[int, tuple[str, dict]] = {}

    def of(self, text: str) -> dict:
        entry = self._found.get(id(text))
        if entry is None:
            entry = self._found[id(text)] = (text, {})
        return entry[1]

    def code(self, text: str) -> _Code:
        found = self.of(text)
        if "code" not in found:
            found["code"] = _Code(text)
        return found["code"]


def prepare(body: str, values: dict, style: str) -> str:
    """The body with its Jupyter links retargeted, its Jupyter anchors kept and its TOC as ``style`` asks
    (the three steps below), each text's fences and headings found once."""
    scans = _Scans()
    return apply(keep_jupyter_anchors(retarget_jupyter_links(body, scans), scans), values, style, scans)


def has_heading(body: str, scans: _Scans | None = None) -> bool:
    """A Markdown heading outside code fences (``# comment`` lines in code do not count)."""
    if "#" not in body:
        return False
    scans = scans or _Scans()
    for offset, line, _ in _HEADING_LINE.find(body):
        if _ATX_HEADING.match(line):
            if not scans.code(body).holds(offset):
                return True
    return False


def apply(body: str, values: dict, style: str, scans: _Scans | None = None) -> str:
    """Set the ``toc`` key and put the TOC block at the top of ``body`` as ``style`` asks."""
    values.pop("toc", None)
    if style == "frontmatter":
        values["toc"] = True
        return body
    if style in ("kramdown", "include") and has_heading(body, scans):
        block = template_text(f"toc_{style}.md").strip("\n")
        return block + "\n\n" + body
    return body


# --- Links to headings written the Jupyter way ---------------------------------------------------------
# Jupyter gives a heading the id "Data-preparation" (its text, spaces as '-'); kramdown (GFM input, as
# Jekyll uses it) gives "data-preparation". Links inside a notebook written against Jupyter's ids would
# all break on the blog, so they are pointed at the ids kramdown will generate.

_HEADING_TEXT = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_ANCHOR_LINK = re.compile(r"(\]\(\s*<?#)([^)\s>]+)|(\bhref\s*=\s*[\"']#)([^\"']+)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_SPACED_ANCHOR = re.compile(r"\]\(\s+<?#")  # '](  #x)': the one link form the substring tests miss
_LINK_START = re.compile(r"\]\(|href")  # a line with neither holds no link to retarget
_CODE_SPANS = re.compile(r"(`+[^`]*`+)")


def _word_character(char: str) -> bool:
    """Ruby's \\p{Word}: letters, marks, decimal and letter numbers, connector punctuation."""
    import unicodedata

    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("Nd", "Nl", "Pc")


_HTML_CODE = re.compile(r"<code\b[^>]*>(.*?)</code\s*>", re.S | re.I)


def heading_text(markdown: str) -> str:
    """The text of a heading as kramdown sees it: markup gone, code and link text kept."""
    import html

    text = markdown.replace(OPEN_BRACE, "{")
    code: list[str] = []  # code text is kept as written: no markup is stripped from `<b>` in code

    def hold(code_text: str) -> str:
        code.append(code_text.strip())
        return f"\ue010{len(code) - 1}\ue011"

    text = _CODE_SPAN.sub(lambda m: hold(m.group(2)), text)
    # code written as HTML (`<code>__repr__</code>`) is code too: its underscores are not emphasis
    text = _HTML_CODE.sub(lambda m: hold(html.unescape(m.group(1))), text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)", r"\2", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", text)
    text = html.unescape(text)
    return re.sub("\ue010(\\d+)\ue011", lambda m: code[int(m.group(1))], text)


def kramdown_id(text: str, seen: dict[str, int]) -> str:
    """kramdown-parser-gfm's header id: lowercase, only word characters, '-', spaces (as '-'), then
    '-1', '-2' for repeats. ``seen`` carries the counts through one post."""
    result = "".join(c for c in text.lower() if _word_character(c) or c in "- \t")
    result = result.replace(" ", "-").replace("\t", "-")
    count = seen.get(result, -1) + 1
    seen[result] = count
    return f"{result}-{count}" if count else result


def heading_ids(body: str) -> list[tuple[str, str]]:
    """(heading text, kramdown id) for every heading outside code fences, in order."""
    return [(text, new_id) for _, text, new_id in _headings(body)]


def _headings(body: str, scans: _Scans | None = None) -> list[tuple[int, str, str]]:
    """(offset of its line, heading text, kramdown id) of each heading outside code fences."""
    scans = scans or _Scans()
    known = scans.of(body)
    if "headings" in known:
        return known["headings"]
    found: list[tuple[int, str, str]] = []
    known["headings"] = found
    seen: dict[str, int] = {}
    for offset, line, _ in _HEADING_LINE.find(body):
        match = _HEADING_TEXT.match(line)
        if match and match.group(1).strip():
            if not scans.code(body).holds(offset):
                text = heading_text(match.group(1))
                found.append((offset, text, kramdown_id(text, seen)))
    return found


def jupyter_id(text: str) -> str:
    """The id Jupyter (and fastpages, through nbconvert) gave a heading: its text, spaces as '-'."""
    return text.strip().replace(" ", "-")


def keep_jupyter_anchors(body: str, scans: _Scans | None = None) -> str:
    """Old deep links (``#Problem-Statement``) keep working next to kramdown's ids (``#problem-statement``).

    An empty element with the Jupyter id goes right before each heading: outside the heading, so no TOC
    copies it, and only where that id is new to the page (``## setup`` has the same id either way).
    """
    if "#" not in body:
        return body
    headings = _headings(body, scans)
    if not headings:
        return body
    import html

    from ..liquid import escape

    taken = {kramdown_id_ for _, _, kramdown_id_ in headings}
    anchors: dict[int, str] = {}
    for offset, text, _ in headings:
        anchor = jupyter_id(text)
        if anchor and anchor not in taken and body.startswith("#", offset):
            anchors[offset] = anchor
        taken.add(anchor)
    if not anchors:
        return body
    out: list[str] = []
    done = 0
    for offset, anchor in anchors.items():
        out += [body[done:offset], f'<div id="{escape(html.escape(anchor))}"></div>\n\n']
        done = offset
    out.append(body[done:])
    return "".join(out)


def retarget_jupyter_links(body: str, scans: _Scans | None = None) -> str:
    """Point ``[x](#Jupyter-Style-Id)`` and ``href="#..."`` links at the ids kramdown gives the headings."""
    # Most posts have no such link: say so with substring tests (fast on megabytes of outputs) before
    # finding the headings and walking every line.
    if "#" not in body or not (any(s in body for s in ("](#", "](<#", "href")) or _SPACED_ANCHOR.search(body)):
        return body
    from urllib.parse import quote, unquote

    scans = scans or _Scans()
    headings = _headings(body, scans)
    ids = {kramdown_id_ for _, _, kramdown_id_ in headings}
    jupyter: dict[str, str] = {}
    for _, text, new_id in headings:
        anchor = jupyter_id(text)
        jupyter.setdefault(anchor, new_id)
        jupyter.setdefault(anchor.lower(), new_id)

    def replace(match: re.Match) -> str:
        prefix, anchor = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        wanted = unquote(anchor)
        if wanted in ids:
            return match.group(0)
        new_id = jupyter.get(wanted) or jupyter.get(wanted.lower())
        return prefix + quote(new_id, safe="-_.~") if new_id else match.group(0)

    out: list[str] = []
    code = scans.code(body)
    done = seen = 0  # body[:done] is in out; the lines before seen are dealt with
    for hit in _LINK_START.finditer(body):
        if hit.start() < seen:
            continue
        start = body.rfind("\n", 0, hit.start()) + 1
        seen = body.find("\n", hit.start())
        seen = len(body) if seen < 0 else seen
        line = body[start:seen]
        if "#" in line and not code.holds(start):
            pieces = _CODE_SPANS.split(line)  # leave code spans alone
            out += [body[done:start], "".join(p if p.startswith("`") else _ANCHOR_LINK.sub(replace, p) for p in pieces)]
            done = seen
    out.append(body[done:])
    return "".join(out)
