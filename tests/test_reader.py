import codecs
import json

import pytest

from nb2post import reader
from conftest import notebook, cell


def _bytes(nb, encoding="utf-8", bom=b""):
    return bom + json.dumps(nb, ensure_ascii=False).encode(encoding)


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
)
def test_encodings(encoding, bom, tmp_path):
    nb = notebook([cell("markdown", "héllo 你好 ✨")])
    parsed = reader.parse(_bytes(nb, encoding, bom), tmp_path / "x.ipynb")
    assert reader.cell_source(parsed.cells[0]) == "héllo 你好 ✨"


def test_broken_json_names_file_line_and_column(tmp_path):
    data = b'{\n "nbformat": 4,\n "cells": [,]\n}'
    with pytest.raises(reader.NotebookError) as info:
        reader.parse(data, tmp_path / "bad.ipynb")
    message = str(info.value)
    assert "bad.ipynb" in message and "line 3" in message and "column" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "empty"),
        (b"[1, 2]", "not a Jupyter notebook"),
        (b'{"nbformat": 5, "cells": []}', "newer"),
        (b'\xff\xfe\x00', "UTF-16"),
        (b'{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"source": "x"}]}', "cell 1"),
    ],
)
def test_unusable_files(data, expected, tmp_path):
    with pytest.raises(reader.NotebookError) as info:
        reader.parse(data, tmp_path / "n.ipynb")
    assert expected in str(info.value)


def test_schema_invalid_but_usable_warns(tmp_path):
    nb = notebook([cell("markdown", "x")])
    nb["nbformat_minor"] = 5  # 4.5 requires cell ids; this one has none
    parsed = reader.parse(_bytes(nb), tmp_path / "n.ipynb")
    assert parsed.cells and any("schema" in w for w in parsed.warnings)


def test_valid_notebook_has_no_warnings(tmp_path):
    parsed = reader.parse(_bytes(notebook([cell("markdown", "x")])), tmp_path / "n.ipynb")
    assert parsed.warnings == []


def test_old_formats_upgrade(corpus):
    for name in ("test2.ipynb", "test3.ipynb"):
        parsed = reader.read(corpus / "jupyter__nbformat" / name)
        assert parsed.content["nbformat"] == 4
        assert parsed.cells
        assert any("upgraded" in w for w in parsed.warnings)
