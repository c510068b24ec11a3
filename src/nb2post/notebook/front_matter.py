"""Front matter: gather it from every place a notebook can carry it, merge, validate, serialise.

Sources, later wins: site defaults < file name < notebook metadata (``jekyll`` then ``nb2post`` key)
< fastpages title cell < Quarto raw YAML cell. The two cells are taken out of the body.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import json
import re
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Nb2postError
from .reader import cell_source

_DATE_PREFIX = re.compile(r"^(\d{4})[-_](\d{1,2})[-_](\d{1,2})(?:[-_ ]+|$)")
_RAW_YAML = re.compile(r"\A\s*---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_TITLE_LINE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")
_KEY_LINE = re.compile(r"^-[ \t]+([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_SUMMARY_LINE = re.compile(r"^>[ \t]?(.*?)[ \t]*$")


class FrontMatterError(Nb2postError, ValueError):
    pass


@dataclass
class Extracted:
    """Front matter found in the notebook, and which cells carried it (to drop from the body)."""

    values: dict = field(default_factory=dict)
    consumed_cells: set[int] = field(default_factory=set)
    first_heading: str | None = None
    drop_first_heading: tuple[int, int] | None = None  # (cell index, line index) of a heading used as title


def parse_file_name(path: Path) -> tuple[dt.date | None, str]:
    """``2024-01-05-my-post.ipynb`` -> (date, 'my-post'). Folder-per-post ``2024-01-05-x/index.ipynb`` too."""
    date, name = file_name_parts(path)
    return date, slugify(name)


def file_name_parts(path: Path) -> tuple[dt.date | None, str]:
    """(the date, the name as written) of a notebook file name: ``2024-01-05-My post.ipynb`` -> 'My post'."""
    stem = path.stem
    if stem.lower() == "index" and path.parent.name:
        stem = path.parent.name
    match = _DATE_PREFIX.match(stem)
    date = None
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            date = dt.date(year, month, day)
        except ValueError:
            raise FrontMatterError(
                f"the file name starts with an impossible date {match.group(0).strip('-_ ')}; use YYYY-MM-DD"
            ) from None
        stem = stem[match.end() :] or stem
    return date, stem


def slugify(text: str) -> str:
    slug = re.sub(r"\s+", "-", text.strip())
    slug = re.sub(r"[^\w.-]+", "-", slug)
    slug = re.sub(r"-{2,}", "-", slug).strip("-.")
    return slug or "post"


def parse_date(value, where: str) -> tuple[dt.date, object]:
    """Validate a front matter date; returns (the day, the value to write back)."""
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
            return day, day
        except ValueError:
            pass
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})([ T].*)?$", text)
    if match:
        try:
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise FrontMatterError(f"{where}: date {text!r} is not a real day") from None
        return day, text
    raise FrontMatterError(f"{where}: date {text!r} is not a date; write it as YYYY-MM-DD")


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    return yaml


# How a YAML error is said: one line in a person's words (front matter, and _config.yml in nb2post.jekyll.config)
_YAML_CONTEXTS = {
    "while scanning a quoted scalar": "in the quoted text",
    "while scanning a block scalar": "in the | or > text",
    "while parsing a flow sequence": "in the [...] list",
    "while parsing a flow mapping": "in the {...} mapping",
    "while parsing a block collection": "in the list",
    "while parsing a block mapping": "in the mapping",
    "while constructing a mapping": "in the mapping",
    "while scanning a simple key": "in the key",
}
_YAML_WORDS = (
    ("'<stream end>'", "the end of the text"),
    ("end of stream", "end of the text"),
    ("<block end>", "the end of a block"),
)


def yaml_problem(exc, text: str, first_line: int = 1) -> str:
    """'line L, column C: what is wrong' of a ruamel.yaml error, counted in the file whose line
    ``first_line`` is the first of ``text``: no parser internals ("<unicode string>", a caret line)."""
    problem, mark = getattr(exc, "problem", None), getattr(exc, "problem_mark", None)
    if problem is None and isinstance(getattr(exc, "position", None), int):  # ReaderError: a character YAML refuses
        before = text[: exc.position]
        line, column = before.count("\n"), exc.position - (before.rfind("\n") + 1)
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        problem = f"{exc.reason or 'a character YAML refuses'} (U+{character:04X})"
    elif mark is not None:
        line, column = mark.line, mark.column
    else:
        return " ".join(str(exc).split("\n")[0].split())
    for parser_words, words in _YAML_WORDS:
        problem = problem.replace(parser_words, words)
    said = f"line {line + first_line}, column {column + 1}: {problem}"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    context = _YAML_CONTEXTS.get(context or "", "")
    if context and context_mark is not None:
        said += f" ({context} begun at line {context_mark.line + first_line}, column {context_mark.column + 1})"
    return said


def load_yaml(text: str, where: str, first_line: int = 1):
    """``text`` as YAML; FrontMatterError naming ``where`` and the line (``first_line`` is the first of
    ``text`` in its file or cell) when it is not."""
    from ruamel.yaml.error import YAMLError

    from .reader import without_lone_surrogates

    try:
        loaded = _yaml().load(text)
    except ValueError as exc:  # impossible timestamps such as 2024-02-30
        raise FrontMatterError(
            f"{where} has a date that is not a real day ({exc}); write dates as YYYY-MM-DD"
        ) from None
    except YAMLError as exc:
        raise FrontMatterError(f"{where} is not valid YAML: {yaml_problem(exc, text, first_line)}") from None
    # "\ud83d\ude00" in YAML loads as two halves of a pair, which YAML emitters then write as escapes that
    # Jekyll's Psych rejects (the whole site stops building): join them.
    holder = [loaded]
    without_lone_surrogates(holder)
    return holder[0]


def _scalar(text: str):
    """Value of a fastpages ``- key: value`` line. Only obvious YAML is parsed, so ``C# tips`` stays intact."""
    text = text.strip()
    if not text:
        return ""
    if text[0] in "[{":
        try:
            return load_yaml(text, "a '- key: value' line")
        except FrontMatterError:
            return text
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _unquote(text: str) -> str:
    """fastpages users quoted titles to dodge its YAML bug: ``# "a: b"`` means the title ``a: b``."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def title_cell(source: str) -> dict | None:
    """Parse a fastpages title cell; None when the cell holds anything besides title, summary and keys."""
    lines = [line for line in source.strip().split("\n")]
    if not lines:
        return None
    title = _TITLE_LINE.match(lines[0].strip())
    if not title:
        return None
    values: dict = {"title": plain_title(_unquote(title.group(1).strip()))}
    summary_seen = False
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            continue
        key = _KEY_LINE.match(stripped)
        if key:
            values[key.group(1)] = _scalar(key.group(2))
            continue
        summary = _SUMMARY_LINE.match(stripped)
        if summary and not summary_seen:
            values["description"] = plain_title(_unquote(summary.group(1)))
            summary_seen = True
            continue
        return None
    return values


def extract(cells: list[dict], notebook_metadata: dict, where: str) -> Extracted:
    found = Extracted()
    from_metadata: dict = {}
    for key in ("jekyll", "nb2post"):
        meta = notebook_metadata.get(key)
        if isinstance(meta, dict):
            from_metadata.update(meta)
    from_title_cell: dict = {}
    from_yaml_cell: dict = {}
    # Quarto: a raw (or markdown) first cell that is only a YAML block between --- lines.
    for index, cell in enumerate(cells):
        source = cell_source(cell)
        if not source.strip():
            continue
        match = _RAW_YAML.match(source) if cell.get("cell_type") in ("raw", "markdown") else None
        if match and source[match.end() :].strip() == "":
            data = load_yaml(
                match.group(1) or "",
                f"{where}: the YAML front matter in cell {index + 1}",
                source[: match.start(1)].count("\n") + 1,
            )
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise FrontMatterError(
                    f"{where}: the front matter in cell {index + 1} is YAML but not a set of 'key: value' lines"
                )
            from_yaml_cell = data
            found.consumed_cells.add(index)
        break
    # fastpages: the first markdown cell, when it is a title cell.
    for index, cell in enumerate(cells):
        if index in found.consumed_cells or cell.get("cell_type") != "markdown":
            continue
        source = cell_source(cell)
        if not source.strip():
            continue
        values = title_cell(source)
        if values is not None:
            from_title_cell = values
            found.consumed_cells.add(index)
        else:
            # only a level-1 heading opening the first markdown cell names the post: a later or smaller
            # heading is a section ("Setup", "Preparing Data"), and the file name is the better title
            title = heading_title(source)
            if title:
                found.first_heading = plain_title(title)
                found.drop_first_heading = (index, 0)
        break
    found.values = {**normalise(from_metadata), **normalise(from_title_cell), **normalise(from_yaml_cell)}
    return found


SETEXT_UNDERLINE = re.compile(r"^ {0,3}=+[ \t]*$")


def heading_title(source: str) -> str | None:
    """The text of a level-1 heading that opens a cell: ``# Title`` or ``Title`` underlined with ``===``."""
    lines = source.lstrip("\n").split("\n", 2)
    heading = _TITLE_LINE.match(lines[0].strip())
    if heading:
        return heading.group(1).strip()
    if (
        len(lines) > 1
        and SETEXT_UNDERLINE.match(lines[1])
        and lines[0].strip()
        and not lines[0].startswith(("    ", "\t"))
    ):
        return lines[0].strip()
    return None


