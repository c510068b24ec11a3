"""Property-based: generated notebooks, converted into a strict-Liquid site and built by real Jekyll.

Each example is a batch of notebooks made from hostile pieces — every cell and output type, directives,
attachments, Liquid, HTML, math, odd file names, front matter from every source with odd values, and local
references that point outside the repository. For every batch:

* the command ends with exit status 0 or 1, never a traceback or an "internal error", and each notebook
  that fails has one error line naming it — also for bad input (``bad_input``: names too long for a file
  system, NUL bytes in front matter that makes paths, integers longer than Python reads, nbformat 3
  headings of odd levels);
* nothing is written outside the site, and no byte of a file outside the repository reaches the site;
* the site builds with strict Liquid (every accepted post builds);
* every line of every visible code cell — ``{{`` and ``{%`` included — shows literally on its page.

The CI profile runs a few fixed batches (deterministic, so a red CI is reproducible). The long profile is a
documented command (README, "Fuzzing")::

    NB2POST_FUZZ_EXAMPLES=420 python -m pytest tests/test_fuzz.py -p no:cacheprovider   # 5,040 notebooks
"""
from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import jekyll_build  # noqa: E402
from nb2post.post import read_marker  # noqa: E402

EXAMPLES = int(os.environ.get("NB2POST_FUZZ_EXAMPLES", "15"))
LONG = "NB2POST_FUZZ_EXAMPLES" in os.environ
NOTEBOOKS_PER_BATCH = int(os.environ.get("NB2POST_FUZZ_BATCH", "12"))
SECRET = "NB2POST-SECRET-7f3a9c"

# 1×1 PNG, valid.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()

HOSTILE_TEXT = [
    "{{ x }}", "{% raw %}", "{% endraw %}", "{%", "{{", "}}", "%}", "{{ site.x | foo }}", "{% include x.html %}",
    "<table><tr><td>x", "<script>alert(1)</script>", "</div>", "<div>", "<!--", "-->", "<details>",
    "$x_1$", "$$\\sum_i x_i^2$$", "$5 and $10", "$1/\\pi$", "\\(a_b\\)", "\\[x\\]", "\\begin{align}a&=b\\end{align}",
    "| a | b |", "|", "*emph*", "_u_", "`code`", "``", "#hide", "#| echo: false", "# Heading", "## Sub",
    "![x](../../../../etc/passwd)", "![s](../outside/secret.png)", "![m](missing.png)", "<img src='../outside/secret.png'>",
    "[link](http://example.com)", "https://example.com/a_(b)", "> Note: careful", "> youtube: https://youtu.be/x",
    "- key: value", "---", "日本語", "😀👍🏽", "café", "\u202eevil", "[^1]", "{% fn 1 %}", "{{ 'a' | fndetail: 1 }}",
    ":", "#", "'", '"', "yes", "null", "1:20", "~~~", "```",
]
CODE_TEXT = [
    "x = 1", "print('{{ x }}')", "s = '{% raw %}{% endraw %}'", "d = {'a': {'b': 1}}", "html = '<script>alert(1)</script>'",
    "t = '</code></pre>'", "y = a | b", "z = $x$", "```", "~~~", "if x:\n    pass", "f'{x}'", "'''docstring'''",
    "{{", "{%", "print(\"日本語 😀\")", "a = b  # {{ comment }}", "<table>", "\\(", "$$",
]
DIRECTIVES = ["#hide", "#hide_input", "#hide_output", "#collapse", "#collapse-show", "#collapse_output",
              "#| echo: false", "#| include: false", "#| code-fold: true", "#show-collapse"]
TAGS = ["remove-cell", "remove-input", "remove-output", "hide-input", "hide-output", "hide-cell", "other"]
NAME_PIECES = ["post", "{{x}}", "{% raw %}", "a b", "日本", "x..y", "-", "_", "Café", "a,b", "%20", "#", "q?", "UP"]
ODD_VALUES = ["A: title", "# not a comment", "yes", "no", "{{ x }}", "{% raw %}", "<b>bold</b>", "日本語のタイトル",
              "\"quoted\"", "'single'", "1:20", "null", "  spaced  ", "😀", "line\\nbreak", "[a, b]", "- item"]

