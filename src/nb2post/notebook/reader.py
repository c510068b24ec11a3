"""Read a notebook file into a plain nbformat-4 dict.

Plain ``json`` does the parsing so that the common case (a valid v4 notebook) never pays for
importing ``nbformat``; nbformat is imported only to upgrade v2/v3 files and to validate the schema.
Problems that still leave a usable notebook come back as warnings; anything else raises
:class:`NotebookError` with one line that names the file and what is wrong.
"""

from __future__ import annotations

import codecs
import functools
import json
import os
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Nb2postError


class NotebookError(Nb2postError):
    """A notebook that cannot be converted. ``str()`` is a one-line message naming the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass
class Notebook:
    path: Path
    content: dict
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts about the file that need no fix (shown with -v)

    @property
    def cells(self) -> list[dict]:
        return self.content.get("cells", [])

    @property
    def metadata(self) -> dict:
        return self.content.get("metadata", {}) or {}


def decode(data: bytes, path: Path | str) -> str:
    """Bytes to text: UTF-8 with or without BOM, UTF-16/32 with BOM."""
    for bom, encoding in (  # noqa: B007 (the loop breaks with the one found)
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            break
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NotebookError(path, f"not valid {encoding.upper()} text (byte {exc.start}); save it as UTF-8") from None


def parse(data: bytes, path: Path | str) -> Notebook:
    return _parse_taken([data], path)


def _parse_taken(holder: list, path: Path | str) -> Notebook:
    """parse() of the bytes in ``holder``, which it takes out of it. Memory: a notebook is held as bytes,
    then as text, then as parsed JSON; each form is dropped as soon as the next exists, so a 150 MB
    notebook never has all three at once. (The bytes come in a list, not as an argument: Python 3.10
    keeps a call's arguments referenced by its caller until the call returns.)"""
    path = Path(path)
    text = decode(holder.pop(), path)
    if not text or text.isspace():  # (not text.strip(): that copies the whole text)
        raise NotebookError(path, "file is empty; it is not a notebook")
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            path,
            f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the file (or restore it from git)",
        ) from None
    except RecursionError:
        raise NotebookError(
            path, "JSON nested too deeply (hundreds of levels) to be a notebook; fix the file"
        ) from None
    except ValueError as exc:  # (after JSONDecodeError, a ValueError too) Python's limit on digits
        if "digits" not in str(exc):
            raise
        raise NotebookError(
            path,
            f"holds a number with more than {_INT_DIGITS:,} digits, more than Python reads (and no notebook "
            "needs); fix the file",
        ) from None
    if not isinstance(content, dict) or "nbformat" not in content:
        raise NotebookError(path, "JSON without an 'nbformat' key; it is not a Jupyter notebook")
    major = content.get("nbformat")
    if not isinstance(major, int):
        raise NotebookError(path, f"'nbformat' is {major!r}, not a version number")
    escaped_surrogates = _SURROGATE_ESCAPE.search(text) is not None
    del text
    notes: list[str] = []
    facts: list[str] = []  # an old format read is normal, not a fault: a note (-v), not a warning
    if major > 4:
        raise NotebookError(path, f"nbformat {major} is newer than this nb2post understands (4); upgrade nb2post")
    if major < 4:
        facts += _heading_levels(content, path)  # the nearest level is written: nothing to fix
        minor = content.get("nbformat_minor")
        if "nbformat_minor" in content and (isinstance(minor, bool) or not isinstance(minor, int)):
            del content["nbformat_minor"]  # nbformat's upgrade stops on it without a word; it reads none as 0
            notes.append(
                f"{path}: 'nbformat_minor' is {json.dumps(minor)[:20]}, not a version number; read as "
                f"nbformat {major}.0"
            )
        content = _upgrade(json.dumps(content), content, path)  # (with the levels and minor version as read)
        facts.append(f"{path}: upgraded from nbformat {major} to 4")
    if not isinstance(content.get("cells", []), list):
        raise NotebookError(path, "'cells' is not a list")
    for index, cell in enumerate(content.get("cells", [])):
        if not isinstance(cell, dict):
            raise NotebookError(
                path, f"cell {index + 1} is {type(cell).__name__} JSON, not a cell (an object with 'cell_type')"
            )
        if not isinstance(cell.get("cell_type"), str):
            raise NotebookError(path, f"cell {index + 1} has no 'cell_type' text (markdown, code or raw)")
    if escaped_surrogates and without_lone_surrogates(content):
        notes.append(
            f"{path}: holds text with a broken UTF-16 escape (a lone \\ud800-\\udfff in the JSON); "
            "shown as U+FFFD \ufffd"
        )
    _add_missing_ids(content)
    problem = _schema_problem(content)
    repairs = _repair(content)
    if problem or repairs:  # a warning when something had to be changed to read it; else the notebook is read as is
        lossy = [repair for repair in repairs if repair not in _LOSSLESS_REPAIRS]
        (notes if lossy else facts).append(
            f"{path}: does not follow the notebook schema ({problem or repairs[0]}); converted anyway"
        )
    return Notebook(path=path, content=content, warnings=notes, notes=facts)


