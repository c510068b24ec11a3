"""`--to fastpages`: posts that fastpages' layouts render, proven on a blog with fastpages' post structure
(layout `notebook` extending `post`, callout includes, footnote plugin, jekyll-toc, badge includes)."""
from __future__ import annotations

import re
import shutil

import frontmatter
import pytest

from conftest import cell, git, jekyll_build, run_cli, write_notebook
from site_kits import built_page, init_repo, make_fastpages_site, page_links

from nb2post.render.prose import Holder
from nb2post.jekyll.targets import fastpages

REMOTE = "git@github.com:octo-org/nb-blog.git"
HEADER_ORDER = [
    "keywords", "description", "title", "toc", "comments", "hide", "badges", "search_exclude",
    "author", "categories", "image", "branch", "nb_path", "layout",
]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a3a0e90000000049454e44ae426082"
)


def _top_keys(text: str) -> list[str]:
    header = text.split("---\n")[1]
    return [line.split(":")[0] for line in header.split("\n") if re.match(r"^[A-Za-z_]", line)]


@pytest.fixture
def blog(tmp_path):
    repo = init_repo(tmp_path / "blog", "main", REMOTE)
    return make_fastpages_site(repo)


def _own_notebook(site):
    (site / "_notebooks" / "pics").mkdir(parents=True)
    (site / "_notebooks" / "pics" / "dot.png").write_bytes(PNG)
    return write_notebook(
        site / "_notebooks" / "2024-02-20-callouts.ipynb",
        [
            cell("markdown", "# Callouts: all of them\n> The summary line\n\n- author: Jane Doe\n- categories: [fastpages]"),
            cell(
                "markdown",
                "## Boxes\n\n> Note: a **bold** note with 'quotes' and a [link](https://example.org/)\n"
                "> that goes on a second line\n\n> Warning: careful\n\n> Tip: a tip\n\n> Important: it's important\n\n"
                "> An ordinary quote: it stays a quote\n\nThen a list\n\n- key: value\n",
            ),
            cell("markdown", "## Liquid\n\nSite owner: {{ site.github_username }}. {% include secret.html %}\n\nA note{% fn 1 %}.\n\n"
                 "{{ 'The footnote | with a pipe' | fndetail: 1 }}\n\n`{% fn 2 %}` in code stays code."),
            cell("markdown", "## Embeds\n\n> youtube: https://youtu.be/XfoYk_Z5AkI\n\n> twitter: https://twitter.com/jakevdp/status/1204765621767901185\n\n![a dot](pics/dot.png)"),
            cell("code", "#collapse-hide\nprint('{{ not liquid }}')", outputs=[{"output_type": "stream", "name": "stdout", "text": "{% raw %}\n"}]),
        ],
    )


def test_header_order_defaults_banner_and_images(blog):
    nb = _own_notebook(blog)
    run_cli("convert", "--site", str(blog), str(nb), check=True)
    text = (blog / "_posts" / "2024-02-20-callouts.md").read_text(encoding="utf-8")
    assert _top_keys(text) == HEADER_ORDER
    meta = frontmatter.loads(text).metadata
    assert meta["keywords"] == "fastai" and meta["description"] == "The summary line"
    assert meta["title"] == "Callouts: all of them"
    assert (meta["toc"], meta["comments"], meta["hide"], meta["badges"], meta["search_exclude"]) == (False, False, False, True, False)
    assert meta["nb_path"] == "_notebooks/2024-02-20-callouts.ipynb" and meta["layout"] == "notebook"
    assert meta["branch"] == "main"
    assert "# file to edit: _notebooks/2024-02-20-callouts.ipynb" in text and "DO NOT EDIT" in text
    # fastpages' own path for local images (posts' `image:` keys point there)
    assert (blog / "images" / "copied_from_nb" / "pics" / "dot.png").read_bytes() == PNG
    assert meta["image"] == "/images/copied_from_nb/pics/dot.png", "the first figure is the preview card's image"


def test_the_post_renders_on_a_fastpages_layout(blog):
    nb = _own_notebook(blog)
    run_cli("convert", "--site", str(blog), str(nb), check=True)
    html_text = built_page(jekyll_build(blog), "callouts")
    note = re.search(r'<div class="flash flash-note">(.*?)</div>', html_text, re.S).group(1)
    assert "<strong>bold</strong>" in note and '<a href="https://example.org/">link</a>' in note
    assert "‘quotes’" in note  # kramdown's typographic quotes: the quote did not break the include
    assert "second line" in note
    for kind in ("warning", "tip", "important"):
        assert f'class="flash flash-{kind}"' in html_text
    assert "it’s important" in html_text
    assert re.search(r"<blockquote>\s*<p>An ordinary quote: it stays a quote</p>", html_text)
    assert "<li>key: value</li>" in html_text
    # fastpages' own Liquid works ...
    assert '<sup id="fnref-1"><a href="#fn-1">1</a></sup>' in html_text
    assert '<p id="fn-1">1. The footnote | with a pipe' in html_text
    assert 'src="https://www.youtube.com/embed/XfoYk_Z5AkI"' in html_text
    assert "twitter-tweet" in html_text
    # ... any other Liquid reaches the reader literally, in prose and in code
    assert "{{ site.github_username }}" in html_text and "{% include secret.html %}" in html_text
    assert "{% fn 2 %}" in html_text and "{{ not liquid }}" in html_text and "{% raw %}" in html_text
    # the layout drew the badges from the front matter, with the real branch
    links = dict((href.split("/")[2], href) for href, _ in page_links(html_text).links if "badge" in " ".join(_))
    assert links["github.com"] == "https://github.com/octo-org/nb-blog/tree/main/_notebooks/2024-02-20-callouts.ipynb"
    assert links["colab.research.google.com"].endswith("/octo-org/nb-blog/blob/main/_notebooks/2024-02-20-callouts.ipynb")
    assert "master" not in " ".join(links.values())
    img = re.search(r'<img src="([^"]+)" alt="a dot"', html_text).group(1)
    assert img == "/images/copied_from_nb/pics/dot.png"
    assert (blog / "_site" / img.lstrip("/")).read_bytes() == PNG


