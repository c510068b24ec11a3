"""Markdown cells to kramdown: the text differences between Jupyter's Markdown and Jekyll's.

* Math: kramdown knows only ``$$``. Inline ``$x$`` and ``\\(x\\)`` (found as Jupyter finds them, prices
  excepted) become ``$$x$$`` (kramdown's inline math),
  display ``$$``/``\\[``/``\\begin{env}`` on their own lines become ``$$`` blocks with blank lines around,
  so ``_``, ``*`` and ``|`` inside math never turn into markup. Where the site's renderer does not take
  what kramdown makes of ``$$``, math is written in the renderer's own delimiters (see nb2post.jekyll.mathrender).
* Pipes: kramdown makes any line with a ``|`` a table row; outside a real GFM table they are escaped.
* HTML: each cell's HTML blocks are closed at its end and code inside them is escaped, so no cell's HTML
  reaches into the rest of the post (see :func:`_contain_html`).
* Blocks: what CommonMark lets interrupt a paragraph (lists, quotes, tables, HTML) gets a blank line;
  fence info strings are cut to the one word kramdown reads; lists keep their first number and "1)";
  Markdown between blank lines inside ``<div>``/``<details>`` is marked ``markdown=`` so it renders.
* Bare URLs become links, as GFM (so Jupyter) shows them.
* Liquid: escaped unless the caller allows a tag (see :mod:`nb2post.liquid`).
* Images: attachments, ``data:`` URIs and local files become files of the post (see :mod:`nb2post.render.assets`).

Pieces that must not be touched again (code, math, our own links) are held behind placeholders while
the rest of the text is rewritten, then put back.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .. import liquid
from .assets import IMAGE_PRIORITY, AssetSet, cell_label, liquid_link

if TYPE_CHECKING:
    from types import ModuleType

    from ..jekyll.mathrender import MathStyle

_HOLD = "\ue000{}\ue001"
_HELD = re.compile("\ue000(\\d+)\ue001")


@dataclass
class Holder:
    pieces: list[str] = field(default_factory=list)

    def hold(self, text: str) -> str:
        self.pieces.append(text)
        return _HOLD.format(len(self.pieces) - 1)

    def restore(self, text: str) -> str:
        # pieces may themselves hold pieces (an image inside a link inside ...), so repeat.
        for _ in range(4):
            if "\ue000" not in text:
                break
            text = _HELD.sub(lambda m: self.pieces[int(m.group(1))], text)
        return text


# A closing fence may stand up to three spaces in, whatever the opening's indentation (CommonMark).
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\2[`~]*[ \t]*$|\Z)", re.S | re.M)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_DISPLAY_OPENING = re.compile(r"\$\$|\\\[|\\begin\{([A-Za-z]+\*?)\}")
# What can open or close inline math, as Jupyter's ``removeMath`` splits a cell: dollars (an escaped
# ``\\$`` is not one), ``\\(``/``\\)``, braces (math must balance them) and runs of line breaks (math
# never spans a blank line). ``$$`` is its own token: display math was taken out before.
_MATH_TOKEN = re.compile(r"\\[{}$]|\$\$?|\\\(|\\\)|[{}]|\n(?:[ \t]*\n)+")
_MD_IMAGE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^)\s]+)((?:\s+(?:\"[^\"]*\"|'[^']*'))?)\s*\)")
# The elements whose files a page loads (<img>, <video>, <audio>, <source>, <iframe>) and their file attributes.
_HTML_MEDIA = re.compile(r"<(?:img|video|audio|source|iframe)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
# Quoted values come first in the alternation so that "src=" inside an alt text is not taken.
_HTML_MEDIA_SOURCE = re.compile(r"(\s(?:src|poster)\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>\"']+)|\"[^\"]*\"|'[^']*'", re.I)
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass
class ProseContext:
    """What rewriting one markdown cell needs to know."""

    assets: AssetSet
    notebook_dir: Path
    image_prefix: str  # file name prefix for images of this cell, e.g. "cell3"
    attachments: dict = field(default_factory=dict)
    allow_liquid: Callable[[str], bool] | None = None
    keep_all_liquid: bool = False
    has_math: bool = False
    math: MathStyle | None = None  # how math is written for the site's renderer (None: kramdown's $$)
    without_alt: int = 0  # images shown with empty brackets, ![](x.png)


def convert(text: str, ctx: ProseContext, hook: Callable[[str, Holder], str] | None = None) -> str:
    holder = Holder()
    code: dict[str, str] = {}  # placeholder -> the code it holds, as the author wrote it

    def hold_code(original: str, markdown: str) -> str:
        placeholder = holder.hold(_escape_code(markdown, ctx))
        code[placeholder] = original
        return placeholder

    text = separate_blocks(text)
    text = _FENCE.sub(lambda m: hold_code(m.group(0), _expand_tabs(_plain_info_string(m.group(0)))), text)
    text = _CODE_SPAN.sub(lambda m: hold_code(m.group(0), m.group(0)), text)
    text = _images(text, ctx, holder)
    text = _math(text, ctx, holder)
    text = _contain_html(text, code, ctx, holder)
    text = _escape_pipes(text)
    if hook is not None:
        text = hook(text, holder)
    text = _autolink(text, ctx, holder)  # after the hook: fastpages reads `> twitter: URL` bare
    text = _ordered_list_starts(text)
    text = _markdown_inside_html(text)
    text = _escape(text, ctx)
    text = re.sub(r"\n{3,}", "\n\n", text)  # display math adds blank lines around itself
    return holder.restore(text)


# Elements whose tags are balanced per cell (unknown names such as `<y and z>` or `<https://...>` are text).
_ELEMENTS = frozenset(
    "a abbr address article aside audio b bdi bdo blockquote big button canvas caption center cite code col colgroup "
    "dd del details dfn dialog div dl dt em fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header "
    "i iframe ins kbd label legend li main map mark nav noscript object ol optgroup option p picture pre q s samp "
    "script section select small span strike strong style sub summary sup table tbody td textarea tfoot th thead "
    "tr tt u ul var video".split()
)


# kramdown's span-level elements: wherever they stand, kramdown parses them inside a paragraph and closes
# them itself. Any other element whose tag starts a line opens an HTML block that kramdown copies raw up
# to its end tag, however far away that is.
_SPAN_ELEMENTS = frozenset(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark option q rb rbc rp "
    "rt rtc ruby s samp select small span strike strong sub sup textarea tt u var".split()
)


_INDENT = re.compile(r"[ \t]*")
_NEWLINE_INDENT = re.compile(r"\n[ \t]*")


class _TagBalance(HTMLParser):
    """Where a cell's HTML opens and closes elements: the HTML blocks left open, the end tags that close
    nothing, and the stretches of text inside an HTML block (which kramdown copies raw)."""

    def __init__(self, text: str, raw: bool = False):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.raw = raw  # raw HTML (an output's): every element counts, as the browser reads it all
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # where each line's text starts (a newline searched for: ^ under re.M is tried at every character)
        self.line_texts = [_INDENT.match(text).end()] + [m.end() for m in _NEWLINE_INDENT.finditer(text)]
        self.open: list[tuple[str, bool]] = []  # (tag, whether it is in an HTML block)
        self.stray: list[tuple[int, int]] = []  # (start, end) of end tags with nothing to close
        self.inside: list[tuple[int, int]] = []  # spans of text inside an HTML block
        self._block_start: int | None = None  # where the current outermost HTML block's content starts

    def _offset(self) -> tuple[int, int]:
        """Where the current tag starts, and where the text of its line starts."""
        line, column = self.getpos()
        return self.line_texts[line - 1], self.line_starts[line - 1] + column

    def in_block(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag not in _ELEMENTS and not (self.raw and tag in _RAW_TEXT):
            return
        if self.raw and tag in _RAW_TEXT:
            self.set_cdata_mode(tag)  # the browser reads text up to its end tag, tags included
        while self.raw and self.open and tag in _IMPLIED_END.get(self.open[-1][0], ()):
            self.open.pop()  # `<p>a<p>b`, `<li>a<li>b`: the browser closes the first one here
        line_text, start = self._offset()
        starts_block = self.raw or (start == line_text and tag not in _SPAN_ELEMENTS)
        if not self.in_block() and starts_block:
            self._block_start = start + len(self.get_starttag_text() or "")
        self.open.append((tag, self.in_block() or starts_block))

    def handle_endtag(self, tag):
        if tag not in _ELEMENTS and not (self.raw and tag in _RAW_TEXT):
            return
        _, start = self._offset()
        end = self.text.find(">", start) + 1 or len(self.text)
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                was_in_block = self.in_block()
                del self.open[index:]  # what opened inside and stayed open closes here, as browsers do
                if was_in_block and not self.in_block() and self._block_start is not None:
                    self.inside.append((self._block_start, start))
                return
        self.stray.append((start, end))

    def left_open(self) -> list[str]:
        """End tags for the HTML blocks still open, innermost first."""
        return [tag for tag, in_block in reversed(self.open) if in_block]


def _contain_html(text: str, code: dict[str, str], ctx: ProseContext, holder: Holder) -> str:
    """HTML in a cell stays in its cell, as in Jupyter, which renders every cell on its own.

    HTML blocks left open are closed at the cell's end (an unclosed ``<table>`` would otherwise make
    kramdown copy the rest of the post raw: code fences as text, ``<script>`` from code live), end tags that
    close nothing are dropped, and an unfinished tag or comment is made text. Code inside an HTML block is
    written as escaped HTML, because kramdown copies the inside of an HTML block as it is.
    """
    if "<" not in text:
        return text
    parser, edits = _balancing(text, raw=False)
    inside = list(parser.inside)
    if parser.in_block() and parser._block_start is not None:
        inside.append((parser._block_start, len(text)))
    if code and inside:
        starts = [start for start, _ in inside]  # the stretches are in order and do not overlap
        for held in _HELD.finditer(text):
            span = bisect.bisect_right(starts, held.start()) - 1
            if span >= 0 and held.start() < inside[span][1]:
                edits.append((held.start(), held.end(), _code_as_html(held.group(0), code, ctx, holder)))
    return _apply(text, edits)


def contain_html(html_text: str) -> str:
    """Raw HTML (a cell's ``text/html`` output, which kramdown passes through untouched) closed at its
    end, as Jupyter shows each output on its own: open elements are closed (an unclosed ``<table>``,
    ``<div>``, ``<textarea>`` or ``<iframe>`` would take in the rest of the page), end tags that close
    nothing are dropped (a stray ``</div>`` would close the page's own), an unclosed comment is closed and
    an unfinished tag is made text."""
    if "<" not in html_text:
        return html_text
    html_text = _PLAINTEXT.sub("&lt;", html_text)  # nothing ever ends <plaintext>
    if _plainly_balanced(html_text):
        return html_text
    _, edits = _balancing(html_text, raw=True)
    return _apply(html_text, edits)


# A tag in its plainest spelling: a name, attributes with plain or quoted values, no '<' or '>' inside.
_PLAIN_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)"
    r"(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'=<>`]+))?)*\s*(/?)>"
)


def _plainly_balanced(text: str) -> bool:
    """True when balancing raw HTML (``_balancing(text, raw=True)``) would change nothing: every ``<``
    starts a plainly spelled tag (no comment, declaration or odd syntax), and the elements balanced nest
    exactly, none self-closed or closed by an implied end, each raw-text element (``<style>``) with its
    end tag. False says only "not sure": the full parser then decides. A fast path for the common case
    (a DataFrame's HTML is thousands of tags, which HTMLParser takes one Python call each to read)."""
    stack: list[str] = []
    position = text.find("<")
    while position != -1:
        match = _PLAIN_TAG.match(text, position)
        if match is None:
            return False
        closing, tag, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        end = match.end()
        if tag in _RAW_TEXT or tag in _ELEMENTS:
            if self_closing or (stack and not closing and tag in _IMPLIED_END.get(stack[-1], ())):
                return False
            if tag in _RAW_TEXT:
                if closing:
                    return False
                close = re.compile(rf"</\s*{tag}\s*>", re.I).search(text, end)  # (HTMLParser's own rule)
                if close is None or text.find("</", end, close.start()) != -1:
                    return False  # (other end-tag-like text inside: parsers have differed on where it ends)
                end = close.end()
            elif closing:
                if not stack or stack.pop() != tag:
                    return False
            else:
                stack.append(tag)
        position = text.find("<", end)
    return not stack


# The start tags that close an open element without its end tag, as the HTML parser in browsers does.
_CLOSES_P = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form h1 h2 "
    "h3 h4 h5 h6 header hr main nav ol p pre section table ul".split()
)
_IMPLIED_END = {
    "p": _CLOSES_P,
    "li": {"li"},
    "dd": {"dd", "dt"},
    "dt": {"dd", "dt"},
    "td": {"td", "th", "tr"},
    "th": {"td", "th", "tr"},
    "tr": {"tr"},
    "option": {"option"},
}
_PLAINTEXT = re.compile(r"<(?=plaintext\b)", re.I)
# Elements whose content the browser reads as text up to their end tag: unclosed, they swallow the page.
_RAW_TEXT = frozenset("iframe noembed noframes noscript script style textarea title xmp".split())


def contain_markdown_html(text: str) -> str:
    """Markdown with HTML (an untyped or Markdown raw cell) closed at its end the way a markdown cell's
    is: an unclosed ``<!--`` or ``<table>`` in one raw cell must not hide or swallow the rest of the post."""
    return _contain_html(text, {}, None, Holder())


def _balancing(text: str, raw: bool) -> tuple[_TagBalance, list[tuple[int, int, str]]]:
    """The parsed text and the edits that balance it: stray end tags dropped, an unfinished comment
    closed or an unfinished tag made text, then the open elements closed (in that order at the end)."""
    parser = _TagBalance(text, raw)
    parser.feed(text)
    edits = [(start, end, "") for start, end in parser.stray]
    rest = parser.rawdata
    # left unparsed: an unfinished tag or comment (inside <script> or <textarea> it is their text)
    leftover = rest if rest.startswith("<") and text.endswith(rest) and parser.cdata_elem is None else ""
    if leftover.startswith("<!--"):
        edits.append((len(text), len(text), " -->"))
    elif leftover:
        edits.append((len(text) - len(leftover), len(text) - len(leftover) + 1, "&lt;"))
    closing = "".join(f"</{tag}>" for tag in parser.left_open())
    if closing:
        edits.append((len(text), len(text), "\n" + closing))
    return parser, edits


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with (start, end, replacement) edits; edits at one place keep the order they were made in."""
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        out.append(text[position:start] + replacement)
        position = max(position, end)
    out.append(text[position:])
    return "".join(out)


def _code_as_html(placeholder: str, code: dict[str, str], ctx: ProseContext, holder: Holder) -> str:
    original = code.get(placeholder)
    if original is None:
        return placeholder
    fence = _FENCE_OPENING.match(original)
    if fence and original.lstrip().startswith(("```", "~~~")):
        lines = original.split("\n")[1:]
        if lines and _FENCE_LINE.match(lines[-1]):
            lines = lines[:-1]
        language = (fence.group(2).split() or [""])[0].strip("{}.")
        attribute = f' class="language-{html.escape(language)}"' if re.fullmatch(r"[\w+-]+", language) else ""
        rendered = f"<pre><code{attribute}>{html.escape(chr(10).join(lines) + chr(10), quote=False)}</code></pre>"
    else:
        ticks = len(original) - len(original.lstrip("`"))
        rendered = f"<code>{html.escape(original[ticks:-ticks].strip(), quote=False)}</code>"
    return holder.hold(_escape_code(rendered, ctx))


def _escape_code(text: str, ctx: ProseContext) -> str:
    """Code shows Liquid literally, even tags a target allows in prose (a fastpages `{% fn 1 %}` example)."""
    return text if ctx.keep_all_liquid else liquid.escape(text)


def _expand_tabs(block: str) -> str:
    """Tabs up to the next tab stop of four columns, as Jupyter's and fastpages' Markdown (mistune) show
    code: aligned columns stay aligned (a browser would show a tab eight columns wide)."""
    return block.expandtabs(4) if "\t" in block else block


_FENCE_OPENING = re.compile(r"\A( {0,3}(?:`{3,}|~{3,}))[ \t]*([^\n]*)")
# MyST directives that hold code: their language is the next word (```{code-cell} ipython3).
_CODE_DIRECTIVES = {"code-cell", "code-block", "code", "sourcecode"}


def _plain_info_string(block: str) -> str:
    """A fence opening kramdown can read: one word after the fence, or none.

    Jupyter (CommonMark) takes the first word of the info string as the language and ignores the rest;
    kramdown only opens a fence whose info string is a single word, so ```` ```python title="a.py" ````
    or ```` ```{code-cell} ipython3 ```` would become inline code that swallows the rest of the post.
    """
    opening = _FENCE_OPENING.match(block)
    info = opening.group(2).strip() if opening else ""
    words = info.split()
    if not opening or len(words) <= 1 and not info.startswith("{"):
        return block
    if info.startswith("{"):  # MyST {directive} argument, or pandoc {.lang attributes}
        inner, _, rest = info[1:].partition("}")
        first = (inner.split() or [""])[0]
        if first.startswith("."):
            language = first[1:]
        else:
            language = rest.split()[0] if first in _CODE_DIRECTIVES and rest.split() else ""
    else:
        language = words[0]
    return opening.group(1) + language + block[opening.end() :]


_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Lines that start a block in CommonMark even right after a paragraph line (headings, quotes, lists
# starting with "-", "*", "+" or "1.", and the block-level HTML tags). kramdown wants a blank line first.
_BLOCK_TAGS = r"</?(?:div|table|details|p|pre|ul|ol|dl|h[1-6]|blockquote|figure|center|section|iframe|hr)\b"
_INTERRUPTS = re.compile(r"^(?:#{1,6}(?:[ \t]|$)|>|[-*+][ \t]+\S|1[.)][ \t]+\S|" + _BLOCK_TAGS + ")", re.I)
_HTML_BLOCK_START = re.compile(r"^ {0,3}" + _BLOCK_TAGS, re.I)
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+\S")


def separate_blocks(text: str) -> str:
    """Put a blank line before each block that Jupyter's Markdown lets interrupt a paragraph."""
    out: list[str] = []
    fence: str | None = None
    in_html = False  # a block-level HTML block runs to the next blank line; nothing interrupts it
    lines = text.split("\n")
    for index, line in enumerate(lines):
        opening = _FENCE_LINE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if not line.strip():
            in_html = False
        elif in_html:
            out.append(line)
            continue
        previous = out[-1] if out else ""
        starts = opening or _INTERRUPTS.match(line) or _starts_table(line, lines[index + 1 : index + 2], previous)
        if starts and previous.strip() and not previous[:1].isspace() and not _continues(previous, line):
            out.append("")
        if opening:
            fence = opening.group(1)
        elif _HTML_BLOCK_START.match(line):
            in_html = True
        out.append(line)
    return "\n".join(out)


def _starts_table(line: str, following: list[str], previous: str) -> bool:
    """A GFM table's header row interrupts a paragraph in Jupyter; kramdown needs a blank line."""
    return (
        "|" in line
        and "|" not in previous
        and bool(following)
        and "-" in following[0]
        and bool(_TABLE_DELIMITER.match(following[0]))
    )


def _continues(previous: str, line: str) -> bool:
    """The line carries on the block of the previous line (the next list item, more quote, ...)."""
    if _LIST_ITEM.match(line) and _LIST_ITEM.match(previous):
        return True
    if line.startswith(">") and previous.startswith(">"):
        return True
    if line.startswith("<") and previous.lstrip().startswith("<"):
        return True
    return bool(re.match(r"^#{1,6}(?:[ \t]|$)", previous)) and not _FENCE_LINE.match(line)


# A bare URL, as GFM (and so Jupyter) links it: not already inside a link, an autolink or an attribute.
# Inline links come first in the alternation so that URLs in their text or destination are left alone.
_BARE_URL = re.compile(
    r"(?P<link>\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]\((?:[^()\n]|\([^()\n]*\))*\))"
    r"|(?<![\w<>=\"'/\\])(?:https?://|www\.)[^\s<>\"'`\[\]\ue000\ue001]+"
)
_URL_TRAILING = ".,:;!?*_~'\""
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:")


def _autolink(text: str, ctx: ProseContext, holder: Holder) -> str:
    """Bare URLs become links, as Jupyter shows them; kramdown leaves them as plain text."""
    if "http" not in text and "www." not in text:
        return text

    def link(match: re.Match) -> str:
        if match.group("link"):
            return match.group(0)
        url = match.group(0)
        if match.string.startswith(("](", "]["), match.end()):
            return url  # the text of a link: [https://a.b](https://a.b/c), [https://a.b][ref]
        while url and (url[-1] in _URL_TRAILING or url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        if len(url) <= len("www.") or url.endswith("://"):
            return match.group(0)
        target = url if "://" in url else "http://" + url
        linked = f"<{url}>" if target == url else f"[{url}]({target})"
        return holder.hold(_escape(linked, ctx)) + match.group(0)[len(url) :]

    lines = text.split("\n")
    in_html = False  # raw HTML up to the next blank line: Jupyter shows its URLs as plain text
    for index, line in enumerate(lines):
        if not line.strip():
            in_html = False
        elif (
            _HTML_BLOCK_START.match(line)
            or line.lstrip().startswith("<")
            and (index == 0 or not lines[index - 1].strip())
        ):
            in_html = True
        if not in_html and ("http" in line or "www." in line) and not _LINK_DEFINITION.match(line):
            lines[index] = _BARE_URL.sub(link, line)
    return "\n".join(lines)


_ORDERED_ITEM = re.compile(r"^(\d{1,9})([.)])[ \t]+\S")


def _ordered_list_starts(text: str) -> str:
    """A list that starts at 5 shows 5 in Jupyter; kramdown numbers every list from 1 unless told.

    Real notebooks do this when a fence at the margin ends a numbered list and the next item carries
    on the count. A kramdown attribute line before the list sets its start.
    """
    if not re.search(r"^\d", text, re.M):
        return text
    out: list[str] = []
    in_list = False
    previous_blank = True
    for line in text.split("\n"):
        if not line.strip():
            previous_blank = True
            out.append(line)
            continue
        item = _ORDERED_ITEM.match(line)
        if item and (in_list or previous_blank):
            if not in_list and int(item.group(1)) != 1:
                out.append('{: start="%d"}' % int(item.group(1)))
            if item.group(2) == ")":  # CommonMark's "1)" list marker; kramdown only knows "1."
                line = f"{item.group(1)}.{line[item.end(2) :]}"
            in_list = True
        elif not line[:1].isspace() and previous_blank:
            in_list = False  # something at the margin after a blank line ends the list
        previous_blank = False
        out.append(line)
    return "\n".join(out)


# Block-level HTML that Jupyter's CommonMark ends at a blank line, so Markdown after it is rendered.
_HTML_OPENING = re.compile(
    r"^( {0,3}<(div|details|center|section|article|aside|figure|blockquote|header|footer|main|nav|p)\b)([^>]*)>",
    re.I,
)


def _markdown_inside_html(text: str) -> str:
    """``<div align="center">``, a blank line, Markdown, ``</div>``: Jupyter renders the Markdown,
    kramdown copies it raw unless the element says ``markdown``. Only elements with a blank line
    before their closing tag get it; ``<div>**raw**</div>`` stays raw in both."""
    if "<" not in text:
        return text
    lines = text.split("\n")
    next_blank = [len(lines)] * (len(lines) + 1)  # the first blank line at or after each line
    for index in range(len(lines) - 1, -1, -1):
        next_blank[index] = index if not lines[index].strip() else next_blank[index + 1]
    closings: dict[str, list[int]] = {}  # tag -> the lines holding its end tag, in order
    for index, line in enumerate(lines):
        opening = _HTML_OPENING.match(line)
        if not opening or "markdown=" in opening.group(3):
            continue
        tag = opening.group(2).lower()
        if tag not in closings:
            closing = re.compile(r"</%s\s*>" % tag, re.I)
            closings[tag] = [number for number, following in enumerate(lines) if closing.search(following)]
        following = closings[tag][bisect.bisect_left(closings[tag], index) :]
        if following and following[0] == index:
            continue  # closed on its own line
        blank = next_blank[index + 1]
        if blank < len(lines) and (not following or blank < following[0]):
            mode = "span" if tag == "p" else "block"
            lines[index] = f'{opening.group(1)}{opening.group(3)} markdown="{mode}">' + line[opening.end() :]
    return "\n".join(lines)


def _escape(text: str, ctx: ProseContext) -> str:
    if ctx.keep_all_liquid:
        return text
    return liquid.escape_except(text, ctx.allow_liquid)


def _images(text: str, ctx: ProseContext, holder: Holder) -> str:
    counter = [0]
    where = cell_label(ctx.image_prefix)

    def site_path_for(src: str) -> str | None:
        counter[0] += 1
        if src.startswith("attachment:"):
            return _attachment(src[len("attachment:") :], ctx, where)
        if src.startswith("data:"):
            return ctx.assets.add_data_uri(f"{ctx.image_prefix}-inline{counter[0]}", src, where)
        return ctx.assets.add_local(ctx.notebook_dir, src, where)

    def markdown_image(match: re.Match) -> str:
        src = match.group(2)
        if src.startswith("<") and src.endswith(">"):
            src = src[1:-1]
        site_path = site_path_for(src)
        if site_path is None:
            return match.group(0)
        alt = match.group(1)
        kind = (ctx.assets.types.get(site_path) or "image/").split("/")[0]
        if kind in ("video", "audio"):  # ![](clip.mp4): an <img> cannot play it
            title = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            title = f' title="{title}"' if title else ""
            return f'<{kind} controls src="{holder.hold(liquid_link(site_path))}"{title}></{kind}>'
        if not alt.strip():
            ctx.without_alt += 1
        return f"![{alt}]({holder.hold(liquid_link(site_path))}{match.group(3)})"

    if "attachment:" in text:
        text = _MD_ATTACHMENT_WITH_SPACES.sub(lambda m: _attachment_with_spaces(m, ctx, holder, where), text)
    text = _MD_IMAGE.sub(markdown_image, text)
    return html_media_files(text, site_path_for, holder.hold)


def html_media_files(text: str, site_path_for: Callable[[str], str | None], hold: Callable[[str], str]) -> str:
    """HTML whose media elements (``<img>``, ``<video>``, ``<audio>``, ``<source>``, ``<iframe>``) load the
    files of the post: each ``src``/``poster`` that ``site_path_for`` publishes (it says why not itself)
    becomes a link under the site's baseurl, which ``hold`` keeps from being touched again."""

    def html_attribute(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)
        raw = match.group(2)
        src = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        site_path = site_path_for(src)
        if site_path is None:
            return match.group(0)
        return f'{match.group(1)}"{hold(liquid_link(site_path))}"'

    return _HTML_MEDIA.sub(lambda match: _HTML_MEDIA_SOURCE.sub(html_attribute, match.group(0)), text)


def _attachment(name: str, ctx: ProseContext, where: str) -> str | None:
    """A pasted image: the richest type of its bundle that Jupyter would show, decoded, named by its type."""
    bundle = ctx.attachments.get(name) or ctx.attachments.get(unquote(name))
    if not isinstance(bundle, dict) or not bundle:
        ctx.assets.warnings.append(f"{where}: attachment '{name}' is referenced but not stored in the notebook")
        return None
    types = {mime.lower(): mime for mime in bundle}
    ranked = [m for m in IMAGE_PRIORITY if m in types] + sorted(
        m for m in types if m.startswith("image/") and m not in IMAGE_PRIORITY
    )
    if not ranked:
        ctx.assets.warnings.append(
            f"{where}: attachment '{name}' holds no image ({', '.join(sorted(bundle))}); link left as written"
        )
        return None
    for mime in ranked:
        site_path = ctx.assets.add_image(
            f"{ctx.image_prefix}-{unquote(name)}", mime, bundle[types[mime]], where, f"attachment '{name}'"
        )
        if site_path is not None:
            return site_path
    return None


# ![alt](attachment:name with spaces.png) — Jupyter pastes the file's own name unencoded; CommonMark
# then takes it as text. The name is matched against the cell's attachments, so it resolves anyway.
_MD_ATTACHMENT_WITH_SPACES = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*attachment:([^)\n]*)\)")


def _attachment_with_spaces(match: re.Match, ctx: ProseContext, holder: Holder, where: str) -> str:
    inside = match.group(2).strip()
    if " " not in inside:
        return match.group(0)  # an ordinary image: _MD_IMAGE takes it
    readings = [(inside, "")]
    opening = inside.rfind(inside[-1], 0, -1) if inside[-1] in "\"'" else -1
    if opening > 0 and inside[opening - 1].isspace():  # a "title" after the name
        readings.append((inside[:opening].rstrip(), " " + inside[opening:]))
    for name, title in readings:
        if name in ctx.attachments or unquote(name) in ctx.attachments:
            site_path = _attachment(name, ctx, where)
            if site_path is None:
                return match.group(0)
            return f"![{match.group(1)}]({holder.hold(liquid_link(site_path))}{title})"
    ctx.assets.warnings.append(f"{where}: attachment '{inside}' is referenced but not stored in the notebook")
    return match.group(0)


def _math(text: str, ctx: ProseContext, holder: Holder) -> str:
    first_item = _LIST_ITEM_ANYWHERE.search(text)

    def display(match_start: int, match_end: int, body: str) -> str:
        from ..jekyll import mathrender  # (loaded only by runs whose prose has math)

        ctx.has_math = True
        body = "\n".join(line for line in body.strip().split("\n") if line.strip())
        start = text.rfind("\n", 0, match_start) + 1
        end = text.find("\n", match_end)
        end = len(text) if end == -1 else end
        alone = text[start:match_start].strip() == "" and text[match_end:end].strip() == ""
        if alone:
            # Inside a list item the block keeps the item's indentation, or it would end the list.
            indent = text[start:match_start]
            if first_item is None or first_item.end() > start:
                indent = ""
            block = mathrender.block([line.strip() for line in body.split("\n")], ctx.math, indent)
            return "\n\n" + indent + holder.hold(_escape(block, ctx)) + "\n\n"
        written = mathrender.display_in_text(_inline_safe(body), ctx.math)
        return holder.hold(_escape(written, ctx))

    out: list[str] = []
    done = 0
    for start, end, body in _display_math_spans(text):
        out.append(text[done:start] + display(start, end, body))
        done = end
    text = "".join(out) + text[done:]
    return _inline_math(text, ctx, holder)


def _display_math_spans(text: str):
    """(start, end, body) of each ``$$...$$``, ``\\[...\\]`` and ``\\begin{env}...\\end{env}``, leftmost
    first. An opening without its closing is text; once one kind found none, later ones of it are not
    searched again (no quadratic scans on unclosed input)."""
    unclosed: set[str] = set()
    position = 0
    while True:
        opening = _DISPLAY_OPENING.search(text, position)
        if opening is None:
            return
        token = opening.group()
        if token == "$$" or token == "\\[":
            closer = "$$" if token == "$$" else "\\]"
            # at least one character of math in between
            end = -1 if closer in unclosed else text.find(closer, opening.end() + 1)
        else:
            closer = f"\\end{{{opening.group(1)}}}"
            end = -1 if closer in unclosed else text.find(closer, opening.end())
        if end == -1:
            unclosed.add(closer)
            position = opening.start() + 1
            continue
        if token.startswith("\\begin"):
            yield opening.start(), end + len(closer), text[opening.start() : end + len(closer)]
        else:
            yield opening.start(), end + len(closer), text[opening.end() : end]
        position = end + len(closer)


def _inline_math(text: str, ctx: ProseContext, holder: Holder) -> str:
    """Inline math found as Jupyter finds it: each ``$`` (or ``\\(``) pairs with the next closing one in
    the same paragraph whose braces balance, so ``$0.1 = 0.2$`` and ``$5$`` are math.

    One difference, so prices stay text as most readers mean them: a pair is not math when its closing
    ``$`` is followed by a digit (``$5 and $10``) or when it opens on a digit and closes after a space
    (``$5 and $ 10``, ``costs $5. Pay $x$``); its opening ``$`` is then plain text.
    """
    if "$" not in text and "\\(" not in text:
        return text
    tokens = list(_MATH_TOKEN.finditer(text))
    mathrender: ModuleType | None = None
    budget = 20 * len(tokens) + 1000  # pathological `$`-and-brace soup cannot make this quadratic
    out: list[str] = []
    done = 0  # text before this offset is in `out`
    index = 0
    while index < len(tokens) and budget > 0:
        opening = tokens[index]
        closer = {"$": "$", "\\(": "\\)"}.get(opening.group())
        if closer is None:
            index += 1
            continue
        end, stop = _closing_token(tokens, index, closer)
        budget -= stop - index
        if end is None:
            index = stop  # as in Jupyter, an opening with no closing one leaves its paragraph text
            continue
        if not _is_math(text, opening, tokens[end]):
            index += 1
            continue
        body = text[opening.end() : tokens[end].start()]
        ctx.has_math = True
        if mathrender is None:
            from ..jekyll import mathrender  # (loaded only by runs whose prose has math)
        out.append(_text_dollars(text[done : opening.start()], ctx, holder))
        written = mathrender.inline(_inline_safe(body), ctx.math, _fills_line(text, opening.start(), tokens[end].end()))
        out.append(holder.hold(_escape(written, ctx)))
        done = tokens[end].end()
        index = end + 1
    out.append(_text_dollars(text[done:], ctx, holder))
    return "".join(out)


# A dollar of the text (``\\$`` too, which Jupyter shows as one), outside tags and link targets.
_TEXT_DOLLAR = re.compile(r"(<[^<>\n]*>|\]\([^)\n]*\))|\\?\$")


def _text_dollars(text: str, ctx: ProseContext, holder: Holder) -> str:
    """Dollars that are not math (prices, ``\\$``), written so a renderer that pairs ``$`` leaves them."""
    if ctx.math is None or not ctx.math.text_dollar or "$" not in text:
        return text
    return _TEXT_DOLLAR.sub(lambda m: m.group(1) or holder.hold(ctx.math.text_dollar), text)


def _closing_token(tokens: list[re.Match], start: int, closer: str) -> tuple[int | None, int]:
    """The index of the token closing the math opened at ``start`` (or None), and where the search stopped."""
    braces = 0
    last = None  # a closer seen while braces were open: Jupyter falls back to it at the paragraph's end
    for index in range(start + 1, len(tokens)):
        token = tokens[index].group()
        if token == closer:
            if not braces:
                return index, index
            last = index
        elif token.startswith("\n"):
            return last, index
        elif token == "{":
            braces += 1
        elif token == "}" and braces:
            braces -= 1
    return last, len(tokens)


def _is_math(text: str, opening: re.Match, closing: re.Match) -> bool:
    body = text[opening.end() : closing.start()]
    if not body.strip():
        return False
    if opening.group() != "$":
        return True
    after = text[closing.end() : closing.end() + 1]
    if after.isdigit():
        return False
    return not (body[0].isdigit() and body[-1].isspace())


# What may stand before a formula at the start of a block: indentation, quote and list markers.
_BLOCK_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?")


def _fills_line(text: str, start: int, end: int) -> bool:
    """Whether the math from ``start`` to ``end`` is all its line holds (after quote and list markers):
    where kramdown would read ``$$x$$`` as a display block."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end:] if line_end == -1 else text[end:line_end]
    return not rest.strip() and _BLOCK_LINE_PREFIX.fullmatch(text, line_start, start) is not None


_LIST_ITEM_ANYWHERE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S", re.M)


def _inline_safe(body: str) -> str:
    """Inline math sits in a line kramdown may read as a table row: no raw pipes, no line breaks."""
    body = body.replace("\\|", "\\Vert ").replace("|", "\\vert ")
    return " ".join(body.split())


def _escape_pipes(text: str) -> str:
    lines = text.split("\n")
    in_table = [False] * len(lines)
    for index, line in enumerate(lines):
        if _TABLE_DELIMITER.match(line) and "-" in line and index > 0 and "|" in lines[index - 1]:
            start = index - 1
            stop = index + 1
            while stop < len(lines) and "|" in lines[stop] and lines[stop].strip():
                stop += 1
            for covered in range(start, stop):
                in_table[covered] = True
    for index, line in enumerate(lines):
        if in_table[index] or "|" not in line or line.lstrip().startswith("<"):
            continue
        lines[index] = re.sub(r"(?<!\\)\|", r"\\|", line)
    return "\n".join(lines)