def normalise(values: dict) -> dict:
    """One source's values with synonyms folded: ``summary`` is Jekyll's ``description``."""
    values = dict(values)
    if "summary" in values:
        summary = values.pop("summary")
        values.setdefault("description", summary)
    return values


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MARKUP = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> its alt text
    (re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])"), r"\1"),  # link -> its text
    (re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"), ""),  # HTML tags
    (re.compile(r"\s*\{:?[#.][^{}]*\}\s*$"), ""),  # kramdown attribute list {#id .class}
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),  # strike-through
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>$])"), r"\1"),  # backslash escapes
)


def plain_title(text: str) -> str:
    """A heading's text as a title: Markdown markup removed (`**0. Setup**` -> `0. Setup`), code text kept
    as written. Titles go into feeds, tabs and social cards, where markup would show as characters."""
    pieces = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(_strip_markup(text[position : match.start()]))
        pieces.append(match.group(2).strip())
        position = match.end()
    pieces.append(_strip_markup(text[position:]))
    return " ".join(html.unescape("".join(pieces)).split())


def _strip_markup(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _text(value) -> bool:
    return isinstance(value, str)


def _scalar_value(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _words(value) -> bool:
    """Jekyll's categories and tags: one space-separated text or a list of words."""
    return _text(value) if not isinstance(value, list) else all(_scalar_value(item) for item in value)


def _flag(value) -> bool:
    return isinstance(value, bool)


# The keys Jekyll, its common plugins and themes, and nb2post's targets interpret, with the types they can
# take. A wrong type either crashes Jekyll (`categories: false`, `permalink: true`, `slug: [a, b]`) or
# silently means something else (`published: 'no'` is a text, so the post IS published).
_TYPES = {
    "layout": (_text, "a layout name such as post"),
    "permalink": (_text, "a URL such as /blog/my-post/"),
    "slug": (_text, "a word such as my-post"),
    "categories": (_words, "a list of words such as [ml, python]"),
    "tags": (_words, "a list of words such as [ml, python]"),
    "published": (_flag, "true or false"),
    "title": (_scalar_value, "one line of text"),
    "description": (_scalar_value, "one line of text"),
    "excerpt": (_scalar_value, "one line of text"),
    "excerpt_separator": (_text, "a text such as <!--more-->"),
    "image": (lambda v: isinstance(v, (str, dict)), "a path or URL such as /images/cover.png"),
    "toc": (lambda v: isinstance(v, (bool, str)), "true, false or a TOC style"),
    "render_with_liquid": (_flag, "true or false"),
    "badges": (_flag, "true or false"),
    "comments": (_flag, "true or false"),
    "hide": (_flag, "true or false"),
    "search_exclude": (_flag, "true or false"),
    "use_math": (_flag, "true or false"),
    **{f"hide_{name}_badge": (_flag, "true or false") for name in ("github", "binder", "colab", "deepnote")},
}


MAX_DEPTH = 32  # the YAML emitter recurses per level: a deeper value would crash the write


def _too_deep(value) -> bool:
    level = [value]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, (dict, list)) for item in level)


