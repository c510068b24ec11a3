"""Math in the delimiters the site's renderer typesets (nb2post.jekyll.mathrender).

Stand-in sites with layouts written here, one per renderer configuration people use (KaTeX auto-render
with `$` delimiters, MathJax 2 with `$` only, MathJax 2 defaults, MathJax 3 defaults under kramdown's
`math_engine: null`, KaTeX defaults, MathJax 3 configured for `$`/`$$` in a script file of the site),
each loading a real renderer served on 127.0.0.1: Debian's MathJax 2 (libjs-mathjax), MathJax 3 and
KaTeX from npm (scripts/test.sh installs them into NB2POST_MATH_JS). The corpus's notebooks with math are
converted into each, built with Jekyll, and every formula is checked typeset in headless Chromium."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import frontmatter
import pytest

from conftest import CORPUS, cell, jekyll_build, run_cli, write_notebook
from site_kits import MATH_JS, MATHJAX2, launch_chromium, require_math_js, require_mathjax, serve_folder, write_files

from nb2post.jekyll import config, mathrender
from nb2post.render import prose
from nb2post.render.assets import AssetSet

# The corpus's notebooks with math in their prose or outputs (the others have none), and their formulas:
# (all, displayed), counted in their cells as Jupyter finds math (genai's outputs hold Markdown with math;
# its `$0.4x + 0.25$` is a paragraph of its own, inline in Jupyter).
FORMULAS = {"pca": (90, 15), "gp": (59, 11), "genai": (26, 7), "latex": (1, 1), "unsupervised": (37, 0),
            "prices": (3, 1)}
# Prices stay text, as in Jupyter, also where the renderer pairs dollars (written for the test).
# ... and in an HTML output (a DataFrame of prices, `\$` as people write it so that Jupyter shows a dollar) and an HTML cell.
PRICES_HTML = ('<table class="dataframe"><tr><td>$5 and $6</td> <td>$5</td> <td>$6</td> <td>\\$7</td></tr></table>\n'
               "<p>Total $11 or $12.</p>")
PRICES = [cell("markdown", "# Prices\n\nApples cost $5 and pears $10, so $x$ apples cost $5x$; escaped: \\$3 and \\$4.\n\n"
                           "Displayed as in Jupyter: $$\\sum_i x_i$$ inside a paragraph."),
          cell("code", "df", outputs=[{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                       "data": {"text/html": PRICES_HTML, "text/plain": "df"}}]),
          cell("raw", "<p>Raw $8 and $9.</p>", metadata={"raw_mimetype": "text/html"})]
PRICES_TEXT = ("Apples cost $5 and pears $10, so  apples cost ; escaped: $3 and $4. Displayed as in Jupyter:  inside a paragraph."
               " $5 and $6 $5 $6 $7 Total $11 or $12. Raw $8 and $9.")
MATH_NOTEBOOKS = {
    "pca": "drscotthawley__blog_fastpages/2019-12-21-PCA-From-Scratch.ipynb",
    "gp": "hyunholee26__fastpages/2022_09_26_Efforts_to_undertand_GP.ipynb",
    "genai": "chrwittm__chrwittm.github.io/posts/2025-03-27-intelligence-to-genai/index.ipynb",
    "latex": "mwouts__jupytext/Notebook with html and latex cells.ipynb",
    "unsupervised": "ageron__handson-ml2/09_unsupervised_learning.ipynb",
}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title>
%s
</head><body><article><div class="post-content">{{ content }}</div></article></body></html>
"""
_MJ2 = '<script src="/js/mathjax2/MathJax.js?config=TeX-AMS_HTML"></script>'
_MJ2_DONE = 'MathJax.Hub.Register.StartupHook("End", function () { window.mathDone = true; });'
_MJ3 = '<script src="/js/npm/mathjax/es5/tex-chtml.js"></script>'
_MJ3_DONE = "startup: {pageReady: function () { return MathJax.startup.defaultPageReady().then(function () { window.mathDone = true; }); }}"
_KATEX = ('<link rel="stylesheet" href="/js/npm/katex/dist/katex.min.css">'
          '<script src="/js/npm/katex/dist/katex.min.js"></script>'
          '<script src="/js/npm/katex/dist/contrib/auto-render.min.js"></script>')
