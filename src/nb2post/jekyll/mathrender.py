"""Which math renderer a site's pages load, the delimiters it typesets, and how a post's math is written
so that the built page carries them.

kramdown turns ``$$x$$`` inside a paragraph and a ``$$`` block into what its ``math_engine`` writes:
``\\(x\\)`` and ``\\[x\\]`` (``mathjax``, the default), ``$x$`` and ``$$x$$`` (no engine:
``math_engine: null``), or typeset HTML (``katex``, on the server). A renderer in the browser typesets only
the delimiters it is configured for: MathJax 2 (``tex2jax: {inlineMath, displayMath}``; inline ``\\(`` by
default), MathJax 3 (``tex: {inlineMath, displayMath}``; inline ``\\(`` by default) and KaTeX's auto-render
(``renderMathInElement(el, {delimiters: [...]})``; ``$$``, ``\\(``, ``\\[`` by default).

Where kramdown's output is one the renderer takes, math is written with ``$$`` as before (kramdown then
keeps ``_``, ``*`` and ``\\`` inside it from becoming markup). Where it is not, the formula is written in
the renderer's own delimiters inside ``<span markdown="0">`` or ``<div markdown="0">``, which kramdown
copies without parsing (so ``<``, ``&`` and ``>`` are written as entities). A renderer nb2post cannot
read (a theme not on disk, a configuration built by Liquid) keeps the ``$$`` writing.

Two more things Jupyter shows that kramdown would not: display math inside a paragraph is displayed
(written raw in display delimiters the renderer takes, where they are known), and where the renderer pairs
``$``, a dollar of the text (a price, ``\\$``) is written in an element of its own that no renderer pairs:
none of them looks for math across elements (MathJax 2 searches one run of text nodes, ``<br>`` and
comments aside; MathJax 3 breaks its strings at every tag; KaTeX's auto-render splits each run of text
nodes), so a ``$`` alone in an element is text whatever the ignore class the renderer honours (MathJax 2
``tex2jax_ignore``, MathJax 3.2 ``mathjax_ignore``, KaTeX none unless ``ignoredClasses`` lists one) and
whatever its ``processEscapes``. The same holds in HTML outputs (a DataFrame of prices), whose ``$`` are
written so too; and a ``\\$`` there, which Jupyter shows as a dollar, is written so also where the renderer
does not pair ``$`` but would show the backslash (``processEscapes`` false: MathJax 2's default, KaTeX).

Reads text only; the result is a small value that travels with the theme (nb2post.jekyll.themes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INLINE_MATHJAX = ("\\(", "\\)")
DISPLAY_MATHJAX = ("\\[", "\\]")
DOLLARS = ("$$", "$$")
# What each renderer typesets when its configuration does not say (MathJax 2.7 and 3's tex2jax/tex
# defaults, KaTeX 0.16 auto-render's).
DEFAULTS = {
    "MathJax 2": ((INLINE_MATHJAX,), (DOLLARS, DISPLAY_MATHJAX)),
    "MathJax 3": ((INLINE_MATHJAX,), (DOLLARS, DISPLAY_MATHJAX)),
    "KaTeX auto-render": ((INLINE_MATHJAX,), (DOLLARS, DISPLAY_MATHJAX)),
}
DEFAULTS["MathJax"] = DEFAULTS["MathJax 2"]  # a MathJax whose version the files do not tell (2 and 3 agree)
# Whether ``\$`` in the page shows a dollar (tex2jax/tex ``processEscapes``; KaTeX's auto-render has none).
# A MathJax of unknown version is taken at MathJax 2's default: a dollar written for it shows in both.
ESCAPES = {"MathJax 2": False, "MathJax 3": True, "KaTeX auto-render": False, "MathJax": False}
# kramdown's math_engine -> what it writes for (inline, display) ``$$`` math; None: typeset at build time.
KRAMDOWN_OUTPUT = {"mathjax": (INLINE_MATHJAX, DISPLAY_MATHJAX), "none": (("$", "$"), DOLLARS), "katex": None}

_MATHJAX2 = re.compile(r"MathJax\.js|tex2jax|MathJax\.Hub|mathjax/2\.|mathjax@2", re.I)
_MATHJAX3 = re.compile(
    r"mathjax@[34]|mathjax/[34]\.|\btex-(?:mml-)?(?:chtml|svg)(?:-full)?(?:\.min)?\.js|MathJax\.startup"
    r"|MathJax\s*=\s*\{\s*tex\s*:",
    re.I,
)
_MATHJAX = re.compile(r"\bMathJax\b|\b(?:inlineMath|displayMath)\s*:", re.I)
_KATEX_AUTO = re.compile(r"renderMathInElement|auto-render", re.I)
_CONFIG_KEY = re.compile(r"""\b["']?(inlineMath|displayMath|delimiters)["']?\s*:\s*(\[)?""")
_STRING = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)\"""")
_LEFT = re.compile(r"""["']?left["']?\s*:\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")""")
_RIGHT = re.compile(r"""["']?right["']?\s*:\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")""")
_PROCESS_ESCAPES = re.compile(r"""\b["']?processEscapes["']?\s*:\s*(true|false|!0|!1)\b""")
_DISPLAY_FLAG = re.compile(r"""["']?display["']?\s*:\s*(true|false|!0|!1)""")
_LOCAL_SCRIPT = re.compile(r"""<script\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_LIQUID_PATH = re.compile(r"""\{\{\s*(?:site\.(?:baseurl|url)\s*\}\}|["']([^"']+)["'][^}]*\}\})""")
CONFIG_FILE_LIMIT = 20_000  # a local script larger than this is a library, not a configuration


@dataclass(frozen=True)
class Renderer:
    """A renderer the layouts load and the delimiters it typesets."""

    name: str  # "MathJax 2", "MathJax 3", "KaTeX auto-render"
    where: str  # the file that loads it, as the note names it
    inline: tuple  # ((open, close), ...)
    display: tuple
    process_escapes: bool = False  # ``\$`` in the page shows a dollar
    configured_in: str = ""  # the file that configures it, when another one
    # the file that loads it, on disk (the note is said as that file's), when known; out of repr, which is
    # part of the settings fingerprint (nb2post.jekyll.themes), so that a site checked out elsewhere is not stale
    path: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class MathStyle:
    """How a post's math is written: ``None`` for kramdown's ``$$``, else the (open, close) delimiters
    written raw; ``display_prefix`` goes before display math written in inline delimiters (a renderer
    configured with no display delimiters)."""

    inline: tuple | None = None
    display: tuple | None = None
    display_prefix: str = ""
    display_in_text: tuple | None = None  # display math inside a paragraph, in a <span> (None: \\displaystyle)
    text_dollar: str = ""  # what a dollar of the text is written as, where the renderer pairs dollars
    escaped_dollar: str = ""  # what a ``\$`` of an HTML output is written as, where the renderer shows the backslash
    note: str = ""  # what was found and what is written, said once per run (-v)
    where: str = field(default="", repr=False, compare=False)  # the note's file on disk ("": the site's config)


KRAMDOWN = MathStyle()
# A dollar no renderer pairs, whatever its processEscapes and ignore class: a `$` alone in an element
# (see above); the class is MathJax 2's default ignore class besides.
IGNORED_DOLLAR = '<span class="tex2jax_ignore">$</span>'
# The MathJax a post brings itself on a site whose layouts load none (nb2post.render; MathJax 2 and 3
# take the same delimiters by default, whichever ``mathjax_url`` names).
LOADER = Renderer(
    name="MathJax",
    where="nb2post's loader in each post with math (mathjax_url)",
    inline=DEFAULTS["MathJax 2"][0],
    display=DEFAULTS["MathJax 2"][1],
    process_escapes=ESCAPES["MathJax"],
)


def _unquote(match: re.Match) -> str:
    text = match.group(1) if match.group(1) is not None else match.group(2)
    return re.sub(r"\\(.)", r"\1", text)  # JavaScript escapes: '\\(' is \(


def _bracketed(text: str, start: int) -> str | None:
    """The text of the JavaScript array whose ``[`` is at ``start``, strings skipped (None: unclosed)."""
    depth = 0
    position = start
    while position < len(text):
        char = text[position]
        if char in "'\"":
            string = _STRING.match(text, position)
            position = string.end() if string else position + 1
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return text[start + 1 : position]
        position += 1
    return None


def _objects(array: str) -> list[str]:
    """The ``{...}`` items of an array's text."""
    items, depth, start = [], 0, 0
    for index, char in enumerate(array):
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                items.append(array[start + 1 : index])
    return items


def read_config(text: str) -> dict | None:
    """``{"inline": pairs, "display": pairs, "escapes": bool}`` for the keys a renderer's configuration in
    ``text`` sets (MathJax's ``inlineMath``/``displayMath``/``processEscapes``, KaTeX's ``delimiters``);
    None when a key is there but its value cannot be read (built by Liquid or a variable)."""
    found: dict = {}
    escapes = _PROCESS_ESCAPES.search(text)
    if escapes:
        found["escapes"] = escapes.group(1) in ("true", "!0")
    elif re.search(r"\bprocessEscapes\b", text):
        return None
    for match in _CONFIG_KEY.finditer(text):
        key = match.group(1)
        array = _bracketed(text, match.start(2)) if match.group(2) else None
        if array is None or "{{" in array or "{%" in array:
            return None
        if key == "delimiters":
            inline: list = []
            display: list = []
            for item in _objects(array):
                left, right, flag = _LEFT.search(item), _RIGHT.search(item), _DISPLAY_FLAG.search(item)
                if not (left and right):
                    return None
                pair = (_unquote(left), _unquote(right))
                (display if flag and flag.group(1) in ("true", "!0") else inline).append(pair)
            found.setdefault("inline", tuple(inline))
            found.setdefault("display", tuple(display))
            continue
        strings = [_unquote(s) for s in _STRING.finditer(array)]
        if len(strings) % 2:
            return None
        pairs = tuple(zip(strings[::2], strings[1::2]))
        found.setdefault("inline" if key == "inlineMath" else "display", pairs)
    return found


def kind_of(text: str) -> str:
    """The renderer a template file loads or configures ('' when none)."""
    if _KATEX_AUTO.search(text):
        return "KaTeX auto-render"
    if _MATHJAX3.search(text):
        return "MathJax 3"
    if _MATHJAX2.search(text):
        return "MathJax 2"
    if _MATHJAX.search(text):
        return "MathJax"
    return ""


def local_scripts(text: str, site) -> list:
    """The site's own small script files a template loads (where a renderer's configuration often lives):
    ``src="/assets/js/x.js"``, ``src="{{ '/assets/js/x.js' | relative_url }}"``, ``{{ site.baseurl }}/...``."""
    from pathlib import Path

    found = []
    for match in _LOCAL_SCRIPT.finditer(text):
        src = _LIQUID_PATH.sub(lambda m: m.group(1) or "", match.group(1) or match.group(2) or "").strip()
        src = src.split("?", 1)[0].split("#", 1)[0]
        if not src.endswith(".js") or "://" in src or src.startswith("//") or "{" in src:
            continue
        path = Path(site) / src.lstrip("/")
        try:
            if path.is_file() and path.stat().st_size <= CONFIG_FILE_LIMIT:
                found.append(path)
        except OSError:
            continue
    return found


def find(files: list[tuple[str, str]]) -> Renderer | None:
    """The renderer loaded by ``files`` ((where, text) or (where, text, path on disk), in the order the
    layouts are read) with the delimiters its configuration sets, or None when none is loaded or its
    configuration cannot be read. The first file that names a renderer decides which; its configuration
    may be in another file."""
    name, where, path = "", "", ""
    configs: list[tuple[str, str, dict]] = []
    on_disk: list  # (the file's path, for the files read from disk)
    for place, text, *on_disk in files:
        kind = kind_of(text)
        if not kind:
            continue
        if not name or name == "MathJax" and kind.startswith("MathJax "):
            if not where:  # a version told later names the MathJax loaded first
                where, path = place, str(on_disk[0]) if on_disk else ""
            name = kind
        config = read_config(text)
        if config is None:
            if kind == name or _is_generic(kind, name):
                return None  # configured, but not in a way nb2post can read
            continue
        if config:
            configs.append((kind, place, config))
    if not name:
        return None
    inline, display = DEFAULTS[name]
    escapes = ESCAPES[name]
    configured_in = ""
    for kind, place, config in configs:
        if kind == name or _is_generic(kind, name):
            inline, display = config.get("inline", inline), config.get("display", display)
            escapes = config.get("escapes", escapes)
            configured_in = "" if place == where else place
            break
    return Renderer(
        name=name,
        where=where,
        inline=tuple(inline),
        display=tuple(display),
        process_escapes=escapes,
        configured_in=configured_in,
        path=path,
    )


def _is_generic(kind: str, name: str) -> bool:
    """MathJax 2 and 3 name their delimiters alike (``inlineMath``/``displayMath``): a MathJax
    configuration, of whichever version a file tells or none, configures the MathJax the layouts load."""
    return kind.startswith("MathJax") and name.startswith("MathJax")


def kramdown_engine(site_config: dict) -> str:
    """kramdown's ``math_engine``: "mathjax" (the default), "none" (null, or the 'nil' people write),
    "katex" (server-side, also sskatex), or "" for an engine nb2post does not know."""
    settings = site_config.get("kramdown")
    if not isinstance(settings, dict) or "math_engine" not in settings:
        return "mathjax"
    value = settings.get("math_engine")
    text = str(value).strip().lower() if value is not None else "none"
    if text in ("", "nil", "null", "none", "false", "~"):
        return "none"
    if text in ("katex", "sskatex"):
        return "katex"
    return "mathjax" if text == "mathjax" else ""


def _show(pairs) -> str:
    return ", ".join(f"{a}…{b}" for a, b in pairs) or "none"


def choose(renderer: Renderer | None, engine: str) -> MathStyle:
    """How math is written for ``renderer`` on a site whose kramdown has ``engine``."""
    output = KRAMDOWN_OUTPUT.get(engine, ())
    if output is None:
        return MathStyle(
            note=f"kramdown's math_engine: {engine} typesets math when the site is built; math is "
            "written as $$…$$ for it"
        )
    if renderer is None or not output:
        return KRAMDOWN
    found = (
        renderer.name
        + ("" if renderer.path else f" in {renderer.where}")
        + (f" (configured in {renderer.configured_in})" if renderer.configured_in else "")
        + f" typesets inline {_show(renderer.inline)} and display "
        f"{_show(renderer.display)}"
    )
    if renderer.name.startswith("MathJax "):  # (not said of a MathJax whose version, and so default, is unknown)
        found += f" (processEscapes: {'true' if renderer.process_escapes else 'false'})"
    inline_out, display_out = output
    # delimiters that wrap any formula (KaTeX may also list \begin{equation}…\end{equation})
    inline_pairs = [pair for pair in renderer.inline if not pair[0].startswith("\\begin")]
    display_pairs = [pair for pair in renderer.display if not pair[0].startswith("\\begin")]
    inline = None if inline_out in inline_pairs or not inline_pairs else inline_pairs[0]
    display, prefix = None, ""
    if display_out not in display_pairs:
        if display_pairs:
            display = display_pairs[0]
        elif inline_pairs:
            display, prefix = inline_pairs[0], "\\displaystyle "
    written = (
        f"inline math as {inline[0]}…{inline[1]}"
        if inline
        else f"inline math as $$…$$ (kramdown writes {inline_out[0]}…{inline_out[1]})"
    )
    written += (
        f", display math as {display[0]}…{display[1]}"
        if display
        else f", display math as $$…$$ (kramdown writes {display_out[0]}…{display_out[1]})"
    )
    text_dollar = escaped_dollar = ""
    if ("$", "$") in renderer.inline:
        text_dollar = escaped_dollar = IGNORED_DOLLAR  # prices stay text, as in Jupyter
        written += f", a dollar of the text or of an HTML output as {IGNORED_DOLLAR}"
    elif not renderer.process_escapes:
        escaped_dollar = IGNORED_DOLLAR  # Jupyter shows \$ as a dollar
        written += f", a \\$ of an HTML output as {IGNORED_DOLLAR}"
    # Jupyter shows `text $$x$$ text` displayed: written raw in display delimiters, as kramdown would write them
    in_text = display if display and not prefix else None if display else display_out
    return MathStyle(
        inline=inline,
        display=display,
        display_prefix=prefix,
        display_in_text=in_text,
        text_dollar=text_dollar,
        escaped_dollar=escaped_dollar,
        note=f"{found}: {written}",
        where=renderer.path,
    )


# Text of HTML, outside tags, comments and the elements whose text no renderer reads or a <span> would show
_HTML_DOLLAR = re.compile(
    r"(<(script|style|textarea|title|pre|code|svg|math)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)|(\\?)\$", re.S | re.I
)


def html_dollars(html: str, style: MathStyle | None) -> str:
    """An HTML output's dollars written so the renderer shows them as Jupyter does: as text (a DataFrame of
    prices), ``\\$`` as a dollar. Unchanged where the renderer shows them so already."""
    if style is None or not style.escaped_dollar or "$" not in html:
        return html

    def written(match: re.Match) -> str:
        if match.group(1):
            return match.group(1)
        if match.group(3):
            return style.escaped_dollar
        return style.text_dollar or "$"

    return _HTML_DOLLAR.sub(written, html)


def html_escaped(body: str) -> str:
    """Math written raw inside HTML: the browser reads ``<`` as a tag, renderers read the text."""
    return body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline(body: str, style: MathStyle | None, fills_line: bool = False) -> str:
    """One formula in a line of text (``body``: one line, no raw pipes). kramdown reads ``$$x$$`` alone on
    a line that starts a block as display math: such a formula is put in a ``<span>``, so a paragraph (or
    list item) that is a single formula stays inline, as Jupyter shows it."""
    if style is None or style.inline is None:
        return f"<span>$${body}$$</span>" if fills_line else f"$${body}$$"
    opening, closing = style.inline
    return f'<span markdown="0">{opening}{html_escaped(body)}{closing}</span>'


def display_in_text(body: str, style: MathStyle | None) -> str:
    """Display math inside a paragraph (``body``: one line): displayed, as Jupyter shows it, where the
    renderer's display delimiters are known; else inline math in display style."""
    if style is None or style.display_in_text is None:
        return inline(f"\\displaystyle {body}", style)
    opening, closing = style.display_in_text
    return f'<span markdown="0">{opening}{html_escaped(body)}{closing}</span>'


def block(lines: list[str], style: MathStyle | None, indent: str = "") -> str:
    """Display math on lines of its own; lines after the first carry ``indent`` (inside a list item)."""
    if style is None or style.display is None:
        written = ["$$", *lines, "$$"]
    else:
        opening, closing = style.display
        body = [html_escaped(line) for line in lines]
        body[0] = style.display_prefix + body[0] if body else style.display_prefix
        written = [f'<div markdown="0">{opening}', *body, f"{closing}</div>"]
    return "\n".join(written[:1] + [indent + line for line in written[1:]])