def validate(values: dict, where: str, from_site: Set[str] = frozenset()) -> dict:
    """Check the types of the keys that Jekyll and the targets interpret; one clear error for the first
    wrong one. A number where a slug or title is meant is written as text (``slug: 2024``)."""
    values = dict(values)
    for key, value in values.items():
        if _too_deep(value):
            raise FrontMatterError(
                f"{where}: front matter '{key}' is nested more than {MAX_DEPTH} levels deep; no post needs that, fix the value"
            )
    for key, (accepts, expected) in _TYPES.items():
        value = values.get(key)
        if value is None or accepts(value):
            continue
        if key in ("slug", "title", "categories", "tags") and _scalar_value(value):  # `categories: 2024` crashes Jekyll
            values[key] = str(value)
            continue
        shown = json.dumps(value, ensure_ascii=False, default=str)[:80]
        origin = "_config.yml's 'nb2post: front_matter:'" if key in from_site else "its front matter"
        raise FrontMatterError(f"{where}: '{key}: {shown}' in {origin} is not valid: '{key}' must be {expected}")
    _check_path_values(values, where)
    for word in _category_words(values.get("categories")):
        if ":" in word and not _URI_SCHEME.match(word.split(":", 1)[0]):
            # Jekyll puts categories at the front of a post's URL, and `1:20/2024/…` then reads as a link with
            # the scheme '1': the build stops (Addressable::URI::InvalidURIError), for the whole site.
            raise FrontMatterError(
                f"{where}: category {word!r} stops the Jekyll build (it puts categories into the post's URL, where "
                f"'{word.split(':', 1)[0]}:' reads as a link scheme); write it without ':'"
            )
    return values


