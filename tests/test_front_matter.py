import datetime as dt
from pathlib import Path

import frontmatter
import pytest

from nb2post.notebook import front_matter as fm
from conftest import cell, jekyll_build, make_site, run_cli, write_notebook


@pytest.mark.parametrize(
    "name,date,slug",
    [
        ("2024-01-05-my-post.ipynb", dt.date(2024, 1, 5), "my-post"),
        ("2022_09_26_Efforts_to_GP.ipynb", dt.date(2022, 9, 26), "Efforts_to_GP"),
        ("Day 2_Simple Regression.ipynb", None, "Day-2_Simple-Regression"),
        ("posts/2024-03-15-embeddings/index.ipynb", dt.date(2024, 3, 15), "embeddings"),
        ("notes.ipynb", None, "notes"),
    ],
)
def test_file_names(name, date, slug):
    assert fm.parse_file_name(Path(name)) == (date, slug)


def test_impossible_date_in_name_is_an_error():
    with pytest.raises(fm.FrontMatterError, match="impossible date"):
        fm.parse_file_name(Path("2024-13-45-x.ipynb"))


def test_title_cell():
    values = fm.title_cell("# C# tips: part 1\n> The summary: with colon\n\n- toc: true\n- categories: [a, b]\n- author: Jane #1\n- badges: false\n- weight: 3")
    assert values == {
        "title": "C# tips: part 1",
        "description": "The summary: with colon",
        "toc": True,
        "categories": ["a", "b"],
        "author": "Jane #1",
        "badges": False,
        "weight": 3,
    }


def test_title_cell_with_prose_is_not_a_title_cell():
    assert fm.title_cell("# Intro\nSome paragraph of text.") is None


TRICKY_TITLES = [
    "Colons: a subtitle: and more",
    "# not a comment",
    "It's \"quoted\" 'twice'",
    "<b>HTML</b> & entities &amp;",
    "日本語のタイトル",
    "Emoji 🚀✨ title",
    "- looks like a list",
    "yes",
    "2024",
    "{curly} [square]",
    "@at `tick` | pipe % percent",
]


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_titles_round_trip_through_a_real_post(title, tmp_path):
    site = make_site(tmp_path / "site")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-x.ipynb", [cell("raw", "---\n" + fm.dump({"title": title, "tags": ["a b", "c"], "custom_key": {"nested": [1, 2]}}) + "---"), cell("markdown", "Body")])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    post = frontmatter.load(site / "_posts" / "2024-02-03-x.md")
    assert post["title"] == title
    assert post["tags"] == ["a b", "c"], "lists stay lists"
    assert post["custom_key"] == {"nested": [1, 2]}, "unknown keys pass through untouched"


