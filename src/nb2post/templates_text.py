"""Load the text templates in ``templates/`` (installed as the package ``nb2post.templates``)."""

from __future__ import annotations

import functools
import string
from pathlib import Path


@functools.cache
def template_text(name: str) -> str:
    try:
        from importlib.resources import files

        return files("nb2post.templates").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        # running from a source checkout without an install
        return (Path(__file__).resolve().parents[2] / "templates" / name).read_text(encoding="utf-8")


def fill(name: str, **values) -> str:
    """``$name`` placeholders, filled strictly: a missing value is a bug, not an empty string."""
    return string.Template(template_text(name)).substitute(values)
