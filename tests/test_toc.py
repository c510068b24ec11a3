"""Table of contents: the site's style, a post's override, and links that work in real Jekyll builds."""
from __future__ import annotations

import frontmatter
import pytest

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import built_page, make_fastpages_site, page_links

from nb2post.jekyll import toc

# Headings whose ids are easy to get wrong: a duplicate, code and '&', non-ASCII letters, CJK, a number.
HEADINGS_NOTEBOOK = [
    cell("markdown", "# Headings: a test\n> Ids that must match kramdown's"),
    cell("markdown", "## Setup\n\nFirst setup."),
    cell("code", "# a comment, not a heading\nx = 1"),
    cell("markdown", "## Setup\n\nThe same heading again.\n\n### `numpy` & friends"),
    cell("markdown", "## Résumé des données\n\n## 日本語の見出し\n\n## 2. Numbered step"),
]
EXPECTED_IDS = {"setup", "setup-1", "numpy--friends", "résumé-des-données", "日本語の見出し", "2-numbered-step"}
INCLUDE_TOC = (
    '<nav class="toc" markdown="1">\n<header><h4 class="nav__title">On this page</h4></header>\n'
    "* Auto generated table of contents\n{:toc .toc__menu}\n</nav>\n"
)


def _convert(site, *args):
    nb = write_notebook(site / "_notebooks" / "2024-03-04-headings.ipynb", HEADINGS_NOTEBOOK)
    run_cli("convert", "--site", str(site), *args, str(nb), check=True)
    return site / "_posts" / "2024-03-04-headings.md"


def _assert_toc_works(html_text: str) -> list[str]:
    links = page_links(html_text)
    toc_links = links.toc_links()
    assert toc_links, "no table of contents in the page"
    assert links.broken_toc_links() == [], f"TOC links without a target: {links.broken_toc_links()}"
    assert EXPECTED_IDS <= set(links.ids), f"heading ids {links.headings}"
    return toc_links


