"""The URL the site's own Jekyll gives a post, computed from ``_config.yml`` and the post file.

Mirrors Jekyll 4.3.1 (``Configuration::STYLE_TO_PERMALINK``, ``Drops::UrlDrop``, ``URL``,
``Document#populate_title``/``#populate_categories``, ``FrontmatterDefaults``, ``Renderer#output_ext``
and the ``absolute_url`` filter) closely enough that tests compare the result with what a real
``jekyll build`` renders for ``{{ post.url | absolute_url }}``; and Jekyll 3.10 (what GitHub Pages
builds branch-deployed sites with) where its rules differ (see ``jekyll_version``):

- the template is the post's own ``permalink:`` (placeholders allowed), else
  ``collections: posts: permalink:``, else the site's ``permalink:`` style (``date`` by default);
- ``:title`` is the slug (``slug:`` or the file name) slugified in "pretty" mode with case kept,
  ``:slug`` the same in "default" mode (lower case); ``:categories`` lower-cased, joined by ``/``;
- the date is the front matter ``date:`` (read as Ruby's ``Time.parse`` reads it, in the site's
  ``timezone:``) or the file name's;
- each value is percent-encoded as Addressable does, and the result prefixed with ``url`` + ``baseurl``
  (the host in punycode, as Addressable's ``normalize`` writes it).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ..diagnostics import Nb2postError

STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
# Jekyll 3.10's Configuration#style_to_permalink knows no "weekdate": the word itself is the template.
STYLES_3 = {name: template for name, template in STYLES.items() if name != "weekdate"}
# UrlDrop methods that Jekyll 4 added; Jekyll 3.10's URL#generate_url_from_drop raises NoMethodError
# ("The URL template doesn't have ... keys") for them, which fails the whole build.
# (:short_month is older: Jekyll 3's UrlDrop has it, and the docs mark only these as 4.0/4.1.)
ONLY_IN_4 = ("slugified_categories", "w_year", "week", "w_day", "short_day", "long_day", "long_month")
MARKDOWN_EXTS = "markdown,mkdown,mkdn,mkd,md"
_DATE_FILE_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
# What Addressable leaves alone in a path: unreserved, sub-delims, ":", "@", "/" (and "?", which it
# takes for the start of a query).
_PATH_SAFE = "-._~!$&'()*+,;=:@/?"
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"
_YAML_TIMESTAMP = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}")

# The date forms Ruby's Time.parse reads that people write in front matter. Anything else is refused
# with a clear error rather than guessed (Time.parse is too lenient to imitate in full).
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d*)?)?(?:[ \t]*(?P<ampm>[ap])\.?m\.?)?"
_ZONE = r"(?P<zone>[A-Za-z]{1,5}|[+-]\d{1,2}(?::?\d{2})?)"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+)?"
_MONTH_NAME = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TAIL = rf"(?:(?:[Tt]|[ \t]+){_TIME})?(?:[ \t]*{_ZONE})?[ \t]*$"


@functools.cache
def _date_forms() -> list:
    """Compiled when a date needs them: every convert imports this module, few posts have such a date."""
    return [
        re.compile(rf"^(?P<y>\d{{4}})(?P<sep>[-/])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TAIL}", re.I),
        re.compile(
            rf"^{_WEEKDAY}{_MONTH_NAME}[ \t]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<y>\d{{4}}){_TAIL}", re.I
        ),
        re.compile(
            rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+{_MONTH_NAME},?[ \t]+(?P<y>\d{{4}}){_TAIL}", re.I
        ),
        re.compile(rf"^(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_TAIL}", re.I),
    ]


# Time.zone_offset's table: Ruby ignores any other zone name (the time is then local).
_ZONE_HOURS = {
    "utc": 0,
    "ut": 0,
    "gmt": 0,
    "z": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}


class UrlError(Nb2postError, ValueError):
    pass


@dataclass(frozen=True)
class PostFile:
    """What Jekyll needs to place a post: its path inside the site, front matter, raw ``date:`` text."""

    relative_path: str  # e.g. "_posts/2024-02-03-hello.md", POSIX style, below collections_dir
    front_matter: dict
    raw_date: str | None = None  # the ``date:`` value as written (quoted or not), for time zones
    body: str = ""  # the text after the front matter, without nb2post's marker line
    jekyll: int | None = None  # the Jekyll major version that builds the site, when known (3 or 4)


def slugify(text, mode: str = "default", cased: bool = False, version: int = 4) -> str:
    """Jekyll's ``Utils.slugify`` for the modes permalinks use ("default" and "pretty").

    Jekyll 4 keeps letters, marks and digits (``[^\\p{M}\\p{L}\\p{Nd}]+`` is replaced); Jekyll 3.10
    keeps ``[[:alnum:]]``, which in Onigmo is Alphabetic or a decimal digit, so a combining accent
    of a decomposed name (``re\\u0301sume\\u0301``) is a separator there: ``re-sume``.
    """
    extra = "._~!$&'()+,;=@" if mode == "pretty" else ""
    keep = _keeps_4 if version >= 4 else _keeps_3
    out: list[str] = []
    for char in str(text):
        if keep(char) or char in extra:
            out.append(char)
        elif not out or out[-1] != "\0":
            out.append("\0")  # a run of other characters becomes one hyphen
    slug = "".join(out).replace("\0", "-")
    slug = slug[1:] if slug.startswith("-") else slug
    slug = slug[:-1] if slug.endswith("-") else slug
    return slug if cased else slug.lower()


def _keeps_4(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "ML" or category == "Nd"


def _keeps_3(char: str) -> bool:
    match = _onigmo_alnum()
    if match is None:  # close enough without `regex`: letters, letter numbers, digits, spacing marks
        category = unicodedata.category(char)
        return category[0] == "L" or category in ("Nd", "Nl", "Mc")
    return match(char) is not None


@functools.cache
def _onigmo_alnum():
    """Onigmo's ``[[:alnum:]]`` on Unicode text: Alphabetic (letters and Other_Alphabetic marks) or Nd."""
    try:
        import regex
    except ImportError:
        return None
    return regex.compile(r"[\p{Alphabetic}\p{Nd}]").match


