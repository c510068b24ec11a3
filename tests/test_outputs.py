"""Code cell outputs (nb2post.outputs): streams, errors, rich outputs as Jupyter shows them, checked on
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