# name: (files of the site, extra _config.yml, what nb2post writes: (inline, display) delimiters in the post)
SITES = {
    # own layouts, KaTeX auto-render with `delimiters: [$…$, \[…\]]` (the issue's first blog)
    "katex-dollar": ({"_layouts/post.html": PAGE % (_KATEX + """<script>
document.addEventListener("DOMContentLoaded", function () {
  renderMathInElement(document.body, {delimiters: [{left: "$", right: "$", display: false},
                                                   {left: "\\\\[", right: "\\\\]", display: true}]});
  window.mathDone = true;
});</script>""")}, "", (("$", "$"), None)),
    # own layouts, MathJax 2 with inlineMath `$` only
    "mathjax2-dollar": ({"_layouts/post.html": PAGE % ("""<script type="text/x-mathjax-config">
MathJax.Hub.Config({ tex2jax: { inlineMath: [['$','$']], processEscapes: true } });
%s</script>%s""" % (_MJ2_DONE, _MJ2))}, "", (("$", "$"), None)),
    # Hydeout-like: MathJax 2 with its defaults, loaded from an include
    "mathjax2-defaults": ({"_layouts/post.html": PAGE % "{% include mathjax.html %}",
                           "_includes/mathjax.html": '<script type="text/x-mathjax-config">%s</script>%s\n' % (_MJ2_DONE, _MJ2)},
                          "", (None, None)),
    # minima-like own layouts, kramdown with no math engine, MathJax 3 defaults (inline \(…\) only)
    "mathjax3-null": ({"_layouts/post.html": PAGE % ("<script>window.MathJax = {%s};</script>%s" % (_MJ3_DONE, _MJ3))},
                      "kramdown:\n  math_engine: null\n", (("\\(", "\\)"), None)),
    # MathJax 2 with `$`, processEscapes false (\$ shows its backslash) and an ignore class of its own
    "mathjax2-noescapes": ({"_layouts/post.html": PAGE % ("""<script type="text/x-mathjax-config">
MathJax.Hub.Config({ tex2jax: { inlineMath: [['$','$']], processEscapes: false, ignoreClass: "no-math" } });
%s</script>%s""" % (_MJ2_DONE, _MJ2))}, "", (("$", "$"), None)),
    # MathJax 3 with `$` and processEscapes false (its default is true)
    "mathjax3-noescapes": ({"_layouts/post.html": PAGE % (
        "<script>window.MathJax = {tex: {inlineMath: [['$', '$']], processEscapes: false}, %s};</script>%s" % (_MJ3_DONE, _MJ3))},
                           "", (("$", "$"), None)),
    # KaTeX auto-render with its default delimiters ($$, \(, \[)
    "katex-defaults": ({"_layouts/post.html": PAGE % (_KATEX + """<script>
document.addEventListener("DOMContentLoaded", function () { renderMathInElement(document.body); window.mathDone = true; });
</script>""")}, "", (None, None)),
    # MathJax 3 configured in the site's own script file for `$…$` and `$$…$$` only
    "mathjax3-file": ({"_layouts/post.html": PAGE % ("<script src=\"{{ '/assets/js/math-config.js' | relative_url }}\"></script>" + _MJ3),
                       "assets/js/math-config.js": "window.MathJax = {tex: {inlineMath: [['$', '$']], displayMath: [['$$', '$$']]}, %s};\n"
                       % _MJ3_DONE}, "", (("$", "$"), ("$$", "$$"))),
}
# How each renderer marks a typeset formula, a displayed one, and one it could not typeset.
TYPESET = {
    "MathJax 2": (".post-content .MathJax", ".post-content .MathJax_Display", ".post-content .MathJax_Error, .post-content .merror"),
    "MathJax 3": (".post-content mjx-container", '.post-content mjx-container[display="true"]', ".post-content mjx-merror"),
    "KaTeX": (".post-content .katex", ".post-content .katex-display", ".post-content .katex-error"),
}