# JSON may spell text as UTF-16 escapes; json.loads joins a valid pair into one character but keeps a lone
# half (or YAML's loader keeps both halves apart), and such text cannot be written as UTF-8 at all.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_surrogates(text: str) -> str:
    """Join UTF-16 surrogate pairs into their character; a lone half becomes U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def without_lone_surrogates(value) -> bool:
    """Repair every string (keys too) inside ``value`` in place; True when one changed. Iterative: the
    document may be nested as deeply as the JSON parser allows."""
    changed = False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            broken = [key for key in item if isinstance(key, str) and _SURROGATE.search(key)]
            for key in broken:
                item[repair_surrogates(key)] = item.pop(key)
            changed = changed or bool(broken)
            slots = list(item.items())
        elif isinstance(item, list):
            slots = list(enumerate(item))
        else:
            continue
        for slot, child in slots:
            if isinstance(child, str):
                fixed = repair_surrogates(child)
                if fixed is not child:
                    item[slot] = fixed
                    changed = True
            else:
                stack.append(child)
    return changed


def _lines(value) -> str:
    """A multiline string as the schema allows it (text or a list of lines), whatever the file holds."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(item if isinstance(item, str) else _scalar_text(item) for item in value)
    return _scalar_text(value)


def _scalar_text(value) -> str:
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _dict_at(holder: dict, key: str, problems: list[str], where: str) -> dict:
    """holder[key] as a dict: a value of another JSON type is replaced by {} (and said)."""
    value = holder.get(key)
    if value is not None and not isinstance(value, dict):
        problems.append(f"{where}'{key}' is {type(value).__name__}, not an object")
        value = None
    if value is None and key in holder:
        holder[key] = {}
    return holder.get(key, {})


# Repairs that change nothing a reader sees: widgets whose saved state cannot be read show their text
# fallback, as they would with no state saved (the state is what Jupyter could not have shown either)
_WIDGET_STATE_UNREADABLE = "the saved widget state is not an object with 'state'"
_LOSSLESS_REPAIRS = frozenset({_WIDGET_STATE_UNREADABLE})


def _repair(content: dict) -> list[str]:
    """Bring a notebook into the shape every later stage relies on; the schema fixes made, as text.

    Wrong JSON types (a number as an output, a list as metadata, ``null`` in a source list) become the
    nearest valid value, so the rest of nb2post never meets them. Cell sources get ``\n`` line endings.
    """
    problems: list[str] = []
    meta = _dict_at(content, "metadata", problems, "")
    for key in ("kernelspec", "language_info", "widgets"):
        _dict_at(meta, key, problems, "metadata ")
    widgets = meta.get("widgets") or {}
    state = widgets.get("application/vnd.jupyter.widget-state+json")
    if state is not None and not (isinstance(state, dict) and isinstance(state.get("state"), dict)):
        problems.append(_WIDGET_STATE_UNREADABLE)
        widgets.pop("application/vnd.jupyter.widget-state+json")
    for index, cell in enumerate(content.get("cells", [])):
        where = f"cell {index + 1} "
        source = cell.get("source", "")
        if not (isinstance(source, str) or isinstance(source, list) and all(isinstance(item, str) for item in source)):
            problems.append(f"{where}'source' is not text")
            cell["source"] = _lines(source)
        if "\r" in cell_source(cell):  # CRLF (Windows, Quarto) or CR: the parsers downstream all split on \n
            cell["source"] = cell_source(cell).replace("\r\n", "\n").replace("\r", "\n")
        cell_meta = _dict_at(cell, "metadata", problems, where)
        tags = cell_meta.get("tags")
        if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            problems.append(f"{where}'tags' is not a list of words")
            cell_meta["tags"] = (
                [tags]
                if isinstance(tags, str)
                else [t for t in tags if isinstance(t, str)]
                if isinstance(tags, list)
                else []
            )
        attachments = _dict_at(cell, "attachments", problems, where)
        for name, bundle in list(attachments.items()):
            if not isinstance(bundle, dict):
                problems.append(f"{where}attachment {name!r} is not an object")
                del attachments[name]
                continue
            _text_values(bundle, problems, f"{where}attachment {name!r} ")
        if "outputs" in cell:
            _repair_outputs(cell, problems, where)
    return problems


