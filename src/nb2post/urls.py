"""The URL Jekyll 4.3 gives a post, computed from ``_config.yml`` and the post file.

Mirrors Jekyll 4.3.1 (``Configuration::STYLE_TO_PERMALINK``, ``Drops::UrlDrop``, ``URL``,
``FrontmatterDefaults`` and the ``absolute_url`` filter) closely enough that tests can compare the
result with what a real ``jekyll build`` renders for ``{{ post.url | absolute_url }}``:

- the template is the post's own ``permalink:`` (placeholders allowed), else
  ``collections: posts: permalink:``, else the site's ``permalink:`` style (``date`` by default);
- ``:title`` is the slug (``slug:`` or the file name) slugified in "pretty" mode with case kept,
  ``:slug`` the same in "default" mode (lower case); ``:categories`` lower-cased, joined by ``/``;
- the date is the front matter ``date:`` (converted to the site's ``timezone:``) or the file name's;
- each value is percent-encoded as Addressable does, and the result prefixed with ``url`` + ``baseurl``.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
MARKDOWN_EXTS = "markdown,mkdown,mkdn,mkd,md"
_DATE_FILE_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
# What Addressable leaves alone in a path: unreserved, sub-delims, ":", "@", "/" (and "?", which it
# takes for the start of a query).
_PATH_SAFE = "-._~!$&'()*+,;=:@/?"
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d*)?)?)?"
    r"[ \t]*(Z|[+-]\d{1,2}(?::?\d{2})?)?$"
)
_YAML_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}")


class UrlError(ValueError):
    pass


@dataclass(frozen=True)
class PostFile:
    """What Jekyll needs to place a post: its path inside the site, front matter, raw ``date:`` text."""

    relative_path: str  # e.g. "_posts/2024-02-03-hello.md", POSIX style
    front_matter: dict
    raw_date: str | None = None  # the ``date:`` value as written (quoted or not), for time zones
    body: str = ""  # the text after the front matter, without nb2post's marker line


def slugify(text, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` for the modes permalinks use ("default" and "pretty")."""
    extra = "._~!$&'()+,;=@" if mode == "pretty" else ""
    out: list[str] = []
    for char in str(text):
        category = unicodedata.category(char)
        if category[0] in "ML" or category == "Nd" or char in extra:
            out.append(char)
        elif not out or out[-1] != "\0":
            out.append("\0")  # a run of other characters becomes one hyphen
    slug = "".join(out).replace("\0", "-")
    slug = slug[1:] if slug.startswith("-") else slug
    slug = slug[:-1] if slug.endswith("-") else slug
    return slug if cased else slug.lower()


def escape_path(value: str) -> str:
    """``Jekyll::URL.escape_path``: percent-encode what may not stand in a URL path (UTF-8)."""
    if not value or re.fullmatch(r"[a-zA-Z0-9./-]+", value):
        return value
    return quote(value, safe=_PATH_SAFE)


def permalink_template(site_config: dict) -> str:
    collections = site_config.get("collections")
    if isinstance(collections, dict):
        posts = collections.get("posts")
        if isinstance(posts, dict) and posts.get("permalink"):
            return str(posts["permalink"])
    style = site_config.get("permalink", "date")
    if style in (None, ""):
        style = "date"
    return STYLES.get(str(style), str(style))


def front_matter_defaults(site_config: dict, relative_path: str) -> dict:
    """The ``defaults:`` values that apply to a post at ``relative_path`` (Jekyll's precedence)."""
    merged: dict = {}
    old_scope = None
    for entry in site_config.get("defaults") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        if "type" in scope and str(scope["type"]) != "posts":
            continue
        if not _scope_path_applies(str(scope.get("path") or ""), relative_path, site_config):
            continue
        if _has_precedence(old_scope, scope):
            merged = {**merged, **entry["values"]}
            old_scope = scope
        else:
            merged = {**entry["values"], **merged}
    return merged


def _scope_path_applies(scope_path: str, relative_path: str, site_config: dict) -> bool:
    if not scope_path:
        return True
    collections_dir = str(site_config.get("collections_dir") or "").strip("/")
    if collections_dir and scope_path.startswith(collections_dir + "/"):
        scope_path = scope_path[len(collections_dir) + 1 :]
    path = relative_path.lstrip("/")
    if "*" in scope_path:
        parts = path.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[:n]), scope_path) for n in range(1, len(parts) + 1))
    return path.startswith(scope_path.lstrip("/"))


