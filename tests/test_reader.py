import codecs
import json
import re

import pytest

from nb2post.notebook import reader
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


def test_schema_invalid_but_read_as_is_is_a_note(tmp_path):
    """Nothing had to change to read it (only an id the schema forbids): information, not a fault; a
    notebook whose JSON had to be changed to be read gets a warning (test_reader's SCHEMA_BREAKS)."""
    nb = notebook([cell("markdown", "x", id="$not an id")])
    nb["nbformat_minor"] = 5
    parsed = reader.parse(_bytes(nb), tmp_path / "n.ipynb")
    assert parsed.cells and any("schema" in w and "invalid id" in w for w in parsed.notes)
    assert not parsed.warnings
    nb["cells"][0]["metadata"] = {"tags": "one"}  # a word where a list of words belongs: changed to read it
    assert any("schema" in w for w in reader.parse(_bytes(nb), tmp_path / "n.ipynb").warnings)


def test_missing_cell_ids_are_added_as_nbformat_normalises_them(tmp_path, corpus):
    """nbformat 4.5 requires ids, yet many tools write 4.5 without them (one notebook of the corpus's
    fastpages blogs): they are added, every cell's different, the same on every read, and nothing is said."""
    from nbformat.validator import isvalid

    nb = notebook([cell("markdown", "x"), cell("code", "y", id="kept"), cell("raw", "z")])
    nb["nbformat_minor"] = 5
    first, again = (reader.parse(_bytes(nb), tmp_path / "n.ipynb") for _ in range(2))
    ids = [c["id"] for c in first.cells]
    assert first.warnings == [] and ids == [c["id"] for c in again.cells]
    assert ids[1] == "kept" and len(set(ids)) == 3 and all(re.fullmatch(r"[0-9a-f]{8}", i) for i in ids[::2]), ids
    assert isvalid(first.content)
    real = reader.read(corpus / "greglandrum__rdkit-blog-fastpages" / "2021-11-26-highlighting-changed-bonds-in-reactions.ipynb")
    assert real.content["nbformat_minor"] >= 5 and all("id" in c for c in real.cells)
    assert real.warnings == [], real.warnings


def test_valid_notebook_has_no_warnings(tmp_path):
    parsed = reader.parse(_bytes(notebook([cell("markdown", "x")])), tmp_path / "n.ipynb")
    assert parsed.warnings == []


def test_old_formats_upgrade(corpus):
    for name in ("test2.ipynb", "test3.ipynb"):
        parsed = reader.read(corpus / "jupyter__nbformat" / name)
        assert parsed.content["nbformat"] == 4
        assert parsed.cells
        assert any("upgraded" in note for note in parsed.notes)  # a fact, not a fault: a note (-v)
        assert not any("upgraded" in w for w in parsed.warnings)


PNG64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
# Schema-invalid notebooks, each broken in one place (what a hand edit, a buggy tool or an attacker writes).
SCHEMA_BREAKS = {
    "source-item-null": lambda nb: nb["cells"][0].update(source=["# Title\n", None, 7, {"a": 1}]),
    "source-number": lambda nb: nb["cells"][1].update(source=12),
    "output-number": lambda nb: nb["cells"][1].update(outputs=[3, None, {"output_type": "stream", "name": "stdout", "text": "ok"}]),
    "outputs-string": lambda nb: nb["cells"][1].update(outputs="nope"),
    "data-list": lambda nb: nb["cells"][1]["outputs"].append({"output_type": "display_data", "metadata": [], "data": [1, "a"]}),
    "image-lines-null": lambda nb: nb["cells"][1]["outputs"].append({"output_type": "display_data", "metadata": {}, "data": {"image/png": [PNG64, None], "text/plain": [None]}}),
    "traceback-number": lambda nb: nb["cells"][1]["outputs"].append({"output_type": "error", "ename": "E", "evalue": "v", "traceback": 5}),
    "metadata-list": lambda nb: nb["cells"][1].update(metadata=["hide"]),
    "tags-text": lambda nb: nb["cells"][1].update(metadata={"tags": "remove-cell"}),
    "attachments-number": lambda nb: nb["cells"][0].update(attachments=1),
    "attachment-lines-null": lambda nb: nb["cells"][0].update(source="![x](attachment:a.png)", attachments={"a.png": {"image/png": [None]}}),
    "nb-metadata-list": lambda nb: nb.update(metadata=[1]),
    "kernelspec-number": lambda nb: nb["metadata"].update(kernelspec=1),
    "widget-state-null": lambda nb: nb["metadata"].update(widgets={"application/vnd.jupyter.widget-state+json": {"state": None}}),
    "widget-model-list": lambda nb: nb["cells"][1]["outputs"].append({"output_type": "display_data", "metadata": {}, "data": {"application/vnd.jupyter.widget-view+json": {"model_id": [None]}, "text/plain": "w"}}),
}
SCHEMA_ERRORS = {
    "cell-number": (lambda nb: nb["cells"].append(5), "cell 3 is int JSON, not a cell"),
    "cell-type-list": (lambda nb: nb["cells"][0].update(cell_type=[]), "cell 1 has no 'cell_type' text"),
}


