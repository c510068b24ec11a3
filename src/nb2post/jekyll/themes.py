"""What the site's theme draws: which table of contents shows, which front matter key switches math,
TOC and comments on, and whether a post must bring its own MathJax.

Two sources, the second winning:

1. **The theme, recognised** (``nb2post: theme:``, fastpages' own files and keys, ``theme:`` /
   ``remote_theme:``, the Gemfile): facts about the themes people use — minima draws no TOC and loads
   no math, minimal-mistakes draws ``toc: true`` as a sidebar and loads no math, fastpages draws
   ``toc: true`` (jekyll-toc) and loads KaTeX on ``use_math``, Chirpy draws ``toc`` and loads MathJax on
   ``math``.
2. **The site's own layouts and includes** (and an installed theme gem's, when it is on disk), read for
   the ``page.X`` keys they switch on: a layout that loads MathJax only ``{% if page.mathjax %}`` needs
   ``mathjax: true``, whatever the theme is called.

Everything here reads files only; the result is a small value that travels with the settings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mathrender import MathStyle

MATH_KEYS = ("mathjax", "math", "use_math", "katex")
TOC_KEYS = ("toc", "toc_sticky")
COMMENT_KEYS = ("comments", "giscus_comments")
# Liquid that reads a page key: `page.mathjax`, `page["mathjax"]`, `layout.math` (a layout's own front
# matter default counts as well).
_PAGE_KEY = re.compile(r"\b(?:page|layout)(?:\.(\w+)|\[\s*['\"](\w+)['\"]\s*\])")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_TOC_FILTER = re.compile(r"\{\{[^}]*\|\s*toc(?:_only)?\b")  # jekyll-toc: `{{ content | toc }}` reads page.toc
_MATH_SCRIPT = re.compile(r"mathjax|katex", re.I)


@dataclass(frozen=True)
class Theme:
    name: str  # minima, minimal-mistakes, fastpages, chirpy, or "" when not recognised
    reason: str  # how it was recognised, for the one message per batch
    toc_style: str  # what a post with `toc: true` gets when the site chooses no style (see nb2post.jekyll.toc)
    math_keys: tuple = ()  # front matter keys that make the layout load math
    math_script: bool = False  # the layouts load no math at all: the post brings MathJax itself
    toc_keys: tuple = ()  # keys the layouts read to draw a TOC, beyond `toc`
    comment_keys: tuple = ()  # keys the layouts read to show comments
    learned: tuple = field(default_factory=tuple)  # (key, file) pairs read from the site's layouts
    math_loaded_by: str = ""  # the layout or include that loads math on every page (no key switches it)
    math: MathStyle | None = None  # how math is written for the site's renderer

    def describe(self) -> str:
        """One line: the theme, the TOC style, the math switch, and why."""
        name = self.name or "no known theme"
        math = (
            "switched on by a MathJax script in each post with math"
            if self.math_script
            else f"loaded on every page by {self.math_loaded_by}"
            if self.math_loaded_by and not self.math_keys
            else "switched on by " + (" and ".join(f"'{k}: true'" for k in self.math_keys) or "'use_math: true'")
        )
        toc = {"kramdown": "kramdown's {:toc}", "frontmatter": "'toc: true'", "include": "{% include toc %}"}.get(
            self.toc_style, self.toc_style
        )
        learned = (
            "; read from " + ", ".join(sorted({f"page.{k} in {w}" for k, w in self.learned})) if self.learned else ""
        )
        return f"{name} ({self.reason}{learned}): a table of contents is {toc}, math is {math}"


# What each recognised theme draws, before its layouts (when present) are read.
KNOWN: dict[str, dict[str, Any]] = {
    "minima": dict(toc_style="kramdown", math_script=True),
    "minimal-mistakes": dict(toc_style="frontmatter", math_script=True),
    "fastpages": dict(toc_style="frontmatter", math_keys=("use_math",)),
    "chirpy": dict(toc_style="frontmatter", math_keys=("math",)),
}
ALIASES = {
    "minima": "minima",
    "jekyll/minima": "minima",
    "minimal-mistakes": "minimal-mistakes",
    "minimal-mistakes-jekyll": "minimal-mistakes",
    "mmistakes/minimal-mistakes": "minimal-mistakes",
    "fastpages": "fastpages",
    "fastai/fastpages": "fastpages",
    "chirpy": "chirpy",
    "jekyll-theme-chirpy": "chirpy",
    "cotes2020/jekyll-theme-chirpy": "chirpy",
}
GEM_NAMES = {"minima": "minima", "minimal-mistakes": "minimal-mistakes-jekyll", "chirpy": "jekyll-theme-chirpy"}
# The layouts each known theme ships (a remote theme is not on disk) and the one it gives posts.
LAYOUTS = {
    "minima": ("default", "home", "page", "post"),
    "fastpages": ("default", "home", "page", "post", "notebook", "categories", "search"),
    "minimal-mistakes": (
        "archive",
        "archive-taxonomy",
        "categories",
        "category",
        "collection",
        "compress",
        "default",
        "home",
        "posts",
        "search",
        "single",
        "splash",
        "tag",
        "tags",
    ),
    "chirpy": ("archives", "categories", "category", "default", "home", "page", "post", "tag", "tags"),
}
POST_LAYOUTS = {"minimal-mistakes": "single"}


def theme_name(value) -> str:
    """A ``theme:`` / ``remote_theme:`` value as one of the known names ('' when not known)."""
    text = str(value or "").strip().lower()
    text = re.sub(r"^https?://github\.com/", "", text).split("@", 1)[0].rstrip("/")
    if text in ALIASES:
        return ALIASES[text]
    base = text.rsplit("/", 1)[-1]
    return ALIASES.get(base, "")


def draws_layout(site: Path, theme: Theme, layout: str) -> bool:
    """Whether the site or its theme has the layout (True when nb2post cannot know): a post whose layout
    does not exist is rendered bare by Jekyll, without the site's head, styles or navigation."""
    if theme.name not in LAYOUTS or layout in LAYOUTS[theme.name]:
        return True
    return any((Path(site) / "_layouts").glob(f"{glob_escape(layout)}.*"))


