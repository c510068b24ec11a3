"""Post URLs computed by nb2post.jekyll.urls against what a real ``jekyll build`` publishes.

Each site gets a page that prints ``{{ post.url | absolute_url }}`` for every post, so the computed URL
is compared with Jekyll's own, and the page behind the URL must exist in ``_site``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import cell, jekyll_build, make_site, run_cli, write_notebook

from nb2post.jekyll.config import load_site_config
from nb2post.jekyll.urls import PostFile, output_file, page_url, post_url, slugify

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
    from nb2post.jekyll.urls import absolute_url

    assert absolute_url({"url": "https://ex.com", "baseurl": "/blog"}, "/a/") == "https://ex.com/blog/a/"


def test_unknown_placeholder_is_a_clear_error():
    from nb2post.jekyll.urls import UrlError

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


# --- Jekyll 3.10 (GitHub Pages) rules ------------------------------------------------------------
# Jekyll 3.10 cannot be installed here, so each difference is held against its source (the 3.x line of
# jekyll/jekyll, read through the code search) and its documentation (docs/_docs/permalinks.md marks
# what is "4.0"/"4.1").


def test_weekdate_is_no_style_in_jekyll_3():
    # 3.x lib/jekyll/configuration.rb, style_to_permalink: branches for :pretty, :none, :date, :ordinal,
    # `else permalink_style.to_s` -- no :weekdate (docs: weekdate is "4.0"). The word is the template.
    post = PostFile("_posts/2024-02-03-hello.md", {})
    assert page_url(post, {"permalink": "weekdate"}, version=3) == "/weekdate"
    assert output_file("/weekdate") == "weekdate.html"  # every post is written to this one file
    assert page_url(post, {"permalink": "weekdate"}, version=4) == "/2024/W05/Sat/hello.html"


@pytest.mark.parametrize("placeholder", ["slugified_categories", "w_year", "week", "w_day", "short_day", "long_day", "long_month"])
def test_jekyll_4_placeholders_fail_under_jekyll_3(placeholder):
    # 3.x lib/jekyll/drops/url_drop.rb defines collection, name, title, slug, categories, year, month,
    # day, hour, minute, second, i_day, i_month, short_month, short_year, y_day -- nothing else; and
    # URL#generate_url_from_drop raises NoMethodError for a key the drop lacks, failing the build.
    from nb2post.jekyll.urls import UrlError

    post = PostFile("_posts/2024-02-03-hello.md", {"categories": ["A b"]})
    config = {"permalink": f"/:{placeholder}/:title/"}
    assert page_url(post, config, version=4)
    with pytest.raises(UrlError, match=f":{placeholder}, which only Jekyll 4 knows"):
        page_url(post, config, version=3)


def test_short_month_exists_in_jekyll_3():
    # 3.x url_drop.rb: `def short_month; @obj.date.strftime("%b"); end` (the docs give it no 4.0 badge).
    post = PostFile("_posts/2024-02-03-hello.md", {})
    assert page_url(post, {"permalink": "/:short_month/:title/"}, version=3) == "/Feb/hello/"


def test_decomposed_unicode_slugifies_differently_in_jekyll_3():
    # 3.x lib/jekyll/utils.rb: SLUGIFY_DEFAULT_REGEXP = Regexp.new("[^[:alnum:]]+"), and the pretty one
    # "[^[:alnum:]._~!$&'()+,;=@]+": a combining accent (U+0301) is not [:alnum:] in Onigmo, so it
    # separates. Jekyll 4 (utils.rb) keeps \p{M}: "[^\p{M}\p{L}\p{Nd}]+".
    name = "re\u0301sume\u0301"
    assert slugify(name, version=3) == "re-sume"
    assert slugify(name, "pretty", cased=True, version=3) == "re-sume"
    assert slugify(name, version=4) == name
    post = PostFile(f"_posts/2024-06-03-{name}.md", {})
    assert page_url(post, {}, version=3) == "/2024/06/03/re-sume.html"
    # Letters outside Latin that are Alphabetic stay: Devanagari vowel signs are Other_Alphabetic marks
    assert slugify("हिंदी", version=3) == "हिंदी"


def test_file_name_ending_in_dots_in_jekyll_3():
    # 3.x lib/jekyll/document.rb, populate_title: `data["slug"] ||= slug` with no
    # `slug.gsub!(%r!\.*\z!, "")` (Jekyll 4 added that); URL#sanitize_url then reads ".." as "/".
    post = PostFile("_posts/2024-06-02-dots...md", {})
    assert page_url(post, {}, version=3) == "/2024/06/02/dots/.html"
    assert page_url(post, {}, version=4) == "/2024/06/02/dots.html"
    # cleaned_relative_path (":path") keeps the dots too in 3.x
    assert page_url(post, {"permalink": "/:path/"}, version=3) == "/2024-06-02-dots/"
    from nb2post.jekyll.urls import post_warnings

    assert any("ends in '.'" in w for w in post_warnings(post, {}, version=3))
    assert not post_warnings(post, {}, version=4)


def test_version_warnings_name_the_setting_and_the_way_out():
    from nb2post.jekyll.urls import version_warnings

    config = {
        "permalink": "weekdate",
        "defaults": [{"scope": {"path": ""}, "values": {"permalink": "/:w_year/:week/:title/"}}],
    }
    warnings = version_warnings(config, 3, why="no Gemfile and no build workflow")
    assert len(warnings) == 2
    assert "weekdate.html" in warnings[0] and "nb2post: jekyll: 4" in warnings[0]
    assert ":w_year, :week" in warnings[1] and "defaults[0]" in warnings[1]
    assert version_warnings(config, 4) == []
    assert version_warnings({"permalink": "/:short_month/:title/"}, 3) == []


# --- which Jekyll builds the site -------------------------------------------------------------------


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "files, version, said",
    [
        ({}, 3, "GitHub Pages builds"),
        ({"Gemfile": 'source "https://rubygems.org"\ngem "github-pages", group: :jekyll_plugins\n'}, 3, "github-pages"),
        ({"Gemfile": "gem 'jekyll', '~> 4.3'\ngem 'minima'\n"}, 4, "pins jekyll 4"),
        ({"Gemfile": 'gem "jekyll", "~> 3.9"\n'}, 3, "pins jekyll 3"),
        ({"Gemfile": 'gem "jekyll"\n'}, 4, "without an upper bound"),
        ({"Gemfile": 'gem "jekyll"\n', "Gemfile.lock": "GEM\n  specs:\n    jekyll (3.10.0)\n"}, 3, "locks jekyll 3"),
        ({".github/workflows/pages.yml": "steps:\n  - run: bundle exec jekyll build\n"}, 4, "jekyll build"),
        ({".github/workflows/pages.yml": "steps:\n  - uses: actions/jekyll-build-pages@v1\n"}, 3, "jekyll-build-pages"),
        ({"_action_files/action.yml": "name: fastpages\n", "Gemfile": 'gem "github-pages"\n'}, 4, "fastpages"),
        ({".github/workflows/ci.yaml": "uses: fastai/fastpages@master\n"}, 4, "fastpages"),
        ({".github/workflows/nb2post.yml": "run: nb2post convert _notebooks\n"}, 3, "GitHub Pages builds"),
        (
            {"Gemfile": 'gem "jekyll", "~> 4.3"\n', ".github/workflows/p.yml": "uses: actions/jekyll-build-pages@v1\n"},
            3,
            "jekyll-build-pages",
        ),
    ],
)
def test_which_jekyll_builds_the_site(tmp_path, files, version, said):
    from nb2post.jekyll.version import detect

    found = detect(_repo(tmp_path, files))
    assert (found.version, said in found.reason) == (version, True), found


def test_site_in_a_subfolder_reads_the_repository_workflows(tmp_path):
    from nb2post.jekyll.version import detect

    root = _repo(tmp_path, {".github/workflows/site.yml": "run: jekyll build -s docs\n", "docs/_config.yml": ""})
    assert detect(root / "docs").version == 4


def test_the_site_can_say_which_jekyll_builds_it(tmp_path):
    from nb2post.jekyll.urls import UrlError, site_jekyll

    site = _repo(tmp_path, {"Gemfile": 'gem "github-pages"\n'})
    assert site_jekyll(site, {"nb2post": {"jekyll": 4}})[0] == 4
    assert site_jekyll(site, {"nb2post": {"jekyll": "3.10"}})[0] == 3
    assert site_jekyll(site, {})[0] == 3
    bare = _repo(tmp_path / "bare", {})
    assert site_jekyll(bare, {})[0] == 3
    assert site_jekyll(bare, {}, target="fastpages")[0] == 4
    assert site_jekyll(bare, {"nb2post": {"target": "fastpages"}})[0] == 4
    with pytest.raises(UrlError, match="must be 3 or 4"):
        site_jekyll(site, {"nb2post": {"jekyll": 5}})


def test_brief_url_follows_the_sites_jekyll(tmp_path):
    # read_post_file records which Jekyll builds the site, so callers without a version (the brief) get it
    site = _repo(tmp_path / "site", {"_config.yml": "permalink: weekdate\n"})
    post = site / "_posts" / "2024-02-03-hello.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Hello\n---\nHi\n", encoding="utf-8")
    config = load_site_config(site)
    assert post_url(site, post, config) == "/weekdate"
    (site / "Gemfile").write_text('gem "jekyll", "~> 4.3"\n', encoding="utf-8")
    assert post_url(site, post, config) == "/2024/W05/Sat/hello.html"


# --- dates, slugs, site URLs --------------------------------------------------------------------------

RUBY_DATES = [
    "May 20, 2024 10:00", "2024/05/21", "20 May 2024", "Tue, 21 May 2024 10:00:00 GMT", "2024-05-21 10:00 PST",
    "May 20 2024", "2024-05-21 10:00 pm", "2024-5-1", "June 1st, 2024", "2024-05-21T10:00:00.5Z",
    "21.05.2024", "Sat May 25 2024", "2024-05-21 10:00:00 CET", "2024-05-21 10:00 +05:30", "2024-05-21 10:00:00 +5",
    "2024-05-21 10:00:00 +05", "2024-01-01 00:30:00 EDT", "Dec 31, 2023 11:59 PM UTC",
]


def test_dates_are_read_as_rubys_time_parse_reads_them():
    import shutil
    import subprocess

    from nb2post.jekyll.urls import parse_ruby_time

    ruby = shutil.which("ruby")
    if ruby is None:
        pytest.fail("ruby is not installed (it comes with jekyll)")
    script = 'require "time"; STDIN.each_line { |l| t = Time.parse(l.chomp); puts t.strftime("%Y-%m-%d %H:%M:%S %z") }'
    done = subprocess.run([ruby, "-e", script], input="\n".join(RUBY_DATES) + "\n", capture_output=True, text=True,
                          env={"TZ": "Asia/Tokyo", "PATH": "/usr/bin:/bin"}, check=True)
    for text, expected in zip(RUBY_DATES, done.stdout.splitlines()):
        moment, offset = parse_ruby_time(text)
        if offset is None:  # local time: Ruby used the zone the build runs in
            offset = dt.timedelta(hours=9)
        got = moment.replace(tzinfo=dt.timezone(offset)).strftime("%Y-%m-%d %H:%M:%S %z")
        assert got == expected, text


def test_a_date_nb2post_cannot_read_is_an_error_not_a_silent_file_name_date():
    from nb2post.jekyll.urls import UrlError

    post = PostFile("_posts/2024-02-03-x.md", {"date": "next tuesday"}, raw_date="next tuesday")
    with pytest.raises(UrlError, match="cannot tell how Jekyll reads it"):
        page_url(post, {})
    post = PostFile("_posts/2024-02-03-x.md", {"date": "May 20, 2024 10:00"}, raw_date='"May 20, 2024 10:00"')
    assert page_url(post, {}) == "/2024/05/20/x.html"


def test_slug_warnings():
    from nb2post.jekyll.urls import post_warnings

    empty = PostFile("_posts/2024-02-03-x.md", {"slug": ""})
    assert page_url(empty, {}) == "/2024/02/03/.html"  # what Jekyll publishes (the matrix checks it)
    assert "leaves nothing" in post_warnings(empty, {})[0]
    number = PostFile("_posts/2024-02-03-x.md", {"slug": 2024})
    assert "quote it: slug: \"2024\"" in post_warnings(number, {})[0]
    assert post_warnings(PostFile("_posts/2024-02-03-x.md", {"slug": "fine"}), {}) == []


def test_site_url_ending_in_slash_is_explained():
    from nb2post.jekyll.urls import absolute_url, site_warnings

    config = {"url": "https://example.com/", "baseurl": "/blog"}
    assert absolute_url(config, "/a/") == "https://example.com//blog/a/"  # as Jekyll writes it
    assert "ends in '/'" in site_warnings(config, 4)[0] and "'https://example.com'" in site_warnings(config, 4)[0]
    assert site_warnings({"url": "https://example.com"}, 4) == []


def test_unicode_domain_is_written_in_punycode():
    from nb2post.jekyll.urls import absolute_url

    assert absolute_url({"url": "https://Bücher.example"}, "/a/") == "https://xn--bcher-kva.example/a/"


# --- collections_dir, end to end ----------------------------------------------------------------------


def test_convert_writes_the_post_where_jekyll_reads_it_with_collections_dir(tmp_path):
    site = make_site(
        tmp_path / "site",
        extra_config="url: https://x.test\ncollections_dir: my_content\n"
        "defaults:\n  - scope: {path: my_content/_posts}\n    values: {permalink: '/notes/:title/'}\n"
        "nb2post:\n  jekyll: 4\n",
    )
    write_notebook(site / "_notebooks" / "2024-05-01-hello.ipynb", [cell("markdown", "# Hello\n\nText.")])
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    post = site / "my_content" / "_posts" / "2024-05-01-hello.md"
    assert post.is_file() and not (site / "_posts").exists()
    out = jekyll_build(site)
    assert (out / "notes" / "hello" / "index.html").is_file()  # published, and the scoped default applied
    assert post_url(site, post, load_site_config(site)) == "https://x.test/notes/hello/"  # no my_content category
    assert run_cli("check", "--site", str(site), cwd=site).returncode == 0


def test_convert_warns_once_per_batch_when_github_pages_cannot_build_the_permalink(tmp_path):
    site = make_site(tmp_path / "site", extra_config="permalink: /:categories/:w_year/:week/:title/\n")
    for name in ("2024-05-01-a", "2024-05-02-b"):
        write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("markdown", "# T\n\nText.")], nb2post={"slug": ""})
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("only Jekyll 4 knows") == 1, done.stderr
    assert "no Gemfile and no build workflow" in done.stderr and str(site / "_config.yml") in done.stderr
    assert done.stderr.count("leaves nothing for :title") == 2  # per post, naming the post
    assert "2024-05-01-a.md" in done.stderr
    (site / "Gemfile").write_text('gem "jekyll", "~> 4.3"\n', encoding="utf-8")
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"), "--force")
    assert "only Jekyll 4 knows" not in done.stderr


def test_a_wrong_jekyll_setting_is_a_usage_error(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  jekyll: five\n")
    write_notebook(site / "2024-05-01-a.ipynb", [cell("markdown", "x")])
    done = run_cli("convert", "--site", str(site), str(site / "2024-05-01-a.ipynb"))
    assert done.returncode == 2 and "must be 3 or 4" in done.stderr and str(site / "_config.yml") in done.stderr


def test_an_empty_date_fails_jekyll_and_says_so():
    from nb2post.jekyll.urls import UrlError

    for raw in ("", '""'):
        post = PostFile("_posts/2024-02-03-x.md", {"date": None if raw == "" else ""}, raw_date=raw)
        with pytest.raises(UrlError, match="'date:' is empty"):
            page_url(post, {})


def test_a_posts_own_permalink_that_breaks_the_build_is_warned_about():
    from nb2post.jekyll.urls import post_warnings

    typo = PostFile("_posts/2024-02-03-x.md", {"permalink": "/:titel/"})
    assert ":titel, which Jekyll does not know" in post_warnings(typo, {}, 4)[0]
    weekly = PostFile("_posts/2024-02-03-x.md", {"permalink": "/:week/:title/"})
    assert post_warnings(weekly, {}, 4) == []
    assert ":week, which only Jekyll 4 knows" in post_warnings(weekly, {}, 3)[0]