def test_merge_order_and_summary(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  front_matter:\n    author: Site Default\n    comments: true\n    layout: post\n")
    nb = write_notebook(
        site / "_notebooks" / "2024-02-03-merge.ipynb",
        [
            cell("raw", "---\ntitle: From YAML\nsummary: YAML summary\n---"),
            cell("markdown", "# From title cell\n> cell summary\n- author: Cell Author\n- toc: true"),
            cell("markdown", "Body text\n\n## A section\n\nMore"),
        ],
        nb2post={"author": "Metadata Author", "image": "x.png"},
    )
    run_cli("convert", "--site", str(site), str(nb), check=True)
    text = (site / "_posts" / "2024-02-03-merge.md").read_text()
    post = frontmatter.loads(text)
    assert post["title"] == "From YAML"
    assert post["description"] == "YAML summary"
    assert post["author"] == "Cell Author"
    assert post["image"] == "x.png"
    assert post["comments"] is True
    # the title cell's `toc: true` won; a site with no theme draws it as kramdown's list (nb2post.jekyll.themes)
    assert "{:toc}" in post.content and "toc" not in post.metadata
    assert "summary" not in post.metadata
    assert "From title cell" not in post.content and "From YAML" not in post.content, "front matter cells leave the body"
    assert "Body text" in post.content


def test_invalid_yaml_is_a_clear_error_and_writes_nothing(tmp_path):
    site = make_site(tmp_path / "site")
    nb = write_notebook(site / "2024-02-03-bad.ipynb", [cell("raw", "---\ntitle: a: b: c\n---"), cell("markdown", "x")])
    done = run_cli("convert", "--site", str(site), str(nb))
    assert done.returncode == 1
    errors = [l for l in done.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and "2024-02-03-bad.ipynb" in errors[0] and "YAML" in errors[0]
    assert not (site / "_posts").exists() or not list((site / "_posts").iterdir())


def test_front_matter_date_is_validated(tmp_path):
    site = make_site(tmp_path / "site")
    nb = write_notebook(site / "undated.ipynb", [cell("raw", "---\ndate: 2024-02-30\n---")])
    done = run_cli("convert", "--site", str(site), str(nb))
    assert done.returncode == 1 and "not a real day" in done.stderr and "undated.ipynb" in done.stderr


def test_missing_title_uses_a_leading_level_1_heading_then_file_name(tmp_path):
    site = make_site(tmp_path / "site")
    a = write_notebook(site / "2024-02-03-a.ipynb", [cell("markdown", "Intro text\n\n## A Heading")])
    b = write_notebook(site / "2024-02-03-plain-name.ipynb", [cell("code", "x = 1")])
    c = write_notebook(site / "2024-02-03-c.ipynb", [cell("markdown", "# Top Title\n\nFirst paragraph.")])
    d = write_notebook(site / "2024-02-03-section_names.ipynb", [cell("markdown", "Intro"), cell("markdown", "# Setup\ntext")])
    run_cli("convert", "--site", str(site), str(a), str(b), str(c), str(d), check=True)
    assert frontmatter.load(site / "_posts/2024-02-03-a.md")["title"] == "a", "a section heading is not the title"
    assert frontmatter.load(site / "_posts/2024-02-03-section_names.md")["title"] == "section names"
    assert frontmatter.load(site / "_posts/2024-02-03-plain-name.md")["title"] == "plain name"
    post_c = frontmatter.load(site / "_posts/2024-02-03-c.md")
    assert post_c["title"] == "Top Title"
    assert "# Top Title" not in post_c.content, "the heading that became the title is not repeated"
    assert "First paragraph." in post_c.content


def test_tricky_titles_survive_a_real_jekyll_build(tmp_path):
    from conftest import jekyll_build

    site = make_site(tmp_path / "site")
    for index, title in enumerate(TRICKY_TITLES):
        write_notebook(site / "_notebooks" / f"2024-02-{index + 1:02d}-t{index}.ipynb", [cell("markdown", f"# {title}\n> summary {index}")])
    run_cli("convert", "--site", str(site), check=True)
    built = jekyll_build(site)
    # a heading's Markdown and HTML are markup, not part of the title (explicit front matter keeps them)
    plain = {"<b>HTML</b> & entities &amp;": "HTML & entities &", "@at `tick` | pipe % percent": "@at tick | pipe % percent"}
    for index, title in enumerate(TRICKY_TITLES):
        page = (built / f"2024/02/{index + 1:02d}/t{index}.html").read_text(encoding="utf-8")
        # the bare test layout prints {{ page.title }} unescaped: the exact front matter string
        assert page.split("<title>", 1)[1].split("</title>", 1)[0] == plain.get(title, title)


BAD_TYPES = {
    "categories-false": ("- categories: false", "categories"),
    "permalink-true": ("- permalink: true", "permalink"),
    "slug-list": ("- slug: [a, b]", "slug"),
    "categories-map": ("- categories: {a: 1}", "categories"),
    "published-text": ("- published: 'no'", "published"),
    "badges-text": ("- badges: 'off'", "badges"),
    "layout-list": ("- layout: [post]", "layout"),
}


def test_front_matter_types_jekyll_would_crash_on_are_one_clear_error(tmp_path):
    site = make_site(tmp_path / "site")
    folder = site / "_notebooks"
    for name, (line, _) in BAD_TYPES.items():
        write_notebook(folder / f"2024-02-03-{name}.ipynb", [cell("markdown", f"# Title\n{line}"), cell("markdown", "Body")])
    # a number where a slug is meant is written as text (Jekyll crashes on `slug: 2024` as well)
    write_notebook(folder / "2024-02-03-good.ipynb", [cell("raw", "---\nslug: 2024\ntags: [a, 1]\ncategories: 2024\n---"), cell("markdown", "Body")])
    done = run_cli("convert", "--site", str(site), str(folder))
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(BAD_TYPES), done.stderr
    for name, (_, key) in BAD_TYPES.items():
        [line] = [e for e in errors if f"2024-02-03-{name}.ipynb" in e]
        assert f"'{key}' must be" in line
    assert "internal error" not in done.stderr
    assert [p.name for p in (site / "_posts").iterdir()] == ["2024-02-03-2024.md"]
    good = frontmatter.load(site / "_posts" / "2024-02-03-2024.md")
    assert good["slug"] == "2024" and good["categories"] == "2024"
    jekyll_build(site)


def test_a_wrong_type_in_the_site_defaults_names_the_config(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  front_matter:\n    categories: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-x.ipynb", [cell("markdown", "Body")])
    done = run_cli("convert", "--site", str(site), str(nb))
    assert done.returncode == 1 and "_config.yml's 'nb2post: front_matter:'" in done.stderr, done.stderr


def test_deeply_nested_front_matter_is_an_error_not_a_crash_of_the_writer():
    value = []
    for _ in range(400):
        value = [value]
    with pytest.raises(fm.FrontMatterError, match="nested more than"):
        fm.validate({"x": value}, "nb.ipynb")
    assert fm.validate({"x": [[{"a": [1]}]]}, "nb.ipynb") == {"x": [[{"a": [1]}]]}


def test_crlf_and_lf_cells_give_the_same_post(tmp_path):
    """A Quarto YAML cell or a fastpages title cell saved with CRLF line endings is still front matter."""
    site = make_site(tmp_path / "site")
    cells = [
        cell("raw", "---\ntitle: From YAML\ntags: [a, b]\n---\n"),
        cell("markdown", "# Heading title\n> The summary\n- toc: false\n- categories: [x]"),
        cell("markdown", "Text\nwith lines\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
        cell("code", "#hide_input\nprint(1)", outputs=[{"output_type": "stream", "name": "stdout", "text": "1\n"}]),
    ]
    crlf = [{**c, "source": c["source"].replace("\n", "\r\n")} for c in cells]
    for name, content in (("lf", cells), ("crlf", crlf)):
        write_notebook(site / "_notebooks" / f"2024-02-03-{name}.ipynb", content)
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    lf, crlf_post = (frontmatter.load(site / "_posts" / f"2024-02-03-{n}.md") for n in ("lf", "crlf"))
    assert crlf_post["title"] == "From YAML" and crlf_post["tags"] == ["a", "b"] and crlf_post["categories"] == ["x"]
    assert crlf_post.metadata == lf.metadata
    assert crlf_post.content.split("<!-- nb2post")[0] == lf.content.split("<!-- nb2post")[0]
    assert "print(1)" not in crlf_post.content and "\r" not in crlf_post.content
    jekyll_build(site)


@pytest.mark.parametrize(
    "heading, title",
    [
        ("**0. Setup**", "0. Setup"),
        ("Intro to [pandas](https://pandas.pydata.org) and `__init__`", "Intro to pandas and __init__"),
        ("A *nice* _title_ with snake_case and 2*3*4", "A nice title with snake_case and 2*3*4"),
        ("Title {#custom-id}", "Title"),
        ("C# tips: part 1", "C# tips: part 1"),
        ("Math $x_1$ \\$5", "Math $x_1$ $5"),
    ],
)
def test_titles_from_headings_are_plain_text(heading, title):
    assert fm.plain_title(heading) == title
    found = fm.extract([cell("code", "import x"), cell("markdown", f"# {heading}\n\ntext")], {}, "nb.ipynb")
    assert found.first_heading == title
    assert fm.title_cell(f"# {heading}\n> **bold** summary")["description"] == "bold summary"


def test_a_category_jekyll_reads_as_a_link_scheme_is_one_clear_error(tmp_path):
    """Found by tests/test_fuzz.py: `categories: ['1:20']` puts `1:20/2024/…` into the post's URL, which
    Jekyll then parses as a link with the scheme '1' — the whole site stops building."""
    site = make_site(tmp_path / "site")
    folder = site / "_notebooks"
    write_notebook(folder / "2024-02-03-time.ipynb", [cell("raw", "---\ncategories: ['1:20', talks]\n---"), cell("markdown", "Body")])
    write_notebook(folder / "2024-02-03-fine.ipynb", [cell("raw", "---\ncategories: 'notes c:d'\n---"), cell("markdown", "Body")])
    done = run_cli("convert", "--site", str(site), str(folder))
    assert done.returncode == 1
    [error] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert "2024-02-03-time.ipynb" in error and "category '1:20' stops the Jekyll build" in error
    assert [p.name for p in (site / "_posts").iterdir()] == ["2024-02-03-fine.md"]
    jekyll_build(site)  # `c:d` is a valid scheme: Jekyll builds it


def test_text_starting_with_a_colon_stays_text_for_jekyll(tmp_path):
    """Found by the long fuzz run: a description taken from prose that starts with ':' was written as a
    plain scalar, which Ruby's Psych reads as a Symbol — Jekyll's safe_load refuses it and the build stops."""
    site = make_site(tmp_path / "site")
    nb = write_notebook(site / "_notebooks" / "2024-02-03-colon.ipynb",
                        [cell("raw", "---\ntitle: ':smile: faces'\n---"), cell("markdown", ":first words of the post")])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    post = frontmatter.load(site / "_posts" / "2024-02-03-colon.md")
    assert post["title"] == ":smile: faces" and post["description"] == ":first words of the post"
    page = (jekyll_build(site) / "2024" / "02" / "03" / "colon.html").read_text(encoding="utf-8")
    assert "<title>:smile: faces</title>" in page
