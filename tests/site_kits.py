"""Test sites for the TOC, badge and fastpages tests: a blog with fastpages' post structure (layouts,
includes and plugins written minimally here, read the same front matter as fastpages' own), and
helpers that read ids, TOC links and badge links out of built pages."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import ROOT, free_port, git, make_site, wait_for_port

FASTPAGES_CONFIG = """title: fastpages-like test blog
plugins: [jekyll-toc]
github_username: octo-org
github_repo: nb-blog
default_badges:
  github: true
  binder: true
  colab: true
  deepnote: true
nb2post:
  target: fastpages
"""

FASTPAGES_FILES = {
    "_layouts/default.html": '<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title></head>'
    "<body>{{ content }}</body></html>\n",
    # The parts of fastpages' post layout that read nb2post's front matter: description, badges, toc.
    "_layouts/post.html": """---
layout: default
---
<article>
<header>
<h1 class="post-title">{{ page.title | escape }}</h1>
{%- if page.description -%}<p class="page-description">{{ page.description }}</p>{%- endif -%}
{% if page.layout == 'notebook' %}{% if page.badges or page.badges == nil %}<div class="badges">
{% unless page.hide_github_badge or site.default_badges.github != true %}{% include notebook_github_link.html %}{% endunless %}
{% unless page.hide_binder_badge or site.default_badges.binder != true %}{% include notebook_binder_link.html %}{% endunless %}
{% unless page.hide_colab_badge or site.default_badges.colab != true %}{% include notebook_colab_link.html %}{% endunless %}
{% unless page.hide_deepnote_badge or site.default_badges.deepnote != true %}{% include notebook_deepnote_link.html %}{% endunless %}
</div>{% endif %}{% endif %}
</header>
<div class="post-content">
{{ content | toc }}
</div>
</article>
""",
    "_layouts/notebook.html": "---\nlayout: post\n---\n\n{{ content }}\n",
    "_includes/notebook_github_link.html": '<a class="badge-github" href="https://github.com/{{ site.github_username }}/{{ site.github_repo }}/tree/{{ page.branch | default: "master" }}/{{ page.nb_path }}">GitHub</a>\n',
    "_includes/notebook_binder_link.html": '<a class="badge-binder" href="https://mybinder.org/v2/gh/{{ site.github_username }}/{{ site.github_repo }}/{{ page.branch | default: "master" }}?filepath={{ page.nb_path | url_encode }}">Binder</a>\n',
    "_includes/notebook_colab_link.html": '<a class="badge-colab" href="https://colab.research.google.com/github/{{ site.github_username }}/{{ site.github_repo }}/blob/{{ page.branch | default: "master" }}/{{ page.nb_path }}">Colab</a>\n',
    "_includes/notebook_deepnote_link.html": '<a class="badge-deepnote" href="https://deepnote.com/launch?url=https%3A%2F%2Fgithub.com%2F{{ site.github_username }}%2F{{ site.github_repo }}%2Fblob%2F{{ page.branch | default: "master" }}%2F{{ page.nb_path | url_encode }}">Deepnote</a>\n',
    "_includes/youtube.html": '{% assign url = include.content | remove: "</a>" | split: ">" | last %}'
    '<iframe class="youtube" src="https://www.youtube.com/embed/{{ url | split: "/" | last }}"></iframe>\n',
    "_plugins/footnotes.rb": """module NbTestFootnotes
  class ArgumentTag < Liquid::Tag
    def initialize(tag_name, text, tokens)
      super
      @arg = text.strip
    end
  end

  class FnTag < ArgumentTag
    def render(context)
      "<sup id='fnref-#{@arg}'><a href='#fn-#{@arg}'>#{@arg}</a></sup>"
    end
  end

  class TwitterTag < ArgumentTag
    def render(context)
      "<blockquote class='twitter-tweet'><a href='#{@arg}'>#{@arg}</a></blockquote>"
    end
  end

  module FnDetail
    def fndetail(input, id)
      "<div class='footnotes'><p id='fn-#{id}'>#{id}. #{input}<a href='#fnref-#{id}'>back</a></p></div>"
    end
  end
end