def _has_precedence(old_scope, new_scope) -> bool:
    if old_scope is None:
        return True
    new_path, old_path = str(new_scope.get("path") or ""), str(old_scope.get("path") or "")
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new_scope or "type" not in old_scope


def _categories(post: PostFile, data: dict, defaults: dict) -> list[str]:
    """Folders above ``_posts``, then ``defaults:``, then front matter, then the singular ``category``."""
    parts = post.relative_path.split("/")
    index = max((i for i, part in enumerate(parts[:-1]) if part == "_posts"), default=-1)
    found: list[str] = [p for p in parts[: max(index, 0)] if p] if index > 0 else []
    for source in (defaults, post.front_matter):
        value = source.get("categories")
        if isinstance(value, str):
            value = value.split()
        if isinstance(value, list):
            found.extend(str(v) for v in value if v is not None)
    if data.get("category") is not None:
        found.append(str(data["category"]))
    return list(dict.fromkeys(found))


def _site_zone(site_config: dict):
    name = site_config.get("timezone")
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise UrlError(f"_config.yml: timezone {name!r} is not a known time zone (e.g. Europe/Berlin)") from None
    return None  # the build machine's local zone, as `jekyll build` uses


def post_datetime(post: PostFile, data: dict, site_config: dict) -> dt.datetime:
    """The post's time as Jekyll sees it: ``Time.parse(date).localtime`` in the site's zone."""
    raw = (post.raw_date or "").strip()
    quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
    text = raw[1:-1].strip() if quoted else raw
    match = _TIMESTAMP.match(text) if text else None
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        if zone is None and not quoted and _YAML_TIMESTAMP.match(text):
            zone = "Z"  # YAML reads a timestamp without a zone as UTC
        if zone is None:
            return moment  # wall-clock time in the site's zone
        offset = dt.timedelta(0)
        if zone != "Z":
            digits = zone[1:].replace(":", "")
            hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
            offset = dt.timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
        aware = moment.replace(tzinfo=dt.timezone(offset))
        zone_info = _site_zone(site_config)
        local = aware.astimezone(zone_info) if zone_info else aware.astimezone()
        return local.replace(tzinfo=None)
    value = data.get("date")
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    name = _DATE_FILE_NAME.match(post.relative_path.rsplit("/", 1)[-1])
    if name:
        year, month, day = (int(x) for x in name.group(1).split("-"))
        return dt.datetime(year, month, day)
    raise UrlError(f"{post.relative_path}: no date in the file name or front matter; Jekyll does not publish it as a post")


def placeholders(post: PostFile, site_config: dict) -> dict[str, str]:
    defaults = front_matter_defaults(site_config, post.relative_path)
    data = {**defaults, **post.front_matter}
    file_name = post.relative_path.rsplit("/", 1)[-1]
    stem, ext = (file_name.rsplit(".", 1) + [""])[:2]
    name = _DATE_FILE_NAME.match(file_name)
    file_slug = re.sub(r"\.*\Z", "", name.group(2) if name else stem)
    slug = str(data["slug"]) if data.get("slug") not in (None, "") else file_slug
    when = post_datetime(post, data, site_config)
    markdown = str(site_config.get("markdown_ext") or MARKDOWN_EXTS).split(",")
    output_ext = ".html" if ext.lower() in [m.strip().lower() for m in markdown] + ["html", "htm"] else f".{ext}"
    categories = list(dict.fromkeys(c.lower() for c in _categories(post, data, defaults)))
    return {
        "collection": "posts",
        "path": re.sub(r"\.*\Z", "", post.relative_path.rsplit(".", 1)[0].replace("_posts", "", 1)),
        "name": slugify(stem),
        "title": slugify(slug, "pretty", cased=True),
        "slug": slugify(slug),
        "categories": "/".join(categories),
        "slugified_categories": "/".join(dict.fromkeys(slugify(c) for c in _categories(post, data, defaults))),
        "output_ext": output_ext,
        "year": when.strftime("%Y"),
        "month": when.strftime("%m"),
        "day": when.strftime("%d"),
        "hour": when.strftime("%H"),
        "minute": when.strftime("%M"),
        "second": when.strftime("%S"),
        "i_day": str(when.day),
        "i_month": str(when.month),
        "short_month": when.strftime("%b"),
        "long_month": when.strftime("%B"),
        "short_year": when.strftime("%y"),
        "w_year": str(when.isocalendar()[0]),
        "week": f"{when.isocalendar()[1]:02d}",
        "w_day": str(when.isoweekday()),
        "short_day": when.strftime("%a"),
        "long_day": when.strftime("%A"),
        "y_day": when.strftime("%j"),
    }