def _renderer_family(name: str) -> str:
    return "KaTeX" if name.startswith("katex") else "MathJax 3" if name.startswith("mathjax3") else "MathJax 2"


def _site(folder: Path, name: str) -> Path:
    files, extra, _ = SITES[name]
    folder.mkdir(parents=True)
    (folder / "_config.yml").write_text(f"title: {name}\nbaseurl: /{name}\n"
                                        f"{extra}nb2post:\n  badges: false\n", encoding="utf-8")
    write_files(folder, files)
    return folder


def test_each_renderer_and_its_delimiters_are_found(tmp_path):
    found = {}
    for name in SITES:
        theme = config.load(_site(tmp_path / name, name)).theme
        found[name] = (theme.math.inline, theme.math.display)
        assert found[name] == SITES[name][2], f"{name}: {theme.math}"
        assert not theme.math_script, name  # the layouts load math: no loader in posts
    configured = config.load(tmp_path / "mathjax3-file").theme.math  # its note is said as the file's that loads it
    assert configured.note.startswith("MathJax 3 (configured in assets/js/math-config.js) typesets inline $…$")
    assert configured.where == str(tmp_path / "mathjax3-file" / "_layouts" / "post.html")
    assert config.load(tmp_path / "katex-dollar").theme.math.note.startswith("KaTeX auto-render typesets inline $…$")
    assert "(processEscapes: false)" in config.load(tmp_path / "mathjax2-noescapes").theme.math.note
    # a theme nb2post cannot read (not on disk) and layouts that load no renderer: math written as always
    unread = tmp_path / "unread"
    unread.mkdir()
    (unread / "_config.yml").write_text("remote_theme: someone/odd-theme\n", encoding="utf-8")
    assert config.load(unread).theme.math is None


def test_a_changed_renderer_configuration_makes_posts_stale(tmp_path):
    site = _site(tmp_path / "site", "mathjax3-file")
    nb = write_notebook(site / "_notebooks" / "2024-05-01-a.ipynb", [cell("markdown", "# T\n\nSee $x$ here.")])
    run_cli("convert", "--site", str(site), check=True)
    assert '<span markdown="0">$x$</span>' in (site / "_posts" / "2024-05-01-a.md").read_text(encoding="utf-8")
    assert run_cli("check", "--site", str(site)).returncode == 0
    script = site / "assets" / "js" / "math-config.js"
    script.write_text(script.read_text().replace("[['$', '$']]", "[['$', '$'], ['\\\\(', '\\\\)']]"))
    assert run_cli("check", "--site", str(site)).returncode == 1  # the site's script now takes \(…\)
    run_cli("convert", "--site", str(site), str(nb), check=True)
    assert "See $$x$$ here." in (site / "_posts" / "2024-05-01-a.md").read_text(encoding="utf-8")


def test_server_side_katex_gets_kramdowns_dollars(tmp_path):
    """kramdown's `math_engine: katex` typesets `$$` when the site is built. It needs the kramdown-math-katex
    gem, which Debian does not package (and rubygems is out of reach here): what is written is checked,
    not a Jekyll build."""
    site = _site(tmp_path / "site", "katex-dollar")  # its layout's auto-render is given nothing to pair
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text() + "kramdown:\n  math_engine: katex\n")
    write_notebook(site / "_notebooks" / "2024-05-01-k.ipynb", [cell("markdown", "# K\n\nSee $x_1$ here.\n\n$$y$$")])
    done = run_cli("convert", "-v", cwd=site, check=True)
    body = (site / "_posts" / "2024-05-01-k.md").read_text(encoding="utf-8")
    assert "See $$x_1$$ here." in body and "$$\ny\n$$" in body and 'markdown="0"' not in body, body
    assert "note: _config.yml: kramdown's math_engine: katex typesets math when the site is built" in done.stderr, done.stderr