def post_layout(theme: Theme | None) -> str:
    """The layout the theme gives posts."""
    return POST_LAYOUTS.get(theme.name if theme else "", "post")


def _gemfile_theme(site: Path) -> str:
    try:
        text = (site / "Gemfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for gem in re.findall(r"""^\s*gem\s+['"]([\w.-]+)['"]""", text, re.M):
        name = theme_name(gem)
        if name:
            return name
    return ""


def recognise(site: Path, config: dict, chosen=None, target: str = "jekyll") -> tuple[str, str]:
    """(theme name, reason); ('', reason) when no known theme is recognised."""
    if chosen:
        name = theme_name(chosen)
        return name, f"nb2post: theme: {chosen}" + ("" if name else " is not one nb2post knows")
    if target == "fastpages":
        return "fastpages", "the fastpages target"
    from .config import fastpages_marks

    fastpages = fastpages_marks(site, config)
    if fastpages:
        return "fastpages", fastpages
    for key in ("remote_theme", "theme"):
        if config.get(key):
            name = theme_name(config[key])
            if name:
                return name, f"{key}: {config[key]}"
    name = _gemfile_theme(site)
    if name:
        return name, "the Gemfile"
    if config.get("theme") or config.get("remote_theme"):
        return "", f"theme {config.get('remote_theme') or config.get('theme')} is not one nb2post knows"
    return "", "no theme in _config.yml"


def _gem_folder(gem: str) -> Path | None:
    """An installed theme gem's folder, looked up on disk only (no `gem` process: too slow to start)."""
    roots = [p for p in (os.environ.get("GEM_HOME", ""), *os.environ.get("GEM_PATH", "").split(os.pathsep)) if p]
    roots += [
        "/usr/share/rubygems-integration/all",
        "/usr/lib/ruby/gems/*",
        "/var/lib/gems/*",
        "/usr/local/lib/ruby/gems/*",
        str(Path.home() / ".gem/ruby/*"),
        str(Path.home() / ".local/share/gem/ruby/*"),
    ]
    import glob

    for root in roots:
        for found in sorted(glob.glob(os.path.join(root, "gems", f"{gem}-[0-9]*")), reverse=True):
            return Path(found)
    return None


def _template_files(folder: Path):
    for sub in ("_layouts", "_includes"):
        base = folder / sub
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and path.suffix in (".html", ".liquid", ".md", ".htm", ""):
                    yield path


def read_switches(folders: list[Path], math_files: list | None = None) -> dict[str, str]:
    """{key: file} for the ``page.X`` keys of interest that the layouts and includes read (the site's own
    files first, then its theme gem's, named "the theme's …"), plus ``_toc_filter`` when a layout renders
    jekyll-toc's ``| toc`` and ``_math_script`` when one loads MathJax or KaTeX. ``math_files`` gets
    (where, text, path) of the files that load or configure math (and of the site's own small scripts they
    load), for nb2post.jekyll.mathrender."""
    found: dict[str, str] = {}
    wanted = set(MATH_KEYS + TOC_KEYS + COMMENT_KEYS)
    for index, folder in enumerate(folders):
        # the folders after the site's are its theme gem's: a file there is not one the owner can open in the site
        owner = "" if index == 0 else "the theme's "
        for path in _template_files(folder):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            where = f"{owner}{path.parent.name}/{path.name}"
            for tag in _LIQUID.findall(text):
                for match in _PAGE_KEY.finditer(tag):
                    key = match.group(1) or match.group(2)
                    if key in wanted:
                        found.setdefault(key, where)
            if _TOC_FILTER.search(text):
                found.setdefault("_toc_filter", where)
            if _MATH_SCRIPT.search(text) or "renderMathInElement" in text:  # (KaTeX configured on its own)
                found.setdefault("_math_script", where)
                if math_files is not None:
                    from .mathrender import local_scripts  # (its patterns only where a layout loads math)

                    math_files.append((where, text, path))
                    for script in local_scripts(text, folder):
                        try:
                            math_files.append(
                                (
                                    script.relative_to(folder).as_posix(),
                                    script.read_text(encoding="utf-8", errors="replace"),
                                    script,
                                )
                            )
                        except OSError:
                            continue
    return found


def detect(site: Path, config: dict, chosen=None, target: str = "jekyll") -> Theme:
    """The site's theme (``chosen``: the site's ``nb2post: theme:``), the switches its layouts read and
    how math is written for the renderer they load."""
    site = Path(site)
    name, reason = recognise(site, config, chosen, target)
    facts = dict(KNOWN.get(name, {}))
    folders = [site]
    gem_folder = _gem_folder(GEM_NAMES[name]) if name in GEM_NAMES else None
    if gem_folder is not None:
        folders.append(gem_folder)
    math_files: list[tuple] = []
    switches = read_switches(folders, math_files)
    math = tuple(k for k in MATH_KEYS if k in switches)
    toc_extra = tuple(k for k in TOC_KEYS if k in switches and k != "toc")
    comments = tuple(k for k in COMMENT_KEYS if k in switches)
    learned = tuple((k, switches[k]) for k in (*math, *TOC_KEYS, *comments) if k in switches)
    own_layouts = (site / "_layouts").is_dir()
    if not name:
        # Not a theme nb2post knows: its layouts are the only evidence. When the site has layouts of
        # its own and no theme, what they do not load is not loaded.
        themeless = not config.get("theme") and not config.get("remote_theme") and own_layouts
        draws_toc = "toc" in switches or "_toc_filter" in switches
        facts = dict(
            toc_style="frontmatter" if draws_toc else "kramdown",
            math_script=themeless and not math and "_math_script" not in switches,
            math_keys=() if themeless else ("use_math",),
        )
    if math:
        facts["math_keys"], facts["math_script"] = math, False
    elif "_math_script" in switches:
        # a layout loads math for every page: no key switches it
        facts["math_script"], facts["math_keys"], facts["math_loaded_by"] = False, (), switches["_math_script"]
    if "toc" in switches and facts.get("toc_style") == "kramdown":
        facts["toc_style"] = "frontmatter"  # the site's layout draws `toc: true` itself
    facts["toc_keys"] = toc_extra
    facts["comment_keys"] = comments
    facts["math"] = _math_style(math_files, config, facts.get("math_script", False))
    return Theme(name=name, reason=reason, learned=learned, **facts)


def _math_style(math_files: list, config: dict, loader: bool):
    """How math is written: for the renderer the layouts load (or nb2post's own loader, when they load
    none), through the kramdown math engine the site sets."""
    kramdown = config.get("kramdown")
    if not math_files and not loader and not (isinstance(kramdown, dict) and "math_engine" in kramdown):
        return None  # nothing loads math and kramdown writes as always: math is written as $$
    from . import mathrender

    renderer = mathrender.LOADER if loader else mathrender.find(math_files)
    return mathrender.choose(renderer, mathrender.kramdown_engine(config))


_TOP_LEVEL = re.compile(r"^(theme|remote_theme|default_badges)[ \t]*:[ \t]*(.*?)[ \t]*(?:#.*)?$", re.M)
_KRAMDOWN_SECTION = re.compile(r"^kramdown[ \t]*:[^\n]*\n(?:(?:[ \t]+[^\n]*|[ \t]*)(?:\n|\Z))*", re.M)
_MATH_ENGINE = re.compile(r"^[ \t]+math_engine[ \t]*:[ \t]*([^#\s]*)", re.M)
_CHOSEN = re.compile(r"^[ \t]+theme[ \t]*:[ \t]*['\"]?([^'\"#\s]+)", re.M)


def fingerprint_input(site: Path, config_texts: list[str], section: str, target: str) -> str:
    """What the theme makes nb2post write, from the config files' text (no YAML parser: `nb2post check`
    runs this on every push). Part of the settings fingerprint, so switching themes, or editing a layout
    to read another switch, makes the posts stale."""
    config: dict = {}
    for text in config_texts:
        for key, value in _TOP_LEVEL.findall(text):
            config[key] = {} if key == "default_badges" else value.strip("'\"")
        kramdown = _KRAMDOWN_SECTION.search(text)
        engine = _MATH_ENGINE.search(kramdown.group(0)) if kramdown else None
        if engine:
            config["kramdown"] = {"math_engine": engine.group(1).strip("'\"") or None}
    chosen = _CHOSEN.search(section)
    return repr(detect(Path(site), config, chosen.group(1) if chosen else None, target))


def switch_on(values: dict, theme: Theme, has_math: bool, has_toc: bool) -> list[str]:
    """Set the theme's keys on a post's front matter (its own values win); returns the keys set."""
    wanted = {}
    if has_math:
        for key in theme.math_keys or ("use_math",):  # the usual key, where no layout reads one
            wanted[key] = True
    if has_toc:
        for key in theme.toc_keys:
            wanted[key] = True
    if values.get("comments") is True:
        for key in theme.comment_keys:
            wanted[key] = True
    chosen = []
    for key, value in wanted.items():
        if key not in values:
            values[key] = value
            chosen.append(key)
    return chosen
