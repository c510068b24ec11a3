"""The bundled example site, built with real Jekyll (theme minima) and opened in Debian's headless
Chromium through Playwright: images load, TOC links land on headings, badges point at the repository,
branch and notebook path, and math is typeset.

The example loads MathJax 3 from a CDN, which a test machine may not reach; the test copy of the site
loads Debian's MathJax 2.7 (package libjs-mathjax) from the same local server instead.

Set NB2POST_UPDATE_SCREENSHOT=1 to refresh docs/screenshot.png (the README's picture) from this run.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from conftest import ROOT, jekyll_build, run_cli
from site_kits import MATHJAX2, init_repo, launch_chromium, require_mathjax, serve_folder

from nb2post.jekyll import badges

EXAMPLE = ROOT / "examples" / "site"
REMOTE, BRANCH = "git@github.com:octo-org/nb-blog.git", "gh-pages-source"
SCREENSHOT_POST = "exploring-notebooks"
# Replaces the example head's MathJax 3 block in the test copy: MathJax 2 with the same delimiters
# (kramdown writes \(..\) and \[..\]), HTML-CSS output (.MathJax / .MathJax_Display), and a flag set
# when typesetting has finished.
LOCAL_MATHJAX = """{%- if page.use_math -%}
  <script>window.MathJax = { tex2jax: { inlineMath: [['\\\\(', '\\\\)']], displayMath: [['\\\\[', '\\\\]']] },
    AuthorInit: function () { MathJax.Hub.Register.StartupHook("End", function () { window.nb2postMathDone = true; }); } };</script>
  <script src="/mathjax/MathJax.js?config=TeX-AMS_HTML"></script>
  {%- endif -%}"""



@pytest.fixture
def served_example(tmp_path):
    """The example site in its own repository (remote and branch known), converted, built, served."""
    if not list(EXAMPLE.glob("_notebooks/*.ipynb")):
        pytest.skip(f"no example notebooks in {EXAMPLE / '_notebooks'} yet")
    repo = init_repo(tmp_path / "repo", BRANCH, REMOTE)
    site = repo / "site"
    shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns("_site", "_posts", ".jekyll-cache", "assets"))
    config = site / "_config.yml"
    text = config.read_text(encoding="utf-8")
    if "\n  toc:" not in text:
        config.write_text(text.rstrip("\n") + "\n  toc: kramdown\n", encoding="utf-8")
    use_local_mathjax(site)
    run_cli("convert", "--site", str(site), check=True)
    jekyll_build(site)
    baseurl = "blog"  # examples/site/_config.yml: baseurl "/blog"; serve _site under it
    root = tmp_path / "www"
    root.mkdir()
    (root / baseurl).symlink_to(site / "_site", target_is_directory=True)
    (root / "mathjax").symlink_to(MATHJAX2, target_is_directory=True)
    with serve_folder(root) as base:
        pages = {
            page.stem: f"{base}/{baseurl}/" + quote(page.relative_to(site / "_site").as_posix())
            for page in (site / "_site").rglob("*.html")
            if any(post.name[11:-3] == page.stem for post in (site / "_posts").glob("*.md"))
        }
        yield site, pages


def use_local_mathjax(site: Path) -> None:
    """Point the (copied) site's head at the MathJax 2.7 served next to it."""
    require_mathjax()
    head = site / "_includes" / "head.html"
    text, replaced = re.subn(r"\{%- if page\.use_math -%\}.*?\{%- endif -%\}", lambda _: LOCAL_MATHJAX, head.read_text(encoding="utf-8"), flags=re.S)
    assert replaced == 1, f"{head}: expected one 'if page.use_math' block that loads MathJax"
    head.write_text(text, encoding="utf-8")


def math_in_built_page(html_file: Path) -> tuple[int, int]:
    """(inline, display) math spans kramdown wrote into the post's content, before any typesetting."""
    content = html_file.read_text(encoding="utf-8").split('class="post-content', 1)[1]
    content = re.sub(r"<(pre|code)\b.*?</\1>", "", content, flags=re.S)  # MathJax leaves code alone
    return content.count("\\("), content.count("\\[")