def escape_path(value: str) -> str:
    """``Jekyll::URL.escape_path``: percent-encode what may not stand in a URL path (UTF-8)."""
    if not value or re.fullmatch(r"[a-zA-Z0-9./-]+", value):
        return value
    return quote(value, safe=_PATH_SAFE)


def requested_version(site_config: dict) -> int | None:
    """``nb2post: jekyll: 3|4`` in ``_config.yml`` (None when the site does not say)."""
    section = site_config.get("nb2post")
    value = section.get("jekyll") if isinstance(section, dict) else None
    if value in (None, ""):
        return None
    match = re.fullmatch(r"\s*([34])(?:\.\d+)*(?:\.x)?\s*", str(value))
    if not match:
        raise UrlError(f"_config.yml: nb2post: jekyll: must be 3 or 4 (the Jekyll that builds the site), got {value!r}")
    return int(match.group(1))


def site_jekyll(site: Path, site_config: dict, target: str | None = None) -> tuple[int, str]:
    """The Jekyll major version that builds the site, and why nb2post thinks so."""
    version, why, _ = site_jekyll_guessed(site, site_config, target)
    return version, why


def site_jekyll_guessed(site: Path, site_config: dict, target: str | None = None, **root) -> tuple[int, str, bool]:
    """``site_jekyll``, and whether the version is only assumed: nothing says, so GitHub Pages' own build
    (Jekyll 3.10) is taken. ``root=``: the site's repository root, when the caller found it already.
    A run reads this once, into its settings (``config.SiteFacts``)."""
    from .version import detect

    requested = requested_version(site_config)
    if requested:
        return requested, f"{Path(site) / '_config.yml'} says nb2post: jekyll: {requested}", False
    found = detect(Path(site), **root)
    section = site_config.get("nb2post")
    if found.guessed and (target or (section.get("target") if isinstance(section, dict) else None)) == "fastpages":
        return 4, "the site is a fastpages blog (fastpages builds with Jekyll 4)", False
    return found.version, found.reason, found.guessed