def test_configurations_read_from_template_text():
    def style(text: str, engine: str = "mathjax") -> mathrender.MathStyle:
        return mathrender.choose(mathrender.find([("_includes/head.html", text)]), engine)

    # MathJax 3 with both inline delimiters takes kramdown's \(…\): written as before
    chirpy = "<script>MathJax = { tex: { inlineMath: [ ['$','$'], ['\\\\(','\\\\)'] ] } };</script><script src=x/tex-mml-chtml.js></script>"
    assert (style(chirpy).inline, style(chirpy).display) == (None, None)
    assert style(chirpy).text_dollar == mathrender.IGNORED_DOLLAR  # it pairs dollars: prices stay text
    # ... and no engine: kramdown writes $…$, which it takes too
    assert style(chirpy, "none").inline is None
    # KaTeX with display delimiters only for $$: \[…\] from kramdown would stay text
    katex = 'renderMathInElement(document.body, {"delimiters": [{"left": "$$", "right": "$$", "display": true}, {"left": "\\\\(", "right": "\\\\)", "display": false}]})'
    assert (style(katex).inline, style(katex).display) == (None, ("$$", "$$"))
    # a renderer with no display delimiters: display math in its inline ones, in display style
    only_inline = "renderMathInElement(document.body, {delimiters: [{left: '$', right: '$', display: false}]})"
    assert (style(only_inline).display, style(only_inline).display_prefix) == (("$", "$"), "\\displaystyle ")
    # delimiters that are an environment's are not the ones a formula is wrapped in
    envs = ("renderMathInElement(document.body, {delimiters: [{left: '\\\\begin{equation}', right: '\\\\end{equation}', display: true},"
            " {left: '$$', right: '$$', display: true}, {left: '$', right: '$', display: false}]})")
    assert (style(envs).inline, style(envs).display) == (("$", "$"), ("$$", "$$"))
    # server-side KaTeX: kramdown's $$ is what it typesets, whatever the layouts load
    assert style(katex, "katex").inline is None and "typesets math when the site is built" in style(katex, "katex").note
    # a configuration nb2post cannot read (Liquid builds it), an unknown engine, no renderer: as before
    assert style("MathJax.Hub.Config({tex2jax: {inlineMath: {{ site.math_inline }} }})") == mathrender.KRAMDOWN
    assert style(katex, "") == mathrender.KRAMDOWN
    assert style("<p>no math here</p>") == mathrender.KRAMDOWN
    # what people write for "no engine"
    for value in (None, "nil", "none", ""):
        assert mathrender.kramdown_engine({"kramdown": {"math_engine": value}}) == "none", value
    assert mathrender.kramdown_engine({}) == "mathjax"
    assert mathrender.kramdown_engine({"kramdown": {"math_engine": "katex"}}) == "katex"


def _convert(text: str, style) -> str:
    ctx = prose.ProseContext(assets=AssetSet("assets/images"), notebook_dir=Path("."), image_prefix="cell1", math=style)
    return prose.convert(text, ctx)


def test_math_written_raw_in_the_renderers_delimiters():
    dollar = mathrender.MathStyle(inline=("$", "$"), display=("$$", "$$"))
    out = _convert("Cost $a_1 * b_2 < c$ here.\n\n$$x & y \\\\ z$$\n\n- item\n\n  $$q$$\n", dollar)
    assert 'Cost <span markdown="0">$a_1 * b_2 &lt; c$</span> here.' in out
    assert '<div markdown="0">$$\nx &amp; y \\\\ z\n$$</div>' in out
    assert '  <div markdown="0">$$\n  q\n  $$</div>' in out  # inside the list item: indented with it
    # display math inside a paragraph is displayed, as in Jupyter: in the display delimiters the renderer takes
    defaults = mathrender.choose(mathrender.find([("_layouts/post.html", '<script src="/js/MathJax.js"></script>')]), "mathjax")
    assert _convert("$$e^x$$ and more", defaults) == '<span markdown="0">\\[e^x\\]</span> and more'
    assert _convert("$$e^x$$ and more", mathrender.choose(mathrender.find([("_layouts/post.html", '<script src="/js/MathJax.js"></script>')]), "none")) \
        == '<span markdown="0">$$e^x$$</span> and more'
    # ... in display style where it has no display delimiters, or nb2post cannot tell
    only_inline = mathrender.choose(mathrender.find([("x", "renderMathInElement(document.body, {delimiters: [{left: '$', right: '$'}]})")]), "mathjax")
    assert _convert("$$e^x$$ and more", only_inline) == '<span markdown="0">$\\displaystyle e^x$</span> and more'
    assert _convert("$$e^x$$ and more", None) == "$$\\displaystyle e^x$$ and more"
    # kramdown's own $$ as before where the renderer takes what kramdown writes
    assert _convert("Cost $a_1 * b_2$ here.", None) == "Cost $$a_1 * b_2$$ here."