def check_math_typeset(page, slug: str, expected: tuple[int, int]) -> None:
    """MathJax 2 turned every \\(..\\) into a .MathJax span and every \\[..\\] into a .MathJax_Display."""
    page.wait_for_function("window.nb2postMathDone === true", timeout=30_000)
    inline_count, display_count = expected
    typeset = page.evaluate(
        "() => [document.querySelectorAll('.post-content .MathJax').length,"
        " document.querySelectorAll('.post-content .MathJax_Display').length,"
        " document.querySelectorAll('.post-content .MathJax_Error, .post-content merror').length]"
    )
    # MathJax_Display wraps a .MathJax span of its own: every formula has one .MathJax
    assert typeset == [inline_count + display_count, display_count, 0], f"{slug}: typeset {typeset}, expected {expected}"
    visible = page.inner_text(".post-content")
    for raw in ("$$", "\\(", "\\)", "\\[", "\\]"):
        assert raw not in visible, f"{slug}: raw math delimiter {raw!r} still visible"
    box = page.locator(".post-content .MathJax_Display").first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 10, f"{slug}: display math not drawn: {box}"


def test_example_posts_in_headless_chromium(served_example, tmp_path):
    from playwright.sync_api import sync_playwright

    site, pages = served_example
    notebooks = sorted(site.glob("_notebooks/*.ipynb"))
    assert len(pages) == len(notebooks), f"one page per example notebook: {pages}"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            for slug, url in sorted(pages.items()):
                response = page.goto(url, wait_until="load")
                assert response is not None and response.ok, f"{url}: {response and response.status}"
                images = page.eval_on_selector_all(
                    "img", "els => els.map(e => [e.getAttribute('src'), e.complete && e.naturalWidth > 0])"
                )
                assert all(ok for _, ok in images), f"{slug}: images that did not load: {[s for s, ok in images if not ok]}"
                toc = page.eval_on_selector_all(
                    "#markdown-toc a",
                    "els => els.map(a => [a.getAttribute('href'),"
                    " !!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))])",
                )
                headings = page.eval_on_selector_all(".post-content :is(h1,h2,h3,h4,h5,h6)[id]", "els => els.length")
                if headings:
                    assert len(toc) == headings, f"{slug}: {len(toc)} TOC links for {headings} headings"
                assert all(ok for _, ok in toc), f"{slug}: TOC links without a target: {[h for h, ok in toc if not ok]}"
                nb_path = next(p for p in notebooks if p.stem.endswith(slug)).relative_to(site.parent).as_posix()
                expected = badges.urls(badges.Repository("github.com", "octo-org", "nb-blog"), BRANCH, nb_path)
                found = dict(page.eval_on_selector_all(
                    "a.nb2post-badge", "els => els.map(a => [a.className.split('nb2post-badge-')[1], a.href])"
                ))
                assert found == expected, slug
                assert f"/blob/{BRANCH}/site/_notebooks/" in found["github"]
                # the badges are visible, not just present
                assert page.locator("a.nb2post-badge-colab svg").bounding_box()["width"] > 20
                built = site / "_site" / url.split("/blog/", 1)[1]
                math = math_in_built_page(Path(unquote(str(built))))
                if slug == SCREENSHOT_POST:
                    assert math[0] >= 1 and math[1] >= 1, "the example post shows inline and display math"
                if any(math):
                    check_math_typeset(page, slug, math)
                if slug == SCREENSHOT_POST:
                    shot = tmp_path / "screenshot.png"
                    page.screenshot(path=str(shot))
                    assert shot.stat().st_size > 10_000
                    if os.environ.get("NB2POST_UPDATE_SCREENSHOT") == "1":
                        (ROOT / "docs").mkdir(exist_ok=True)
                        shutil.copy(shot, ROOT / "docs" / "screenshot.png")
        finally:
            browser.close()
