"""Moving real fastpages blogs to nb2post, end to end.

Every fastpages notebook of the shared corpus (five real blogs) goes, the way an owner moves a blog, into
three sites: minima (the Debian theme, ``--to jekyll``), a fastpages-layout site (fastpages' real
_config.yml, stand-in layouts that read the same ``page.*`` keys, ``--to fastpages``) and a
minimal-mistakes-style site (``--to jekyll``). Each is built once with real Jekyll and every post is
opened in one headless Chromium session: the table of contents is there where the notebook asks for one,
math is typeset, footnotes link to their text, every local image loads, and no Liquid shows as text.

The corpus holds the notebooks but not the blogs' own ``images/`` folders or the Quarto posts' picture
files; the sites get stand-in PNGs under the same names, as the real blogs have them.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import frontmatter
import pytest

from conftest import cell, jekyll_build, png, run_cli, write_notebook
from site_kits import (MATHJAX2, fastpages_site, init_repo, launch_chromium, minima_site, mm_site, require_mathjax,
                       serve_folder)

BLOGS = (
    "fastai__fastpages",
    "drscotthawley__blog_fastpages",
    "greglandrum__rdkit-blog-fastpages",
    "hyunholee26__fastpages",
    "chrwittm__chrwittm.github.io",
)
# Files the real blogs have and the corpus does not ship: fastpages' site-wide images/ folder (front
# matter `image:` and `../images/...` links from _notebooks/) and the pictures beside the Quarto posts.
SITE_IMAGES = [
    "images/diagram.png", "images/chart-preview.png", "images/vizpreds_preview.png",
    "images/fastpages_posts/codespaces/codespaces.png", "images/blog/rgd-and-highlighting1-1.png",
    "images/blog/highlighting-reactions-1.png", "images/blog/single-molecule-reactions1.png",
    *(f"images/blog/simulating-counts1-{n}.png" for n in range(1, 7)),
]
BESIDE_NOTEBOOKS = [
    "posts/2024-03-15-embeddings/animal-embeddings-combined.png", "posts/2024-03-15-embeddings/pca-steps.png",
    "posts/2024-03-15-embeddings/projection-truth-inverted.png", "posts/2024-03-15-embeddings/animal-embeddings-euclidean.png",
    "posts/2025-03-27-intelligence-to-genai/implementation-1-screenshot.png",
    "posts/2025-03-27-intelligence-to-genai/intelligence-to-genai.png",
]
# Where each site's post layout puts the post, and where it draws the table of contents.
SITES = {
    "minima": {"make": minima_site, "to": "jekyll", "configs": (), "content": ".post-content", "toc": "#markdown-toc a"},
    "fastpages": {"make": fastpages_site, "to": "fastpages", "configs": ("_config.yml", "_config_test.yml"),
                  "content": ".post-content", "toc": ".section-nav a"},
    # the owner keeps fastpages' straight quotes (the README's setting): headings read as in Jupyter
    "mm": {"make": mm_site, "to": "jekyll", "configs": (), "content": ".page__content", "toc": ".sidebar__right nav.toc a",
           "config": 'kramdown:\n  smart_quotes: ["apos", "apos", "quot", "quot"]\n'},
}
CURLY = "\u2018\u2019\u201c\u201d"
# Every post lists itself, so the test opens the URL Jekyll gave each post file (baseurl included).
POST_LIST = """---
layout: null
---
[{% for post in site.posts %}{"path": {{ post.path | jsonify }}, "url": {{ post.url | relative_url | jsonify }}}{% unless forloop.last %},{% endunless %}{% endfor %}]
"""
# The post's prose as a reader sees it: without code, scripts, styles, typeset math, HTML outputs and folded cells
# (outputs show what the notebook printed, `{{` included).
PROSE_TEXT = """(selector) => {
  const content = document.querySelector(selector).cloneNode(true);
  content.querySelectorAll('pre, code, script, style, .MathJax, .MathJax_SVG, .MathJax_CHTML, .MathJax_Display, .MathJax_SVG_Display, .MathJax_Preview, .MathJax_Error, .nb2post-output-html, details').forEach(e => e.remove());
  return content.textContent;
}"""


def _asks_for_toc(notebook: dict) -> bool:
    """What fastpages read: a `- toc: true` line in the title cell (or `toc: true` in a Quarto raw cell)."""
    for cell in notebook.get("cells", [])[:3]:
        source = "".join(cell.get("source", ""))
        if re.search(r"^\s*-?\s*toc:\s*true\s*$", source, re.M | re.I):
            return True
    return False


def _footnotes(notebook: dict) -> set[str]:
    """The fastpages footnote numbers the notebook's markdown uses."""
    text = "".join("".join(c.get("source", "")) for c in notebook.get("cells", []) if c.get("cell_type") == "markdown")
    return set(re.findall(r"\{%-?\s*fn\s+(\w+)\s*-?%\}", text))