def test_dollars_of_the_text_where_the_renderer_pairs_dollars():
    pairs = mathrender.choose(mathrender.find([("_layouts/post.html", "MathJax.Hub.Config({tex2jax: {inlineMath: [['$','$']]}})")]), "mathjax")
    ignored = mathrender.IGNORED_DOLLAR
    out = _convert("Cost $5 and $10, and \\$3 for $y$.", pairs)
    assert out == f'Cost {ignored}5 and {ignored}10, and {ignored}3 for <span markdown="0">$y$</span>.', out
    # in a tag or a link's target a dollar is not text
    assert _convert("See [a](http://x.org/$y).", pairs) == "See [a](http://x.org/$y)."
    assert _convert("See <b title='$'>b</b>.", pairs) == "See <b title='$'>b</b>."
    assert "$5 and $10" in _convert("Cost $5 and $10", None)  # a renderer that does not pair dollars: as written


def test_process_escapes_is_read_and_decides_how_html_outputs_write_dollars():
    def style(text: str) -> mathrender.MathStyle:
        return mathrender.choose(mathrender.find([("_includes/head.html", text)]), "mathjax")

    ignored = mathrender.IGNORED_DOLLAR
    table = '<td>$5 and $6</td><td title="$">\\$7</td><script>$(x)</script><pre>$</pre><!-- $ -->'
    # a renderer that pairs dollars: every dollar of the text is one no renderer pairs, processEscapes or not
    for escapes in ("true", "false"):
        pairs = style(f"MathJax.Hub.Config({{tex2jax: {{inlineMath: [['$','$']], processEscapes: {escapes}}}}})")
        assert f"(processEscapes: {escapes})" in pairs.note
        assert mathrender.html_dollars(table, pairs) == (
            f'<td>{ignored}5 and {ignored}6</td><td title="$">{ignored}7</td><script>$(x)</script><pre>$</pre><!-- $ -->')
    # one that does not: \$ shows its backslash without processEscapes (MathJax 2's default, KaTeX), so it is
    # written as the dollar Jupyter shows; with it (MathJax 3's default) the HTML is left as it is
    for shows_backslash in ("<script src=/js/MathJax.js></script>", "renderMathInElement(document.body)",
                            "window.MathJax = {tex: {processEscapes: false}}; mathjax@3"):
        assert mathrender.html_dollars(table, style(shows_backslash)) == (
            f'<td>$5 and $6</td><td title="$">{ignored}7</td><script>$(x)</script><pre>$</pre><!-- $ -->'), shows_backslash
    mathjax3 = style("<script src=/npm/mathjax@3/es5/tex-chtml.js></script>")
    assert "(processEscapes: true)" in mathjax3.note and mathrender.html_dollars(table, mathjax3) == table
    assert mathrender.html_dollars(table, None) == table  # math written as always: so are outputs
    # a processEscapes nb2post cannot read (Liquid): the configuration is not one it reads
    assert style("MathJax.Hub.Config({tex2jax: {processEscapes: {{ site.escapes }} }})") == mathrender.KRAMDOWN


def test_brief_text_from_prose_carries_the_tex():
    from nb2post.share import describe

    body = ('The square <span markdown="0">\\(a^2\\)</span> of $$a_1 * b_1$$ grows with <span>$$x$$</span> and '
            f"costs {mathrender.IGNORED_DOLLAR}5.\n")
    assert describe.describe({"title": "T"}, body).text == "The square $a^2$ of $a_1 * b_1$ grows with $x$ and costs $5."


