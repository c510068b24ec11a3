"""Markdown cells as Jupyter shows them, checked on what real Jekyll builds: which `$` are math, prose HTML
that cannot swallow the post, fastpages' footnotes and anchors on a plain Jekyll site, and the small
fastpages habits (embeds, raw wrappers, folded code, tabs).

Two sites are built once for the module: a strict plain-Jekyll site (`--to jekyll`) and a site with
fastpages' post structure (`--to fastpages`).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import built_page, make_fastpages_site, page_links

MATH_CELL = (
    "Half of it: $0.1/(0.4+0.1) = 0.2$). To sample from it pick $i$ at random.\n\n"
    "Small numbers: $1$, $5$, $1/\\pi$, $5.2\\times10^{21}$ and $2.11 C$.\n\n"
    "It costs $5 and $10. Or $5, or $x$ for short. Escaped \\$3 and $y$."
)
MATH_SPANS = ["0.1/(0.4+0.1) = 0.2", "i", "1", "5", "1/\\pi", "5.2\\times10^{21}", "2.11 C", "x", "y"]

HTML_CELLS = [
    cell("markdown", "<table><tr><td>x"),
    cell("markdown", "## After the table"),
    cell("code", "s = '<script>alert(1)</script>'", outputs=[
        {"output_type": "stream", "name": "stdout", "text": "<script>alert(2)</script>\n"},
    ]),
    cell("markdown", "```python\nprint('<script>alert(3)</script>')\n```"),
    cell("markdown", "<div>\nUse `<script>alert(4)</script>` inline\n</div>"),
    cell("markdown", "<details><summary>More</summary>\n\n```python\nx = '<script>alert(5)</script>'\n```\n"),
    cell("markdown", "</div></div></article> closers of nothing\n\n## Still here"),
    cell("markdown", "<!-- a comment left open"),
    cell("markdown", "## Visible\n\n<div class=\"unfinished"),
    cell("markdown", "- item <b>bold\n- `<script>alert(6)</script>`"),
    cell("markdown", "> quote <div>\n\n```\n<script>alert(7)</script>\n```"),
    cell("code", "print('<b>last</b>')"),
]

ANCHOR_CELLS = [
    cell("markdown", "# Anchors\n- toc: true"),
    cell("markdown", "## Problem Statement\n\nSee [below](#Can-we-do-better?).\n\n## Can we do better?\n\n## setup\n\n"
         "### Code `x` & *more*\n\n## Tags `<b>x</b>` in code\n\n```python\n## not a heading\n```"),
]
ANCHORS = {"problem-statement": "Problem-Statement", "can-we-do-better": "Can-we-do-better?", "code-x--more": "Code-x-&-more",
           "tags-bxb-in-code": "Tags-<b>x</b>-in-code"}

SMALL_CELLS = [
    cell("markdown", "Intro.\n\n > youtube: https://youtu.be/XfoYk_Z5AkI\n\n  > Note: an indented note"),
    cell("markdown", "Write {% raw %}{{ page.title }} and {% include x.html %}{% endraw %} as text. See [https://example.com/page]."),
    cell("markdown", "```python\nif x:\n\ty = 1\n```"),
    cell("code", "#collapse-show\nshown = 1"),
    cell("code", "#collapse-hide\nhidden = 2"),
]

JEKYLL_NOTEBOOKS = {
    "anchors": [cell("markdown", "# Anchors\n- toc: kramdown"), ANCHOR_CELLS[1]],
    "math": [cell("markdown", MATH_CELL)],
    "html": HTML_CELLS,
    "small": SMALL_CELLS[1:],
    "footnotes": [
        cell("markdown", "A claim{% fn 1 %} and another{% fn 2 %}.\n\n`{% fn 3 %}` in code stays code."),
        cell("markdown", "Some text.\n{{ 'The first note, with a | pipe and [a link](https://example.org/)' | fndetail: 1 }}\n"
             "{{ \"The second note\" | fndetail: 2 }}"),
    ],
}
FASTPAGES_NOTEBOOKS = {
    "fpsmall": SMALL_CELLS,
    "fpanchors": ANCHOR_CELLS,
    "fpmath": [cell("markdown", MATH_CELL)],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every notebook of this module converted and built: {name: page html} for both targets."""
    root = tmp_path_factory.mktemp("prose")
    env = {"HOME": str(tmp_path_factory.mktemp("home")), "GIT_CONFIG_NOSYSTEM": "1"}
    pages = {}
    site = make_site(root / "jekyll", strict=True)
    for name, cells in JEKYLL_NOTEBOOKS.items():
        write_notebook(root / "nbs" / f"2024-03-01-{name}.ipynb", cells)
    run_cli("convert", str(root / "nbs"), "--site", str(site), "--to", "jekyll", check=True, env=env)
    out = jekyll_build(site)
    pages.update({name: built_page(out, name) for name in JEKYLL_NOTEBOOKS})
    blog = make_fastpages_site(root / "fastpages")
    for name, cells in FASTPAGES_NOTEBOOKS.items():
        write_notebook(blog / "_notebooks" / f"2024-03-01-{name}.ipynb", cells)
    run_cli("convert", "--site", str(blog), check=True, env=env)
    out = jekyll_build(blog)
    pages.update({name: built_page(out, name) for name in FASTPAGES_NOTEBOOKS})
    return pages


