"""Descriptions and excerpts are the post's own prose, never its badges (built with minima, jekyll-seo-tag
and jekyll-feed)."""
from __future__ import annotations

import html
import re

import frontmatter

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import init_repo

PROSE = (
    "This notebook explores **gradient descent** on [toy data](https://example.org) and shows why the "
    "learning rate matters so much for the speed of convergence in practice. A second sentence follows here."
)


def test_og_description_feed_and_home_page_show_prose_not_badges(tmp_path):
    site = make_site(tmp_path / "site", strict=False, extra_config="show_excerpts: true\n")
    (site / "index.md").write_text("---\nlayout: home\n---\n", encoding="utf-8")
    init_repo(site, remote="https://github.com/octo-org/nb-blog.git")
    write_notebook(
        site / "_notebooks" / "2024-01-01-prose.ipynb",
        [cell("markdown", "# Gradient descent\n\n![diagram](https://example.org/d.png)\n\n## Setup"), cell("code", "import numpy"), cell("markdown", PROSE)],
    )
    write_notebook(site / "_notebooks" / "2024-01-02-summary.ipynb", [cell("markdown", "# **0. With** [summary](https://x.org)\n> The *authors* own summary."), cell("markdown", "Some body prose that is not the summary.")])
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    post = frontmatter.load(site / "_posts" / "2024-01-01-prose.md")
    expected = "This notebook explores gradient descent on toy data and shows why the learning rate matters so much for the speed of convergence in practice."
    assert post["description"] == expected, "the first prose paragraph, plain, cut at a sentence to fit 160 characters"
    summary = frontmatter.load(site / "_posts" / "2024-01-02-summary.md")
    assert summary["description"] == "The authors own summary."
    assert "nb2post-badges" in post.content, "the badges are still shown at the top of the post"
    out = jekyll_build(site)
    for slug, text in (("prose", expected), ("summary", "The authors own summary.")):
        page = next(out.rglob(f"{slug}.html")).read_text(encoding="utf-8")
        [og] = re.findall(r'<meta property="og:description" content="([^"]*)"', page)
        assert html.unescape(og) == text
    feed = html.unescape((out / "feed.xml").read_text(encoding="utf-8"))
    assert '<title type="html">0. With summary</title>' in feed, "titles reach the feed without Markdown"
    summaries = re.findall(r"<summary[^>]*><!\[CDATA\[(.*?)\]\]></summary>", feed, re.S)
    assert sorted(summaries) == sorted([expected, "The authors own summary."])
    home = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert expected in home and "The authors own summary." in home
    assert "View on GitHub" not in home and "Launch Binder" not in "".join(summaries)


def test_a_kramdown_toc_on_top_does_not_become_the_excerpt(tmp_path):
    site = make_site(tmp_path / "site", strict=False, extra_config="nb2post:\n  toc: kramdown\n  badges: false\n")
    write_notebook(site / "_notebooks" / "2024-01-01-toc.ipynb", [cell("markdown", "# T\n- toc: true"), cell("markdown", "## One\n\n" + PROSE + "\n\n## Two")])
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    post = frontmatter.load(site / "_posts" / "2024-01-01-toc.md")
    assert post.content.startswith("* TOC") and post["excerpt"] == post["description"]
    feed = html.unescape((jekyll_build(site) / "feed.xml").read_text(encoding="utf-8"))
    [summary] = re.findall(r"<summary[^>]*><!\[CDATA\[(.*?)\]\]></summary>", feed, re.S)
    assert summary.startswith("This notebook explores gradient descent")


def test_a_post_opening_with_code_gets_its_prose_as_excerpt_and_one_opening_with_prose_keeps_jekylls(tmp_path):
    site = make_site(tmp_path / "site", strict=False, extra_config="nb2post:\n  badges: false\n")
    write_notebook(site / "_notebooks" / "2024-01-01-code-first.ipynb", [cell("code", "import numpy as np"), cell("markdown", PROSE)])
    write_notebook(site / "_notebooks" / "2024-01-02-prose-first.ipynb", [cell("markdown", PROSE), cell("code", "x = 1")])
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    code_first = frontmatter.load(site / "_posts" / "2024-01-01-code-first.md")
    assert code_first["excerpt"] == code_first["description"]
    assert "excerpt" not in frontmatter.load(site / "_posts" / "2024-01-02-prose-first.md").metadata, "Jekyll's own excerpt keeps the links"
    feed = html.unescape((jekyll_build(site) / "feed.xml").read_text(encoding="utf-8"))
    assert "import numpy" not in "".join(re.findall(r"<summary[^>]*>(.*?)</summary>", feed, re.S))