text_piece = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(alphabet=st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ue000\ue001"), max_size=12))
prose = st.lists(text_piece, min_size=1, max_size=8).map(lambda parts: " ".join(parts)).flatmap(
    lambda line: st.lists(st.just(line) | text_piece, min_size=1, max_size=4).map("\n".join))


def _output(kind: str, text: str) -> dict:
    if kind == "stream":
        return {"output_type": "stream", "name": "stdout", "text": text + "\n"}
    if kind == "error":
        return {"output_type": "error", "ename": "ValueError", "evalue": text,
                "traceback": ["\x1b[0;31mValueError\x1b[0m: " + text]}
    data = {
        "text": {"text/plain": text},
        "html": {"text/html": text, "text/plain": "fallback"},
        "png": {"image/png": PNG, "text/plain": "<Figure>"},
        "svg": {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'},
        "latex": {"text/latex": "$" + text + "$", "text/plain": text},
        "markdown": {"text/markdown": text},
        "json": {"application/json": {"a": text}},
        "widget": {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2,
                                                                 "version_minor": 0}, "text/plain": text},
        "unknown": {"application/x-nothing": "?"},
    }[kind]
    return {"output_type": "execute_result" if kind == "text" else "display_data", "data": data, "metadata": {},
            **({"execution_count": 1} if kind == "text" else {})}


outputs = st.lists(
    st.tuples(st.sampled_from(["stream", "error", "text", "html", "png", "svg", "latex", "markdown", "json",
                               "widget", "unknown"]), text_piece).map(lambda kt: _output(*kt)),
    max_size=3,
)


@st.composite
def code_cell(draw):
    lines = draw(st.lists(st.sampled_from(CODE_TEXT) | text_piece.filter(lambda t: "\n" not in t and "\r" not in t),
                          min_size=1, max_size=5))
    lines = [line for line in lines if not line.lstrip().startswith("#")]  # comments could read as directives
    directive = draw(st.none() | st.sampled_from(DIRECTIVES))
    tags = draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
    source = "\n".join(([directive] if directive else []) + lines)
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {"tags": tags}, "source": source,
            "outputs": draw(outputs)}
    plain = directive is None and not (set(tags) & {"remove-cell", "remove-input"})
    return cell, (lines if plain else [])


@st.composite
def markdown_cell(draw):
    cell = {"cell_type": "markdown", "metadata": {}, "source": draw(prose)}
    if draw(st.booleans()):
        cell["source"] += "\n\n![pasted](attachment:p.png)"
        cell["attachments"] = {"p.png": draw(st.sampled_from([
            {"image/png": PNG}, {"image/png": "not base64!"}, {"image/svg+xml": PNG, "image/png": PNG}]))}
    return cell, []


@st.composite
def raw_cell(draw):
    fmt = draw(st.sampled_from(["", "text/markdown", "text/html", "text/latex", "text/restructuredtext"]))
    return {"cell_type": "raw", "metadata": {"raw_mimetype": fmt} if fmt else {}, "source": draw(prose)}, []


@st.composite
def notebook(draw):
    cells, visible_code = [], []
    head = draw(st.sampled_from(["none", "title", "yaml", "yaml-crlf", "metadata"]))
    value = lambda: draw(st.sampled_from(ODD_VALUES))  # noqa: E731
    metadata: dict = {"kernelspec": {"name": "python3", "language": draw(st.sampled_from(
        ["python", "python\nevil", "R", "", "c++"])), "display_name": "x"}}
    if head == "title":
        lines = [f"# {value()}", f"> {value()}", f"- categories: [{value()}]", f"- toc: {draw(st.booleans())}".lower()]
        lines += draw(st.lists(st.sampled_from(["- badges: false", "- comments: true", "- hide_colab_badge: true",
                                                 "- categories: false", "- slug: [a, b]", "- author: " + value()]),
                               max_size=2))
        cells.append({"cell_type": "markdown", "metadata": {}, "source": "\n".join(lines)})
    elif head.startswith("yaml"):
        eol = "\r\n" if head == "yaml-crlf" else "\n"
        body = eol.join(["---", f"title: {json.dumps(value())}", f"description: {json.dumps(value())}",
                         f"tags: [{json.dumps(value())}]", "---"])
        cells.append({"cell_type": "raw", "metadata": {}, "source": body})
    elif head == "metadata":
        metadata["nb2post"] = {"title": value(), "description": value(), "categories": [value()]}
    for kind in draw(st.lists(st.sampled_from(["code", "markdown", "raw"]), min_size=1, max_size=7)):
        made, lines = draw({"code": code_cell(), "markdown": markdown_cell(), "raw": raw_cell()}[kind])
        cells.append(made)
        visible_code.append(lines)
    for index, item in enumerate(cells):
        item["id"] = f"c{index}"
    name = "-".join(draw(st.lists(st.sampled_from(NAME_PIECES), min_size=1, max_size=3)))
    dated = draw(st.booleans())
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}, name, dated, visible_code