_URI_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*\Z")

# A file or folder name may hold 255 bytes (NAME_MAX on Linux, macOS and Windows' NTFS); Jekyll adds
# ".html" or "index.html" to the last part of a URL, so a part of one may hold less.
NAME_MAX = 255
_URL_PART_MAX = NAME_MAX - len(".html")


def _check_path_values(values: dict, where: str) -> None:
    """The values that become names of files and folders (the post's, its URL's in ``_site``, the card
    image's) must be names a file system takes: no NUL byte (which also stops the Jekyll build) and no
    part longer than a file name may be (ENAMETOOLONG, for nb2post or for Jekyll)."""
    image = values.get("image")
    named = [
        ("slug", values.get("slug"), NAME_MAX - len("YYYY-MM-DD-.md"), "the post's file name is made from it"),
        ("permalink", values.get("permalink"), _URL_PART_MAX, "Jekyll writes the page under it"),
        ("image", image.get("path") if isinstance(image, dict) else image, NAME_MAX, "it names a file"),
        *(
            ("categories", word, NAME_MAX, "Jekyll makes a folder of each category")
            for word in _category_words(values.get("categories"))
        ),
    ]
    for key, value, limit, why in named:
        if not isinstance(value, str):
            continue
        if "\0" in value:
            raise FrontMatterError(
                f"{where}: front matter '{key}' holds a NUL byte (\\0), which no file name and "
                "no Jekyll build takes; remove it"
            )
        longest = max(value.split("/"), key=lambda part: len(part.encode("utf-8", "surrogatepass")))
        size = len(longest.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise FrontMatterError(
                f"{where}: front matter '{key}' is too long for a file name ({size} bytes in "
                f"'{longest[:24]}…'; at most {limit}, as {why}); shorten it"
            )


def _category_words(value) -> list[str]:
    """Jekyll's categories: a space-separated text, or a list."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(item) for item in value if item is not None]
    return []


# Plain scalars that a YAML 1.1 reader (Jekyll's Psych, PyYAML) would not read back as a string.
_YAML11_NON_STRING = re.compile(
    r"""^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |~|null|Null|NULL
    |[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)
    |[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|=|<<
    |:.+)$""",  # Ruby's Psych reads a plain `:word` as a Symbol, which Jekyll's safe_load refuses
    re.X,
)


def dump(values: dict, verbatim: dict | None = None) -> str:
    """Serialise with a real YAML emitter; any title survives (':', '#', quotes, CJK, emoji).

    ruamel writes YAML 1.2, where ``yes`` or ``1:20`` are plain strings; Jekyll reads YAML 1.1, where
    they are a boolean and a number. Such strings are quoted.

    ``verbatim``: key -> (value, the lines a person wrote for it, see ``entries``): those lines are
    written as they are while the key still has that value, so what nobody changed keeps its quoting,
    comments and YAML forms (and Jekyll reads it as it did before).
    """
    if not verbatim:
        return _emitted(values)
    pieces: list[str] = []
    pending: dict = {}
    for key, value in values.items():
        kept = verbatim.get(key)
        if kept is not None and same_value(kept[0], value):
            if pending:
                pieces.append(_emitted(pending))
                pending = {}
            pieces.append(kept[1])
        else:
            pending[key] = value
    if pending:
        pieces.append(_emitted(pending))
    return "".join(pieces)


def _emitted(values: dict) -> str:
    stream = io.StringIO()
    _emitter().dump(_plain(values), stream)
    return stream.getvalue()


def same_value(one, other) -> bool:
    """Equal and of the same types throughout (YAML's ``1``, ``1.0`` and ``true`` are not one value)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return one.keys() == other.keys() and all(same_value(value, other[key]) for key, value in one.items())
    if isinstance(one, (list, tuple)):
        return len(one) == len(other) and all(same_value(a, b) for a, b in zip(one, other))
    return one == other


def entries(text: str, loaded: dict) -> dict:
    """The lines of each top-level key of the front matter ``text`` (a YAML mapping, read as ``loaded``)
    that say the same on their own: key -> lines, for ``dump``'s ``verbatim``. Comments go with the key
    above them (the first key takes the leading ones). Left out: a key whose lines need others to be read
    (an alias of an anchor set elsewhere, a merge key ``<<``), a key given twice, and everything of a
    flow mapping (``{a: 1, b: 2}``); those are written from their values."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode

    text = text.replace("\r\n", "\n")
    try:
        node = _yaml().compose(text)
    except (YAMLError, ValueError, RecursionError):
        return {}
    if not isinstance(node, MappingNode) or node.flow_style or not node.value:
        return {}
    starts = [key.start_mark.line for key, _ in node.value]
    if any(later <= earlier for earlier, later in zip(starts, starts[1:])):
        return {}
    lines = text.splitlines(keepends=True)
    bounds = zip([0] + starts[1:], starts[1:] + [len(lines)])
    found: dict = {}
    for start, end in bounds:
        lines_of_key = "".join(lines[start:end])
        try:
            alone = load_yaml(lines_of_key, "a front matter key")
        except FrontMatterError:
            continue
        if not isinstance(alone, dict) or len(alone) != 1:
            continue
        ((key, value),) = alone.items()
        if key in found or key not in loaded or not same_value(loaded[key], value):
            found[key] = None  # given twice, or merged over: its value says what Jekyll reads
            continue
        found[key] = lines_of_key if lines_of_key.endswith("\n") else lines_of_key + "\n"
    return {key: lines_of_key for key, lines_of_key in found.items() if lines_of_key is not None}


@functools.cache
def _emitter():
    """One emitter per process: building it costs more than writing a post's front matter with it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import SafeRepresenter

    yaml = YAML(typ="safe", pure=True)
    # options first: the representer is built with the options set when it is first used
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False

    def represent_str(representer, data):
        if _YAML11_NON_STRING.match(data):
            return representer.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return SafeRepresenter.represent_str(representer, data)

    yaml.representer.add_representer(str, represent_str)
    return yaml


def _plain(value):
    if isinstance(value, dict):
        # a key YAML reads as a number, date or null stays one (an owner's `1:`); others become text
        return {
            k if k is None or isinstance(k, (str, int, float, dt.date)) else str(k): _plain(v) for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
