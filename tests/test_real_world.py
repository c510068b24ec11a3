"""Conversion bugs found by converting real notebooks nobody here had seen (fastpages and Quarto blogs,
Jupyter Book and nbdev docs), each reproduced by a minimal notebook and checked on real Jekyll output.

One strict site (strict Liquid, bare layout) holds every notebook and is built once for the module.
"""
from __future__ import annotations

import re

import pytest

from conftest import cell
from site_kits import build_notebooks, tag_free


NOTEBOOKS = {
    # Jupyter Book / MyST / Quarto fences carry more than one word after the backticks.
    "fences": [
        cell("markdown", '```python title="a.py"\nx = 1\n```\n\nAfter the titled fence.'),
        cell("markdown", "```{code-cell} ipython3\ny = 2\n```\n\nAfter the code cell."),
        cell("markdown", "1. Cite it:\n\n   ```{bibliography} refs.bib\n   ```\n\nAfter the list."),
        cell("markdown", "~~~ {.ruby .numberLines}\nputs 3\n~~~\n\nThe end."),
    ],
    # A git cheatsheet ended with a bare URL; Jupyter links it, kramdown did not.
    "urls": [
        cell(
            "markdown",
            "See https://example.com/a_b?x=1. Or www.python.org, not [https://a.b](https://a.b/c), "
            "not <https://auto.example> and not `https://code.example`.",
        ),
        cell("markdown", '<a href="https://html.example">https://html.example</a>'),
        cell("markdown", "<div>\nRaw https://raw.example inside HTML\n</div>"),
        cell("markdown", "Read (https://en.wikipedia.org/wiki/Foo_(bar)) today."),
        cell("markdown", "See [the `yml`](# abbreviated https://dest.example/x) and [text https://text.example](https://t.example)."),
    ],
    # nbdev's blogging tutorial: a fence at the margin ends a numbered list, the next item goes on at 5.
    "numbering": [
        cell("markdown", "1. one\n2. two\n\n```bash\nls\n```\n\n5. five\n\n6. six\n   still six\n\nAfter.\n\n1. again one"),
        cell("markdown", "3. **Bold**  \n\n    indented paragraph\n\n4. four"),
    ],
    # README-style notebooks centre things with HTML around Markdown, separated by blank lines.
    "html_blocks": [
        cell("markdown", '<div align="center">\n\n**Centred** text\n\n</div>'),
        cell("markdown", "<details><summary>Answer</summary>\n\n- item *one*\n\n</details>"),
        cell("markdown", '<p align="center">\n\n[link](https://example.com) *em*\n\n</p>'),
        cell("markdown", "<div>\n**raw** stays raw\n</div>"),
    ],
    # Altair's example notebooks open with a setext heading: Jupyter shows it as the page's title.
    "setext": [cell("markdown", "Simple Bar Chart\n================\nThis example shows a bar chart.\n")],
    # Course notebooks: a table straight after its caption line, "1)" lists, equations inside list items.
    "blocks": [
        cell("markdown", "Results so far:\n| model | score |\n|---|---|\n| a | 1 |"),
        cell("markdown", "Steps:\n\n1) load\n2) fit"),
        cell("markdown", "- the square:\n\n  $$\n  x^2\n  $$\n\n- the cube\n\n1. Equation:\n   $$a_1 = b_1$$\n2. Next"),
    ],
    # A fastpages post on the central limit theorem wrote `$ N(n\mu, n\sigma^2)$`; Jupyter shows math.
    "math_spaces": [cell("markdown", "Sum is about $ N(n\\mu, n\\sigma^2)$ and $x^2 $ too. It costs $5 and $10.")],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_notebooks(tmp_path_factory, "real_world", NOTEBOOKS)


_text = tag_free


def test_fence_info_strings_with_several_words_do_not_swallow_the_post(built):
    html = built["fences"]
    for after in ("After the titled fence.", "After the code cell.", "After the list.", "The end."):
        assert f"<p>{after}</p>" in html
    assert "```" not in html and "~~~" not in html
    assert re.search(r'class="language-python[^"]*".*?x = 1', html, re.S) or "x</span> <span" in html
    assert 'language-ipython3' in html  # MyST's code-cell takes its language from the next word
    assert 'language-ruby' in html and "puts" in html  # pandoc's {.ruby} attribute


def test_bare_urls_become_links_but_links_code_and_html_stay(built):
    html = built["urls"]
    assert '<a href="https://example.com/a_b?x=1">https://example.com/a_b?x=1</a>.' in html
    assert '<a href="http://www.python.org">www.python.org</a>' in html
    assert html.count('href="https://a.b/c"') == 1 and "&lt;https://a.b" not in html
    assert html.count('href="https://auto.example"') == 1
    assert ">https://code.example</code>" in html and 'href="https://code.example"' not in html
    assert html.count('href="https://html.example"') == 1
    assert "Raw https://raw.example inside HTML" in html  # raw HTML block: no link, no stray tag
    assert '(<a href="https://en.wikipedia.org/wiki/Foo_(bar)">' in html  # balanced parentheses stay


def test_urls_in_link_text_or_destination_are_not_autolinked(built):
    html = built["urls"]
    assert "&lt;https://dest.example" not in html and "<https://dest.example" not in html
    assert html.count("https://text.example") == 1 and 'href="https://t.example"' in html


def test_numbered_lists_keep_their_first_number(built):
    html = built["numbering"]
    lists = re.findall(r"<ol[^>]*>", html)
    assert lists == ["<ol>", '<ol start="5">', "<ol>", '<ol start="3">'], lists
    five = html[html.index('<ol start="5">') :]
    five = five[: five.index("</ol>")]
    assert five.count("<li>") == 2 and "still six" in five  # 6. stays in the same list
    assert "{:" not in _text(html)


def test_markdown_between_blank_lines_inside_html_blocks_is_rendered(built):
    html = built["html_blocks"]
    assert "<strong>Centred</strong>" in html
    assert re.search(r"<summary>Answer</summary>\s*<ul>\s*<li>item <em>one</em></li>", html)
    assert '<a href="https://example.com">link</a> <em>em</em>' in html
    assert "**raw** stays raw" in html  # no blank line: raw HTML in Jupyter too
    assert "markdown=" not in html


def test_a_setext_heading_opening_the_notebook_is_its_title(built):
    html = built["setext"]
    assert "<title>Simple Bar Chart</title>" in html
    assert "<h1" not in html and "===" not in html
    assert "<p>This example shows a bar chart.</p>" in html


def test_tables_after_a_line_paren_lists_and_equations_in_list_items(built):
    html = built["blocks"]
    assert "<p>Results so far:</p>" in html and "<td>a</td>" in html
    assert re.search(r"<ol>\s*<li>load</li>\s*<li>fit</li>\s*</ol>", html)
    square = re.search(r"<li>\s*<p>the square:</p>\s*\\\[x\^2\\\]\s*</li>\s*<li>\s*<p>the cube</p>", html)
    assert square, html
    assert re.search(r"<p>Equation:</p>\s*\\\[a_1 = b_1\\\]\s*</li>\s*<li>\s*<p>Next</p>", html)
    assert "start=" not in html


def test_inline_math_with_spaces_inside_the_dollars_is_math_and_money_is_not(built):
    html = built["math_spaces"]
    assert r"\(N(n\mu, n\sigma^2)\)" in html and r"\(x^2\)" in html
    assert "It costs $5 and $10." in html