@pytest.mark.parametrize("source", ["$x^2$", "> $x^2$", "- $x^2$", "1. $x^2$", "Intro\n\n$x^2$\n\nmore"])
def test_a_paragraph_that_is_one_formula_stays_inline(source):
    """kramdown reads `$$x^2$$` alone in a block as display math; Jupyter shows `$x^2$` inline."""
    assert "<span>$$x^2$$</span>" in _convert(source, None)
    assert "$$x^2$$" in _convert("The formula $x^2$ is inline", None)
    assert "<span>" not in _convert("The formula $x^2$ is inline", None)
    assert "$$\nx^2\n$$" in _convert("$$x^2$$", None)  # display stays display


def test_a_lone_inline_formula_in_the_built_page(tmp_path):
    site = _site(tmp_path / "site", "mathjax2-defaults")
    nb = write_notebook(site / "_notebooks" / "2024-05-01-lone.ipynb", [
        cell("markdown", "# Lone\n\nThe next paragraph is one formula.\n\n$x^2$\n\n- $y$\n\n$$z^2$$\n"),
    ])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    html = jekyll_build(site).joinpath("2024", "05", "01", "lone.html").read_text(encoding="utf-8")
    assert "<p><span>\\(x^2\\)</span></p>" in html and "<li><span>\\(y\\)</span></li>" in html
    assert "\\[z^2\\]" in html and html.count("\\[") == 1


def test_descriptions_carry_the_tex_not_the_markup(tmp_path):
    site = _site(tmp_path / "site", "katex-dollar")
    nb = write_notebook(site / "_notebooks" / "2024-05-01-desc.ipynb", [
        cell("markdown", "# Squares\n\nThe square $a^2$ of $a_1 * b_1$ grows, and $$e^x$$ faster still."),
    ])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    post = frontmatter.loads((site / "_posts" / "2024-05-01-desc.md").read_text(encoding="utf-8"))
    assert post["description"] == "The square $a^2$ of $a_1 * b_1$ grows, and $$e^x$$ faster still."
    kramdown_site = _site(tmp_path / "k", "mathjax2-defaults")
    shutil.copy(nb, kramdown_site / "desc.ipynb")
    run_cli("convert", "--site", str(kramdown_site), str(kramdown_site / "desc.ipynb"), check=True)
    post = frontmatter.loads(next((kramdown_site / "_posts").glob("*.md")).read_text(encoding="utf-8"))
    assert "$$a^2$$" in post.content and post["description"].startswith("The square $a^2$ of $a_1 * b_1$")


def test_the_renderer_is_said_once_with_verbose_and_the_engine_makes_posts_stale(tmp_path):
    site = _site(tmp_path / "site", "mathjax2-dollar")
    for name in ("2024-05-01-a", "2024-05-02-b"):
        write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("markdown", "# T\n\nSee $x$ here.")])
    done = run_cli("convert", "--site", str(site), "-v", check=True)
    notes = [line for line in done.stderr.splitlines() if line.startswith("note:") and "MathJax 2" in line]
    # named by the file that loads it (here by its real path: the site is not below the current folder)
    assert len(notes) == 1 and notes[0].startswith(f"note: {site / '_layouts' / 'post.html'}: MathJax 2 typesets inline $…$ "), notes
    assert "inline math as $…$" in notes[0], done.stderr
    # ... from the site's folder, as the user types it there (it said '.:' before)
    notes = [line for line in run_cli("convert", "--force", "-v", cwd=site, check=True).stderr.splitlines() if "MathJax 2" in line]
    assert notes == [notes[0]] and notes[0].startswith("note: _layouts/post.html: MathJax 2 typesets inline $…$ "), notes
    assert "use_math" not in done.stderr  # its layouts load math on every page, whatever the key
    assert "note:" not in run_cli("convert", "--site", str(site), "--force", check=True).stderr
    assert run_cli("check", "--site", str(site)).returncode == 0
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text() + "kramdown:\n  math_engine: null\n")
    assert run_cli("check", "--site", str(site)).returncode == 1  # what math is written as has changed