def _corpus_math(corpus: Path) -> set[str]:
    """Notebooks whose markdown has LaTeX, as the corpus manifest records it."""
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as manifest:
        return {row["file"] for row in csv.DictReader(manifest, delimiter="\t") if "latex_md=" in (row.get("notes") or "")}


def _copy_blog(site: Path, corpus: Path) -> dict[str, dict]:
    """The blogs' notebooks in the site's _notebooks/ (as a fastpages blog keeps them), with the files the
    corpus lacks; returns {notebook path under _notebooks: {json: the notebook, corpus: its corpus path}}."""
    notebooks = {}
    for blog in BLOGS:
        shutil.copytree(corpus / blog, site / "_notebooks", dirs_exist_ok=True)
        for nb in (corpus / blog).rglob("*.ipynb"):
            key = nb.relative_to(corpus / blog).as_posix()
            notebooks[key] = {"json": json.loads(nb.read_text(encoding="utf-8")), "corpus": f"{blog}/{key}"}
    for number, name in enumerate(SITE_IMAGES + BESIDE_NOTEBOOKS):
        path = site / name if name in SITE_IMAGES else site / "_notebooks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png((number * 17 % 256, 80, 160)))
    (site / "e2e-posts.json").write_text(POST_LIST, encoding="utf-8")
    return notebooks


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    from conftest import CORPUS

    missing = [blog for blog in BLOGS if not (CORPUS / blog).is_dir()]
    if missing:
        pytest.skip(f"the shared corpus at {CORPUS} lacks {', '.join(missing)} (it lives beside the project as ../shared/corpus)")
    require_mathjax()
    root = tmp_path_factory.mktemp("www")
    (root / "mathjax").symlink_to(MATHJAX2, target_is_directory=True)
    sites = {}
    for name, kind in SITES.items():
        site = kind["make"](tmp_path_factory.mktemp(name) / "site")
        notebooks = _copy_blog(site, CORPUS)
        if kind.get("config"):
            with open(site / "_config.yml", "a", encoding="utf-8") as config:
                config.write(kind["config"])
        configs = ["--config", ",".join(kind["configs"])] if kind["configs"] else []
        done = run_cli("convert", "--site", str(site), "--to", kind["to"], *configs, str(site / "_notebooks"))
        assert done.returncode == 0, f"{name}: convert failed:\n{done.stderr}"
        build_configs = ["--config", ",".join(str(site / c) for c in kind["configs"])] if kind["configs"] else []
        out = jekyll_build(site, "--baseurl", f"/{name}", *build_configs)
        (root / name).symlink_to(out, target_is_directory=True)
        posts = {entry["path"]: entry["url"] for entry in json.loads((out / "e2e-posts.json").read_text(encoding="utf-8"))}
        sites[name] = {"site": site, "out": out, "stderr": done.stderr, "notebooks": notebooks, "posts": posts}
    with serve_folder(root) as base:
        yield base, sites


def _post_for(site: Path, notebook_key: str) -> Path:
    """The post nb2post wrote for a notebook (read from its marker)."""
    from nb2post.post import read_marker_from_file

    found = [p for p in (site / "_posts").glob("*.md")
             if Path(read_marker_from_file(p).source).as_posix().endswith(notebook_key)]
    assert len(found) == 1, f"one post for {notebook_key}: {found}"
    return found[0]


