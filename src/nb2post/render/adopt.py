"""Taking over a notebook's post that nb2post did not write (made by hand, by nbconvert, jekyllnb or
fastpages) so that its URL and the front matter its owner set survive the switch.

A post is matched to a notebook (a) when it names the notebook (a Colab or GitHub link, "generated from
x.ipynb"), (b) when it has the file name nb2post would give the notebook's post, or (c) explicitly, with
``nb2post adopt POST NOTEBOOK``. Matching never writes by itself: ``convert --dry-run`` shows it,
``convert --adopt`` or ``nb2post adopt`` applies it. The adopted post keeps its file name (so date and
slug) and every front matter key its owner set, unless the notebook sets the key itself; the body comes
from the notebook. The keys carried over are recorded in the post (``nb2post_adopted:``), so later
converts carry them again while the notebook stays the source of everything else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..diagnostics import UsageError

# The front matter key listing what was carried over: later converts read it from nb2post's own post.
RECORD = "nb2post_adopted"
# Keys that describe the notebook nb2post converts, not the post: never taken from the old post.
NOT_CARRIED = {RECORD, "nb_path"}
# What readers and search see of a post: the owner's value stays even where the notebook sets one
# (the title unless the adoption is told to take the notebook's, TITLE_FLAG).
OWNER_KEEPS = ("title", "description", "excerpt", "image")
TITLE_FLAG = "--notebook-title"
_POST_FILE = re.compile(r"\A(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)\.(?:md|markdown|html)\Z")
# A notebook's file name as a post names it (in a link, a path, "generated from x.ipynb"); not `x.ipynb.bak`.
_NAMED_NOTEBOOK = re.compile(r"[^\s/\\\"'()<>\[\]`=]+\.ipynb(?![\w-]|\.\w)")


class AdoptError(UsageError, ValueError):
    """A post that cannot be adopted (its name carries no date, its front matter is unreadable, ...)."""


@dataclass(frozen=True)
class Adoption:
    """A post to take over: where it is, the date and slug of its file name, the values to carry."""

    post: str  # its path relative to the site, e.g. "_posts/2019-03-04-svd.md"
    date: dt.date
    slug: str
    front_matter: dict = field(hash=False)
    how: str = (
        "adopt"  # why it was matched: "names the notebook", "has the same date and name", "adopt", "adopted earlier"
    )
    # key -> the owner's own lines for it (front_matter.entries): written back as they are
    lines: dict = field(default_factory=dict, hash=False)
    notebook_title: bool = False  # the notebook's title replaces the post's (TITLE_FLAG)


def file_name_parts(name: str) -> tuple[dt.date, str] | None:
    """(date, slug) of a post file name ``YYYY-MM-DD-slug.md``; None when it is not one."""
    match = _POST_FILE.match(name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group("date")), match.group("slug")
    except ValueError:
        return None


def from_post(
    site: Path,
    post: Path,
    site_config: dict | None = None,
    how: str = "adopt",
    notebook_title: bool = False,
    jekyll: int | None = None,
) -> Adoption:
    """The adoption of ``post`` as it is on disk. A post nb2post wrote carries over only the keys it
    recorded as adopted (the rest it derived from the notebook, which may have changed since).
    ``notebook_title``: the notebook's title replaces the post's. ``jekyll``: the run's Jekyll major
    version (``config.SiteFacts.known_jekyll``; None: read here)."""
    from ..jekyll import urls
    from ..post import read_marker_from_file

    parts = file_name_parts(Path(post).name)
    if parts is None:
        raise AdoptError(f"{post}: is not named like a post (YYYY-MM-DD-slug.md); rename it or name another post")
    try:
        front = dict(urls.read_post_file(site, post, site_config, jekyll).front_matter)
    except urls.UrlError as exc:
        raise AdoptError(str(exc)) from None
    if read_marker_from_file(post) is not None:
        recorded = front.get(RECORD)
        keep = {key_name(key) for key in recorded} if isinstance(recorded, list) else set()
        front = {key: value for key, value in front.items() if key_name(key) in keep}
    try:
        relative = Path(post).resolve().relative_to(Path(site).resolve()).as_posix()
    except ValueError:
        raise AdoptError(f"{post}: is outside the site {site}; only a post of this site can be adopted") from None
    return Adoption(relative, parts[0], parts[1], front, how, _own_lines(post, front), notebook_title)


def _own_lines(post: Path, front: dict) -> dict:
    """The lines of ``post``'s front matter for each of the keys in ``front`` (see front_matter.entries)."""
    from ..notebook.front_matter import entries

    try:
        text = Path(post).read_text(encoding="utf-8-sig")
    except OSError:
        return {}
    from ..jekyll.urls import FRONT_MATTER

    found = FRONT_MATTER.match(text)
    if not found or not found.group(1) or not front:
        return {}
    return {key: lines for key, lines in entries(found.group(1), front).items() if key in front}