def _text_values(bundle: dict, problems: list[str], where: str) -> None:
    """A mime bundle: list values are multiline strings; JSON types (dicts) stay for the JSON types."""
    for mime, value in bundle.items():
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            problems.append(f"{where}{mime} is not text")
            bundle[mime] = _lines(value)


def _repair_outputs(cell: dict, problems: list[str], where: str) -> None:
    outputs = cell["outputs"]
    if not isinstance(outputs, list):
        problems.append(f"{where}'outputs' is not a list")
        cell["outputs"] = []
        return
    kept = []
    for number, output in enumerate(outputs, 1):
        if not isinstance(output, dict):
            problems.append(f"{where}output {number} is {type(output).__name__}, not an output; left out")
            continue
        kept.append(output)
        _dict_at(output, "metadata", problems, f"{where}output {number} ")
        if "data" in output:
            _text_values(
                _dict_at(output, "data", problems, f"{where}output {number} "), problems, f"{where}output {number} "
            )
        text = output.get("text")
        if text is not None and not (
            isinstance(text, str) or isinstance(text, list) and all(isinstance(t, str) for t in text)
        ):
            problems.append(f"{where}output {number} 'text' is not text")
            output["text"] = _lines(text)
        trace = output.get("traceback")
        if trace is not None and not (isinstance(trace, list) and all(isinstance(line, str) for line in trace)):
            problems.append(f"{where}output {number} 'traceback' is not a list of lines")
            output["traceback"] = [_lines(line) for line in trace] if isinstance(trace, list) else [_lines(trace)]
    cell["outputs"] = kept


def read(path: Path | str, on_bytes: Callable[[bytes, os.stat_result], None] | None = None) -> Notebook:
    """The notebook at ``path``. ``on_bytes(data, stat)``: sees the file's bytes (and its fstat from
    before the read) before they are parsed, e.g. to hash them."""
    path = Path(path)
    return _parse_taken([_read_bytes(path, on_bytes)], path)  # the bytes are freed once decoded


def _read_bytes(path: Path, on_bytes=None) -> bytes:
    from ..paths import open_regular

    try:
        stream, st = open_regular(path)
        with stream:
            data = stream.read()
    except OSError as exc:
        raise NotebookError(path, f"cannot read: {exc.strerror or exc}") from None
    if on_bytes is not None:
        on_bytes(data, st)
    return data


_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)()


def _heading_levels(content: dict, path: Path) -> list[str]:
    """nbformat 3's heading cells become Markdown headings ('#' times the level) on upgrade: a level
    outside 1-6 is set to the nearest one (and said), as Markdown has no other; one that is no number
    at all is an error naming the cell."""
    facts = []
    worksheets = content.get("worksheets")
    cells = (
        [
            cell
            for sheet in worksheets
            if isinstance(sheet, dict)
            for cell in sheet.get("cells") or []
            if isinstance(cell, dict)
        ]
        if isinstance(worksheets, list)
        else []
    )
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "heading" or "level" not in cell:
            continue
        level = cell["level"]
        if isinstance(level, bool) or not isinstance(level, (int, float)) or level != level:
            raise NotebookError(
                path,
                f"cell {index + 1} is a heading of level {json.dumps(level)[:20]}, not a number "
                "from 1 to 6; fix the level (or re-save the notebook with Jupyter)",
            )
        nearest = 6 if level > 6 else 1 if level < 1 else int(level)
        if nearest != level:
            facts.append(
                f"{path}: cell {index + 1} is a heading of level {level}; written as level {nearest} "
                "(Markdown has levels 1 to 6)"
            )
        cell["level"] = nearest
    return facts


def _upgrade(text: str, content: dict, path: Path) -> dict:
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upgraded = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many kinds on malformed old files
        raise NotebookError(path, f"cannot upgrade nbformat {content.get('nbformat')} notebook: {exc}") from None
    return json.loads(json.dumps(upgraded))


def _add_missing_ids(content: dict) -> None:
    """Give every cell of an nbformat 4.5+ notebook an id, as ``nbformat.validator.normalize`` does: many
    tools write 4.5 without them, which is nothing an owner needs to fix. nbformat draws 8 random hex
    digits; these are 8 hex digits from the cell's place, so a notebook reads the same on every run."""
    minor = content.get("nbformat_minor")
    cells = content.get("cells") or []
    if not isinstance(minor, int) or minor < 5 or all("id" in cell for cell in cells):
        return
    import hashlib

    taken = {str(cell["id"]) for cell in cells if "id" in cell}
    for index, cell in enumerate(cells):
        if "id" in cell:
            continue
        seed = f"{index}"
        while True:
            made = hashlib.sha256(seed.encode()).hexdigest()[:8]
            if made not in taken:
                break
            seed += "+"
        cell["id"] = made
        taken.add(made)