# Bad input that must give one clear error line (or a post that builds), never an internal error: names
# longer than a file name may be (255 bytes), NUL bytes where Jekyll makes paths, integers longer than
# Python reads (4,300 digits), nbformat 3 headings of odd levels and odd minor versions.
long_text = st.tuples(st.sampled_from(["x", "é", "日", "a-b"]), st.integers(200, 320)).map(lambda p: (p[0] * p[1])[:320])
with_nul = st.sampled_from(["a\0b", "\0", "ml\0"])
LEVELS = [0, -1, 1, 6, 7, 9, 2.5, 2.0, "x", "2", None, True, 1e300, [1]]
BIG = "<an integer of thousands of digits>"


@st.composite
def bad_input(draw):
    """(notebook dict or raw JSON text, name, dated, visible code): one of the families above."""
    family = draw(st.sampled_from(["front-matter", "attachment", "long-name", "big-int", "nbformat-3"]))
    name = draw(st.sampled_from(NAME_PIECES))
    title = {"cell_type": "markdown", "metadata": {}, "source": "# Bad input\n> s"}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [title]}
    if family == "front-matter":
        key = draw(st.sampled_from(["slug", "permalink", "categories", "image", "image-path"]))
        value = draw(long_text | with_nul)
        values = {"slug": {"slug": value}, "permalink": {"permalink": f"/{value}/"}, "categories": {"categories": [value]},
                  "image": {"image": value + ".png"}, "image-path": {"image": {"path": value + ".png"}}}[key]
        nb["metadata"]["nb2post"] = values
    elif family == "attachment":
        attachment = draw(long_text) + ".png"
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"![p](attachment:{attachment})",
                            "attachments": {attachment: {"image/png": PNG}}})
    elif family == "long-name":
        name = "n" * draw(st.integers(240, 246))  # the date put in front makes the post's name too long
        return nb, name, False, []
    elif family == "big-int":
        code = {"cell_type": "code", "metadata": {}, "source": "1", "execution_count": 1, "outputs": [
            {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"application/json": {"n": 1}}}]}
        nb["cells"].append(code)
        where = draw(st.sampled_from(["metadata", "execution_count", "output"]))
        if where == "metadata":
            nb["metadata"]["n"] = BIG
        elif where == "execution_count":
            code["execution_count"] = BIG
        else:
            code["outputs"][0]["data"]["application/json"]["n"] = BIG
        digits = "7" * draw(st.integers(4301, 6000))  # (json.dumps cannot write such an int: it is put in)
        return json.dumps(nb).replace(json.dumps(BIG), digits), name, draw(st.booleans()), []
    else:
        cells = [{"cell_type": "heading", "level": level, "source": "Heading", "metadata": {}}
                 for level in draw(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3))]
        cells.append({"cell_type": "markdown", "source": "text", "metadata": {}})
        nb = {"nbformat": 3, "metadata": {}, "worksheets": [{"cells": cells}]}
        minor = draw(st.sampled_from(["missing", 0, "x", None]))
        if minor != "missing":
            nb["nbformat_minor"] = minor
    return nb, name, draw(st.booleans()), []


def _page_text(page: str) -> str:
    """What a reader sees: tags gone, entities decoded, white space folded."""
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


LAYOUT = ('<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title>'
          '<meta name="nb2post-path" content="{{ page.path }}"></head><body>{{ content }}</body></html>\n')