def _inline_math(html: str) -> list[str]:
    return re.findall(r"\\\((.*?)\\\)", html, re.S)


@pytest.mark.parametrize("name", ["math", "fpmath"])
def test_inline_math_is_what_jupyter_takes_for_math_and_prices_stay_text(built, name):
    html = built[name]
    assert _inline_math(html) == MATH_SPANS
    assert "It costs $5 and $10. Or $5, or" in html
    assert "Escaped $3 and" in html
    assert "</p>" in html.split("pick")[1].split("Small numbers")[0], "the sentence after the math is text"


class _Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.code_text = ""
        self._in_code = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_code += tag == "code"

    def handle_endtag(self, tag):
        self._in_code -= tag == "code" and self._in_code > 0

    def handle_data(self, data):
        if self._in_code:
            self.code_text += data


def test_html_in_a_markdown_cell_stays_in_its_cell_and_code_is_never_html(built):
    html = built["html"]
    page = _Elements(html)
    assert "script" not in page.tags, "no <script> element made out of code"
    for number in range(1, 8):
        assert f"<script>alert({number})</script>" in page.code_text, number
    assert page.tags.count("pre") == 6 and "```" not in html
    prose_html = re.sub(r"<pre.*?</pre>|<code.*?</code>", "", html, flags=re.S)
    assert "&lt;/b&gt;" not in prose_html and "&lt;/div&gt;" not in prose_html, "no end tag of ours shows as text"
    assert "<b>last</b>" in page.code_text and page.tags.count("b") == 1  # the list item's own <b>
    for heading in ("After the table", "Still here", "Visible"):
        assert re.search(rf"<h2 id=\"[^\"]+\">{heading}</h2>", html), heading
    assert "closers of nothing" in html and "</article>" not in html.split("closers of nothing")[0][-40:]
    assert page.tags.count("table") == 1 and page.tags.count("details") == 1


def test_fastpages_footnotes_become_kramdown_footnotes_on_a_plain_site(built):
    html = built["footnotes"]
    refs = re.findall(r'<sup id="fnref:(\d+)"[^>]*><a href="#fn:(\d+)"', html)
    assert refs == [("1", "1"), ("2", "2")]
    notes = re.search(r'<div class="footnotes"[^>]*>(.*?)</div>', html, re.S).group(1)
    first = re.search(r'<li id="fn:1"[^>]*>(.*?)</li>', notes, re.S).group(1)
    assert "The first note, with a | pipe and" in first and '<a href="https://example.org/">a link</a>' in first
    assert 'href="#fnref:1"' in first
    assert re.search(r'<li id="fn:2"[^>]*>\s*<p>The second note', notes)
    assert "{% fn 3 %}" in html and "fndetail" not in html and "{% fn 1" not in html