Liquid::Template.register_tag('fn', NbTestFootnotes::FnTag)
Liquid::Template.register_filter(NbTestFootnotes::FnDetail)
Liquid::Template.register_tag('twitter', NbTestFootnotes::TwitterTag)
""",
}
for _kind in ("note", "warning", "tip", "important"):
    FASTPAGES_FILES[f"_includes/{_kind}.html"] = (
        f'<div class="flash flash-{_kind}"><strong>{_kind.title()}: </strong>{{{{ include.content }}}}</div>\n'
    )


def require_jekyll_toc() -> None:
    done = subprocess.run(["gem", "list", "-i", "jekyll-toc"], capture_output=True, text=True) if shutil.which("gem") else None
    if done is None or done.stdout.strip() != "true":
        pytest.fail("the jekyll-toc gem (Debian: ruby-jekyll-toc) is missing: run scripts/test.sh, which installs it")


def make_fastpages_site(folder: Path, extra_config: str = "") -> Path:
    require_jekyll_toc()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(FASTPAGES_CONFIG + extra_config, encoding="utf-8")
    for name, text in FASTPAGES_FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def init_repo(folder: Path, branch: str = "main", remote: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q", "-b", branch)
    if remote:
        git(folder, "remote", "add", "origin", remote)
    return folder


class PageLinks(HTMLParser):
    """Ids, links, TOC links (inside #markdown-toc, .section-nav, nav.toc) and badge links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[tuple[str, tuple[str, ...]]] = []  # (href, classes of the enclosing elements)
        self.headings: list[tuple[str, str]] = []  # (tag, id)
        self._stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.headings.append((tag, attrs["id"]))
        marks = " ".join(filter(None, [attrs.get("class", ""), f"#{attrs['id']}" if attrs.get("id") else ""]))
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], tuple(m for _, m in self._stack) + (marks,)))
        if tag not in ("img", "br", "hr", "meta", "link", "input", "source"):
            self._stack.append((tag, marks))

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def toc_links(self) -> list[str]:
        wanted = ("#markdown-toc", "section-nav", "toc")
        return [
            href for href, marks in self.links
            if href.startswith("#") and any(any(w in m.split() for w in wanted) for m in marks)
        ]

    def broken_toc_links(self) -> list[str]:
        ids = set(self.ids)
        return [href for href in self.toc_links() if unquote(href[1:]) not in ids]


def page_links(html_text: str) -> PageLinks:
    parser = PageLinks()
    parser.feed(html_text)
    return parser


def built_page(site_out: Path, slug: str) -> str:
    pages = list(site_out.rglob(f"{slug}.html")) + list(site_out.rglob(f"{slug}/index.html"))
    assert len(pages) == 1, f"expected one built page for {slug}, found {pages}"
    return pages[0].read_text(encoding="utf-8")


# The themes people use, as test sites: minima (the Debian theme), a minimal-mistakes-style site and a
# fastpages-style site with fastpages' real _config.yml. Their heads load Debian's MathJax 2 from /mathjax/.
CHROMIUM = "/usr/bin/chromium"
MATHJAX2 = Path("/usr/share/javascript/mathjax")
LOCAL_MATHJAX = "/mathjax/MathJax.js?config=TeX-AMS_HTML"  # served beside the sites by the test server
REAL_FASTPAGES_CONFIG = ROOT.parent / "shared" / "sites" / "fastpages" / "_config.yml"

# A minimal-mistakes-style site: its single layout draws `toc: true` as a sidebar with the theme's toc
# include (here a small Liquid one over the rendered headings) and loads MathJax only for
# `mathjax: true` pages, as an owner's customised head does.
MM_CONFIG = """title: mm-style blog
remote_theme: mmistakes/minimal-mistakes
defaults:
  - scope: {path: "", type: posts}
    values: {layout: single}
nb2post:
  badges: false
  mathjax_url: "%s"
""" % LOCAL_MATHJAX
MM_FILES = {
    "_layouts/default.html": '<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title>'
    '{% if page.mathjax %}<script src="/mathjax/MathJax.js?config=TeX-AMS_HTML"></script>{% endif %}</head>'
    "<body>{{ content }}</body></html>\n",
    "_layouts/single.html": """---
layout: default
---
<div id="main">
{% if page.toc %}<aside class="sidebar__right {% if page.toc_sticky %}sticky{% endif %}"><nav class="toc">
<header><h4 class="nav__title">On this page</h4></header>
{% include toc.html html=content %}
</nav></aside>{% endif %}
<section class="page__content">{{ content }}</section>
{% if page.comments %}<div id="comments">comments</div>{% endif %}
</div>
""",
    "_includes/toc.html": '{% assign parts = include.html | split: \'<h2 id="\' %}<ul class="toc__menu">'
    '{% for part in parts offset:1 %}{% assign id = part | split: \'"\' | first %}<li><a href="#{{ id }}">{{ id }}</a></li>'
    "{% endfor %}</ul>\n",
}