def _check_batch(batch) -> None:
    root = Path(tempfile.mkdtemp(prefix="nb2post-fuzz-"))
    try:
        outside = root / "outside"
        outside.mkdir()
        (outside / "secret.png").write_text(SECRET + "\n", encoding="utf-8")
        site = root / "repo" / "site"
        (site / "_layouts").mkdir(parents=True)
        (site / "_layouts" / "post.html").write_text(LAYOUT, encoding="utf-8")
        (site / "_config.yml").write_text(
            "title: Fuzz\nliquid:\n  error_mode: strict\n  strict_variables: true\n  strict_filters: true\n",
            encoding="utf-8")
        subprocess.run(["git", "init", "-q", str(root / "repo")], check=True)
        expected: dict[str, list[list[str]]] = {}
        for index, (nb, name, dated, visible) in enumerate(batch):
            file_name = f"{'2024-05-%02d-' % (index % 28 + 1) if dated else ''}{name}-{index}.ipynb"
            path = site / "_notebooks" / file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(nb if isinstance(nb, str) else json.dumps(nb, ensure_ascii=False), encoding="utf-8")
            expected[file_name] = visible
        (root / "before.txt").write_text("\n".join(sorted(p.name for p in root.iterdir())), encoding="utf-8")

        done = subprocess.run([sys.executable, "-m", "nb2post.cli", "convert", "--site", str(site),
                               str(site / "_notebooks")], capture_output=True, text=True, timeout=600)
        report = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        keep = Path(os.environ.get("NB2POST_FUZZ_KEEP", tempfile.gettempdir())) / f"nb2post-fuzz-failed-{root.name}"
        report += f"\n(the batch's notebooks are kept in {keep} when the check fails)"
        try:
            _check_outcome(root, site, done, report, expected)
        except AssertionError:
            shutil.copytree(site / "_notebooks", keep, dirs_exist_ok=True)
            raise
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _check_outcome(root: Path, site: Path, done, report: str, expected: dict) -> None:
    outside = root / "outside"
    assert done.returncode in (0, 1), report
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr, report
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    failed = re.search(r"(\d+) failed", done.stderr.strip().splitlines()[-1])
    assert len(errors) == (int(failed.group(1)) if failed else 0), f"one error line per failed notebook\n{report}"
    assert all(".ipynb" in line for line in errors), report
    before_outside = (root / "before.txt").read_text(encoding="utf-8").split("\n")
    now = sorted(p.name for p in root.iterdir() if p.name != "before.txt")
    assert now == sorted(n for n in before_outside if n), "something was written outside the repo"
    assert (outside / "secret.png").read_text(encoding="utf-8") == SECRET + "\n"
    for path in site.rglob("*"):
        if path.is_file() and "_notebooks" not in path.parts:
            assert SECRET.encode() not in path.read_bytes(), f"{path} holds a file from outside the repo"

    out = jekyll_build(site, "--future")
    pages: dict[str, str] = {}
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        found = re.search(r'<meta name="nb2post-path" content="([^"]*)"', text)
        if found:
            pages[html.unescape(found.group(1))] = text
    for post in (site / "_posts").glob("*.md") if (site / "_posts").is_dir() else []:
        text = post.read_text(encoding="utf-8")
        marker = re.search(r"generated from (.*?); edit the notebook", text)
        assert marker, f"{post.name} has no marker"
        notebook_name = Path(marker.group(1).replace("%2D%2D", "--").replace("%3B", ";")).name
        if notebook_name not in expected or "published: false" in text:
            continue
        page = pages.get(f"_posts/{post.name}")
        assert page is not None, f"{post.name} was not published by Jekyll\n{report}"
        shown = _page_text(page)
        for lines in expected[notebook_name]:
            for line in lines:
                wanted = " ".join(line.split())
                assert wanted in shown, f"{post.name}: code line {line!r} not shown literally on its page"


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="jekyll is installed by scripts/test.sh")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    # No shrinking: each step is a Jekyll build; a failing batch of twelve is printed whole and is small
    # enough to bisect by hand.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(st.lists(st.one_of(notebook(), notebook(), notebook(), bad_input()), min_size=NOTEBOOKS_PER_BATCH,
                max_size=NOTEBOOKS_PER_BATCH))
def test_generated_notebooks_convert_and_build(batch):
    _check_batch(batch)