def carry(values: dict, own: set[str], adoption: Adoption) -> list:
    """Put the adopted post's front matter into ``values`` where the notebook does not set the key
    itself (``own``); returns the keys carried, in the old post's order, and records them (the record
    itself marks the post as adopted; it names keys as text, whatever YAML reads them as)."""
    carried = []
    for key, value in adoption.front_matter.items():
        if key in own or key in NOT_CARRIED:
            continue
        values[key] = value
        carried.append(key)
    values[RECORD] = [key_name(key) for key in carried]  # even when empty: later converts keep the file name
    return carried


def kept_lines(adoption: Adoption, carried: list) -> dict:
    """key -> (value, the owner's lines) for the carried keys: front_matter.dump writes those lines as
    they are while nothing changed the value."""
    return {key: (adoption.front_matter[key], adoption.lines[key]) for key in carried if key in adoption.lines}


def named_notebooks(text: str) -> set[str]:
    """The notebook file names a post's text names (in links, paths, "generated from x.ipynb")."""
    return {PurePosixPath(found.split("?", 1)[0].split("#", 1)[0]).name for found in _NAMED_NOTEBOOK.findall(text)}


def names_notebook(text: str, key: str) -> bool:
    """Whether a post's text names notebook ``key`` — and no other notebook: a post linking several (an
    index, a series) is nobody's post by this sign."""
    return named_notebooks(text) == {PurePosixPath(key).name}


def unmarked_posts(posts_dir: Path) -> dict[Path, str]:
    """The posts in ``posts_dir`` nb2post did not write, with their text."""
    from ..post import read_marker_from_file

    found = {}
    for path in sorted(posts_dir.glob("*")) if posts_dir.is_dir() else []:
        if path.is_symlink() or not path.is_file() or file_name_parts(path.name) is None:
            continue
        if read_marker_from_file(path) is not None:
            continue
        try:
            found[path] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return found


def match(key: str, file_name: str, candidates: dict[Path, str]) -> tuple[Path, str] | None:
    """The post among ``candidates`` (posts nb2post did not write) that is notebook ``key``'s: the one of
    the same date and name (``file_name``, whatever its extension), else the only one naming the notebook.
    (path, why) or None."""
    stem = file_name.rsplit(".", 1)[0]
    same = [path for path in candidates if path.name.rsplit(".", 1)[0] == stem]
    if len(same) == 1:
        return same[0], "has the same date and name"
    naming = [path for path, text in candidates.items() if names_notebook(text, key)]
    if len(naming) == 1:
        return naming[0], "names the notebook"
    return None


# The reasons ``match`` gives: the posts nb2post always paired; a look-alike's message names the command.
EXACT = ("has the same date and name", "names the notebook")
# How far apart the dates of a notebook's post and a post of the same slug may be for the two to look
# like one post (a post published a few days or weeks after the notebook was dated).
NEAR_DAYS = 42
_TITLE_LINE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.M)
_FILES_FOLDER = re.compile(r"([^\s/\\\"'()<>\[\]`=]+)_files/")


def _loose(text: str) -> str:
    """A slug or title with case, '_', spaces and punctuation set aside: 'My_Notebook!' -> 'my-notebook'."""
    return "-".join(re.findall(r"[^\W_]+", text.lower()))