def _schema_problem(content: dict) -> str | None:
    """First schema violation as short text, or None. Never raises."""
    minor = content.get("nbformat_minor")
    schema = _schema(minor if isinstance(minor, int) else -1)
    if schema is None:
        return None
    if schema.quick_pass(content):
        return None
    import fastjsonschema

    try:
        schema.full()(content)  # the whole schema at once: its first problem, in its own words
    except fastjsonschema.JsonSchemaException as exc:
        message = str(exc).replace("data.", "", 1)
        # fastjsonschema's "data must contain ['nbformat_minor'] properties": the key that is missing
        message = re.sub(
            r"^(?:data|(\S+)) must contain \[(.+?)\] properties$",
            lambda m: f"{m.group(1) or 'the notebook'} has no {m.group(2)}",
            message,
        )
        match = re.match(r"cells\[(\d+)\] must be valid exactly by one definition", message)
        if match:
            message = _cell_problem(content, int(match.group(1))) or message
        return message[:160]
    except Exception as exc:  # a validator bug must not stop a conversion
        return f"could not be checked ({type(exc).__name__})"
    return None


_REQUIRED = {
    "code": ("source", "metadata", "outputs", "execution_count"),
    "markdown": ("source", "metadata"),
    "raw": ("source", "metadata"),
}


def _cell_problem(content: dict, index: int) -> str | None:
    """Say what is wrong with a cell in words, where the schema can only say 'no definition matched'."""
    cell = content["cells"][index]
    kind = cell.get("cell_type")
    if kind not in _REQUIRED:
        return f"cell {index + 1} has the unknown type {kind!r}"
    missing = [key for key in _REQUIRED[kind] if key not in cell]
    if (content.get("nbformat_minor") or 0) >= 5 and "id" not in cell:
        return f"cell {index + 1} has no 'id' although nbformat 4.5 requires one"
    if "id" in cell and not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", str(cell["id"])):
        return f"cell {index + 1} has an invalid id {str(cell['id'])[:40]!r}"
    if missing:
        return f"cell {index + 1} lacks {', '.join(repr(m) for m in missing)}"
    return None


class _Schema:
    """nbformat's JSON schema for one minor version, checked two ways with the same verdict.

    The schema says a cell is ``oneOf`` raw, markdown or code cell, and an output ``oneOf`` its four
    kinds. fastjsonschema checks a ``oneOf`` by trying every branch and counting, raising and catching
    an exception for each branch that fails: most of a valid notebook's check time. But each branch
    requires its own ``cell_type`` (``output_type``) value, so exactly one branch can match, the one
    named by that value. ``quick_pass`` checks each cell and output against that branch alone (and
    a multiline string as one type check, see ``_merge_type_branches``); a notebook it does not pass is
    checked again against the whole schema (``full``), so a problem is always reported in the same
    words."""

    def __init__(self, schema_bytes: bytes):
        self.schema_bytes = schema_bytes
        self.cells: dict = {}  # cell_type -> the check of that branch
        self.outputs: dict = {}  # output_type -> the check of that branch
        self.skeleton = None  # the whole schema with every cell and output accepted as it is
        schema = json.loads(schema_bytes)
        definitions = schema.get("definitions", {})
        cells = _branches(definitions, "cell", "cell_type")
        outputs = _branches(definitions, "output", "output_type")
        if cells is None or outputs is None:
            return  # a schema of another shape: the full check only
        _merge_type_branches(schema)
        for name, branches in (("cell", cells), ("output", outputs)):
            # anyOf with an empty first branch passes at once, yet makes fastjsonschema compile a check
            # for each named branch (validate___definitions_NAME), which quick_pass calls directly
            definitions[name] = {"anyOf": [{}, *({"$ref": f"#/definitions/{ref}"} for ref in branches.values())]}
        module = _compiled(schema, b"quick-2")
        if module is None:
            return
        self.cells = {kind: module.get(f"validate___definitions_{ref}") for kind, ref in cells.items()}
        self.outputs = {kind: module.get(f"validate___definitions_{ref}") for kind, ref in outputs.items()}
        if None not in (*self.cells.values(), *self.outputs.values()):
            self.skeleton = module.get("validate")

    def quick_pass(self, content: dict) -> bool:
        """True when the notebook follows the schema; False when it may not (then ask ``full``)."""
        if self.skeleton is None:
            return False
        try:
            self.skeleton(content)
            for cell in content["cells"]:
                self.cells[cell["cell_type"]](cell)
                if cell["cell_type"] == "code":
                    for output in cell["outputs"]:
                        self.outputs[output["output_type"]](output)
        except Exception:  # a problem, or a cell or output of no known kind: the full check says which
            return False
        return True

    @functools.cached_property
    def _full(self):
        module = _compiled(json.loads(self.schema_bytes), b"full")
        return None if module is None else module.get("validate")

    def full(self):
        if self._full is None:
            raise RuntimeError("the schema could not be compiled")
        return self._full