# fastpages' real _config.yml with, for the local build only, the plugins Debian packages and
# kramdown's MathJax output (fastpages' KaTeX engine is not packaged).
FASTPAGES_TEST_OVERRIDE = "plugins: [jekyll-toc]\nkramdown:\n  math_engine: mathjax\n"


def write_files(site: Path, files: dict) -> None:
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def minima_site(folder: Path) -> Path:
    return make_site(folder, strict=False, extra_config=f"nb2post:\n  badges: false\n  mathjax_url: \"{LOCAL_MATHJAX}\"\n")


def mm_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "_config.yml").write_text(MM_CONFIG, encoding="utf-8")
    write_files(folder, MM_FILES)
    return folder


def fastpages_site(folder: Path) -> Path:
    """fastpages' stand-in layouts (tests/site_kits.py) with fastpages' own _config.yml, untouched."""
    if not REAL_FASTPAGES_CONFIG.is_file():
        pytest.skip(f"the real fastpages _config.yml is not at {REAL_FASTPAGES_CONFIG}")
    require_jekyll_toc()
    folder.mkdir(parents=True)
    shutil.copy(REAL_FASTPAGES_CONFIG, folder / "_config.yml")
    (folder / "_config_test.yml").write_text(FASTPAGES_TEST_OVERRIDE, encoding="utf-8")
    write_files(folder, FASTPAGES_FILES)
    layout = folder / "_layouts" / "default.html"  # fastpages' head loads math for `use_math` pages
    layout.write_text(layout.read_text().replace(
        "</head>", '{% if page.use_math %}<script src="/mathjax/MathJax.js?config=TeX-AMS_HTML"></script>{% endif %}</head>'))
    return folder


@contextmanager
def serve_folder(root: Path):
    """``root`` over HTTP on 127.0.0.1 (Python's http.server) for as long as the block runs; yields the base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_port(port), "the test web server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


# MathJax 3 and KaTeX from npm, installed by scripts/test.sh (`npm install --prefix $NB2POST_MATH_JS mathjax@3
# katex@0.16`): their node_modules folder.
MATH_JS = Path(os.environ.get("NB2POST_MATH_JS") or Path.home() / ".cache" / "nb2post" / "math-js") / "node_modules"


def require_math_js() -> None:
    missing = [p for p in ("mathjax/es5/tex-chtml.js", "katex/dist/contrib/auto-render.min.js") if not (MATH_JS / p).is_file()]
    if missing:
        pytest.skip(f"MathJax 3 and KaTeX are not in {MATH_JS} ({', '.join(missing)} missing): scripts/test.sh installs "
                    "them with npm into NB2POST_MATH_JS (default ~/.cache/nb2post/math-js)")


def require_mathjax() -> None:
    if not (MATHJAX2 / "MathJax.js").is_file():
        pytest.fail(f"{MATHJAX2}/MathJax.js is missing: run scripts/test.sh, which installs Debian's libjs-mathjax")


def launch_chromium(playwright):
    """Debian's headless Chromium through Playwright (never Playwright's own download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh, which installs Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])


def build_notebooks(tmp_path_factory, label: str, notebooks: dict) -> dict[str, str]:
    """Each ``name: cells`` written as ``2024-03-01-<name>.ipynb``, converted into one strict-Liquid site and
    built once: ``{name: the built page's HTML}`` (a module fixture's worth of posts in one Jekyll run)."""
    from conftest import jekyll_build, run_cli, write_notebook

    root = tmp_path_factory.mktemp(label)
    home = tmp_path_factory.mktemp("home")
    site = make_site(root / "site", strict=True)
    for name, cells in notebooks.items():
        write_notebook(root / "nbs" / f"2024-03-01-{name}.ipynb", cells)
    env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    run_cli("convert", str(root / "nbs"), "--site", str(site), check=True, env=env)
    out = jekyll_build(site)
    return {name: (out / "2024" / "03" / "01" / f"{name}.html").read_text(encoding="utf-8") for name in notebooks}


def tag_free(html_text: str) -> str:
    """The page's text with its tags removed (entities left as they are)."""
    import re

    return re.sub(r"<[^>]+>", "", html_text)