@dataclass
class LookAlikes:
    """What the posts nb2post did not write look like, read once per batch: their loose slugs (with
    dates), titles, and the nbconvert image folders (``x_files/``) they show."""

    slugs: dict = field(default_factory=dict)  # loose slug -> [(date, path)]
    titles: dict = field(default_factory=dict)  # loose title -> [path]
    files_folders: dict = field(default_factory=dict)  # notebook stem -> [path]

    @classmethod
    def of(cls, posts: dict[Path, str]) -> LookAlikes:
        found = cls()
        for path, text in posts.items():
            date, slug = file_name_parts(path.name) or (None, "")
            found.slugs.setdefault(_loose(slug), []).append((date, path))
            head = text[:4096].split("\n---", 1)[0] if text.startswith("---") else ""
            title = _TITLE_LINE.search(head)
            if title and _loose(title.group(1).strip("'\"")):
                found.titles.setdefault(_loose(title.group(1).strip("'\"")), []).append(path)
            for stem in {_loose(stem) for stem in _FILES_FOLDER.findall(text)}:
                found.files_folders.setdefault(stem, []).append(path)
        return found

    def candidates(self, key: str, slug: str, date: dt.date, title: str, among: dict) -> list[tuple[Path, str]]:
        """The posts (of ``among``) that look like notebook ``key``'s post of ``slug``, ``date`` and
        ``title``: (path, why) each, by file name."""
        found: dict[Path, str] = {}
        for other_date, path in self.slugs.get(_loose(slug), []):
            if other_date is not None and abs((other_date - date).days) <= NEAR_DAYS:
                apart = abs((other_date - date).days)
                found.setdefault(
                    path,
                    "has the same name"
                    + (
                        f", {apart} day{'s' if apart != 1 else ''} apart"
                        if apart
                        else " once case and punctuation are set aside"
                    ),
                )
        loose_title = _loose(title)
        if loose_title and loose_title != _loose(slug):  # (a title made from the slug says nothing more)
            for path in self.titles.get(loose_title, []):
                found.setdefault(path, "has the same title")
        stem = PurePosixPath(key).stem  # nbconvert's folder, perhaps renamed without the date
        for path in dict.fromkeys(self.files_folders.get(_loose(stem), []) + self.files_folders.get(_loose(slug), [])):
            found.setdefault(path, f"shows images from nbconvert's {stem}_files/ folder")
        return sorted(((path, why) for path, why in found.items() if path in among), key=lambda item: item[0].name)


def owner_posts(
    post, notebook: Path, unmarked: dict[Path, str], look_alikes, other_generator
) -> list[tuple[Path, str]]:
    """The posts nb2post did not write (``unmarked``, see :func:`unmarked_posts`) that are, or look like,
    the post of ``notebook`` (``post``: its nb2post.post.Post, with no post of its own yet), as (path, why):
    the one :func:`match` pairs, else each look-alike. Posts fastpages and jekyllnb made from other notebooks
    (``other_generator``: nb2post.site.other_generator, which the caller, a stage above, passes in) are not
    among them. ``look_alikes``: gives the ``LookAlikes.of(unmarked)`` of the run (made once, when a
    notebook has no match)."""
    candidates = {
        path: text for path, text in unmarked.items() if not other_generator(text, post.source, notebook)[0]
    }  # they go their own way
    matched = match(post.source, post.file_name, candidates)
    if matched is not None:
        return [matched]
    title = str(post.front_matter.get("title") or "")
    return look_alikes().candidates(post.source, post.slug, post.date, title, candidates)


def summary(adopted, url: str | None, new_name: str) -> str:
    """One line on what adopting a post kept and what the notebook changed (``adopted``: the
    nb2post.post.Post that takes the post over), e.g. '..., file name kept; title kept; 2 keys kept
    (permalink, tags); 3 keys from the notebook (layout, description, excerpt)'."""
    name = PurePosixPath(adopted.adopts).name
    said = [
        (f"URL {url} kept, " if url else "")
        + ("file name kept" if name == new_name else f"renamed {name} → {new_name}")
    ]
    carried = adopted.carried
    if "title" in carried:
        said.append(
            "title kept"
            + (f" (the notebook's is {adopted.other_title!r}; {TITLE_FLAG} takes it)" if adopted.other_title else "")
        )
    kept = [key for key in carried if key != "title"]
    said.append(_keys(kept, "kept") if kept else "no other key kept" if "title" in carried else "no key kept")
    from_notebook = [key for key in adopted.front_matter if key not in carried and key != RECORD]
    if from_notebook:
        said.append(_keys(from_notebook, "from the notebook"))
    if adopted.replaced:
        said.append("replacing the post's " + ", ".join(key_name(key) for key in adopted.replaced))
    return f"{adopted.adopts} ({adopted.adopted_how}): " + "; ".join(said)


def _keys(keys: list, what: str) -> str:
    return f"{len(keys)} key{'' if len(keys) == 1 else 's'} {what} ({', '.join(key_name(key) for key in keys)})"


