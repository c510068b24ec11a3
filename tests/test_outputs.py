"""Code cell outputs (nb2post.render.outputs): streams, errors, rich outputs as Jupyter shows them, checked on
real Jekyll output. One strict site (strict Liquid, bare layout) holds every notebook, built once."""
from __future__ import annotations

import pytest

from conftest import cell, make_site, run_cli, write_notebook
from site_kits import build_notebooks, tag_free


def _stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


NOTEBOOKS = {
    # fastlinkcheck's post ran a bash kernel: a failing command is an error with no name and no traceback.
    "errors": [
        cell("code", "link_check broken", outputs=[
            _stream("ERROR: broken links found\n"),
            {"output_type": "error", "ename": "", "evalue": "1", "traceback": []},
        ]),
        cell("code", "raise ValueError('bad')", outputs=[
            {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []},
        ]),
    ],
    # nbdev's show_doc and IPython.display.Markdown outputs: Jupyter renders them like a Markdown cell.
    "markdown_output": [
        cell("code", "Markdown(doc)", outputs=[{
            "output_type": "display_data", "metadata": {},
            "data": {
                "text/markdown": "### f\n\n> f(x:int)\n\nReturns $\\alpha_1 * x_2$, so a | b holds. {{ page.title }}",
                "text/plain": "<IPython.core.display.Markdown object>",
            },
        }]),
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_notebooks(tmp_path_factory, "outputs", NOTEBOOKS)


_text = tag_free


def test_nameless_error_without_traceback_shows_nothing(built):
    text = _text(built["errors"])
    assert "ERROR: broken links found" in text
    assert ": 1" not in text
    assert "ValueError: bad" in text  # a named error without a traceback still shows its name


def test_markdown_outputs_get_the_same_math_pipes_and_liquid_care_as_markdown_cells(built):
    html = built["markdown_output"]
    assert '<h3 id="f">f</h3>' in html
    assert r"\(\alpha_1 * x_2\)" in html  # single-dollar math became kramdown math, no <em> from the *
    assert "<table" not in html and "a | b holds" in html
    assert "{{ page.title }}" in html  # literal, and the strict-Liquid build did not fail on it


def test_stream_control_characters_and_ansi(tmp_path):
    site = make_site(tmp_path / "site")
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "progress 10%\rprogress 100%\n"},
        {"output_type": "stream", "name": "stdout", "text": "\x1b[1;31mred\x1b[0m done\n"},
    ]
    nb = write_notebook(site / "2024-02-03-s.ipynb", [cell("code", "run()", outputs=outputs)])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    text = (site / "_posts/2024-02-03-s.md").read_text()
    assert "progress 100%\nred done" in text
    assert "progress 10%" not in text and "\x1b" not in text


# --- the fast path of HTML containment ----------------------------------------------------------------

def _fast_path_keeps(text: str) -> bool:
    """Whether contain_html's fast path keeps ``text`` as it is; then asserts the full parser agrees."""
    from nb2post.render.prose import _PLAINTEXT, _apply, _balancing, _plainly_balanced

    text = _PLAINTEXT.sub("&lt;", text)  # as contain_html does first
    if not _plainly_balanced(text):
        return False
    assert _apply(text, _balancing(text, raw=True)[1]) == text, text[:300]
    return True


def test_html_outputs_of_the_corpus_skip_the_parser_only_when_it_would_change_nothing(corpus):
    """contain_html takes HTML that is plainly balanced as it is; on every text/html output of the corpus
    the full parser agrees that nothing needed closing (and most DataFrames take the fast path)."""
    import json

    fast = total = 0
    for path in sorted(corpus.rglob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, UnicodeDecodeError, AttributeError):
            continue
        for code in (c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"):
            for output in code.get("outputs", []):
                data = output.get("data", {}) if isinstance(output, dict) else {}
                value = data.get("text/html") if isinstance(data, dict) else None
                if not value:
                    continue
                text = "".join(value) if isinstance(value, list) else str(value)
                total += 1
                fast += _fast_path_keeps(text)
    assert total > 50 and fast > total // 2, (fast, total)


_SOUP = ["<div>", "</div>", "<p>", "</p>", "<td>", "</td>", "<tr>", "</tr>", "<table>", "</table>", "<li>", "<ul>",
         "</ul>", "<b>", "</b>", "<style>", "</style>", "<script>", "</script>", "<textarea>", "</textarea>", "<br>",
         "<img src='x'/>", "<div/>", "<!-- ", " -->", "<", ">", "a", " ", "\n", "<DIV class=\"x\">", "</ DIV>",
         "<plaintext>", "<title>", "</title>", "<span id=a>", "</span>", "<y and z>", "</style x>", "&amp;"]


def test_the_fast_path_never_keeps_html_the_parser_would_change():
    """Tag soups from pieces that open, close, nest, imply ends, self-close and break tags: whenever the
    fast path keeps the HTML as it is, the full parser does too."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=3000, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(_SOUP), max_size=14))
    def check(pieces):
        _fast_path_keeps("".join(pieces))

    check()


def test_an_output_that_cannot_be_shown_gets_one_warning_naming_the_cell_as_all_warnings_do(tmp_path):
    site = make_site(tmp_path / "site")
    not_png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "bm90IGFuIGltYWdl"}}  # "not an image"
    unknown = {"output_type": "display_data", "metadata": {}, "data": {"application/x-custom": {"a": 1}}}
    future = {"output_type": "future output"}
    nb = write_notebook(
        site / "_notebooks" / "2024-01-02-shown.ipynb",
        [cell("markdown", "# Shown"), cell("code", "a", outputs=[not_png]), cell("code", "b", outputs=[unknown]),
         cell("code", "c", outputs=[future])],
    )
    done = run_cli("convert", str(nb), cwd=site, check=True)
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:") and "schema" not in line]
    where = "warning: _notebooks/2024-01-02-shown.ipynb"
    assert sorted(warnings) == [
        f"{where}: cell 2: an image output is declared image/png but is not an image; left out",
        f"{where}: cell 3: output of type application/x-custom has no form a web page can show; left out (an HTML comment stands in)",
        f"{where}: cell 4: output of unknown type 'future output' left out",
    ], done.stderr
