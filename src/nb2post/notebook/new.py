"""A new post's notebook (``nb2post new``): named ``YYYY-MM-DD-<slug>.ipynb`` in the site's notebooks
folder, with the front matter in the site's own style, ready to write in and to convert.

fastpages blogs get fastpages' title cell (``# Title``, ``> description``, ``- key: value`` lines), which
their authors know; every other site a Quarto-style raw cell holding YAML between ``---`` lines. nb2post
reads both (nb2post.notebook.front_matter).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Nb2postError
from .front_matter import slugify

# What Jupyter itself writes for its Python kernel (ipykernel's kernel.json).
PYTHON_KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class NewError(Nb2postError, ValueError):
    """The notebook cannot be made (exists already, folder not writable); the message names the fix."""


@dataclass
class Draft:
    """What the new post starts with."""

    title: str
    date: dt.date
    description: str = ""
    categories: list[str] = field(default_factory=list)
    toc: bool = False


def file_name(draft: Draft) -> str:
    """``2024-05-01-my-first-post.ipynb``: the date, then the title as a lower-case URL slug. (A new post
    has no published URL to keep, so fastpages blogs get the same clean slug.)"""
    return f"{draft.date.isoformat()}-{slugify(draft.title).lower()}.ipynb"


def front_matter_cell(draft: Draft, fastpages: bool) -> dict:
    """The cell holding the front matter, as nbformat's cell fields (cell_type, source)."""
    if fastpages:
        title = _title_cell_text(draft.title)
        description = _title_cell_text(draft.description)
        categories = "[" + ", ".join(_flow_item(c) for c in draft.categories) + "]"
        lines = [
            f"# {title}",
            f"> {description}".rstrip(),
            "",
            f"- toc: {str(draft.toc).lower()}",
            "- badges: true",
            "- comments: false",
            f"- categories: {categories}",
        ]
        return {"cell_type": "markdown", "source": "\n".join(lines)}
    from .front_matter import dump

    values = {
        "title": draft.title,
        "description": draft.description,
        "categories": list(draft.categories),
        "toc": draft.toc,
    }
    return {"cell_type": "raw", "source": f"---\n{dump(values)}---"}


def _title_cell_text(text: str) -> str:
    """``text`` as a title cell line reads it back: on one line, and quoted when the reader would
    otherwise take something off (a heading's closing ``#``s, quotes around the whole line)."""
    text = " ".join(text.split())
    if text.endswith("#") or (len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'"):
        return f'"{text}"'
    return text


def _flow_item(text: str) -> str:
    """An item of a YAML flow list (``[a, b]``): plain when it is a simple word YAML reads as text, else
    double-quoted (JSON's quoting is YAML's), so ``C# tips``, ``a, b``, ``2024`` or ``yes`` stay a category."""
    import json
    import re

    plain = re.fullmatch(r"[^\W\d_][\w-]*", text) and text.lower() not in _YAML_WORDS
    return text if plain else json.dumps(text, ensure_ascii=False)


_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def kernelspec(name: str) -> tuple[dict, str | None]:
    """(the notebook's kernelspec for kernel ``name``, a warning or None). Python's is known; another is
    read from the kernels installed here (jupyter_client), else named as given, with a warning."""
    if name == PYTHON_KERNEL["name"]:
        return dict(PYTHON_KERNEL), None
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        spec = KernelSpecManager().get_kernel_spec(name)
    except ImportError:
        spec = None
    except NoSuchKernel:
        spec = None
    if spec is None:
        return {"name": name, "display_name": name}, (
            f"no Jupyter kernel named {name!r} is installed here ('jupyter kernelspec list' shows those that are); "
            "the notebook names it anyway"
        )
    return {"name": name, "display_name": spec.display_name, "language": spec.language}, None


def notebook_text(draft: Draft, fastpages: bool, spec: dict) -> str:
    """The notebook as Jupyter writes it (nbformat 4.5, with cell ids): the front matter cell, then an
    empty markdown and an empty code cell to write in."""
    import nbformat
    from nbformat import v4

    first = front_matter_cell(draft, fastpages)
    make = v4.new_markdown_cell if first["cell_type"] == "markdown" else v4.new_raw_cell
    cells = [make(first["source"]), v4.new_markdown_cell(""), v4.new_code_cell("")]
    metadata = {"kernelspec": spec}
    if spec.get("language"):
        metadata["language_info"] = {"name": spec["language"]}
    return nbformat.writes(v4.new_notebook(cells=cells, metadata=metadata)) + "\n"


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` only if nothing is there: written whole to a temporary file in the same
    folder, then linked into place (``link`` fails when the name exists, so a notebook that appeared in
    the meantime is never overwritten either)."""
    import tempfile

    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".nb2post-new-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise NewError(f"{folder}: cannot write there: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # as an editor's new file, not mkstemp's 0600
        _link_new(temporary, path)
    except FileExistsError:
        raise NewError(
            f"{path}: exists already; not overwritten. Choose another title or --date, or open that notebook"
        ) from None
    except OSError as exc:
        raise NewError(f"{path}: cannot write it: {exc.strerror or exc}") from None
    finally:
        os.unlink(temporary)


def _link_new(temporary: str, path: Path) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: create exclusively, then copy the text in
        import shutil

        with open(path, "xb") as target, open(temporary, "rb") as source:
            try:
                shutil.copyfileobj(source, target)
            except BaseException:
                os.unlink(path)  # never half a notebook
                raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