def version_of(post: PostFile, site_config: dict, version: int | None = None) -> int:
    """The Jekyll major version whose rules apply: the caller's, the site's setting, the detected one."""
    return version or requested_version(site_config) or post.jekyll or 4


def permalink_template(site_config: dict, version: int = 4) -> str:
    collections = site_config.get("collections")
    if isinstance(collections, dict):
        posts = collections.get("posts")
        if isinstance(posts, dict) and posts.get("permalink"):
            return str(posts["permalink"])
    style = site_config.get("permalink", "date")
    if style in (None, ""):
        style = "date"
    return (STYLES if version >= 4 else STYLES_3).get(str(style), str(style))


def _defaults_type(scope: dict) -> str | None:
    # FrontmatterDefaults#update_deprecated_types: "post" is read as "posts" (both 3.10 and 4.x).
    if "type" not in scope:
        return None
    kind = str(scope["type"])
    return {"post": "posts", "page": "pages", "draft": "drafts"}.get(kind, kind)


def front_matter_defaults(site_config: dict, relative_path: str) -> dict:
    """The ``defaults:`` values that apply to a post at ``relative_path`` (Jekyll's precedence)."""
    merged: dict = {}
    old_scope = None
    for entry in site_config.get("defaults") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        kind = _defaults_type(scope)
        if kind is not None and kind != "posts":
            continue
        scope_path = scope.get("path")
        if not _scope_path_applies(scope_path if isinstance(scope_path, str) else "", relative_path, site_config):
            continue
        if _has_precedence(old_scope, scope):
            merged = _merge(merged, entry["values"])
            old_scope = scope
        else:
            merged = _merge(entry["values"], merged)
    return merged


def _merge(base: dict, over: dict) -> dict:
    """``Utils.deep_merge_hashes`` for the flat values URLs read: a nil never replaces a value."""
    return {**base, **{key: value for key, value in over.items() if value is not None}}


def post_data(post: PostFile, site_config: dict) -> tuple[dict, dict]:
    """The ``defaults:`` that apply to the post, and its data: the front matter over them.

    A key the front matter leaves empty (``permalink:`` with no value) keeps the default's value, as
    ``Utils.deep_merge_hashes!`` does.
    """
    defaults = front_matter_defaults(site_config, post.relative_path)
    return defaults, _merge(defaults, post.front_matter)


def collections_dir(site_config: dict) -> str:
    return str(site_config.get("collections_dir") or "").strip("/")


def _strip_collections_dir(path: str, site_config: dict) -> str:
    folder = collections_dir(site_config)
    return path[len(folder) + 1 :] if folder and path.startswith(folder + "/") else path


def _scope_path_applies(scope_path: str, relative_path: str, site_config: dict) -> bool:
    if not scope_path:
        return True
    path = relative_path.lstrip("/")
    if "*" in scope_path:
        # Jekyll globs the scope against the site's files, then strips collections_dir from each match.
        folder = collections_dir(site_config)
        full = f"{folder}/{path}" if folder else path
        parts = full.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[:n]), scope_path.lstrip("/")) for n in range(1, len(parts) + 1))
    return path.startswith(_strip_collections_dir(_sanitize_scope(scope_path), site_config))


def _sanitize_scope(path: str) -> str:
    # FrontmatterDefaults#sanitize_path: only a leading slash goes (a trailing one stays).
    return path[1:] if path.startswith("/") else path


def _has_precedence(old_scope, new_scope) -> bool:
    if old_scope is None:
        return True
    new_path, old_path = (_sanitize_scope(str(s.get("path") or "")) for s in (new_scope, old_scope))
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new_scope or "type" not in old_scope


