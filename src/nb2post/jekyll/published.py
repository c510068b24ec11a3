"""Where the site publishes each of its pages, so that a new post never takes a place another file holds.

Jekyll writes every post, page, static file and document of an output collection to one file under
``_site`` (``Document#destination``, ``Page#destination``), and jekyll-redirect-from a page at each
``redirect_from:`` URL. Two files with one destination make Jekyll warn "Conflict: The following
destination is shared by multiple files" and publish only one of them: the other page is gone. So
destinations are compared, not URLs (``/a/`` and ``/a/index.html`` are one page), and only ``.html``
ones are collected, as a post's always is one.

Read once per run that writes (each page's front matter is parsed): never on the path of a run with
nothing to convert.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path

from . import urls

# Jekyll 4's default `exclude:` (Configuration::DEFAULTS) and the folders it never reads.
_EXCLUDED = {".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules", "vendor", "_site"}
_HTML = (".html", ".htm", ".xhtml")


def excluder(site_config: dict):
    """``excluded(relative, folder)``: whether Jekyll leaves out the entry at site path ``relative`` (POSIX,
    no leading '/'; ``folder``: it is a folder, whose files are then left out too) for the site's
    ``exclude:``, as Jekyll 4.3's ``EntryFilter#excluded?`` decides: each pattern not also in ``include:``,
    joined to the source, is a ``File.fnmatch?`` pattern without flags (``*`` and ``?`` match ``/`` too, no
    ``{a,b}``), or a prefix of the path (``docs`` leaves out ``docs-old.md`` too), or the folder itself
    with a ``/`` (``assets/``)."""
    import fnmatch

    include = site_config.get("include") if isinstance(site_config.get("include"), list) else []
    listed = site_config.get("exclude") if isinstance(site_config.get("exclude"), list) else []
    patterns = [
        re.sub(r"^/+", "", str(item))
        for item in listed
        if isinstance(item, str) and item not in include and item.strip("/")
    ]

    def excluded(relative: str, folder: bool = False) -> bool:
        return any(
            fnmatch.fnmatchcase(relative, pattern)
            or relative.startswith(pattern)
            or (folder and pattern == relative + "/")
            for pattern in patterns
        )

    return excluded


def excluded_path(site_config: dict, relative: str) -> bool:
    """Whether Jekyll leaves out the file at site path ``relative``: it or a folder above it is excluded."""
    excluded = excluder(site_config)
    parts = relative.split("/")
    return any(excluded("/".join(parts[:index]), True) for index in range(1, len(parts))) or excluded(relative)


def _add_permalink_suffix(template: str, style) -> str:
    """``Utils.add_permalink_suffix``: how a page's URL ends under the site's ``permalink:`` style."""
    style = str(style if style not in (None, "") else "date")
    if style == "pretty":
        return template + "/"
    if style in ("date", "ordinal", "none"):
        return template + ":output_ext"
    if style.endswith("/"):
        template += "/"
    if style.endswith(":output_ext"):
        template += ":output_ext"
    return template


def _destination(url: str, output_ext: str) -> str:
    return urls.output_file(url if url.startswith("/") else "/" + url, output_ext)


def page_destination(relative: str, front: dict, site_config: dict, version: int) -> str:
    """Where Jekyll writes the page at ``relative`` (site-relative, POSIX) with front matter ``front``."""
    folder, name = posixpath.split(relative)
    stem, ext = posixpath.splitext(name)
    own = front.get("permalink")
    output_ext = urls._output_ext(ext[1:], own, site_config)
    if own not in (None, "", False):
        template = str(own)
    elif output_ext not in _HTML:
        template = "/:path/:basename:output_ext"
    elif stem == "index":
        template = "/:path/"
    else:
        template = _add_permalink_suffix("/:path/:basename", site_config.get("permalink"))
    values = {"path": folder, "basename": stem, "output_ext": output_ext}
    url = "/" + urls.fill_template(template, values, relative, version)
    return _destination(re.sub(r"/{2,}", "/", url), output_ext)


def _document_destination(
    collection: str, inside: str, front: dict, template: str | None, site_config: dict, version: int
) -> str:
    """Where Jekyll writes the document ``inside`` (relative to its collection's folder) of an output
    collection (``Document#url_placeholders`` for documents that are not posts: no date placeholders)."""
    stem, ext = posixpath.splitext(inside)
    own = front.get("permalink")
    output_ext = urls._output_ext(ext[1:], own, site_config)
    slug = front.get("slug") or posixpath.basename(stem)
    values = {
        "collection": collection,
        "path": "/" + stem,
        "name": urls.slugify(posixpath.basename(stem), version=version),
        "title": urls.slugify(str(slug), "pretty", cased=True, version=version),
        "slug": urls.slugify(str(slug), version=version),
        "output_ext": output_ext,
    }
    chosen = (
        str(own)
        if own not in (None, "", False)
        else template or _add_permalink_suffix("/:collection/:path", site_config.get("permalink"))
    )
    url = "/" + urls.fill_template(chosen, values, inside, version)
    return _destination(re.sub(r"/{2,}", "/", url), output_ext)


def _output_collections(site_config: dict) -> dict[str, str | None]:
    """The collections Jekyll writes pages for: folder name (``_recipes``) -> their permalink template."""
    found = {}
    collections = site_config.get("collections")
    if isinstance(collections, dict):
        for name, settings in collections.items():
            if str(name) != "posts" and isinstance(settings, dict) and settings.get("output") is True:
                permalink = settings.get("permalink")
                found["_" + str(name)] = str(permalink) if permalink not in (None, "") else None
    return found


def _redirects(front: dict) -> list[str]:
    value = front.get("redirect_from")
    values = value if isinstance(value, list) else [value]
    return [_destination(str(v).strip(), ".html") for v in values if isinstance(v, str) and v.strip()]


def destinations(
    site: Path, site_config: dict, version: int, posts_dirs: tuple[str, ...] = ("_posts",), cache=None
) -> dict[str, list[Path]]:
    """Each ``.html`` destination under ``_site`` -> the files of ``site`` that publish it. ``posts_dirs``:
    the site-relative folders holding posts (besides a ``_posts`` in any folder Jekyll reads). A file whose
    front matter or permalink cannot be read is left out (it fails the build on its own).

    ``cache``: a stat cache (nb2post.statcache) that keeps each file's destinations while its stat and the
    settings are the same (parsing the front matter of a thousand posts takes seconds)."""
    site = Path(site)
    collections = _output_collections(site_config)
    collections_dir = urls.collections_dir(site_config)
    excluded = excluder(site_config)
    settings_key = _settings_key(site_config, version)
    found: dict[str, list[Path]] = {}

    def add(path: Path, place, st: os.stat_result | None = None) -> None:
        """The destinations of the file at ``path``, which ``place(front matter or None, raw date)`` gives.
        ``st``: its lstat, when the caller took it already (each file is stat'ed once)."""
        if st is None:
            try:
                st = os.lstat(path)
            except OSError:
                return
        if stat.S_ISLNK(st.st_mode):
            return  # a link publishes nothing nb2post can work out (see _places)
        remembered = cache.lookup(PUBLISHED, os.path.abspath(path), st) if cache is not None else None
        if isinstance(remembered, list) and len(remembered) == 2 and remembered[0] == settings_key:
            places = remembered[1]
        else:
            if cache is not None:
                cache.begin()  # before the read: an edit during it must look newer than this run
            places = _places(path, place)
            if cache is not None:
                cache.store(PUBLISHED, os.path.abspath(path), st, [settings_key, places])
        for destination in places:
            if destination.endswith(_HTML):
                found.setdefault(destination, []).append(path)

    def post(path: Path) -> None:
        if urls._DATE_FILE_NAME.match(path.name) is None:
            return
        try:
            st = os.lstat(path)
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode):  # (a link is no post either)
            return

        def place(front, raw_date) -> list[str]:
            if front is None:
                return []  # no front matter: Jekyll does not take it for a post
            published = urls.post_file_for(site, path, front, site_config, raw_date, version)
            return [_destination(urls.page_url(published, site_config, version), ".html"), *_redirects(front)]

        add(path, place, st)

    for folder in dict.fromkeys(posts_dirs):
        for name in sorted(os.listdir(site / folder)) if (site / folder).is_dir() else ():
            post(site / folder / name)
    for top, folders, files in os.walk(site):
        relative_top = Path(top).relative_to(site).as_posix()
        relative_top = "" if relative_top == "." else relative_top
        kept = []
        for name in sorted(folders):
            relative = posixpath.join(relative_top, name)
            collection = posixpath.relpath(relative, collections_dir) if collections_dir else relative
            if collection in collections:
                _walk_collection(site / relative, collection, collections[collection], site_config, version, add)
            elif name == "_posts" and relative not in posts_dirs:
                for post_name in sorted(os.listdir(site / relative)):
                    post(site / relative / post_name)
            elif not name.startswith(("_", ".", "#", "~")) and name not in _EXCLUDED and not excluded(relative, True):
                kept.append(name)
        folders[:] = kept
        for name in sorted(files):
            relative = posixpath.join(relative_top, name)
            if name.startswith(("_", ".", "#", "~")) or name.endswith("~") or name in _EXCLUDED or excluded(relative):
                continue
            if not name.endswith(_PAGES):
                if name.endswith(_HTML):
                    found.setdefault(relative, []).append(site / relative)  # a static file, copied as it is
                continue
            add(
                site / relative,
                lambda front, _, relative=relative: (
                    [relative]
                    if front is None
                    else [page_destination(relative, front, site_config, version), *_redirects(front)]
                ),
            )
    return found


PUBLISHED = "published"  # the stat cache's kind for a file's destinations
_PAGES = (".md", ".markdown", ".html", ".htm")  # the files Jekyll reads front matter from


def _settings_key(site_config: dict, version: int) -> str:
    """What a file's destinations depend on besides the file: the site's settings and Jekyll's version."""
    import hashlib
    import json

    try:
        text = json.dumps([version, site_config], sort_keys=True, default=str)
    except TypeError:  # keys YAML read as numbers or dates beside strings: not sortable
        text = repr([version, site_config])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _places(path: Path, place) -> list[str]:
    """``place(front matter, raw date)`` for the file at ``path`` (front matter None: it has none; never a
    link: ``add`` passes those over); [] when it publishes nothing that can be worked out (unreadable,
    ``published: false``, a permalink Jekyll rejects)."""
    try:
        front, raw_date, _ = urls.read_front_matter(path)
        if front is not None and front.get("published") is False:
            return []
        return place(front, raw_date)
    except (urls.UrlError, ValueError, TypeError):
        return []


def _walk_collection(folder: Path, label: str, template, site_config: dict, version: int, add) -> None:
    for top, _, files in os.walk(folder):
        for name in sorted(files):
            path = Path(top) / name
            inside = path.relative_to(folder).as_posix()
            if name.startswith((".", "_")):
                continue
            if not name.endswith(_PAGES):
                if name.endswith(_HTML):
                    found_static = f"{label[1:]}/{inside}"
                    add(path, lambda _front, _date, found_static=found_static: [found_static])
                continue
            add(
                path,
                lambda front, _, inside=inside: (
                    [f"{label[1:]}/{inside}"]
                    if front is None
                    else [
                        _document_destination(label[1:], inside, front, template, site_config, version),
                        *_redirects(front),
                    ]
                ),
            )
