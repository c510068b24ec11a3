"""Adopting the posts people already have: a hand-made post keeps its URL and front matter, the notebook
gives the body, later converts keep it all; dry runs list adoptions and URL changes without writing."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

from conftest import cell, git, jekyll_build, make_site, run_cli, write_notebook

from nb2post.render import adopt

# The layout shows the keys an owner sets, so the built page proves they survived.
LAYOUT = (
    '<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title>'
    '<meta name="description" content="{{ page.description }}"></head><body>'
    '<p id="categories">{{ page.categories | join: "," }}</p><p id="tags">{{ page.tags | join: "," }}</p>'
    '<p id="comments">{{ page.comments }}/{{ page.giscus_comments }}</p>{{ content }}</body></html>\n'
)
HAND_MADE = """---
layout: post
title: "SVD, spelled out"
permalink: /study/svd/
categories: [study, linear-algebra]
tags: [svd, numpy]
description: How the singular value decomposition works.
comments: true
giscus_comments: true
---
Old hand-made body. [Open in Colab](https://colab.research.google.com/github/me/blog/blob/master/{nb})
"""


def hand_made_site(tmp_path: Path, names: str = "_notebooks/other.ipynb") -> tuple[Path, Path, Path]:
    """A committed site with a hand-made post (naming ``names``) and a notebook of a different name."""
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    (site / "_layouts" / "post.html").write_text(LAYOUT, encoding="utf-8")
    (site / "_posts").mkdir()
    post = site / "_posts" / "2019-03-04-svd.md"
    post.write_text(HAND_MADE.format(nb=names), encoding="utf-8")
    nb = write_notebook(
        site / "_notebooks" / "2021-05-06-gcn-notebook.ipynb",
        [cell("markdown", "## Setup\n\nThe body now comes from the notebook."), cell("code", "x = 1")],
    )
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the blog as it was")
    return site, nb, post


def front_matter(post: Path) -> dict:
    from nb2post.notebook.front_matter import load_yaml

    text = post.read_text(encoding="utf-8")
    return dict(load_yaml(text.split("---\n", 2)[1], str(post)))


def page_field(page: str, name: str) -> str:
    return re.search(rf'<p id="{name}">(.*?)</p>', page).group(1)


def test_an_adopted_post_keeps_its_url_and_metadata_and_later_converts_keep_it(tmp_path):
    site, nb, post = hand_made_site(tmp_path)
    before = post.read_text(encoding="utf-8")

    shown = run_cli("adopt", "--dry-run", str(post), str(nb), check=True)
    assert "would adopt _posts/2019-03-04-svd.md" in shown.stdout and "URL /study/svd/ kept" in shown.stdout
    assert ("file name kept; title kept; 7 keys kept (layout, permalink, categories, tags, description, comments, "
            "giscus_comments); 1 key from the notebook (excerpt)") in shown.stdout
    assert "would change URL" not in shown.stdout
    assert post.read_text(encoding="utf-8") == before and len(list((site / "_posts").iterdir())) == 1

    refused = run_cli("adopt", str(post), str(nb))
    assert refused.returncode == 1 and refused.stdout == "" and post.read_text(encoding="utf-8") == before
    assert refused.stderr.splitlines()[0].startswith(
        "error: _posts/2019-03-04-svd.md: 1 paragraph only in the post, e.g. 'Old hand-made body.")
    assert "--replace-owner-text" in refused.stderr.splitlines()[0]
    done = run_cli("adopt", str(post), str(nb), "--replace-owner-text", check=True)
    assert done.stdout.strip() == "_posts/2019-03-04-svd.md" or done.stdout.strip().endswith("2019-03-04-svd.md")
    carried = [line for line in done.stderr.splitlines() if line.startswith("adopted ")]
    assert len(carried) == 1 and "URL /study/svd/ kept" in carried[0] and "giscus_comments" in carried[0]
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2019-03-04-svd.md"]

    def built_page() -> str:
        out = jekyll_build(site)
        pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
        assert pages == ["study/svd/index.html"], pages  # the old URL, and no page at a new one
        return (out / "study/svd/index.html").read_text(encoding="utf-8")

    page = built_page()
    assert "<title>SVD, spelled out</title>" in page
    assert page_field(page, "categories") == "study,linear-algebra" and page_field(page, "tags") == "svd,numpy"
    assert page_field(page, "comments") == "true/true"
    assert 'content="How the singular value decomposition works."' in page
    assert "The body now comes from the notebook." in page and "Old hand-made body" not in page

    # The notebook changes: the pairing holds (marker), the carried keys stay, the body follows.
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"][1]["source"] = "print('second version')"
    nb.write_text(json.dumps(data), encoding="utf-8")
    again = run_cli("convert", "--site", str(site), check=True)
    assert again.stdout.strip().endswith("_posts/2019-03-04-svd.md")
    values = front_matter(post)
    assert values["permalink"] == "/study/svd/" and values["title"] == "SVD, spelled out"
    assert list(values["categories"]) == ["study", "linear-algebra"] and values["giscus_comments"] is True
    page = built_page()
    assert "second version" in page and page_field(page, "categories") == "study,linear-algebra"

    unchanged = run_cli("convert", "--site", str(site), "-v", check=True)
    assert "1 unchanged" in unchanged.stderr and unchanged.stdout == ""


def test_a_post_naming_the_notebook_is_matched_shown_by_dry_run_and_taken_over_only_with_adopt(tmp_path):
    site, nb, post = hand_made_site(tmp_path, names="_notebooks/2021-05-06-gcn-notebook.ipynb")
    before = post.read_text(encoding="utf-8")

    shown = run_cli("convert", "--site", str(site), "--dry-run", check=True)
    assert "would adopt _posts/2019-03-04-svd.md (names the notebook): URL /study/svd/ kept" in shown.stdout
    assert "would write _posts/2019-03-04-svd.md" in shown.stdout
    assert post.read_text(encoding="utf-8") == before and len(list((site / "_posts").iterdir())) == 1

    refused = run_cli("convert", "--site", str(site))
    assert refused.returncode == 1 and "--adopt" in refused.stderr and "2019-03-04-svd.md" in refused.stderr
    assert post.read_text(encoding="utf-8") == before and len(list((site / "_posts").iterdir())) == 1

    run_cli("convert", "--site", str(site), "--adopt", "--replace-owner-text", check=True)
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2019-03-04-svd.md"]
    values = front_matter(post)
    assert values["permalink"] == "/study/svd/" and values["comments"] is True
    assert "The body now comes from the notebook." in post.read_text(encoding="utf-8")


def test_a_hand_made_post_of_the_same_date_and_name_is_adopted_with_adopt(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    mine = site / "_posts" / "2024-02-03-post.md"
    mine.write_text("---\ntitle: Mine\ntags: [a]\n---\nHand written.\n", encoding="utf-8")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-post.ipynb", [cell("markdown", "From the notebook.")])
    refused = run_cli("convert", "--site", str(site), str(nb))
    assert refused.returncode == 1 and "not written by nb2post" in refused.stderr and "--adopt" in refused.stderr
    run_cli("convert", "--site", str(site), str(nb), "--adopt", "--replace-owner-text", check=True)
    values = front_matter(mine)
    assert values["title"] == "Mine" and list(values["tags"]) == ["a"]
    assert "From the notebook." in mine.read_text(encoding="utf-8")


def test_the_post_keeps_its_title_and_the_notebooks_is_shown_and_taken_only_when_asked(tmp_path):
    site, nb, post = hand_made_site(tmp_path)
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"].insert(0, cell("raw", "---\ntitle: The notebook's own title\ndescription: The notebook's words.\n---"))
    nb.write_text(json.dumps(data), encoding="utf-8")
    shown = run_cli("adopt", "-n", str(post), str(nb), "--replace-owner-text", check=True)
    assert "title kept (the notebook's is \"The notebook's own title\"; --notebook-title takes it)" in shown.stdout

    other = tmp_path / "other"
    subprocess.run(["cp", "-a", str(site), str(other)], check=True)
    run_cli("adopt", str(post), str(nb), "--replace-owner-text", check=True)
    values = front_matter(post)
    assert values["title"] == "SVD, spelled out" and values["description"] == "How the singular value decomposition works."
    # later converts keep it too
    data["cells"].append(cell("markdown", "More."))
    nb.write_text(json.dumps(data), encoding="utf-8")
    run_cli("convert", "--site", str(site), check=True)
    assert front_matter(post)["title"] == "SVD, spelled out" and "More." in post.read_text(encoding="utf-8")

    post, nb = other / "_posts" / post.name, other / "_notebooks" / nb.name
    done = run_cli("adopt", str(post), str(nb), "--replace-owner-text", "--notebook-title", check=True)
    values = front_matter(post)
    assert values["title"] == "The notebook's own title"
    assert values["permalink"] == "/study/svd/" and values["description"] == "How the singular value decomposition works."
    line = next(line for line in done.stderr.splitlines() if line.startswith("adopted "))
    assert "7 keys kept (layout, permalink, categories, tags, description, comments, giscus_comments)" in line
    assert line.endswith("; 2 keys from the notebook (title, excerpt); replacing the post's title")


def test_dry_run_lists_every_url_that_would_change(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-post.ipynb", [cell("markdown", "Hello.")])
    run_cli("convert", "--site", str(site), check=True)
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "published")
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"].insert(0, cell("raw", "---\nslug: new-name\n---"))
    nb.write_text(json.dumps(data), encoding="utf-8")
    shown = run_cli("convert", "--site", str(site), "--dry-run", "--force")
    assert "would change URL /2024/02/03/post.html → /2024/02/03/new-name.html (_posts/2024-02-03-post.md)" in shown.stdout
    assert (site / "_posts" / "2024-02-03-post.md").is_file() and not (site / "_posts" / "2024-02-03-new-name.md").exists()


def test_matching_is_pure_and_exact():
    posts = {
        Path("_posts/2019-03-04-svd.md"): "[Colab](https://colab.research.google.com/github/a/b/blob/master/nbs/svd.ipynb?x=1)",
        Path("_posts/2020-01-01-other.md"): "see svd.ipynb.bak and notsvd.ipynb",
        Path("_posts/2024-02-03-post.markdown"): "hand made",
    }
    assert adopt.match("nbs/svd.ipynb", "2021-01-01-svd.md", posts) == (Path("_posts/2019-03-04-svd.md"), "names the notebook")
    assert adopt.match("x/2024-02-03-post.ipynb", "2024-02-03-post.md", posts)[1] == "has the same date and name"
    assert adopt.match("nbs/gone.ipynb", "2021-01-01-gone.md", posts) is None
    series = {Path("_posts/2019-04-01-part-2.md"): "after [part 1](part1.ipynb), see [the notebook](part2.ipynb)"}
    assert adopt.match("nbs/part2.ipynb", "2021-01-01-part2.md", series) is None  # names two: no guess
    two = {**posts, Path("_posts/2019-03-05-svd-2.md"): "generated from svd.ipynb"}
    assert adopt.match("nbs/svd.ipynb", "2021-01-01-svd.md", two) is None  # two candidates: no guess
    assert adopt.file_name_parts("2019-03-04-svd.md") == (dt.date(2019, 3, 4), "svd")
    values = {"title": "From the notebook", "layout": "post"}
    adoption = adopt.Adoption("_posts/2019-03-04-svd.md", dt.date(2019, 3, 4), "svd",
                              {"title": "Owner's", "permalink": "/study/svd/", "nb_path": "old.ipynb"})
    assert adopt.carry(values, {"title"}, adoption) == ["permalink"]
    assert values == {"title": "From the notebook", "layout": "post", "permalink": "/study/svd/",
                      adopt.RECORD: ["permalink"]}


def test_a_site_wide_permalink_of_categories_keeps_the_url_and_a_markdown_post_becomes_md(tmp_path):
    """The minimal-mistakes blog of issue 14: a site-wide permalink of categories, categories in each post
    (and a date whose time zone moves the day: kept as written, so the URL's day stays)."""
    site = make_site(tmp_path / "site", extra_config=(
        "permalink: /:categories/:year/:month/:day/:title/\ntimezone: UTC\nnb2post:\n  badges: false\n"))
    (site / "_posts").mkdir()
    post = site / "_posts" / "2019-03-04-svd.markdown"
    post.write_text("---\ntitle: SVD\ncategories: study\ndate: 2019-03-04 23:30:00 -0500\n---\nOld.\n", encoding="utf-8")
    nb = write_notebook(site / "_notebooks" / "svd-notebook.ipynb", [cell("markdown", "New.")])
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the blog")
    shown = run_cli("adopt", "-n", str(post), str(nb), check=True)
    assert "URL /study/2019/03/05/svd/ kept, renamed 2019-03-04-svd.markdown → 2019-03-04-svd.md" in shown.stdout
    assert "would remove _posts/2019-03-04-svd.markdown" in shown.stdout and post.is_file()
    run_cli("adopt", str(post), str(nb), "--replace-owner-text", check=True)
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2019-03-04-svd.md"]
    out = jekyll_build(site)
    assert "New." in (out / "study/2019/03/05/svd/index.html").read_text(encoding="utf-8")
    assert run_cli("check", "--site", str(site)).returncode == 0


def test_adopt_refuses_another_notebooks_post_and_a_post_without_a_date_in_its_name(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    first = write_notebook(site / "_notebooks" / "2024-02-03-first.ipynb", [cell("markdown", "One.")])
    second = write_notebook(site / "_notebooks" / "2024-02-04-second.ipynb", [cell("markdown", "Two.")])
    run_cli("convert", "--site", str(site), str(first), check=True)
    theirs = site / "_posts" / "2024-02-03-first.md"
    before = theirs.read_bytes()
    done = run_cli("adopt", str(theirs), str(second))
    assert done.returncode == 1 and "nb2post's post of _notebooks/2024-02-03-first.ipynb" in done.stderr
    assert theirs.read_bytes() == before and not (site / "_posts" / "2024-02-04-second.md").exists()
    undated = site / "_posts" / "about.md"
    undated.write_text("---\ntitle: About\n---\nx\n", encoding="utf-8")
    done = run_cli("adopt", str(undated), str(second))
    assert done.returncode == 2 and "about.md: is not named like a post (YYYY-MM-DD-slug.md)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_many_notebooks_adopted_across_worker_processes_keep_their_posts(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    names = [f"topic-{i}" for i in range(5)]
    for i, name in enumerate(names):
        (site / "_posts" / f"2018-01-0{i + 1}-old-{name}.md").write_text(
            f"---\ntitle: Owner title {i}\npermalink: /notes/{name}/\n---\n[notebook](../nbs/{name}.ipynb)\n",
            encoding="utf-8")
        write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("markdown", f"Body {i}, first.")])
    run_cli("convert", "--site", str(site), "--adopt", "-j", "2", "--replace-owner-text", check=True)
    for i, name in enumerate(names):
        nb = site / "_notebooks" / f"{name}.ipynb"
        data = json.loads(nb.read_text(encoding="utf-8"))
        data["cells"][0]["source"] = f"Body {i}, second."
        nb.write_text(json.dumps(data), encoding="utf-8")
    done = run_cli("convert", "--site", str(site), "-j", "2", check=True)
    assert "5 written" in done.stderr
    posts = sorted((site / "_posts").iterdir())
    assert [p.name for p in posts] == [f"2018-01-0{i + 1}-old-{name}.md" for i, name in enumerate(names)]
    for i, post in enumerate(posts):
        values = front_matter(post)
        assert values["title"] == f"Owner title {i}" and values["permalink"] == f"/notes/{names[i]}/"
        assert f"Body {i}, second." in post.read_text(encoding="utf-8")


def test_an_adoption_that_carries_nothing_still_keeps_the_file_name_later(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    post = site / "_posts" / "2019-01-01-kept-name.md"
    post.write_text("---\ntitle: Old\n---\nOld.\n", encoding="utf-8")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-new.ipynb",
                        [cell("raw", "---\ntitle: New\n---"), cell("markdown", "First.")])
    done = run_cli("adopt", str(post), str(nb), "--replace-owner-text", "--notebook-title", check=True)
    assert "file name kept; no key kept; 3 keys from the notebook (layout, title, description)" in done.stderr
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"][1]["source"] = "Second."
    nb.write_text(json.dumps(data), encoding="utf-8")
    run_cli("convert", "--site", str(site), check=True)
    assert [p.name for p in (site / "_posts").iterdir()] == ["2019-01-01-kept-name.md"]
    assert "Second." in post.read_text(encoding="utf-8") and front_matter(post)["title"] == "New"


def test_on_minima_the_adopted_posts_url_title_and_description_reach_seo_tags_and_the_feed(tmp_path):
    site = make_site(tmp_path / "site", strict=False, extra_config="url: https://me.example\nnb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    post = site / "_posts" / "2019-03-04-svd.md"
    post.write_text(HAND_MADE.format(nb="nbs/gcn.ipynb").replace("layout: post\n", ""), encoding="utf-8")
    (site / "index.md").write_text("---\nlayout: home\n---\n", encoding="utf-8")
    nb = write_notebook(site / "nbs" / "gcn.ipynb", [cell("markdown", "A paragraph of the notebook's prose.")])
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the blog")
    run_cli("convert", "--site", str(site), str(nb), "--adopt", "--replace-owner-text", check=True)
    out = jekyll_build(site)
    page = (out / "study/svd/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:title" content="SVD, spelled out"' in page
    assert '<meta property="og:description" content="How the singular value decomposition works."' in page
    assert '<link rel="canonical" href="https://me.example/study/svd/"' in page
    assert "A paragraph of the notebook&#39;s prose." in page or "A paragraph of the notebook’s prose." in page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "https://me.example/study/svd/" in feed and "SVD, spelled out" in feed
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="/study/svd/">' in home and "SVD, spelled out" in home


def test_adopting_replaces_both_the_notebooks_earlier_post_and_the_adopted_file(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-new.ipynb", [cell("markdown", "Body.")])
    run_cli("convert", "--site", str(site), check=True)
    mine = site / "_posts" / "2019-01-01-mine.markdown"
    mine.write_text("---\ntitle: Mine\n---\nOld.\n", encoding="utf-8")
    shown = run_cli("adopt", "-n", str(mine), str(nb), check=True)
    assert "would remove _posts/2024-02-03-new.md" in shown.stdout and "would remove _posts/2019-01-01-mine.markdown" in shown.stdout
    assert "would change URL /2024/02/03/new.html → /2019/01/01/mine.html (_posts/2024-02-03-new.md)" in shown.stdout
    run_cli("adopt", str(mine), str(nb), "--replace-owner-text", check=True)
    assert [p.name for p in (site / "_posts").iterdir()] == ["2019-01-01-mine.md"]
    assert front_matter(site / "_posts" / "2019-01-01-mine.md")["title"] == "Mine"