def _ruby_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _categories(post: PostFile, data: dict, defaults: dict) -> list[str]:
    """``Document#categories_from_path``, ``#merge_categories!`` and ``#populate_categories``."""
    parts = post.relative_path.split("/")
    if post.relative_path.startswith("_posts"):
        found = []
    else:
        # superdirs: everything from the first "_posts" on is cut, the rest split into folders
        above = re.sub(r"_posts.*", "", post.relative_path, count=1, flags=re.S)
        found = [p for p in above.split("/") if p and p != "_posts" and p != parts[-1]]
    current = found
    for source in (defaults, post.front_matter):
        if "categories" not in source:
            continue
        value = source["categories"]
        if value is None:
            continue  # Utils.deep_merge_hashes! keeps the old value where the new one is nil
        if isinstance(value, str):
            value = value.split()
        if isinstance(current, list) and isinstance(value, list):
            current = list(dict.fromkeys([*current, *value]))
        else:
            current = value
    merged = _as_list(current)
    if data.get("category") is not None:
        merged.extend(_as_list(data["category"]))
    elif isinstance(data.get("categories"), (str, list)):
        value = data["categories"]
        merged.extend(value.split() if isinstance(value, str) else [v for v in value if v is not None])
    return list(dict.fromkeys(_ruby_str(c) for c in merged))


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _site_zone(site_config: dict):
    name = site_config.get("timezone")
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise UrlError(f"_config.yml: timezone {name!r} is not a known time zone (e.g. Europe/Berlin)") from None
    return None  # the build machine's local zone, as `jekyll build` uses


def parse_ruby_time(text: str) -> tuple[dt.datetime, dt.timedelta | None] | None:
    """The wall-clock time and UTC offset (None: local time) that Ruby's ``Time.parse`` reads.

    None when the text is in none of the forms nb2post knows how Ruby reads.
    """
    for form in _date_forms():
        match = form.match(text.strip())
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTHS[parts["mon"][:3].lower()]
        hour = int(parts["H"] or 0)
        if parts.get("ampm"):
            hour = hour % 12 + (12 if parts["ampm"].lower() == "p" else 0)
        try:
            moment = dt.datetime(
                int(parts["y"]), month, int(parts["d"]), hour, int(parts["M"] or 0), int(parts["S"] or 0)
            )
        except ValueError:
            return None
        return moment, _zone_offset(parts.get("zone"))
    return None


def _zone_offset(zone: str | None) -> dt.timedelta | None:
    if not zone:
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        if len(digits) < 2:
            return None  # Ruby ignores a one-digit offset such as "+5"
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        return dt.timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    hours = _ZONE_HOURS.get(zone.lower())
    return None if hours is None else dt.timedelta(hours=hours)


def post_datetime(post: PostFile, data: dict, site_config: dict) -> dt.datetime:
    """The post's time as Jekyll sees it: ``Time.parse(date.to_s).localtime`` in the site's zone."""
    raw = (post.raw_date or "").strip()
    quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
    text = raw[1:-1].strip() if quoted else raw
    value = data.get("date")
    if "date" in post.front_matter and post.front_matter["date"] in (None, "") and not text:
        # Document#merge_date! parses "" (nil.to_s) and fails the build: "Invalid date ''"
        raise UrlError(
            f"{post.relative_path}: 'date:' is empty, which fails Jekyll's build (Invalid date ''); "
            "remove it or write a date such as 2024-05-01"
        )
    if not text and isinstance(value, str):
        text, quoted = value.strip(), True  # a date from `defaults:` or a caller without the raw text
    if text:
        parsed = parse_ruby_time(text)
        if parsed is None:
            raise UrlError(
                f"{post.relative_path}: date {text!r}: nb2post cannot tell how Jekyll reads it (Jekyll fails "
                "on dates Ruby cannot parse); write it as YYYY-MM-DD HH:MM:SS +0000"
            )
        moment, offset = parsed
        if offset is None and not quoted and _YAML_TIMESTAMP.match(text):
            offset = dt.timedelta(0)  # YAML reads a timestamp without a zone as UTC
        if offset is None:
            return moment  # wall-clock time in the site's zone
        aware = moment.replace(tzinfo=dt.timezone(offset))
        zone_info = _site_zone(site_config)
        local = aware.astimezone(zone_info) if zone_info else aware.astimezone()
        return local.replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    name = _DATE_FILE_NAME.match(post.relative_path.rsplit("/", 1)[-1])
    if name:
        year, month, day = (int(x) for x in name.group(1).split("-"))
        return dt.datetime(year, month, day)
    raise UrlError(
        f"{post.relative_path}: no date in the file name or front matter; Jekyll does not publish it as a post"
    )