def test_every_notebook_converts_without_a_missing_file(migrated):
    _, sites = migrated
    for name, built in sites.items():
        warnings = [line for line in built["stderr"].splitlines() if "not found" in line or "names no file" in line]
        assert warnings == [], f"{name}: {warnings}"
        assert len(list((built["site"] / "_posts").glob("*.md"))) == len(built["notebooks"]), name
        for key in built["notebooks"]:
            post = _post_for(built["site"], key)
            assert f"_posts/{post.name}" in built["posts"], f"{name}: {post.name} is not a published post"
            values = frontmatter.load(post)
            if name == "fastpages":
                # what fastpages' layouts read (badges link to the notebook), and the file name fastpages gave
                # the post, so its URL stays
                assert (values["layout"], values["nb_path"]) == ("notebook", f"_notebooks/{key}"), post.name
                if re.match(r"\d{4}-\d\d-\d\d-", key):
                    assert post.name == key.replace(" ", "-")[:-len(".ipynb")] + ".md", post.name
            # fastpages' `layout: post` (ghtop) names no layout of minimal-mistakes: Jekyll would render it bare
            layout = values.get("layout")
            assert layout is None or (built["site"] / "_layouts" / f"{layout}.html").is_file() or name == "minima", \
                f"{name}: {post.name}: layout {layout!r} is not one of the site's"
            image = values.get("image")
            if isinstance(image, dict):
                image = image.get("path")
            if image and "://" not in str(image):
                # social cards and home-page cards show the post's image: it is a file of the built site
                assert (built["out"] / str(image).lstrip("/")).is_file(), f"{name}: {post.name}: image {image} not in the site"


