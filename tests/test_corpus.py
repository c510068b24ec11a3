"""Every notebook of the shared corpus through nb2post and a real `jekyll build`, checked in the HTML."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from nb2post.notebook import reader
from nb2post.notebook.visibility import Show, parse_cell
from conftest import BROKEN_IN_CORPUS, jekyll_build, make_site, run_cli


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (it lives beside the project as ../shared/corpus)")
    results = {}
    for strict in (False, True):
        site = make_site(tmp_path_factory.mktemp("strict" if strict else "minima") / "site", strict=strict)
        done = run_cli("convert", "--site", str(site), str(CORPUS))
        built = jekyll_build(site)
        results[strict] = (site, done, built)
    return results


def _posts(site: Path) -> dict[str, Path]:
    """notebook key -> post path, from the marker lines."""
    from nb2post.post import read_marker_from_file

    found = {}
    for post in (site / "_posts").glob("*.md"):
        marker = read_marker_from_file(post)
        key = Path(marker.source)
        found[key.name if key.name != "index.ipynb" else f"{key.parent.name}/{key.name}"] = post
    return found


def _html_for(post: Path, built: Path) -> str:
    """The built page of a post (found by its slug; posts have unique slugs here)."""
    import frontmatter

    permalink = frontmatter.load(post).get("permalink")
    if permalink:
        base = built / permalink.strip("/")
        for page in (base / "index.html", base.with_name(base.name + ".html"), base):
            if page.is_file():
                return page.read_text(encoding="utf-8")
    slug = post.stem[11:]
    pages = [p for p in built.rglob(f"{slug}.html")]
    assert len(pages) == 1, f"expected one page for {post.name}, found {pages}"
    return pages[0].read_text(encoding="utf-8")


def test_batch_exit_status_and_broken_files(converted, corpus):
    for strict in (False, True):
        site, done, _ = converted[strict]
        assert done.returncode == 1, "broken notebooks make the batch fail"
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == len(BROKEN_IN_CORPUS), errors
        for broken in BROKEN_IN_CORPUS:
            name = Path(broken).name
            lines = [e for e in errors if name in e]
            assert len(lines) == 1, f"one one-line error for {name}: {errors}"
        posts = _posts(site)
        for broken in BROKEN_IN_CORPUS:
            assert Path(broken).name not in posts, f"no output for broken {broken}"
        all_notebooks = [p for p in corpus.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
        assert len(posts) == len(all_notebooks) - len(BROKEN_IN_CORPUS), "every other notebook converted"
        leftovers = [p for p in site.rglob("*.tmp")]
        assert leftovers == []


def test_every_image_exists_in_site(converted):
    for strict in (False, True):
        site, _, built = converted[strict]
        checked = 0
        for page in built.rglob("*.html"):
            for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', page.read_text(encoding="utf-8")):
                if not src.startswith("/"):
                    # remote images, and local ones the corpus does not ship (nb2post warns and keeps the link)
                    continue
                target = built / unquote(src).lstrip("/")
                assert target.is_file(), f"{page.name}: missing image {src}"
                checked += 1
        assert checked > 200


def test_liquid_in_code_reaches_the_reader(converted, corpus):
    site, _, built = converted[True]
    posts = _posts(site)
    checked = 0
    for name, post in posts.items():
        nb_path = next(corpus.rglob(name))
        try:
            notebook = reader.read(nb_path)
        except reader.NotebookError:
            continue
        page = html.unescape(re.sub(r"<[^>]+>", "", _html_for(post, built)))
        for cell in notebook.cells:
            if cell.get("cell_type") != "code":
                continue
            directives = parse_cell(reader.cell_source(cell), (cell.get("metadata") or {}).get("tags"))
            if directives.visibility.cell is Show.HIDDEN or directives.visibility.input is Show.HIDDEN:
                continue
            for line in directives.source.split("\n"):
                if "{{" in line or "{%" in line:
                    assert line.strip() in page, f"{name}: {line.strip()!r} not shown literally"
                    checked += 1
    assert checked >= 5


def test_hidden_cells_absent_and_collapsed_in_details(converted, corpus):
    site, _, built = converted[True]
    page = _html_for(_posts(site)["2020-02-21-introducing-fastpages.ipynb"], built)
    notebook = reader.read(corpus / "fastai__fastpages" / "2020-02-21-introducing-fastpages.ipynb")
    hidden, collapsed = [], []
    for cell in notebook.cells:
        source = reader.cell_source(cell)
        directives = parse_cell(source, [])
        lines = [l for l in directives.source.split("\n") if len(l.strip()) > 12]
        if not lines:
            continue
        if directives.visibility.cell is Show.HIDDEN:
            hidden.append(lines[0].strip())
        elif directives.visibility.input is Show.COLLAPSED:
            collapsed.append(lines[0].strip())
    assert hidden and collapsed
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for line in hidden:
        assert line not in text, f"hidden cell shown: {line}"
    details = " ".join(html.unescape(re.sub(r"<[^>]+>", "", d)) for d in re.findall(r"<details.*?</details>", page, re.S))
    for line in collapsed:
        assert line in details, f"collapsed cell not in <details>: {line}"


def test_titles_with_colon_and_cjk_survive(converted, corpus):
    import frontmatter

    site, _, built = converted[False]
    posts = _posts(site)
    for name in posts:
        post = frontmatter.load(posts[name])
        assert isinstance(post["title"], str) and post["title"].strip()
    page = html.unescape(_html_for(posts["2022_09_26_Efforts_to_undertand_GP.ipynb"], built))
    assert "Gaussian Process를 이해해보고자 작성하였습니다." in page
    fastcore = frontmatter.load(posts["2020-09-01-fastcore.ipynb"])
    assert fastcore["title"] == "fastcore: An Underrated Python Library", "quoted fastpages title unquoted, colon kept"
    assert "<title>fastcore: An Underrated Python Library" in html.unescape(_html_for(posts["2020-09-01-fastcore.ipynb"], converted[True][2]))
    quarto = frontmatter.load(posts["2025-03-27-intelligence-to-genai/index.ipynb"])
    assert quarto["title"] and quarto.get("categories") is None or isinstance(quarto.get("categories"), list)


def test_rich_outputs_are_rendered_not_dropped(converted):
    site, _, built = converted[True]
    posts = _posts(site)
    vega = posts["02-Simple-Charts.ipynb"].read_text()
    assert "vegaEmbed(" in vega
    plotly = posts["plotly_graphs.ipynb"].read_text()
    assert "Plotly.newPlot(" in plotly
    widgets = posts["Widget_List.ipynb"].read_text()
    assert "application/vnd.jupyter.widget-state+json" in widgets
    assert "application/vnd.jupyter.widget-view+json" in widgets
    # the widget-view outputs without saved state fall back to their text
    rgd = posts["2021-08-07-rgd-and-highlighting.ipynb"].read_text()
    assert "widget-view+json" not in rgd
    svg = posts["svg.ipynb"].read_text()
    assert ".svg" in svg
    math = posts["2019-12-21-PCA-From-Scratch.ipynb"].read_text()
    assert "use_math: true" in math
    tracebacks = posts["many_tracebacks.ipynb"].read_text()
    assert "\x1b" not in tracebacks and "Error" in tracebacks


def test_second_run_writes_nothing(converted, corpus):
    site, _, _ = converted[True]

    def files():  # nb2post's own stat cache (outside git it lives in the site) may learn more on a run
        return {p: p.stat().st_mtime_ns for p in site.rglob("*")
                if p.is_file() and "_site" not in p.parts and p.name != ".nb2post-cache"}

    before = files()
    done = run_cli("convert", "--site", str(site), str(corpus))
    assert "written" not in done.stderr.replace("0 written", "")
    assert files() == before