def _output_ext(ext: str, permalink, site_config: dict) -> str:
    """``Renderer#output_ext``: the own permalink's extension, else the converter's."""
    if permalink not in (None, "", False) and not str(permalink).endswith("/"):
        own = re.search(r"(?<=[^/])(\.[^./]*)$", str(permalink).rsplit("/", 1)[-1])
        if own and own.group(1) != ".":
            return own.group(1)
    markdown = [m.strip().lower() for m in str(site_config.get("markdown_ext") or MARKDOWN_EXTS).split(",")]
    # Markdown becomes .html; anything else (.html, .htm, ...) goes through the Identity converter as is.
    return ".html" if ext.lower() in markdown else (f".{ext}" if ext else "")


def placeholders(post: PostFile, site_config: dict, version: int = 4) -> dict[str, str]:
    defaults, data = post_data(post, site_config)
    file_name = post.relative_path.rsplit("/", 1)[-1]
    stem, ext = (file_name.rsplit(".", 1) + [""])[:2] if "." in file_name[1:] else (file_name, "")
    name = _DATE_FILE_NAME.match(file_name)
    file_slug = name.group(2) if name else stem
    if version >= 4:
        file_slug = re.sub(r"\.*\Z", "", file_slug)  # Jekyll 4's populate_title drops trailing dots
    own_slug = data.get("slug")
    # Document#populate_title: `data["slug"] ||= slug` keeps any value but nil and false, "" included
    slug = _ruby_str(own_slug) if own_slug not in (None, False) else file_slug
    when = post_datetime(post, data, site_config)
    categories = _categories(post, data, defaults)
    values = {
        "collection": "posts",
        "path": _cleaned_relative_path(post.relative_path, ext, version),
        "name": slugify(stem, version=version),
        "title": slugify(slug, "pretty", cased=True, version=version),
        "slug": slugify(slug, version=version),
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "output_ext": _output_ext(ext, data.get("permalink"), site_config),
        "year": when.strftime("%Y"),
        "month": when.strftime("%m"),
        "day": when.strftime("%d"),
        "hour": when.strftime("%H"),
        "minute": when.strftime("%M"),
        "second": when.strftime("%S"),
        "i_day": str(when.day),
        "i_month": str(when.month),
        "short_month": when.strftime("%b"),
        "short_year": when.strftime("%y"),
        "y_day": when.strftime("%j"),
    }
    if version >= 4:
        values.update(
            slugified_categories="/".join(dict.fromkeys(slugify(c, version=version) for c in categories)),
            long_month=when.strftime("%B"),
            w_year=str(when.isocalendar()[0]),
            week=f"{when.isocalendar()[1]:02d}",
            w_day=str(when.isoweekday()),
            short_day=when.strftime("%a"),
            long_day=when.strftime("%A"),
        )
    return values


def _cleaned_relative_path(relative_path: str, ext: str, version: int) -> str:
    """``Document#cleaned_relative_path`` (``:path``); Jekyll 4 also drops trailing dots."""
    path = relative_path[: len(relative_path) - len(ext) - (1 if ext else 0)].replace("_posts", "", 1)
    return re.sub(r"\.*\Z", "", path) if version >= 4 else path