def test_migrated_posts_in_chromium(migrated, corpus):
    from playwright.sync_api import sync_playwright

    base, sites = migrated
    with_math = _corpus_math(corpus)
    problems: list[str] = []
    seen = {"toc": 0, "math": 0, "footnotes": 0, "images": 0, "anchors": 0, "curly": set(), "videos": 0}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1400})
            # The machine is offline: CDN scripts (Plotly, Vega, MathJax 3) fail at once instead of timing out.
            page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
            # ... except MathJax 2 from cdnjs (Plotly outputs load it, and a page then uses it): Debian's copy
            page.route(re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/2\.7\.\d+/"), _local_mathjax)
            for name, built in sites.items():
                kind = SITES[name]
                for key, notebook in sorted(built["notebooks"].items()):
                    post = _post_for(built["site"], key)
                    url = base + _served(built["posts"][f"_posts/{post.name}"])
                    where = f"{name}: {key}"
                    response = page.goto(url, wait_until="load")
                    assert response is not None and response.ok, f"{where}: {url} gave {response and response.status}"
                    problems += _check_page(page, kind, notebook, where, notebook["corpus"] in with_math, seen)
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
    # what the corpus holds was really checked: every site drew TOCs, typeset math, linked footnotes
    assert seen["toc"] >= 3 * 3 and seen["math"] >= 3 * 3 and seen["footnotes"] >= 3 * 2 and seen["images"] > 3 * 50, seen
    assert seen["anchors"] > 100 and seen["videos"] >= 3, seen
    # kramdown's default (typographic quotes) is what minima and the fastpages-layout site show
    assert seen["curly"] == {"minima", "fastpages"}, seen


def _local_mathjax(route) -> None:
    path = MATHJAX2 / route.request.url.split("/mathjax/", 1)[1].split("/", 1)[1].split("?", 1)[0]
    if path.is_file():
        route.fulfill(path=str(path))
    else:
        route.abort()


def _served(url: str) -> str:
    """GitHub Pages serves `/ghtop` (a permalink without an extension) from ghtop.html; http.server needs the name."""
    return url if url.endswith(("/", ".html")) else url + ".html"


def _check_page(page, kind: dict, notebook: dict, where: str, has_math: bool, seen: dict) -> list[str]:
    problems = []
    content = kind["content"]
    if page.query_selector(content) is None:
        return [f"{where}: no {content} on the page (not drawn with the post layout)"]
    images = page.eval_on_selector_all(
        "img", "els => els.filter(e => e.src.startsWith(location.origin)).map(e => [e.getAttribute('src'), e.complete && e.naturalWidth > 0])")
    problems += [f"{where}: image did not load: {src}" for src, ok in images if not ok]
    seen["images"] += len(images)

    toc = page.eval_on_selector_all(
        kind["toc"], "els => els.map(a => [a.getAttribute('href'),"
        " !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])")
    headings = page.eval_on_selector_all(f"{content} :is(h1, h2, h3, h4, h5, h6)[id]", "els => els.length")
    asked = _asks_for_toc(notebook["json"])
    if asked and headings:  # a post without headings has nothing to list (fastpages drew nothing either)
        seen["toc"] += 1
        if not toc:
            problems.append(f"{where}: the notebook asks for a table of contents; none drawn")
        elif not page.locator(kind["toc"]).first.is_visible():
            problems.append(f"{where}: the table of contents is not visible")
        problems += [f"{where}: TOC link {href} has no target" for href, ok in toc if not ok]
    elif toc and not asked:
        problems.append(f"{where}: a table of contents the notebook did not ask for")

    raw_math = page.evaluate(f"() => /\\\\\\(|\\\\\\[/.test(({PROSE_TEXT})({json.dumps(content)}))")
    if has_math or raw_math:
        seen["math"] += 1
        try:
            page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.Queue", timeout=20_000)
            page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
        except Exception as error:  # noqa: BLE001 - reported with the page it happened on
            problems.append(f"{where}: MathJax never ran ({type(error).__name__})")
        typeset, errors = page.evaluate(
            f"() => [document.querySelectorAll('{content} :is(.MathJax, .MathJax_SVG, .MathJax_CHTML)').length,"
            f" document.querySelectorAll('{content} .MathJax_Error, {content} merror').length]")
        if has_math and typeset == 0:
            problems.append(f"{where}: the notebook has math; nothing typeset")
        if errors:
            problems.append(f"{where}: {errors} formulas MathJax could not typeset")
    prose = page.evaluate(f"({PROSE_TEXT})({json.dumps(content)})")
    for raw in ("$$", "\\(", "\\[", "{%", "{{"):
        if raw in prose:
            at = prose.index(raw)
            problems.append(f"{where}: {raw!r} shown as text: …{prose[max(0, at - 60):at + 60]!r}…")

    source = "\n".join("".join(c.get("source", "")) for c in notebook["json"].get("cells", []) if c.get("cell_type") == "markdown")
    curly = [q for q in CURLY if q in prose and q not in source]
    if curly:
        seen["curly"].add(where.split(":")[0])
        if kind.get("config"):
            problems.append(f"{where}: typographic quotes {curly} although the site turned smart quotes off")
    if kind.get("config"):
        # with straight quotes, a heading's text is Jupyter's: its id (spaces as '-') is still on the page,
        # so deep links from when fastpages published the post still land
        missing = page.eval_on_selector_all(
            f"{content} :is(h1, h2, h3, h4, h5, h6)", "els => els.map(h => h.textContent.trim().replace(/\u2026/g, '...')"
            ".replace(/\u2014/g, '---').replace(/\u2013/g, '--').replace(/ /g, '-')).filter(id => !document.getElementById(id))")
        problems += [f"{where}: no Jupyter-style anchor #{anchor}" for anchor in missing]
        seen["anchors"] += headings - len(missing)

    # fastpages embedded `> youtube: URL`; the video is still there on every site
    videos = len(re.findall(r"^ {0,3}>[ \t]*youtube[ \t]*:[ \t]*\S+[ \t]*$", source, re.M | re.I))
    if videos:
        seen["videos"] += 1
        frames = page.eval_on_selector_all(f"{content} iframe[src*='youtube']", "els => els.length")
        if frames != videos:
            problems.append(f"{where}: {videos} YouTube videos, {frames} embedded")

    numbers = _footnotes(notebook["json"])
    if numbers:
        seen["footnotes"] += 1
        # fastpages' {% fn %} links #fn-N; kramdown's [^N] links #fn:N: either way a link to the note's text
        links = page.eval_on_selector_all(
            f"{content} sup a[href^='#fn']", "els => els.map(a => [a.getAttribute('href'),"
            " !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])")
        if len(links) < len(numbers):
            problems.append(f"{where}: {len(numbers)} footnotes, {len(links)} footnote links")
        problems += [f"{where}: footnote link {href} has no target" for href, ok in links if not ok]
    return problems


def _html_output(html_text: str) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": html_text, "text/plain": "<HTML>"}}


# Each output or cell leaves something open (or closes what is not its own); the heading after it must
# still be a heading of the post, outside the output, visible.
UNBALANCED = [
    ("comment", "<p>before</p><!-- never closed"),
    ("textarea", "<textarea>typed <b>text"),
    ("table", "<table><tr><td>cell<td>next"),
    ("div", '<div class="left-open"><p>inside'),
    ("closers", "</div></div></article></body> closers of nothing"),
    ("iframe", '<iframe src="about:blank">'),
    ("unfinished", '<div class="unfinished'),
]


def test_html_outputs_and_cells_cannot_swallow_the_rest_of_the_page(tmp_path):
    from playwright.sync_api import sync_playwright

    cells = [cell("markdown", "# Unbalanced HTML\n> outputs that leave things open")]
    for name, html_text in UNBALANCED:
        cells.append(cell("code", f"HTML({name!r})", outputs=[_html_output(html_text)]))
        cells.append(cell("markdown", f"## After {name}\n\nText after {name}."))
    cells.append(cell("markdown", "<div>\n<!-- a comment left open in a cell inside a div"))
    cells.append(cell("markdown", "## After the cell\n\nText after the cell."))
    cells.append(cell("raw", '<div class="left-open"><table><tr><td>a raw HTML cell', metadata={"raw_mimetype": "text/html"}))
    cells.append(cell("markdown", "## After the raw cell\n\nText after the raw cell."))
    # found by tests/test_fuzz.py: an untyped raw cell holding only `<!--` hid the rest of the post
    cells.append(cell("raw", "<!--"))
    cells.append(cell("markdown", "## After the untyped raw cell\n\nText after the untyped raw cell."))
    cells.append(cell("raw", "<table><tr><td>a markdown raw cell", metadata={"raw_mimetype": "text/markdown"}))
    cells.append(cell("markdown", "## After the markdown raw cell\n\nText after the markdown raw cell."))
    site = minima_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-05-02-unbalanced.ipynb", cells)
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    out = jekyll_build(site, "--baseurl", "/site")
    root = tmp_path / "www"
    root.mkdir()
    (root / "site").symlink_to(out, target_is_directory=True)
    page_file = next(out.rglob("unbalanced.html"))
    names = [name for name, _ in UNBALANCED] + ["the cell", "the raw cell", "the untyped raw cell",
                                                 "the markdown raw cell"]
    with serve_folder(root) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(f"{base}/site/" + page_file.relative_to(out).as_posix(), wait_until="load")
            problems = []
            for name in names:
                heading = page.locator("h2", has_text=f"After {name}")
                if heading.count() != 1 or not heading.is_visible():
                    problems.append(f"after {name}: the heading is not a visible element of the page")
                    continue
                where = heading.evaluate("h => [!!h.closest('.post-content'), !!h.closest('.nb2post-output-html, table, "
                                         "textarea, .left-open'), h.nextElementSibling && h.nextElementSibling.textContent]")
                if where != [True, False, f"Text after {name}."]:
                    problems.append(f"after {name}: [in the post, in the output, next] = {where}")
            assert problems == [], "\n".join(problems)
            assert page.locator("textarea").input_value() == "typed <b>text\n"
        finally:
            browser.close()


@pytest.mark.parametrize("text, videos", [
    ("Intro.\n> youtube: https://youtu.be/XfoYk_Z5AkI\n\nAfter.", ["XfoYk_Z5AkI"]),
    ("  > YouTube: https://www.youtube.com/watch?v=XfoYk_Z5AkI&t=3", ["XfoYk_Z5AkI"]),
    ("> youtube: https://youtu.be/XfoYk_Z5AkI\n> and a second line", []),  # a longer quote stays a quote
    ("> youtube: https://vimeo.com/12345", []),  # no YouTube video id: left as written
    ("Type `> youtube: https://youtu.be/XfoYk_Z5AkI` to embed", []),
])
def test_fastpages_youtube_quotes_become_videos_on_a_plain_site(text, videos):
    from nb2post.render.prose import Holder
    from nb2post.jekyll.targets import jekyll

    holder = Holder()
    out = holder.restore(jekyll.prose_hook(text, holder))
    assert re.findall(r'src="https://www\.youtube-nocookie\.com/embed/([\w-]+)"', out) == videos
    if videos:  # an HTML block of its own, not the end of the paragraph before it
        assert re.search(r'(^|\n\n) *<div class="nb2post-youtube">', out), out


def test_the_owners_steps_on_a_fastpages_blog(tmp_path, corpus):
    """`nb2post init` in a fastpages blog keeps fastpages' conventions for good (the workflow and later
    runs convert with them), `nb2post convert _notebooks` then writes fastpages posts, and `check` agrees."""
    site = fastpages_site(tmp_path / "blog")
    init_repo(site)
    shutil.copytree(corpus / "fastai__fastpages", site / "_notebooks")
    before = (site / "_config.yml").read_bytes()
    run_cli("init", cwd=site, check=True)
    after = (site / "_config.yml").read_bytes()
    assert after.startswith(before) and after[len(before):].decode().strip().endswith("nb2post:\n  target: fastpages")
    assert (site / ".github" / "workflows" / "nb2post.yml").is_file()
    done = run_cli("convert", "_notebooks", cwd=site, check=True)
    posts = sorted((site / "_posts").glob("*.md"))
    assert len(posts) == len(list((site / "_notebooks").glob("*.ipynb"))), done.stderr
    assert {frontmatter.load(post)["layout"] for post in posts} == {"notebook"}
    assert run_cli("check", cwd=site).returncode == 0