def fill_template(template: str, values: dict[str, str], where: str) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        pool = [name, name.rstrip("_")] if name.endswith("_") else [name]
        for key in pool:
            if key in values:
                return escape_path(values[key]) + match.group(0)[1 + len(key) :]
        raise UrlError(f"{where}: the permalink {template!r} uses :{pool[-1]}, which Jekyll does not know; fix the permalink")

    return _PLACEHOLDER.sub(replace, template)


def page_url(post: PostFile, site_config: dict) -> str:
    """``page.url``: the path Jekyll publishes the post under, without ``baseurl``."""
    values = placeholders(post, site_config)
    data = {**front_matter_defaults(site_config, post.relative_path), **post.front_matter}
    own = data.get("permalink")
    template = str(own) if own not in (None, "") else permalink_template(site_config)
    url = "/" + fill_template(template, values, post.relative_path)
    url = url.replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", url)


def absolute_url(site_config: dict, url_path: str) -> str:
    """Jekyll's ``absolute_url`` filter: ``url`` + ``baseurl`` + path, normalised like Addressable."""
    baseurl = str(site_config.get("baseurl") or "")
    baseurl = baseurl[:-1] if baseurl.endswith("/") else baseurl
    joined = "".join(part if not part or part.startswith("/") else "/" + part for part in (baseurl, url_path))
    site_url = str(site_config.get("url") or "")
    return _normalise(site_url + joined)


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and not ((parts.scheme.lower(), port) in (("http", 80), ("https", 443))):
        host = f"{host}:{port}"
    path = "/".join(
        quote(unicodedata.normalize("NFC", unquote(segment)), safe=_SEGMENT_SAFE) for segment in parts.path.split("/")
    )
    if parts.scheme and not path:
        path = "/"
    query = quote(unquote(parts.query), safe=_PATH_SAFE) if parts.query else ""
    return urlunsplit((parts.scheme.lower(), host, path, query, parts.fragment))


def output_file(url_path: str, output_ext: str = ".html") -> str:
    """Where the page at ``url_path`` (``page.url``) lands inside ``_site`` (Document#destination)."""
    path = unquote(url_path)
    if path.endswith("/"):
        return (path + "index.html").lstrip("/")
    if not path.endswith(output_ext):
        path += output_ext
    return path.lstrip("/")


def read_post_file(site: Path, post_path: Path) -> PostFile:
    """Front matter, raw ``date:`` and body of a post file on disk."""
    from .front_matter import FrontMatterError, load_yaml
    from .post import read_marker

    post_path = Path(post_path)
    try:
        text = post_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UrlError(f"{post_path}: cannot read: {exc.strerror or exc}") from None
    _, text = read_marker(text)
    match = re.match(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", text, re.S)
    front: dict = {}
    raw_date = None
    if match and match.group(1):
        try:
            loaded = load_yaml(match.group(1), f"{post_path}: the front matter")
        except FrontMatterError as exc:
            raise UrlError(str(exc)) from None
        if not isinstance(loaded, dict):
            raise UrlError(f"{post_path}: the front matter is not a set of 'key: value' lines")
        front = loaded
        line = re.search(r"^date:[ \t]*(.*?)[ \t]*(?:#.*)?$", match.group(1), re.M)
        raw_date = line.group(1) if line else None
    try:
        relative = post_path.resolve().relative_to(Path(site).resolve()).as_posix()
    except ValueError:
        relative = f"_posts/{post_path.name}"
    return PostFile(relative, front, raw_date, text[match.end() :] if match else text)


def post_url(site: Path, post_path: Path, site_config: dict) -> str:
    """The post's absolute URL (a root-relative one when ``_config.yml`` has no ``url:``)."""
    post = read_post_file(site, post_path)
    return absolute_url(site_config, page_url(post, site_config))