def fill_template(template: str, values: dict[str, str], where: str, version: int = 4) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        pool = [name, name.rstrip("_")] if name.endswith("_") else [name]
        for key in pool:
            if key in values:
                return escape_path(values[key]) + match.group(0)[1 + len(key) :]
        if version < 4 and pool[-1] in ONLY_IN_4:
            raise UrlError(
                f"{where}: the permalink {template!r} uses :{pool[-1]}, which only Jekyll 4 knows; the site "
                "builds with Jekyll 3.10 (GitHub Pages), where it fails. Use another placeholder or build with Jekyll 4"
            )
        raise UrlError(
            f"{where}: the permalink {template!r} uses :{pool[-1]}, which Jekyll does not know; fix the permalink"
        )

    return _PLACEHOLDER.sub(replace, template)


def page_url(post: PostFile, site_config: dict, version: int | None = None) -> str:
    """``page.url``: the path Jekyll publishes the post under, without ``baseurl``."""
    version = version_of(post, site_config, version)
    values = placeholders(post, site_config, version)
    data = post_data(post, site_config)[1]
    own = data.get("permalink")
    template = str(own) if own not in (None, "", False) else permalink_template(site_config, version)
    url = "/" + fill_template(template, values, post.relative_path, version)
    url = url.replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", url)


