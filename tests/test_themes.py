"""`toc: true` and math on the themes people use: what nb2post writes for minima (the Debian theme), a
minimal-mistakes-style site and a fastpages-style site (stand-in layouts that read the same `page.*`
keys as the real ones), built with real Jekyll and opened in headless Chromium with Debian's MathJax."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import frontmatter
import pytest

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import (LOCAL_MATHJAX, MATHJAX2, REAL_FASTPAGES_CONFIG as FASTPAGES_CONFIG, fastpages_site, launch_chromium,
                       minima_site, mm_site, page_links, require_mathjax, serve_folder, write_files as _write)

from nb2post.jekyll import config, themes

NOTEBOOK = [
    cell("markdown", "# Sums and squares\n> A post with a table of contents and math\n\n- toc: true\n- comments: true"),
    cell("markdown", "## First part\n\nThe square $x^2$ grows, and so does $y_1 + y_2$.\n\n$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$"),
    cell("code", "sum(range(11))", outputs=[{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "55"}}]),
    cell("markdown", "## Second part\n\nMore text.\n\n## Third part\n\nThe end."),
]
SLUG = "sums-and-squares"


def _convert(site: Path, *args: str):
    nb = write_notebook(site / "_notebooks" / f"2024-05-01-{SLUG}.ipynb", NOTEBOOK)
    done = run_cli("convert", "--site", str(site), *args, str(nb), check=True)
    return frontmatter.loads((site / "_posts" / f"2024-05-01-{SLUG}.md").read_text(encoding="utf-8")), done


def _page(site_out: Path) -> Path:
    pages = [p for p in site_out.rglob("*.html") if p.stem == SLUG or p.parent.name == SLUG]
    assert len(pages) == 1, pages
    return pages[0]


def test_theme_recognition(tmp_path):
    def detect(config_text: str, files: dict | None = None, gemfile: str | None = None) -> themes.Theme:
        site = tmp_path / f"s{len(list(tmp_path.iterdir()))}"
        site.mkdir()
        (site / "_config.yml").write_text(config_text)
        _write(site, files or {})
        if gemfile:
            (site / "Gemfile").write_text(gemfile)
        return config.load(site).theme

    assert (detect("theme: minima\n").name, detect("theme: minima\n").toc_style) == ("minima", "kramdown")
    mm = detect("remote_theme: mmistakes/minimal-mistakes@4.24.0\n")
    assert (mm.name, mm.toc_style, mm.math_script) == ("minimal-mistakes", "frontmatter", True)
    assert detect("title: t\n", gemfile='source "https://rubygems.org"\ngem "minimal-mistakes-jekyll"\n').name == "minimal-mistakes"
    chirpy = detect("theme: jekyll-theme-chirpy\n")
    assert (chirpy.name, chirpy.math_keys, chirpy.toc_style) == ("chirpy", ("math",), "frontmatter")
    # fastpages says `theme: minima` and `remote_theme: jekyll/minima`, yet it is fastpages
    if FASTPAGES_CONFIG.is_file():
        fast = detect(FASTPAGES_CONFIG.read_text())
        assert (fast.name, fast.toc_style, fast.math_keys) == ("fastpages", "frontmatter", ("use_math",))
    assert detect("theme: minima\n", {"_layouts/notebook.html": "{{ content }}"}).name == "fastpages"
    unknown = detect("remote_theme: someone/odd-theme\n")
    assert (unknown.name, unknown.toc_style, unknown.math_keys, unknown.math_script) == ("", "kramdown", ("use_math",), False)
    assert "not one nb2post knows" in unknown.reason
    # an al-folio-like site: its own layouts switch math on `math` and comments on `giscus_comments`
    own = detect("title: t\n", {"_layouts/post.html": "{% if page.math %}<script src=x></script>{% endif %}"
                                "{% if page.giscus_comments %}{% include giscus.html %}{% endif %}{{ content }}"})
    assert (own.math_keys, own.comment_keys, own.math_script) == (("math",), ("giscus_comments",), False)
    assert ("math", "_layouts/post.html") in own.learned
    # nb2post: theme: names it when nothing else tells
    assert detect("nb2post:\n  theme: minimal-mistakes\n").name == "minimal-mistakes"


def test_switches_are_set_and_the_sites_front_matter_still_wins(tmp_path):
    site = mm_site(tmp_path / "mm")
    text = (site / "_config.yml").read_text().replace("nb2post:\n", "nb2post:\n  front_matter: {toc_sticky: false}\n")
    (site / "_config.yml").write_text(text)
    post, done = _convert(site, "-v")  # the theme line is a note
    assert post["mathjax"] is True and post["toc"] is True and post["toc_sticky"] is False and post["comments"] is True
    assert "use_math" not in post.metadata and "{:toc}" not in post.content and "include toc" not in post.content
    assert "MathJax" not in post.content  # the layout loads it: no loader in the post
    notes = [line for line in done.stderr.splitlines() if "theme minimal-mistakes" in line]
    assert len(notes) == 1 and notes[0].startswith("note: ") and "page.mathjax in _layouts/default.html" in notes[0], done.stderr


def test_the_choice_is_said_without_v_once_when_it_changes(tmp_path):
    """The theme choice (and the math renderer's) is a note: said with -v, and without it once, by the first
    run whose posts were written for it (the choice is remembered in the site's stat cache)."""
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    write_notebook(site / "_notebooks" / "2024-05-01-a.ipynb", NOTEBOOK)

    def said() -> list[str]:
        done = run_cli("convert", "--force", cwd=site, check=True)
        return [line for line in done.stderr.splitlines() if line.startswith("note:")]

    first = said()
    assert len(first) == 2 and first[0].startswith(f"note: {site / '_config.yml'}: theme no known theme"), first
    assert first[1].startswith("note: _config.yml: MathJax in nb2post's loader in each post with math (mathjax_url) typesets"), first
    assert said() == []  # the same choice: silent
    assert run_cli("convert", "--dry-run", "--force", cwd=site, check=True).stderr.count("note:") == 0
    # the site's own layout now loads MathJax 2 for $…$: a new choice, said once, with its renderer by its file
    _write(site, {"_layouts/post.html": '<script type="text/x-mathjax-config">MathJax.Hub.Config({tex2jax: {inlineMath: '
                                        "[['$','$']]}})</script><script src=\"/js/MathJax.js\"></script>{{ content }}\n"})
    changed = said()
    assert len(changed) == 2 and "math is loaded on every page by _layouts/post.html" in changed[0], changed
    assert changed[1].startswith("note: _layouts/post.html: MathJax 2 typesets inline $…$"), changed
    assert said() == []
    # a run that says nothing of it (-q) remembers nothing: the next plain one says it
    (site / "_layouts" / "post.html").unlink()
    assert "note:" not in run_cli("convert", "-q", "--force", cwd=site, check=True).stderr
    assert said() == first and said() == []


def test_the_choice_is_said_once_per_batch(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    for name in ("2024-05-01-a", "2024-05-02-b", "2024-05-03-c"):
        write_notebook(site / "_notebooks" / f"{name}.ipynb", NOTEBOOK)
    done = run_cli("convert", "-v", "--site", str(site), "--jobs", "1", str(site / "_notebooks"), check=True)
    notes = [line for line in done.stderr.splitlines() if "a table of contents is" in line]
    assert len(notes) == 1 and notes[0].startswith("note: ") and "no known theme" in notes[0] and "kramdown's {:toc}" in notes[0], done.stderr


@pytest.fixture
def served_sites(tmp_path):
    """The three sites converted, built, and served from one local server beside Debian's MathJax."""
    require_mathjax()
    root = tmp_path / "www"
    root.mkdir()
    (root / "mathjax").symlink_to(MATHJAX2, target_is_directory=True)
    built = {}
    for name, make, extra in (("minima", minima_site, ()), ("mm", mm_site, ()),
                              ("fastpages", fastpages_site, ("--config", "_config.yml,_config_test.yml"))):
        site = make(tmp_path / name)
        post, _ = _convert(site)
        out = jekyll_build(site, *(["--config", ",".join(str(site / f) for f in extra[1].split(","))] if extra else []))
        (root / name).symlink_to(out, target_is_directory=True)
        built[name] = (site, post, _page(out))
    with serve_folder(root) as base:
        yield {name: (site, post, page, f"{base}/{name}/" + quote(page.relative_to(site / "_site").as_posix()))
               for name, (site, post, page) in built.items()}


def test_toc_and_math_on_every_theme_in_chromium(served_sites):
    from playwright.sync_api import sync_playwright

    minima, mm, fast = served_sites["minima"], served_sites["mm"], served_sites["fastpages"]
    # what each theme draws, written into the post
    assert "* TOC\n{:toc}" in minima[1].content and "toc" not in minima[1].metadata
    assert "use_math" in minima[1].metadata and LOCAL_MATHJAX in minima[1].content  # minima loads no math
    assert mm[1]["toc"] is True and mm[1]["mathjax"] is True and "{:toc}" not in mm[1].content
    assert fast[1]["toc"] is True and fast[1]["use_math"] is True and "{:toc}" not in fast[1].content
    assert "MathJax" not in fast[1].content and "MathJax" not in mm[1].content

    expected_toc = {"minima": "#markdown-toc a", "mm": ".sidebar__right nav.toc a", "fastpages": ".section-nav a"}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            for name, (site, post, built_file, url) in served_sites.items():
                response = page.goto(url, wait_until="load")
                assert response is not None and response.ok, url
                links = page.eval_on_selector_all(expected_toc[name], "els => els.map(e => e.getAttribute('href'))")
                assert len(links) >= 3, f"{name}: no visible table of contents ({links})"
                assert page.locator(expected_toc[name]).first.is_visible(), name
                assert page_links(built_file.read_text(encoding="utf-8")).broken_toc_links() == [], name
                page.wait_for_function(
                    "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue && !MathJax.Hub.queue.pending"
                    " && !MathJax.Hub.queue.running && document.querySelectorAll('.MathJax_Display').length > 0",
                    timeout=30_000,
                )
                counts = page.evaluate("() => [document.querySelectorAll('.MathJax').length,"
                                       " document.querySelectorAll('.MathJax_Display').length,"
                                       " document.querySelectorAll('.MathJax_Error, merror').length]")
                assert counts == [3, 1, 0], f"{name}: typeset {counts} (inline+display, display, errors)"
                assert "\\(" not in page.inner_text("body") and "\\[" not in page.inner_text("body"), name
        finally:
            browser.close()


def test_a_theme_switch_makes_posts_stale(tmp_path):
    """The theme's choices are part of the settings fingerprint: `check` sees a switched theme (or a
    layout that reads a new switch) without a YAML parser, and `convert` rewrites the posts."""
    site = minima_site(tmp_path / "site")
    post, _ = _convert(site)
    assert "{:toc}" in post.content
    assert run_cli("check", "--site", str(site)).returncode == 0
    _write(site, {"_layouts/post.html": "---\nlayout: default\n---\n{% if page.mathjax %}<script src=x></script>{% endif %}{{ content }}\n"})
    stale = run_cli("check", "--site", str(site))
    assert stale.returncode == 1 and "stale:" in stale.stdout
    post, _ = _convert(site)
    assert post["mathjax"] is True and LOCAL_MATHJAX not in post.content
    text = (site / "_config.yml").read_text().replace("theme: minima", "remote_theme: mmistakes/minimal-mistakes")
    (site / "_config.yml").write_text(text)
    assert run_cli("check", "--site", str(site)).returncode == 1
    post, _ = _convert(site)
    assert post["toc"] is True and "{:toc}" not in post.content
    assert run_cli("check", "--site", str(site)).returncode == 0
