"""Post URLs computed by nb2post.urls against what a real ``jekyll build`` publishes.

Each site gets a page that prints ``{{ post.url | absolute_url }}`` for every post, so the computed URL
is compared with Jekyll's own, and the page behind the URL must exist in ``_site``.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import jekyll_build, make_site

from nb2post.config import load_site_config
from nb2post.urls import PostFile, output_file, page_url, post_url, slugify

URL_LIST = "---\nlayout: null\n---\n{% for p in site.posts %}{{ p.path }}\t{{ p.url | absolute_url }}\n{% endfor %}"

POSTS = {
    "_posts/2024-02-03-Cat_Test.md": "categories: [Fast AI, Deep]\n",
    "_posts/2024-03-09-plain.md": "",
    "_posts/2024-01-01-Résumé des données.md": "categories: Notes ML\n",
    "_posts/2023-12-31-slugged.md": "slug: My Own Slug!\ncategory: Single\n",
    "_posts/2024-05-06-timed.md": "date: 2024-05-06 23:30:00 -0800\n",
    "_posts/2024-07-08-own.md": "permalink: /special/:title/\n",
    "_posts/2024-07-09-fixed.md": "permalink: /fixed-page.html\n",
    "ml/_posts/2024-04-05-from-folder.md": "categories: [extra]\n",
}

CONFIGS = {
    "date-default": "",
    "pretty": "permalink: pretty\n",
    "ordinal": "permalink: ordinal\n",
    "none": "permalink: none\n",
    "weekdate": "permalink: weekdate\n",
    "custom": "permalink: /blog/:categories/:slug/:year-:i_month-:i_day/:short_year/:title:output_ext\n",
    "extensionless": "permalink: /:year/:month/:title\n",
    "baseurl-and-zone": "url: 'https://Example.ORG:443'\nbaseurl: /sub/\ntimezone: Asia/Tokyo\npermalink: /:categories/:year/:month/:day/:hour:minute/:title/\n",
    "collection-permalink": "url: http://127.0.0.1:4000\ncollections:\n  posts:\n    permalink: /articles/:slugified_categories/:name\n",
    "defaults": "url: https://x.test\ndefaults:\n  - scope: {path: '', type: posts}\n    values: {permalink: '/d/:title/'}\n  - scope: {path: ml}\n    values: {categories: [fromdefaults]}\n",
}


def _write_posts(site: Path) -> None:
    for relative, front in POSTS.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nlayout: post\ntitle: A post\n{front}---\n\nHello.\n", encoding="utf-8")
    (site / "urls.txt").write_text(URL_LIST, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_computed_url_is_the_one_jekyll_publishes(tmp_path, name):
    site = make_site(tmp_path / "site", extra_config=CONFIGS[name])
    _write_posts(site)
    out = jekyll_build(site)
    published = dict(
        line.split("\t", 1) for line in (out / "urls.txt").read_text(encoding="utf-8").splitlines() if "\t" in line
    )
    assert len(published) == len(POSTS), published
    config = load_site_config(site)
    baseurl = urlsplit(str(config.get("baseurl") or "")).path.rstrip("/")
    for relative in POSTS:
        computed = post_url(site, site / relative, config, version=4)
        assert computed == published[relative], relative
        path = urlsplit(computed).path
        assert path.startswith(baseurl)
        page = out / output_file(path[len(baseurl):])
        assert page.is_file(), f"{relative}: {computed} -> {page} missing"
        assert "Hello." in page.read_text(encoding="utf-8")


def test_site_url_gives_an_absolute_url():
    post = PostFile("_posts/2024-02-03-Cat_Test.md", {"categories": ["Fast AI", "Deep"]})
    assert page_url(post, {}) == "/fast%20ai/deep/2024/02/03/Cat_Test.html"
    from nb2post.urls import absolute_url

    assert absolute_url({"url": "https://ex.com", "baseurl": "/blog"}, "/a/") == "https://ex.com/blog/a/"


def test_unknown_placeholder_is_a_clear_error():
    from nb2post.urls import UrlError

    post = PostFile("_posts/2024-02-03-x.md", {"permalink": "/:nonsense/"})
    with pytest.raises(UrlError, match=":nonsense"):
        page_url(post, {})


@pytest.mark.parametrize(
    "text, mode, cased, expected",
    [
        ("The _config.yml file", "default", False, "the-config-yml-file"),
        ("The _config.yml file", "pretty", False, "the-_config.yml-file"),
        ("The _config.yml file", "pretty", True, "The-_config.yml-file"),
        ("Résumé des données", "pretty", True, "Résumé-des-données"),
        ("--C# tips--", "default", False, "c-tips"),
    ],
)
def test_slugify_matches_jekyll_documented_examples(text, mode, cased, expected):
    assert slugify(text, mode, cased) == expected