@pytest.mark.parametrize("name", ["anchors", "fpanchors"])
def test_headings_keep_their_jupyter_ids_next_to_kramdowns(built, name):
    html = built[name]
    links = page_links(html)
    for kramdown_id, jupyter_id in ANCHORS.items():
        assert links.ids.count(kramdown_id) == 1 and links.ids.count(jupyter_id) == 1, (kramdown_id, jupyter_id)
    assert links.ids.count("setup") == 1, "no second element with an id the heading already has"
    assert len(links.ids) == len(set(links.ids))
    toc = links.toc_links()
    assert toc == ["#problem-statement", "#can-we-do-better", "#setup", "#code-x--more", "#tags-bxb-in-code"], toc
    assert links.broken_toc_links() == []
    assert 'href="#can-we-do-better"' in html.split("See")[1][:60], "the Jupyter link still goes to kramdown's id"
    toc_html = re.search(r'<ul[^>]*(?:id="markdown-toc"|class="section-nav")[^>]*>.*?</ul>\s*</li>\s*</ul>|'
                         r'<ul[^>]*(?:id="markdown-toc"|class="section-nav")[^>]*>.*?</ul>', html, re.S).group(0)
    assert "Problem-Statement" not in toc_html and "<div" not in toc_html


def test_fastpages_habits_embeds_raw_wrappers_and_tabs(built):
    html = built["fpsmall"]
    assert 'src="https://www.youtube.com/embed/XfoYk_Z5AkI"' in html, "a quote one space in is still an embed"
    assert '<div class="flash flash-note">' in html and "an indented note" in html
    assert "Write {{ page.title }} and {% include x.html %} as text." in html
    assert "raw %}" not in html
    code = _Elements(html).code_text
    assert "if x:\n    y = 1" in code and "\t" not in code
    assert "Write {% raw %}{{ page.title }}" in built["small"], "a plain Jekyll post shows the wrapper as Jupyter does"


@pytest.mark.parametrize("name", ["small", "fpsmall"])
def test_a_bracketed_bare_url_is_a_link(built, name):
    assert '[<a href="https://example.com/page">https://example.com/page</a>].' in built[name]


@pytest.mark.parametrize("name", ["small", "fpsmall"])
def test_folded_code_says_show_when_closed_and_hide_when_open(built, name, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    page_file = tmp_path / "page.html"
    page_file.write_text(built[name], encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(page_file.as_uri())
        summaries = page.locator("details.nb2post-input > summary")
        assert summaries.all_inner_texts() == ["Hide code", "Show code"]
        summaries.nth(0).click()
        summaries.nth(1).click()
        # the browser fires `toggle` (which sets the text) a task after `open` changes: wait for the text
        expect(summaries).to_have_text(["Show code", "Hide code"])
        assert page.locator("details.nb2post-input").nth(1).inner_text().count("hidden = 2") == 1
        browser.close()


@pytest.mark.parametrize("text", ["\\( a " * 20000, "\\begin{x} " * 20000, "\\[ " * 20000, "<div>\n" * 20000, "$5 {" + "$ " * 20000 + "}$1"])
def test_unclosed_math_and_html_take_linear_time(text, tmp_path):
    """A notebook is untrusted: a cell of unclosed openings converted in seconds (each took 30-70 s)."""
    import time
    from pathlib import Path

    from nb2post.render import prose
    from nb2post.render.assets import AssetSet

    ctx = prose.ProseContext(assets=AssetSet(str(tmp_path)), notebook_dir=Path(tmp_path), image_prefix="cell1")
    started = time.monotonic()
    converted = prose.convert(text, ctx)
    assert time.monotonic() - started < 5
    assert converted.count("$$") <= 2
