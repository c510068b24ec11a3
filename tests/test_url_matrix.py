"""A differential test of nb2post.jekyll.urls against real Jekyll 4.3 builds on a generated matrix.

Every site configuration (permalink styles and placeholders, url/baseurl, time zones, ``defaults:`` by
scope and type, collections, collections_dir, markdown_ext) is built once with every post variant (file
names with spaces, Unicode, dots, ``.htm``/``.markdown``, subfolders of ``_posts``, categories from
folders and front matter, own permalink/slug/date in several forms). A page lists what Jekyll made of each
post (``page.url`` and ``page.url | absolute_url``); each must equal what nb2post computes, and the file
must exist in ``_site`` where nb2post says it is.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import jekyll_build, make_site

from nb2post.jekyll.config import load_site_config
from nb2post.jekyll.urls import collections_dir, output_file, page_url, placeholders, post_url, read_post_file

# (file inside the site's posts area, extra front matter). "{posts}" is the folder that holds _posts.
POSTS = [
    ("_posts/2024-02-03-Cat_Test.md", "categories: [Fast AI, Deep]\n"),
    ("_posts/2024-03-09-plain.md", ""),
    ("_posts/2024-01-01-Résumé des données.md", "categories: Notes ML\n"),
    ("_posts/2023-12-31-slugged.md", "slug: My Own Slug!\ncategory: Single\n"),
    ("_posts/2024-05-06-timed.md", "date: 2024-05-06 23:30:00 -0800\n"),
    ("_posts/2024-07-08-own.md", "permalink: /special/:title/\n"),
    ("_posts/2024-07-09-fixed.md", "permalink: /fixed-page.php\n"),
    ("_posts/2024-07-10-own-pattern.md", "permalink: /p/:year/:slug:output_ext\n"),
    ("ml/_posts/2024-04-05-from-folder.md", "categories: [extra]\n"),
    ("tech/ai/_posts/2024-07-09-nested.md", ""),
    ("_posts/sub/2024-04-06-in-subfolder.md", "categories: [Sub Cat]\n"),
    ("_posts/2024-04-07-htm-post.htm", ""),
    ("_posts/2024-04-08-long-ext.markdown", ""),
    ("_posts/2024-04-09-Upper.MD", ""),
    ("_posts/2024-01-09-month-name.md", 'date: "May 20, 2024 10:00"\n'),
    ("_posts/2024-01-10-slash-date.md", "date: 2024/05/21\n"),
    ("_posts/2024-01-11-day-first.md", 'date: "20 May 2024 11:15 pm"\n'),
    ("_posts/2024-01-12-iso-zone.md", 'date: "2024-01-01T01:30:00+09:00"\n'),
    ("_posts/2024-01-13-rfc.md", 'date: "Tue, 21 May 2024 23:00:00 GMT"\n'),
    ("_posts/2024-01-14-us-zone.md", "date: 2024-03-01 22:00 PST\n"),
    ("_posts/2024-06-04-utc-stamp.md", "date: 2024-06-04 22:00:00\n"),
    ("_posts/2024-06-05-quoted-stamp.md", 'date: "2024-06-05 23:59:59"\n'),
    ("_posts/2024-12-30-iso-week.md", "categories: [Ünïcode Cat, UPPER, ÄÖ]\n"),
    ("_posts/2024-06-06-empty-slug.md", 'slug: ""\n'),
    ("_posts/2024-06-07-unicode-slug.md", 'slug: "Ça va? Oui! 日本語"\n'),
    ("_posts/2024-06-01-C# & F# tips (part 1).md", "categories: 'a b'\ntags: [x]\n"),
    ("_posts/2024-06-02-dots...md", ""),
    ("_posts/2024-06-03-re\u0301sume\u0301.md", ""),
    ("_posts/2024-7-8-short-date.md", "categories: [2024, true]\n"),
    ("_posts/2024-06-08-none-cats.md", "categories:\n"),
    ("_posts/2024-06-09-q?and#hash.md", ""),
    ("ml/_posts/2024-04-10-nil-values.md", "categories:\nslug:\npermalink:\n"),
    ("_posts/2024-04-11-dotdot.md", "permalink: /a/../b/./:title.html\n"),
    ("_posts/2024-04-12-cat-slash.md", "categories: [a/b, 'C D', c d, 'C#', '100%', 'why?', 'ü ß']\n"),
    ("_posts/2024-04-13-plus.md", "slug: 'a+b=c@d~e'\n"),
    ("_posts/2024-04-14-raw.html", ""),
    ("_posts/2024-04-15-yaml-utc.md", "date: 2024-04-15T23:00:00Z\n"),
]

CONFIGS = {
    "default": "",
    "pretty-baseurl": "permalink: pretty\nurl: https://example.com\nbaseurl: /blog\n",
    "ordinal-port": "permalink: ordinal\nurl: 'HTTPS://Example.ORG:8443'\nbaseurl: /sub/\n",
    "none-tokyo": "permalink: none\ntimezone: Asia/Tokyo\nurl: http://127.0.0.1:4000\n",
    "weekdate-la": "permalink: weekdate\ntimezone: America/Los_Angeles\n",
    "numbers": "permalink: /:categories/:year/:i_month/:i_day/:short_year/:hour:minute:second/:title:output_ext\n"
    "timezone: Europe/Berlin\n",
    "words": "permalink: /b/:slugified_categories/:w_year/W:week/:w_day/:short_day/:long_day/:short_month/"
    ":long_month/:slug\n",
    "name-path": "permalink: /:year/:y_day/:name/:path/:month_:day/\n",
    "collection-permalink": "url: https://x.test\ncollections:\n  posts:\n    permalink: /articles/:categories/:title/\n",
    "defaults": "url: https://x.test\ndefaults:\n"
    "  - scope: {path: '', type: posts}\n    values: {permalink: '/d/:categories/:title/'}\n"
    "  - scope: {path: ml}\n    values: {categories: [fromdefaults]}\n"
    "  - scope: {path: _posts/sub, type: post}\n    values: {permalink: '/subfolder/:slug/'}\n"
    "  - scope: {path: 'tech/*'}\n    values: {category: globbed}\n"
    "  - scope: {path: '', type: pages}\n    values: {permalink: '/never/'}\n",
    "collections-dir": "url: https://x.test\ncollections_dir: my_content\npermalink: /:categories/:title/\n"
    "defaults:\n  - scope: {path: my_content/_posts/sub}\n    values: {categories: [below-collections-dir]}\n"
    "  - scope: {path: 'my_content/ml', type: post}\n    values: {slug: from-defaults}\n",
    "unicode-domain": "url: 'https://bücher.example'\nbaseurl: /blög/\npermalink: /:year/:month_:day/:title\n",
    "url-trailing-slash": "url: https://example.com/\nbaseurl: /blog\n",
    "url-path-baseurl-no-slash": "url: https://example.com/sub\nbaseurl: blog\ntimezone: Pacific/Auckland\n"
    "permalink: /:categories/:short_month/:title.html\n",
    "markdown-ext": "markdown_ext: md,mkd\npermalink: /:title:output_ext\nurl: https://x.test/\n",
}

LIST = (
    "---\nlayout: null\npermalink: /urls.txt\n---\n{% for p in site.posts %}{{ p.nbid }}\t{{ p.url }}\t{{ p.url | absolute_url }}\n"
    "{% endfor %}"
)


def _write_site(root: Path, extra_config: str) -> Path:
    site = make_site(root, extra_config=extra_config)
    base = site / (collections_dir(load_site_config(site)) or ".")
    for number, (relative, front) in enumerate(POSTS):
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nlayout: post\ntitle: A post\nnbid: {number}\n{front}---\n\nHello {number}.\n", encoding="utf-8")
    (site / "urls.txt").write_text(LIST, encoding="utf-8")
    return site


def _published(out: Path) -> dict[int, tuple[str, str]]:
    rows = [line.split("\t") for line in (out / "urls.txt").read_text(encoding="utf-8").splitlines() if "\t" in line]
    return {int(number): (url, absolute) for number, url, absolute in rows}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    done = {}
    for name, extra in CONFIGS.items():
        site = _write_site(tmp_path_factory.mktemp("matrix") / name, extra)
        done[name] = (site, jekyll_build(site))
    return done


def test_matrix_is_large_enough():
    assert len(POSTS) * len(CONFIGS) >= 300


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_post_url_is_the_one_jekyll_4_publishes(builds, name):
    site, out = builds[name]
    published = _published(out)
    assert sorted(published) == list(range(len(POSTS))), "Jekyll did not publish every post"
    config = load_site_config(site)
    base = site / (collections_dir(config) or ".")
    wrong = []
    for number, (relative, _) in enumerate(POSTS):
        post = read_post_file(site, base / relative, config)
        url = page_url(post, config, version=4)
        absolute = post_url(site, base / relative, config, version=4)
        if (url, absolute) != published[number]:
            wrong.append(f"{relative}: nb2post {url} {absolute}, Jekyll {published[number]}")
            continue
        page = out / output_file(url, placeholders(post, config, 4)["output_ext"])
        if not page.is_file() or f"Hello {number}." not in page.read_text(encoding="utf-8"):
            wrong.append(f"{relative}: {page} missing")
    assert not wrong, "\n".join(wrong)


def test_jekyll_3_rules_differ_from_4_only_where_its_source_does(builds):
    """Over the same matrix, GitHub Pages' 3.10 rules give other URLs only for the known differences
    (each held against the 3.x source in test_urls.py): the weekdate style, the 4-only placeholders,
    decomposed Unicode file names and file names ending in dots."""
    from nb2post.jekyll.urls import UrlError

    unexpected = []
    differing = 0
    for name, (site, _) in builds.items():
        config = load_site_config(site)
        base = site / (collections_dir(config) or ".")
        for relative, _ in POSTS:
            post = read_post_file(site, base / relative, config)
            try:
                old = page_url(post, config, version=3)
            except UrlError as exc:
                old = "fails: " + str(exc)
            new = page_url(post, config, version=4)
            if old == new:
                continue
            differing += 1
            known = (
                (name == "weekdate-la" and old == "/weekdate")
                or (name == "words" and "only Jekyll 4 knows" in old)
                or "\u0301" in relative
                or relative.endswith("dots...md")
            )
            if not known:
                unexpected.append(f"{name} {relative}: 3.10 {old}, 4.3 {new}")
    assert not unexpected, "\n".join(unexpected)
    own_permalinks = sum("permalink: /" in front for _, front in POSTS)
    # at least: every post without its own permalink, under weekdate and under the 4-only placeholders
    assert differing > 2 * (len(POSTS) - own_permalinks)


def test_posts_nb2post_writes_get_the_url_jekyll_publishes(tmp_path):
    """End to end: notebooks → ``nb2post convert`` → ``jekyll build``; each post's computed URL is the
    one Jekyll lists, and it is no folder-made category (collections_dir)."""
    from conftest import cell, run_cli, write_notebook

    site = make_site(
        tmp_path / "site",
        extra_config="url: https://Example.org\nbaseurl: /blog\ntimezone: America/New_York\ncollections_dir: c\n"
        "permalink: /:categories/:year/:month/:day/:hour/:title:output_ext\nnb2post:\n  jekyll: 4\n",
    )
    notebooks = site / "_notebooks"
    metadata = [
        ("2024-05-01-Résumé des données.ipynb", {}),
        ("2024-05-02-tagged.ipynb", {"categories": ["Deep Learning", "NLP"]}),
        ("2024-05-03-own-slug.ipynb", {"slug": "Mon Slug à moi"}),
        ("2024-05-04-timed.ipynb", {"date": "2024-05-04 23:30:00 -0800"}),
        ("2024-05-05-folder/index.ipynb", {}),
        ("C# tips & tricks.ipynb", {"date": "2024-05-06"}),
        ("2024-05-07-own-permalink.ipynb", {"permalink": "/p/:slug/"}),
    ]
    for name, meta in metadata:
        write_notebook(notebooks / name, [cell("markdown", "# A title\n\nSome text.")], nb2post={"layout": "post", **meta})
    run_cli("convert", "--site", str(site), str(notebooks), check=True)
    (site / "urls.txt").write_text(LIST.replace("p.nbid", "p.path"), encoding="utf-8")
    out = jekyll_build(site)
    rows = [line.split("\t") for line in (out / "urls.txt").read_text(encoding="utf-8").splitlines() if "\t" in line]
    published = {path: absolute for path, _, absolute in rows}
    posts = sorted((site / "c" / "_posts").glob("*.md"))
    assert len(posts) == len(metadata) == len(published)
    config = load_site_config(site)
    for post in posts:
        computed = post_url(site, post, config)
        assert computed == published[f"_posts/{post.name}"], post.name
        assert "/c/" not in computed
