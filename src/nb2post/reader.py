"""Read a notebook file into a plain nbformat-4 dict.

Plain ``json`` does the parsing so that the common case (a valid v4 notebook) never pays for
importing ``nbformat``; nbformat is imported only to upgrade v2/v3 files and to validate the schema.
Problems that still leave a usable notebook come back as warnings; anything else raises
:class:`NotebookError` with one line that names the file and what is wrong.
"""
from __future__ import annotations

import codecs
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path


class NotebookError(Exception):
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

    @property
    def cells(self) -> list[dict]:
        return self.content.get("cells", [])

    @property
    def metadata(self) -> dict:
        return self.content.get("metadata", {}) or {}


def decode(data: bytes, path: Path | str) -> str:
    """Bytes to text: UTF-8 with or without BOM, UTF-16/32 with BOM."""
    for bom, encoding in (
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
    path = Path(path)
    text = decode(data, path)
    if not text.strip():
        raise NotebookError(path, "file is empty; it is not a notebook")
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            path, f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the file (or restore it from git)"
        ) from None
    if not isinstance(content, dict) or "nbformat" not in content:
        raise NotebookError(path, "JSON without an 'nbformat' key; it is not a Jupyter notebook")
    major = content.get("nbformat")
    if not isinstance(major, int):
        raise NotebookError(path, f"'nbformat' is {major!r}, not a version number")
    notes: list[str] = []
    if major > 4:
        raise NotebookError(path, f"nbformat {major} is newer than this nb2post understands (4); upgrade nb2post")
    if major < 4:
        content = _upgrade(text, content, path)
        notes.append(f"{path}: upgraded from nbformat {major} to 4")
    if not isinstance(content.get("cells", []), list):
        raise NotebookError(path, "'cells' is not a list")
    for index, cell in enumerate(content.get("cells", [])):
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise NotebookError(path, f"cell {index + 1} has no 'cell_type'")
    problem = _schema_problem(content)
    if problem:
        notes.append(f"{path}: does not follow the notebook schema ({problem}); converted anyway")
    return Notebook(path=path, content=content, warnings=notes)


def read(path: Path | str) -> Notebook:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotebookError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse(data, path)


def _upgrade(text: str, content: dict, path: Path) -> dict:
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            upgraded = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many kinds on malformed old files
        raise NotebookError(path, f"cannot upgrade nbformat {content.get('nbformat')} notebook: {exc}") from None
    return json.loads(json.dumps(upgraded))


def _schema_problem(content: dict) -> str | None:
    """First schema violation as short text, or None. Never raises."""
    try:
        import nbformat
        from nbformat.validator import ValidationError
    except ImportError:  # pragma: no cover - nbformat is a dependency
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            nbformat.validate(content)
        except ValidationError as exc:
            message = str(exc.message if hasattr(exc, "message") else exc).splitlines()[0]
            return message[:160]
        except Exception as exc:  # unknown minor versions and the like
            return str(exc).splitlines()[0][:160]
    for warning in caught:
        text = str(warning.message)
        if "missing an id" in text.lower():
            return "cells have no 'id' although nbformat 4.5 requires them"
    return None


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source or "")


def text_of(value) -> str:
    """Multiline strings in notebooks may be stored as a list of lines."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)