def key_name(key) -> str:
    """A front matter key as its owner wrote it, for messages: YAML keys need not be strings (``1:``,
    ``2020-01-02:``, ``[]:``, ``? [a, b]``)."""
    if isinstance(key, str):
        return key
    if isinstance(key, (tuple, list)):
        return "[" + ", ".join(key_name(item) for item in key) + "]"
    if isinstance(key, (dt.date, dt.datetime)):
        return key.isoformat()
    if key is None:
        return "null"
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)


def recorded(site: Path, post: Path, site_config: dict | None = None, jekyll: int | None = None) -> Adoption | None:
    """The adoption an earlier convert recorded in nb2post's own post (``nb2post_adopted:``), if any.
    ``jekyll``: as for ``from_post``."""
    try:
        with open(post, "rb") as handle:
            head = handle.read(16384).decode("utf-8", errors="replace")
    except OSError:
        return None
    if f"\n{RECORD}:" not in head:
        return None
    try:
        return from_post(site, post, site_config, how="adopted earlier", jekyll=jekyll)
    except AdoptError:
        return None


REPLACE_FLAG = "--replace-owner-text"
# `{{ site.baseurl }}/x.png`, `{{site.url}}/x.png` and `{{ "/x.png" | relative_url }}`: the path inside
_LIQUID_PATH = re.compile(
    r"""\{\{\s*(?:site\.(?:baseurl|url)\s*\}\}|["']([^"']*)["']\s*\|\s*(?:relative_url|absolute_url)\s*\}\})"""
)


def owner_losses(site: Path, post, site_config: dict, jekyll: int | None = None):
    """What replacing the owner's post that ``post`` (nb2post.post.Post) adopts would lose: the items of
    its body that the notebook's body lacks (nb2post.render.losses). Its images are compared by their bytes with
    the new post's images, found as Jekyll would serve them from the site. ``jekyll``: as for
    ``from_post``."""
    import hashlib

    from ..jekyll import urls
    from . import losses

    owner = Path(site) / post.adopts
    try:
        body = urls.read_post_file(site, owner, site_config, jekyll).body
    except urls.UrlError:
        return losses.Losses()
    digests = {hashlib.sha256(data).digest() for data in post.assets.values()}

    svgs = None

    def same_image(src: str) -> bool:
        nonlocal svgs
        if src.startswith("<"):  # an SVG the owner's converter wrote into the page: compared by its text
            if svgs is None:
                svgs = [_svg_key(data) for name, data in post.assets.items() if str(name).lower().endswith(".svg")]
            key = _svg_key(src.encode())
            return any(key in known or known in key for known in svgs if known)
        path = _image_file(Path(site), owner, src, site_config)
        try:
            return path is not None and hashlib.sha256(path.read_bytes()).digest() in digests
        except OSError:
            return False

    shown = [str(post.front_matter.get(key) or "") for key in ("title", "description")] + [post.other_title]
    return losses.compare(body, post.body, same_image, shown=[text for text in shown if text])


def _svg_key(data: bytes) -> str:
    """An SVG as compared: from its `<svg` on, without whitespace (a page and a file differ in both)."""
    text = data.decode("utf-8", "replace")
    start = text.find("<svg")
    return "".join(text[start if start >= 0 else 0 :].split())


def _image_file(site: Path, owner: Path, src: str, site_config: dict) -> Path | None:
    """The file in the site that the owner's image ``src`` shows (None for a remote or missing one)."""
    from urllib.parse import unquote

    src = _LIQUID_PATH.sub(lambda m: m.group(1) or "", src).split("#", 1)[0].split("?", 1)[0]
    if not src or "://" in src or src.startswith(("data:", "//")):
        return None
    src = unquote(src)
    baseurl = str(site_config.get("baseurl") or "").strip("/")
    if baseurl and src.lstrip("/").startswith(baseurl + "/"):
        src = src.lstrip("/")[len(baseurl) :]
    root = site.resolve()
    for candidate in (site / src.lstrip("/"), owner.parent / src):
        try:
            resolved = candidate.resolve()
            if resolved.is_file() and resolved.is_relative_to(root):
                return resolved
        except (OSError, ValueError):
            continue
    return None


def url_of(site: Path, post_path: Path, site_config: dict, jekyll: int | None = None) -> str | None:
    """The URL Jekyll gives the post file ``post_path`` as it is on disk (None when it cannot be told).
    ``jekyll``: as for ``from_post``."""
    from ..jekyll import urls

    try:
        return urls.page_url(urls.read_post_file(site, post_path, site_config, jekyll), site_config)
    except Exception:  # an unusual permalink or front matter: no URL to show
        return None