def _merge_type_branches(node) -> None:
    """Rewrite, throughout ``node``, each ``oneOf`` of branches that differ by type alone into one ``type``
    list: ``oneOf: [{type: string}, {type: array, items: X}]`` (nbformat's multiline string) passes
    exactly what ``{type: [string, array], items: X}`` passes, as ``items`` applies to arrays only, and
    is checked without an exception for the branch that fails."""
    if isinstance(node, list):
        for item in node:
            _merge_type_branches(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _merge_type_branches(value)
    branches = node.get("oneOf")
    if not isinstance(branches, list) or "type" in node or "items" in node:
        return
    types, items = [], None
    for branch in branches:
        kind = branch.get("type") if isinstance(branch, dict) else None
        extra = set(branch) - {"type", "description"} if isinstance(branch, dict) else {None}
        if kind not in {"string", "array", "object", "boolean", "null"} or kind in types:
            return  # (integer and number overlap: not merged)
        if extra - ({"items"} if kind == "array" else set()):
            return
        types.append(kind)
        items = branch.get("items", items)
    del node["oneOf"]
    node["type"] = types
    if items is not None:
        node["items"] = items


def _branches(definitions: dict, name: str, key: str) -> dict | None:
    """{value of ``key``: definition} for the ``oneOf`` branches of definition ``name``, when each branch is
    a definition that requires ``key`` to be one value of its own; else None."""
    found: dict = {}
    for branch in definitions.get(name, {}).get("oneOf", [None]):
        ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
        target = definitions.get(ref.removeprefix("#/definitions/")) if ref.startswith("#/definitions/") else None
        if not isinstance(target, dict) or key not in target.get("required", []):
            return None
        values = target.get("properties", {}).get(key, {}).get("enum")
        if not (isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)) or values[0] in found:
            return None
        found[values[0]] = ref.removeprefix("#/definitions/")
    return found or None


@functools.cache
def _schema(minor: int) -> _Schema | None:
    """nbformat's own JSON schema for this minor version (its newest for an unknown minor), or None."""
    import importlib.util

    spec = importlib.util.find_spec("nbformat")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "v4"
    schema_file = folder / f"nbformat.v4.{minor}.schema.json"
    if not schema_file.is_file():
        schema_file = folder / "nbformat.v4.schema.json"
    try:
        return _Schema(schema_file.read_bytes())
    except (OSError, ValueError):
        return None


def _compiled(schema: dict, variant: bytes) -> dict | None:
    """The names fastjsonschema's code for ``schema`` defines (``validate`` and one function per
    definition it reaches), or None when it cannot compile it.

    Compiling takes ~70 ms and importing ``nbformat.validator`` ~180 ms, so the code is cached as a small
    module in the user's cache folder, keyed by the schema and ``variant``: later runs load it in ~2 ms."""
    import hashlib
    import importlib.util
    import os

    import fastjsonschema

    text = json.dumps(schema, sort_keys=True).encode()
    key = hashlib.sha256(variant + b"\0" + text).hexdigest()[:16]
    from ..paths import user_cache

    cache = user_cache()
    module_file = cache / f"nbschema_{key}.py"
    if module_file.is_file():
        try:
            loader = importlib.util.spec_from_file_location(f"nb2post_nbschema_{key}", module_file)
            module = importlib.util.module_from_spec(loader)
            loader.loader.exec_module(module)
            return vars(module)
        except Exception:  # a damaged cache file: compiled again and replaced
            pass
    try:
        code = fastjsonschema.compile_to_code(schema)
        namespace: dict = {}
        exec(compile(code, "<nbformat schema>", "exec"), namespace)
    except Exception:  # a schema fastjsonschema cannot compile
        return None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = module_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(code, encoding="utf-8")
        os.replace(temporary, module_file)
    except OSError:  # no writable cache: compiled in memory again next time
        pass
    return namespace


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source or "")


def text_of(value) -> str:
    """Multiline strings in notebooks may be stored as a list of lines."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)