def test_schema_invalid_notebooks_convert_with_a_warning_or_fail_in_one_line(tmp_path):
    from conftest import jekyll_build, make_site, run_cli, write_notebook

    site = make_site(tmp_path / "site")
    folder = site / "_notebooks"
    for name, damage in list(SCHEMA_BREAKS.items()) + [(n, d) for n, (d, _) in SCHEMA_ERRORS.items()]:
        path = write_notebook(folder / f"2024-01-01-{name}.ipynb", [cell("markdown", "# Title\nText"), cell("code", "print(1)")])
        nb = json.loads(path.read_text())
        damage(nb)
        path.write_text(json.dumps(nb))
    (folder / "2024-01-01-deep.ipynb").write_text('{"nbformat": 4, "metadata": ' + "[" * 100_000 + "]" * 100_000 + ', "cells": []}')
    done = run_cli("convert", "-v", "--site", str(site), str(folder))  # -v: a notebook read as is gets a note
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(SCHEMA_ERRORS) + 1, done.stderr
    for name, (_, message) in SCHEMA_ERRORS.items():
        assert any(f"2024-01-01-{name}.ipynb: {message}" in line for line in errors), errors
    assert any("2024-01-01-deep.ipynb: JSON nested too deeply" in line for line in errors)
    for name in set(SCHEMA_BREAKS) - {"widget-model-list"}:  # the schema allows any JSON there
        assert any(f"2024-01-01-{name}.ipynb: does not follow the notebook schema" in line for line in done.stderr.splitlines()), name
    assert len(list((site / "_posts").iterdir())) == len(SCHEMA_BREAKS)
    out = jekyll_build(site)
    page = next(out.rglob("source-item-null.html")).read_text(encoding="utf-8")
    assert "7" in page, "a number in a source list is kept as its text"