def absolute_url(site_config: dict, url_path: str) -> str:
    """Jekyll's ``absolute_url`` filter: ``url`` + ``baseurl`` + path, normalised like Addressable."""
    baseurl = _ruby_str(site_config.get("baseurl"))
    baseurl = baseurl[:-1] if baseurl.endswith("/") else baseurl
    joined = "".join(part if not part or part.startswith("/") else "/" + part for part in (baseurl, url_path))
    site_url = _ruby_str(site_config.get("url"))
    return _normalise(site_url + joined)


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    host = _punycode((parts.hostname or "").lower())
    try:
        port = parts.port
    except ValueError:  # not a number: leave the address as written
        return url
    if port is not None and (parts.scheme.lower(), port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if parts.username is not None:
        host = "@".join([parts.netloc.rsplit("@", 1)[0], host])
    path = "/".join(
        quote(unicodedata.normalize("NFC", unquote(segment)), safe=_SEGMENT_SAFE) for segment in parts.path.split("/")
    )
    if parts.scheme and not path:
        path = "/"
    query = quote(unquote(parts.query), safe=_PATH_SAFE) if parts.query else ""
    return urlunsplit((parts.scheme.lower(), host, path, query, parts.fragment))


def _punycode(host: str) -> str:
    """Addressable's ``normalize`` writes an internationalised host in punycode (``xn--``)."""
    if host.isascii():
        return host
    try:
        return ".".join(label.encode("idna").decode("ascii") if label else label for label in host.split("."))
    except UnicodeError:
        return host


def site_warnings(site_config: dict, version: int, why: str = "", where: str = "_config.yml") -> list[str]:
    """What in ``_config.yml`` gives posts surprising URLs (or breaks the build) under this Jekyll.

    ``why`` says how nb2post knows which Jekyll builds the site (see ``site_jekyll``).
    """
    warnings: list[str] = []
    site_url = _ruby_str(site_config.get("url"))
    if site_url.endswith("/"):
        warnings.append(
            f"{where}: url: {site_url!r} ends in '/': Jekyll joins it with the path as is, so every absolute "
            f"URL it writes (feeds, canonical links, share links) has '//' ({site_url}/blog/…); "
            f"write url: {site_url.rstrip('/')!r}"
        )
    warnings.extend(version_warnings(site_config, version, why, where))
    return warnings


def version_warnings(site_config: dict, version: int, why: str = "", where: str = "_config.yml") -> list[str]:
    """Settings that only work in Jekyll 4, when the site builds with Jekyll 3.10 (GitHub Pages)."""
    if version >= 4:
        return []
    warnings: list[str] = []
    style = site_config.get("permalink")
    collections = site_config.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    own_template = posts.get("permalink") if isinstance(posts, dict) else None
    if str(style) == "weekdate" and not own_template:
        warnings.append(
            f"{where}: 'permalink: weekdate' is a Jekyll 4 style; the site builds with Jekyll 3.10 (GitHub "
            "Pages), which writes every post to the one file /weekdate.html. Use a custom permalink such as "
            "/:categories/:year/:month/:day/:title:output_ext, or build with Jekyll 4"
        )
    # The site's permalink shapes posts only when collections: posts: has none of its own.
    templates = [("collections: posts: permalink", own_template) if own_template else ("permalink", style)]
    for index, entry in enumerate(site_config.get("defaults") or []):
        values = entry.get("values") if isinstance(entry, dict) else None
        scope = entry.get("scope") if isinstance(entry, dict) and isinstance(entry.get("scope"), dict) else {}
        if isinstance(values, dict) and values.get("permalink") and _defaults_type(scope) in (None, "posts"):
            templates.append((f"defaults[{index}] permalink", values["permalink"]))
    for label, template in templates:
        if not isinstance(template, str):
            continue
        used = [name for name in _PLACEHOLDER.findall(template) if name.rstrip("_") in ONLY_IN_4]
        if used:
            names = ", ".join(f":{n.rstrip('_')}" for n in dict.fromkeys(used))
            warnings.append(
                f"{where}: {label} {template!r} uses {names}, which only Jekyll 4 knows; the site builds with "
                "Jekyll 3.10 (GitHub Pages), whose build fails on it. Use other placeholders or build with Jekyll 4"
            )
    if warnings and why:
        note = f" (nb2post assumes Jekyll 3.10 because {why}; if the site builds with Jekyll 4, set nb2post: jekyll: 4)"
        warnings = [message + note for message in warnings]
    return warnings


def post_warnings(post: PostFile, site_config: dict, version: int | None = None) -> list[str]:
    """What in one post's front matter gives it a surprising URL (or breaks the build)."""
    version = version_of(post, site_config, version)
    data = post_data(post, site_config)[1]
    where = post.relative_path
    warnings: list[str] = []
    if "slug" in post.front_matter and post.front_matter["slug"] not in (None, False):
        slug = post.front_matter["slug"]
        if not isinstance(slug, str):
            warnings.append(
                f"{where}: slug: {slug!r} is not text; Jekyll's build fails on it (Utils.slugify calls gsub); "
                f'quote it: slug: "{_ruby_str(slug)}"'
            )
        elif not slugify(slug, version=version):
            warnings.append(
                f"{where}: slug: {slug!r} leaves nothing for :title and :slug, so the URL has an empty name "
                "(e.g. /2024/01/01/.html); remove 'slug:' or give it letters or digits"
            )
    name = _DATE_FILE_NAME.match(where.rsplit("/", 1)[-1])
    if version < 4 and name and name.group(2).endswith(".") and data.get("slug") in (None, False):
        warnings.append(
            f"{where}: the file name ends in '.' before its extension; Jekyll 3.10 (GitHub Pages) keeps the "
            "dots and publishes it under '…/.html'; rename the file without them"
        )
    own = post.front_matter.get("permalink")
    if isinstance(own, str) and own:
        # A post's own permalink with a placeholder this Jekyll lacks fails the whole build.
        try:
            fill_template(own, placeholders(post, site_config, version), where, version)
        except UrlError as exc:
            warnings.append(str(exc))
    return warnings


def post_file_for(
    site: Path,
    post_path: Path,
    front_matter: dict,
    site_config: dict,
    raw_date: str | None = None,
    jekyll: int | None = None,
) -> PostFile:
    """The PostFile of a post nb2post is writing (its front matter in hand, the file maybe not yet)."""
    try:
        relative = Path(post_path).resolve().relative_to(Path(site).resolve()).as_posix()
    except ValueError:
        relative = f"_posts/{Path(post_path).name}"
    return PostFile(_strip_collections_dir(relative, site_config), dict(front_matter), raw_date, jekyll=jekyll)


def post_warnings_for(site: Path, post_path: Path, front_matter: dict, site_config: dict, version: int) -> list[str]:
    """``post_warnings`` for a post nb2post is writing (its front matter in hand, the file maybe not yet)."""
    post = post_file_for(site, post_path, front_matter, site_config)
    return [
        message.replace(post.relative_path, str(post_path), 1) for message in post_warnings(post, site_config, version)
    ]


def output_file(url_path: str, output_ext: str = ".html") -> str:
    """Where the page at ``url_path`` (``page.url``) lands inside ``_site`` (Document#destination)."""
    path = unquote(url_path)
    if path.endswith("/"):
        return (path + "index.html").lstrip("/")
    if not path.endswith(output_ext):
        path += output_ext
    return path.lstrip("/")


# A post's front matter block: "---" lines around YAML, as Jekyll finds it at the top of a file.
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


def read_front_matter(path: Path) -> tuple[dict | None, str | None, str]:
    """(front matter, raw ``date:`` text, body) of a page or post file on disk; the front matter is None
    when the file has none (Jekyll copies it as a static file). UrlError when it cannot be read."""
    from ..notebook.front_matter import FrontMatterError, load_yaml
    from ..post import read_marker

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UrlError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    _, text = read_marker(text)
    match = FRONT_MATTER.match(text)
    if not match:
        return None, None, text
    front: dict = {}
    raw_date = None
    if match.group(1):
        try:
            loaded = load_yaml(match.group(1), f"{path}: the front matter", text[: match.start(1)].count("\n") + 1)
        except FrontMatterError as exc:
            raise UrlError(str(exc)) from None
        if loaded is None:  # only blank lines or comments: Jekyll reads no keys
            loaded = {}
        if not isinstance(loaded, dict):
            raise UrlError(f"{path}: the front matter is not a set of 'key: value' lines")
        front = loaded
        line = re.search(r"^date:[ \t]*(.*?)[ \t]*(?:#.*)?$", match.group(1), re.M)
        raw_date = line.group(1) if line else None
    return front, raw_date, text[match.end() :]


def read_post_file(site: Path, post_path: Path, site_config: dict | None = None, jekyll: int | None = None) -> PostFile:
    """Front matter, raw ``date:`` and body of a post file on disk, and which Jekyll builds the site
    (``jekyll``: the run's, from its settings' facts; else it is read here)."""
    post_path = Path(post_path)
    front, raw_date, body = read_front_matter(post_path)
    front = front or {}
    if site_config is None:
        from .config import ConfigError, load_site_config

        try:
            site_config = load_site_config(Path(site))
        except ConfigError:
            site_config = {}
    try:
        relative = post_path.resolve().relative_to(Path(site).resolve()).as_posix()
    except ValueError:
        relative = f"_posts/{post_path.name}"
    else:
        folder = collections_dir(site_config)
        if folder and not relative.startswith(folder + "/"):
            raise UrlError(
                f"{post_path}: the site sets collections_dir: {folder}, so Jekyll reads posts only from "
                f"{folder}/_posts/ and never publishes this one; move it there"
            )
        relative = _strip_collections_dir(relative, site_config)
    return PostFile(relative, front, raw_date, body, jekyll or site_jekyll(site, site_config)[0])


def post_url(site: Path, post_path: Path, site_config: dict, version: int | None = None) -> str:
    """The post's absolute URL (a root-relative one when ``_config.yml`` has no ``url:``)."""
    post = read_post_file(site, post_path, site_config)
    return absolute_url(site_config, page_url(post, site_config, version))