def test_kramdown_style_builds_a_toc_whose_links_all_resolve(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  toc: kramdown\n  badges: false\n")
    post = _convert(site)
    text = post.read_text(encoding="utf-8")
    assert "* TOC\n{:toc}" in text
    assert "toc" not in frontmatter.loads(text).metadata
    toc_links = _assert_toc_works(built_page(jekyll_build(site), "headings"))
    assert len(toc_links) == 6, toc_links  # every heading of the post, the code comment not among them


def test_frontmatter_style_on_a_fastpages_layout(tmp_path):
    site = make_fastpages_site(tmp_path / "site", extra_config="  toc: frontmatter\n  badges: false\n")
    post = _convert(site)
    meta = frontmatter.loads(post.read_text(encoding="utf-8")).metadata
    assert meta["toc"] is True
    html_text = built_page(jekyll_build(site), "headings")
    assert 'class="section-nav"' in html_text  # drawn by the layout (jekyll-toc), not by the post
    _assert_toc_works(html_text)


def test_include_style_uses_the_sites_toc_include(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  toc: include\n  badges: false\n")
    (site / "_includes").mkdir()
    (site / "_includes" / "toc").write_text(INCLUDE_TOC, encoding="utf-8")
    text = _convert(site).read_text(encoding="utf-8")
    assert "{% include toc %}" in text
    html_text = built_page(jekyll_build(site), "headings")
    assert 'class="toc"' in html_text
    _assert_toc_works(html_text)


def test_a_post_overrides_the_site(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  toc: kramdown\n  badges: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-03-05-no-toc.ipynb", [cell("markdown", "# No TOC\n- toc: false"), cell("markdown", "## A\n\n## B")])
    nb2 = write_notebook(
        site / "_notebooks" / "2024-03-06-fm-toc.ipynb", [cell("markdown", "# FM TOC\n- toc: frontmatter"), cell("markdown", "## A")]
    )
    run_cli("convert", "--site", str(site), str(nb), str(nb2), check=True)
    off = frontmatter.loads((site / "_posts" / "2024-03-05-no-toc.md").read_text(encoding="utf-8"))
    assert "{:toc}" not in off.content and "toc" not in off.metadata
    fm_post = frontmatter.loads((site / "_posts" / "2024-03-06-fm-toc.md").read_text(encoding="utf-8"))
    assert fm_post.metadata["toc"] is True and "{:toc}" not in fm_post.content


def test_a_site_without_a_choice_gets_what_its_layouts_draw(tmp_path):
    """No style chosen: a layout that reads page.toc draws it (toc: true stays); one that does not (the
    bare test layout) gets kramdown's list, and the choice is said once (a note: shown with -v)."""
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-03-05-t.ipynb", [cell("markdown", "# T\n- toc: true"), cell("markdown", "## A")])
    done = run_cli("convert", "--site", str(site), "-v", str(nb), check=True)
    post = frontmatter.loads((site / "_posts" / "2024-03-05-t.md").read_text(encoding="utf-8"))
    assert "toc" not in post.metadata and "* TOC\n{:toc}" in post.content
    assert done.stderr.count("kramdown's {:toc}") == 1, done.stderr  # the theme choice: a note, with -v

    layout = site / "_layouts" / "post.html"
    layout.write_text(layout.read_text().replace("{{ content }}", "{% if page.toc %}<nav>toc</nav>{% endif %}{{ content }}"))
    run_cli("convert", "--site", str(site), "--force", str(nb), check=True)
    post = frontmatter.loads((site / "_posts" / "2024-03-05-t.md").read_text(encoding="utf-8"))
    assert post.metadata["toc"] is True and "{:toc}" not in post.content


def test_unknown_styles_are_clear_errors(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  toc: sidebar\n")
    nb = write_notebook(site / "_notebooks" / "2024-03-05-t.ipynb", [cell("markdown", "## A")])
    done = run_cli("convert", "--site", str(site), str(nb))
    assert done.returncode == 2
    assert "_config.yml" in done.stderr and "sidebar" in done.stderr and "kramdown" in done.stderr

    site2 = make_site(tmp_path / "site2", extra_config="nb2post:\n  toc: kramdown\n")
    nb2 = write_notebook(site2 / "_notebooks" / "2024-03-05-t.ipynb", [cell("markdown", "# T\n- toc: sidebar"), cell("markdown", "## A")])
    done = run_cli("convert", "--site", str(site2), str(nb2))
    assert done.returncode == 1
    assert "2024-03-05-t.ipynb" in done.stderr and "toc: sidebar" in done.stderr
    assert not (site2 / "_posts").exists() or not list((site2 / "_posts").iterdir())


@pytest.mark.parametrize(
    "site, value, expected",
    [
        ("kramdown", None, "kramdown"),
        ("kramdown", False, "off"),
        ("kramdown", True, "kramdown"),
        ("off", True, "kramdown"),  # the target's style when the site has TOCs off
        (None, True, "frontmatter"),
        (None, None, "off"),
        ("include", "kramdown", "kramdown"),
        ("frontmatter", "Off", "off"),
    ],
)
def test_post_style(site, value, expected):
    assert toc.post_style(site, value, "kramdown", "nb") == expected


def test_headings_inside_code_fences_do_not_count():
    assert not toc.has_heading("```python\n# comment\n```\n\n~~~\n## not either\n~~~\ntext\n")
    assert toc.has_heading("```\ncode\n```\n\n## Real heading\n")
    body = toc.apply("plain text\n", {}, "kramdown")
    assert body == "plain text\n", "no TOC block for a post without headings"


LINKS_NOTEBOOK = [
    cell("markdown", "# Links: Jupyter style\n> A manual table of contents, as notebooks have them"),
    cell(
        "markdown",
        "Contents: [setup](#Setup), [setup again](#Setup), [numpy](#numpy-&-friends), "
        "[résumé](#R%C3%A9sum%C3%A9-des-donn%C3%A9es), [cjk](#日本語の見出し), [numbered](#2.-Numbered-step), "
        "[emphasis](#Bold-and-a-link), [already right](#setup-1), [elsewhere](#no-such-heading) "
        '<a href="#Setup">html link</a>\n\n`[in code](#Setup)`',
    ),
    cell("markdown", "## Setup\n\n## Setup\n\n### `numpy` & friends\n\n## Résumé des données\n\n## 日本語の見出し"),
    cell("markdown", "## 2. Numbered step\n\n## **Bold** and a [link](https://example.org/)\n\n## snake_case_name and {{ braces }}"),
    cell("code", "## a comment\nprint(1)"),
]


def test_heading_ids_match_real_jekyll_and_jupyter_links_are_retargeted(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-03-07-links.ipynb", LINKS_NOTEBOOK)
    run_cli("convert", "--site", str(site), str(nb), check=True)
    post = frontmatter.loads((site / "_posts" / "2024-03-07-links.md").read_text(encoding="utf-8"))
    page = page_links(built_page(jekyll_build(site), "links"))
    real_ids = [heading_id for _, heading_id in page.headings]
    assert [heading_id for _, heading_id in toc.heading_ids(post.content)] == real_ids
    assert "snake_case_name-and--braces-" in real_ids  # underscores kept, Liquid-looking text literal
    ids = set(page.ids)
    anchors = [href for href, _ in page.links if href.startswith("#")]
    from urllib.parse import unquote

    assert [a for a in anchors if unquote(a[1:]) not in ids] == ["#no-such-heading"]
    assert len(anchors) == 10
    assert "`[in code](#Setup)`" in post.content, "code is not rewritten"


# --- the fence-aware scans agree with the plain line-by-line reading they replace ---------------------
# toc finds headings and links from the lines that can open or close a fence (toc._Code) instead of
# stepping through every line. The reference below is the line-by-line reading, kept here as the
# definition; the two must agree on every body.

def _reference_lines(body):
    import re

    fence = None
    for line in body.split("\n"):
        match = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip().strip(marker[0]):
                fence = None
            yield line, True
        else:
            yield line, fence is not None


def _reference(body):
    """(has_heading, heading_ids, keep_jupyter_anchors, retarget_jupyter_links) read line by line."""
    import html
    import re
    from urllib.parse import quote, unquote

    from nb2post.liquid import escape

    lines, headings, seen = [], [], {}
    for index, (line, code) in enumerate(_reference_lines(body)):
        lines.append(line)
        match = None if code else toc._HEADING_TEXT.match(line)
        if match and match.group(1).strip():
            text = toc.heading_text(match.group(1))
            headings.append((index, text, toc.kramdown_id(text, seen)))
    has = any(not code and toc._ATX_HEADING.match(line) for line, code in _reference_lines(body))
    taken, anchors = {i for _, _, i in headings}, {}
    for index, text, _ in headings:
        anchor = toc.jupyter_id(text)
        if anchor and anchor not in taken and lines[index].startswith("#"):
            anchors[index] = anchor
        taken.add(anchor)
    kept = "\n".join(f'<div id="{escape(html.escape(anchors[i]))}"></div>\n\n{line}' if i in anchors else line
                     for i, line in enumerate(lines)) if anchors else body
    ids = {i for _, _, i in headings}
    jupyter = {}
    for _, text, new_id in headings:
        jupyter.setdefault(toc.jupyter_id(text), new_id)
        jupyter.setdefault(toc.jupyter_id(text).lower(), new_id)

    def replace(match):
        prefix, anchor = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        wanted = unquote(anchor)
        new_id = None if wanted in ids else jupyter.get(wanted) or jupyter.get(wanted.lower())
        return prefix + quote(new_id, safe="-_.~") if new_id else match.group(0)

    out = []
    for line, code in _reference_lines(body):
        if not code and "#" in line:
            line = "".join(p if p.startswith("`") else toc._ANCHOR_LINK.sub(replace, p) for p in re.split(r"(`+[^`]*`+)", line))
        out.append(line)
    return has, [(t, i) for _, t, i in headings], kept, "\n".join(out)


def _scans(body):
    return toc.has_heading(body), toc.heading_ids(body), toc.keep_jupyter_anchors(body), toc.retarget_jupyter_links(body)


def _prepared_by_reference(body):
    kept = _reference(_reference(body)[3])[2]
    block = toc.template_text("toc_kramdown.md").strip("\n")
    return block + "\n\n" + kept if _reference(kept)[0] else kept


def _agree(body):
    assert _scans(body) == _reference(body), body
    assert toc.prepare(body, {}, "kramdown") == _prepared_by_reference(body), body


PIECES = ["# Title", "## Data-prep", "### `code` & more", "#no space", "   # indented", "    # four spaces",
          "```", "````", "~~~", "``` python", "```x```", "  ~~~~", "``", "text", "", "\r", " ",
          "[go](#Data-prep)", "[go](#data-prep)", "see [x](  #Title) and `[y](#Title)`", '<a href="#Title">t</a>',
          "## Title", "## Ünïcode Heading", "# ", "#", "## a](#Title) b", "href", "](#"]


@pytest.mark.parametrize("seed", range(300))
def test_fence_aware_scans_agree_with_reading_line_by_line(seed):
    import random

    chooser = random.Random(seed)
    _agree("\n".join(chooser.choice(PIECES) for _ in range(chooser.randint(0, 30))))


def test_fence_aware_scans_agree_with_reading_line_by_line_on_real_posts(corpus, tmp_path):
    site = make_site(tmp_path / "site")
    notebooks = sorted(p for p in corpus.rglob("*.ipynb") if p.stat().st_size < 3_000_000)
    (site / "_notebooks").mkdir(exist_ok=True)
    for number, path in enumerate(notebooks):
        (site / "_notebooks" / f"2024-01-01-n{number}.ipynb").write_bytes(path.read_bytes())
    run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    bodies = [post.read_text(encoding="utf-8") for post in (site / "_posts").glob("*.md")]
    assert len(bodies) > 30
    for body in bodies:
        _agree(body)