def test_real_fastpages_notebook(blog, corpus):
    source = corpus / "fastai__fastpages"
    (blog / "_notebooks").mkdir()
    shutil.copy(source / "2020-02-20-test.ipynb", blog / "_notebooks")
    shutil.copytree(source / "my_icons", blog / "_notebooks" / "my_icons")
    run_cli("convert", "--site", str(blog), check=True)  # the _notebooks/ folder by default
    text = (blog / "_posts" / "2020-02-20-test.md").read_text(encoding="utf-8")
    meta = frontmatter.loads(text).metadata
    assert meta["toc"] is True and meta["comments"] is True and meta["branch"] == "main"
    html_text = built_page(jekyll_build(blog), "test")
    links = page_links(html_text)
    assert 'class="section-nav"' in html_text and len(links.toc_links()) > 10
    assert links.broken_toc_links() == []
    assert html_text.count('class="flash flash-') == 5
    assert '<a href="https://www.fast.ai/">an example website: fast.ai</a>' in html_text
    assert '<p id="fn-2">2. This is the other footnote.' in html_text
    assert (blog / "images" / "copied_from_nb" / "my_icons" / "fastai_logo.png").is_file()


def test_site_and_post_badge_switches_become_front_matter(blog):
    config = blog / "_config.yml"
    config.write_text(config.read_text() + "  badges: {colab: false}\n")
    on = write_notebook(blog / "_notebooks" / "2024-02-21-on.ipynb", [cell("markdown", "# On")])
    off = write_notebook(blog / "_notebooks" / "2024-02-22-off.ipynb", [cell("markdown", "# Off\n- badges: false")])
    back = write_notebook(blog / "_notebooks" / "2024-02-23-back.ipynb", [cell("markdown", "# Back\n- hide_colab_badge: false")])
    run_cli("convert", "--site", str(blog), str(on), str(off), str(back), check=True)
    back_meta = frontmatter.loads((blog / "_posts" / "2024-02-23-back.md").read_text()).metadata
    assert back_meta["hide_colab_badge"] is False, "the post's own switch wins over the site's"
    on_meta = frontmatter.loads((blog / "_posts" / "2024-02-21-on.md").read_text()).metadata
    off_meta = frontmatter.loads((blog / "_posts" / "2024-02-22-off.md").read_text()).metadata
    assert on_meta["hide_colab_badge"] is True and on_meta["branch"] == "main"
    assert off_meta["badges"] is False and "branch" not in off_meta
    built = jekyll_build(blog)
    on_html, off_html = built_page(built, "on"), built_page(built, "off")
    assert "badge-github" in on_html and "badge-colab" not in on_html
    assert "badge-github" not in off_html


def test_callout_rules():
    holder = Holder()
    text = "> Note: one\n> two\n\n> He said: no\n> Note: inside a quote stays\n\nText\n- author: x\n> Tip: after text"
    out = holder.restore(fastpages.prose_hook(text, holder))
    assert out.count("{% include note.html") == 1 and "one\ntwo{% endcapture %}" in out
    assert "> He said: no\n> Note: inside a quote stays" in out
    assert "Text\n- author: x\n\n{% capture" in out and "{% include tip.html" in out
    assert not fastpages.allow_liquid("{{ site.github_username }}")
    assert fastpages.allow_liquid("{% fn 12 %}") and fastpages.allow_liquid("{{ 'x' | fndetail: 12 }}")


def test_what_fastpages_got_wrong_on_its_own_layout(blog):
    """A title that broke fastpages' YAML, a pasted attachment, a first-line comment, Quarto options and
    cell tags, and an undated notebook: all right, built with --strict_front_matter."""
    nb = write_notebook(
        blog / "_notebooks" / "notes on C#.ipynb",
        [
            cell("markdown", '# C# tips: "quoted" & #hashed\n> Summary: with a colon'),
            cell("markdown", "![pasted](attachment:shot.png)", attachments={"shot.png": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg+M/A8B8ABQACAeKjoOkAAAAASUVORK5CYII="}}),
            cell("code", "# an ordinary comment\nx = 1"),
            cell("code", "#| echo: false\nsecret_input = 2"),
            cell("code", "tagged_away = 3", metadata={"tags": ["remove-cell"]}),
        ],
    )
    git(blog, "add", "_notebooks")
    git(blog, "commit", "-q", "-m", "notes", "--date", "2023-07-08T10:00:00")
    done = run_cli("convert", "--site", str(blog), str(nb), check=True)
    posts = list((blog / "_posts").glob("*.md"))
    assert [p.name for p in posts] == ["2023-07-08-notes-on-C.md"], done.stderr  # the first commit's day
    post = frontmatter.loads(posts[0].read_text(encoding="utf-8"))
    assert post["title"] == 'C# tips: "quoted" & #hashed' and post["description"] == "Summary: with a colon"
    assert "# an ordinary comment" in post.content
    assert "secret_input" not in post.content and "tagged_away" not in post.content
    shots = list((blog / "images" / "copied_from_nb").rglob("*shot.png"))
    assert len(shots) == 1
    html_text = built_page(jekyll_build(blog), "notes-on-C")
    assert "C# tips: &quot;quoted&quot; &amp; #hashed" in html_text
    assert f'/images/copied_from_nb/{shots[0].relative_to(blog / "images" / "copied_from_nb").as_posix()}' in html_text