def test_unreadable_widget_state_is_a_note_since_the_post_shows_what_it_would_without_it(tmp_path):
    cells = [cell("markdown", "# Title\nText"), cell("code", "w", outputs=[{
        "output_type": "display_data", "metadata": {},
        "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "m1"}, "text/plain": "IntSlider(value=3)"}}])]
    saved = notebook(cells, widgets={"application/vnd.jupyter.widget-state+json": {"state": None}})
    parsed = reader.parse(_bytes(saved), tmp_path / "x.ipynb")
    assert parsed.warnings == [] and any("widget state" in note for note in parsed.notes), parsed.notes
    without = reader.parse(_bytes(notebook(cells)), tmp_path / "y.ipynb")
    assert parsed.content["cells"] == without.content["cells"]  # what is rendered is the same
    broken = notebook(cells, widgets={"application/vnd.jupyter.widget-state+json": {"state": None}})
    broken["cells"][1]["outputs"].append(3)  # an output dropped as well: something the reader would have seen
    assert reader.parse(_bytes(broken), tmp_path / "z.ipynb").warnings


def test_schema_repair_leaves_a_valid_notebook_alone(tmp_path):
    nb = notebook([cell("markdown", ["a\n", "b"]), cell("code", "x", outputs=[{"output_type": "stream", "name": "stdout", "text": ["1\n", "2"]}])])
    parsed = reader.parse(_bytes(nb), tmp_path / "x.ipynb")
    assert parsed.warnings == [] and parsed.content == nb


def test_kernel_language_with_a_newline_stays_one_word_in_the_fence(tmp_path):
    from nb2post.render import render

    nb = reader.parse(_bytes(notebook([], kernelspec={"language": "Python 3\n```\n<script>x</script>"})), tmp_path / "x.ipynb")
    assert render.kernel_language(nb) == "python-3"
    nb = reader.parse(_bytes(notebook([], kernelspec={"language": ["python"]})), tmp_path / "x.ipynb")
    assert render.kernel_language(nb) == "python"


def test_utf16_escapes_in_json_and_yaml_never_crash_or_break_the_build(tmp_path):
    """JSON may hold "\\ud800" (a lone half of a UTF-16 pair): it cannot be written as UTF-8 (the batch
    crashed with a traceback). YAML's "\\ud83d\\ude00" loads as two halves that the emitter wrote back as
    escapes Jekyll's Psych rejects (the whole site stopped building)."""
    import json

    from conftest import jekyll_build, make_site, run_cli

    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    nb = {
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"nb2post": {"description": "lone \ud800 half"}},
        "cells": [
            {"id": "a", "cell_type": "raw", "metadata": {}, "source": '---\ntitle: "caf\\u00e9 \\ud83d\\ude00"\n---'},
            {"id": "b", "cell_type": "markdown", "metadata": {}, "source": "prose \udfff here"},
            {"id": "c", "cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x = '\ud83d'",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "out \udc00"}]},
        ],
    }
    path = site / "_notebooks" / "2024-01-01-halves.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb), encoding="utf-8")  # json.dumps writes the lone halves as \\uXXXX escapes
    done = run_cli("convert", "--site", str(site), str(path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "broken UTF-16 escape" in done.stderr
    post = (site / "_posts" / "2024-01-01-halves.md").read_text(encoding="utf-8")
    assert "title: café 😀" in post and "\\u" not in post.split("---")[1]
    assert post.count("\ufffd") == 4  # description, prose, code and output: each lone half shown as U+FFFD
    page = (jekyll_build(site) / "2024" / "01" / "01" / "halves.html").read_text(encoding="utf-8")
    assert "café 😀" in page and "prose \ufffd here" in page


# --- the quick schema check (reader._Schema.quick_pass) gives the whole schema's verdict ----------------

MUTANTS = [None, 0, 1.5, -3, True, "", "x", "stream", "code", "raw", "markdown", "error", "display_data",
           "execute_result", "stdout", [], ["a", 1], ["a\n", "b"], {}, {"output_type": "error"},
           {"cell_type": "code"}, {"text/plain": 5}]
DELETE = object()


def _places(node, found):
    """Every (container, key) inside a notebook's JSON."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found.append((node, key))
        _places(value, found)
    return found


def _verdicts(content):
    import fastjsonschema

    schema = reader._schema(content.get("nbformat_minor") if isinstance(content.get("nbformat_minor"), int) else -1)
    try:
        schema.full()(content)
        whole = True
    except fastjsonschema.JsonSchemaException:
        whole = False
    return schema.quick_pass(content), whole


def test_the_quick_schema_check_agrees_with_the_whole_schema_on_real_and_damaged_notebooks(corpus):
    import random

    chooser = random.Random(20261130)
    checked = {True: 0, False: 0}
    for path in sorted(corpus.rglob("*.ipynb")):
        try:
            content = json.loads(path.read_bytes())
        except ValueError:
            continue
        if not isinstance(content, dict) or content.get("nbformat") != 4:
            continue
        quick, whole = _verdicts(content)
        assert quick == whole, path
        checked[whole] += 1
        places = _places(content, [])
        for _ in range(40):
            container, key = chooser.choice(places)
            if container is content and key == "nbformat_minor":
                continue  # (another schema: compared as well, but not the point here)
            before = container[key]
            replacement = chooser.choice([*MUTANTS, DELETE])
            if replacement is DELETE and isinstance(container, dict):
                del container[key]
            else:
                container[key] = replacement if replacement is not DELETE else None
            quick, whole = _verdicts(content)
            assert quick == whole, (path, key, replacement)
            checked[whole] += 1
            container[key] = before  # (a deleted key comes back at the end: order is not part of the verdict)
    assert checked[True] > 300 and checked[False] > 300, checked


def test_a_schema_problem_is_told_in_the_whole_schema_s_words():
    # the quick check's own message would name the output's text (it checks that output alone); the
    # message comes from the whole schema, as before the quick check existed
    nb = notebook([cell("markdown", "a"), cell("code", "x", outputs=[{"output_type": "stream", "name": "stdout", "text": 5}])])
    assert reader._schema_problem(nb) == "cells[1] must be valid exactly by one definition (0 matches found)"
    nb["cells"][1]["outputs"] = []
    nb["metadata"] = [1]
    assert reader._schema_problem(nb) == "metadata must be object"
    nb["metadata"] = {}
    assert reader._schema_problem(nb) is None


def test_the_compiled_schema_cache_survives_damage_and_an_unwritable_folder(tmp_path, monkeypatch):
    bad = notebook([cell("markdown", "a")])
    bad["metadata"] = [1]
    good = notebook([cell("code", "x", outputs=[{"output_type": "stream", "name": "stdout", "text": ["1"]}])])

    def fresh_answers():
        reader._schema.cache_clear()
        return reader._schema_problem(good), reader._schema_problem(bad)

    expected = (None, "metadata must be object")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert fresh_answers() == expected
    modules = sorted((tmp_path / "cache" / "nb2post").glob("nbschema_*.py"))
    assert len(modules) == 2  # the quick check's code and the whole schema's
    for module in modules:
        module.write_text("raise SystemError('damaged')\n")
    assert fresh_answers() == expected
    assert all("damaged" not in module.read_text() for module in modules)  # compiled again and replaced
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # no folder can be made there
    assert fresh_answers() == expected
    reader._schema.cache_clear()