# --- the corpus on every stand-in site, in Chromium ---------------------------------------------


@pytest.fixture(scope="module")
def built_sites(tmp_path_factory):
    """The corpus's notebooks with math converted into each stand-in site and built; served with the
    renderers beside them: {site: {notebook: page URL}}."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    require_mathjax()
    require_math_js()
    root = tmp_path_factory.mktemp("www")
    (root / "js").mkdir()
    (root / "js" / "mathjax2").symlink_to(MATHJAX2, target_is_directory=True)
    (root / "js" / "npm").symlink_to(MATH_JS, target_is_directory=True)
    work = tmp_path_factory.mktemp("sites")
    pages: dict[str, dict[str, Path]] = {}
    for name in SITES:
        site = _site(work / name, name)
        for label, path in MATH_NOTEBOOKS.items():
            target = site / "_notebooks" / f"2024-01-01-{label}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(CORPUS / path, target)
        write_notebook(site / "_notebooks" / "2024-01-01-prices.ipynb", PRICES)
        run_cli("convert", "--site", str(site), check=True)
        out = jekyll_build(site)
        (root / name).symlink_to(out, target_is_directory=True)
        pages[name] = {}
        for page in out.rglob("*.html"):  # the notebooks' own front matter names, dates and places them
            marker = re.search(r"generated from _notebooks/2024-01-01-(\w+)\.ipynb", page.read_text(encoding="utf-8"))
            if marker:
                pages[name][marker.group(1)] = page
        assert sorted(pages[name]) == sorted([*MATH_NOTEBOOKS, "prices"]), pages[name]
    with serve_folder(root) as base:
        yield {name: {label: f"{base}/{name}/" + quote(page.relative_to(work / name / "_site").as_posix())
                      for label, page in by_label.items()} for name, by_label in pages.items()}


_VISIBLE_TEXT = """() => { const c = document.querySelector('.post-content').cloneNode(true);
  c.querySelectorAll('pre, code, script, .MathJax, .MathJax_Display, .MathJax_Preview, mjx-container, .katex, .katex-display')
   .forEach(e => e.remove());
  return c.textContent; }"""


def test_every_formula_of_the_corpus_typeset_on_every_renderer(built_sites):
    from playwright.sync_api import sync_playwright

    counts: dict[str, dict[str, tuple[int, int]]] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            for name, urls in built_sites.items():
                formula, shown, error = TYPESET[_renderer_family(name)]
                for label, url in urls.items():
                    response = page.goto(url, wait_until="load")
                    assert response is not None and response.ok, url
                    page.wait_for_function("window.mathDone === true", timeout=60_000)
                    if _renderer_family(name) == "MathJax 2":
                        page.wait_for_function("!MathJax.Hub.queue.pending && !MathJax.Hub.queue.running", timeout=60_000)
                    found = page.evaluate(f"() => [document.querySelectorAll({formula!r}).length,"
                                          f" document.querySelectorAll({shown!r}).length,"
                                          f" document.querySelectorAll({error!r}).length]")
                    assert found[2] == 0, f"{name}/{label}: {found[2]} formulas the renderer could not typeset"
                    text = page.evaluate(_VISIBLE_TEXT)
                    for raw in ("\\(", "\\)", "\\[", "\\]", "$$", "\\frac", "\\begin", "^{", "_{"):
                        assert raw not in text, f"{name}/{label}: raw TeX {raw!r} left: ...{_around(text, raw)}..."
                    counts.setdefault(label, {})[name] = (found[0], found[1])
                    if label == "prices":
                        assert " ".join(text.split()) == " ".join(PRICES_TEXT.split()), f"{name}: {text!r}"
        finally:
            browser.close()
    for label, by_site in counts.items():
        # every formula, inline and displayed as in Jupyter, on every renderer
        assert set(by_site.values()) == {FORMULAS[label]}, f"{label}: (typeset, displayed) per site: {by_site}"


def _around(text: str, raw: str) -> str:
    at = text.find(raw)
    return text[max(0, at - 60) : at + 60].replace("\n", " ")
