"""What replacing a post nb2post did not write would lose: the headings, prose paragraphs, formulas, code
lines, images and links of the owner's post that the post made from the notebook does not have.

Pure: two Markdown bodies in, the lost items out (images are compared by an answer the caller gives, as
their files live on disk). Both sides are read the same forgiving way, so what nb2post adds or reflows
never counts as a loss: its badges, TOC and marker are only on its side; Liquid and HTML escapes,
typographic quotes, emphasis, line breaks and the spacing of formulas are compared away; a paragraph is
found when its words appear in that order anywhere in the new post.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("heading", "paragraph", "formula", "code line", "image", "link")

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_HIGHLIGHT = re.compile(r"^\s*\{%-?\s*highlight\b")
_END_HIGHLIGHT = re.compile(r"\{%-?\s*endhighlight\s*-?%\}")
_SKIPPED_BLOCK = (
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<style\b", re.I), re.compile(r"</style\s*>", re.I)),
    (re.compile(r"<script\b", re.I), re.compile(r"</script\s*>", re.I)),
    (re.compile(r"\{%-?\s*comment\s*-?%\}"), re.compile(r"\{%-?\s*endcomment\s*-?%\}")),
)
_DISPLAY_OPEN = re.compile(r"^\s*(\$\$|\\\[|\\begin\{([a-zA-Z*]+)\})")
# a line nb2post writes or needs nothing of: kramdown's TOC and attribute lists, an empty reference label, the
# XML declaration before an inline SVG
_NOTHING = re.compile(
    r"^\s*(?:[*-][ \t]+TOC[ \t]*|\{:[^}]*\}|\[\]:.*|-{3,}|\*{3,}|_{3,}|\{%-?\s*(?:raw|endraw)\s*-?%\}|"
    r"<\?xml\b[^>]*>|<!DOCTYPE\s+svg\b[^>]*>)\s*$"
)
# a link's target may hold spaces, as kramdown reads it (`![png](/my notebook_files/x.png)`, nbconvert's
# name for a notebook with spaces); a space before a quote starts the title instead
_TARGET = r"\(\s*<?((?:[^)\s<>]|[ \t]+(?=[^)\s\"'<>]))+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)"
_IMAGE = re.compile(r"!\[([^\]]*)\]" + _TARGET)
_IMG_TAG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.I)
_LINK = re.compile(r"(?<!!)\[([^\]]*)\]" + _TARGET)
_A_TAG = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']+)[\"']", re.I)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_REFERENCE = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$")
_INLINE_MATH = re.compile(  # $x$, $$x$$ inside a line (kramdown's inline math), \(x\)
    r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\\n])+?)\$(?!\$)|\$\$((?:\\.|[^$\\])+?)\$\$|\\\((.+?)\\\)", re.S
)
_LIQUID_TAG = re.compile(r"\{%-?.*?-?%\}", re.S)
_LIQUID_CONTENT = re.compile(r"\b(?:content|text|caption)\s*=\s*(\"[^\"]*\"|'[^']*')")
_LIQUID_OUTPUT = re.compile(r"\{\{.*?\}\}", re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WORD = re.compile(r"[^\W_]+")
_ESCAPED = re.compile(r"\\([^\w\s])")
# a cell's directive to Quarto, fastpages or nbdev (`#| echo: false`, `#hide`): nb2post reads and drops it
_DIRECTIVE = re.compile(r"^\s*#\s*(?:\||(?:hide|hide_input|hide_output|collapse[-_\w]*|export\w*|default_exp)\b)")
_HIDING = re.compile(r"^\s*#\s*(?:\|\s*(?:echo|include)\s*:\s*false|\|?\s*(?:hide|hide_input|exporti?|default_exp)\b)")
# a prompt label an nbconvert template wrote before a cell (`**Input:**`, `**In [3]:**`, `Out[3]:`): the old
# converter's decoration, not the owner's words; nb2post writes no prompts
_PROMPT = re.compile(r"^\s*(?:\*\*|__)?\s*(?:In|Out|Input|Output)\s*(?:\[[\s\d*]*\])?\s*:?\s*(?:\*\*|__)?\s*$")
# an SVG written into the page (nbconvert's inline `image/svg+xml` output): an image, compared by its text
_SVG_OPEN = re.compile(r"^\s*(?:<\?xml\b[^>]*>\s*)?(?:<!DOCTYPE\b[^>]*>\s*)?<svg\b", re.I)
_SVG_CLOSE = re.compile(r"</svg\s*>", re.I)
# a paragraph of `key: value` lines (fastpages' `- toc: true`, Quarto's YAML cell): the notebook's front matter
_FRONT_MATTER_LINE = re.compile(r"^\s*(?:-\s+)?[\w-]+\s*:(?:\s|$)")
# an image nbconvert wrote from an output (`x_files/x_3_0.png`, `output_3_0.png`): nb2post writes its own
_OUTPUT_IMAGE = re.compile(r"_\d+_\d+\.(?:png|jpe?g|svg|gif)(?:[?#].*)?$", re.I)
# links and images that are badges: nb2post writes its own (or none, as the site asks)
_BADGE = re.compile(
    r"colab\.research\.google\.com|mybinder\.org|nbviewer|deepnote\.com|kaggle\.com/kernels|badge|shields\.io|"
    r"\.ipynb(?:[?#].*)?$",
    re.I,
)


@dataclass
class Losses:
    """The owner's items the new post lacks, in the owner's order: (kind, as the owner wrote it)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items)

    def counts(self) -> dict[str, int]:
        found = {kind: 0 for kind in KINDS}
        for kind, _ in self.items:
            found[kind] += 1
        return {kind: count for kind, count in found.items() if count}

    def describe(self, examples: int = 2) -> str:
        """'10 headings, 38 paragraphs, 34 formulas only in the post, e.g. '## Theorem 2''."""
        counted = ", ".join(f"{count} {_plural(kind, count)}" for kind, count in self.counts().items())
        shown = ", ".join(repr(_short(text)) for text in list(dict.fromkeys(text for _, text in self.items))[:examples])
        return f"{counted} only in the post, e.g. {shown}"


def _plural(kind: str, count: int) -> str:
    return kind if count == 1 else kind + "s"


def _short(text: str, width: int = 60) -> str:
    if _SVG_OPEN.match(text):
        return "an SVG written into the page"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@dataclass
class _Parts:
    headings: list[tuple[str, str]] = field(default_factory=list)  # (as written, its words)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    order: list[tuple[str, int]] = field(default_factory=list)  # (kind, index) in the text's order


def compare(owner: str, new: str, same_image: Callable[[str], bool] | None = None, shown=()) -> Losses:
    """The items of the owner's body ``owner`` that the new body ``new`` does not have. ``same_image(src)``:
    whether the owner's image ``src`` (a path, or an inline ``<svg>``'s text) is one of the new post's images
    (by its bytes); without it, or
    when it says no, an image is kept when the new body names the same file. ``shown``: what the new
    post shows besides its body (its title and description, from the front matter): a notebook's
    ``# Title`` or summary line becomes those, and is no loss."""
    mine, theirs = _parts(owner), _parts(new)
    heading_words = {words for _, words in theirs.headings}
    heading_words.update(" ".join(_WORD.findall(_words_text(text).lower())) for text in shown)
    new_text = _plain(new)
    new_words = " " + " ".join(_WORD.findall(_words_text("\n\n".join([*shown, new])).lower())) + " "
    new_math = _math_key(new_text)
    new_flat = _code_key(new_text)
    new_lines = {_code_key(line) for line in new_text.split("\n")}  # most lines are found here, without a search
    new_squeezed = None  # the new text without whitespace, made when an inline SVG is looked for
    lost = Losses()
    for kind, index in mine.order:
        if kind == "heading":
            written, words = mine.headings[index]
            if words not in heading_words:
                lost.items.append((kind, written))
        elif kind == "paragraph":
            written, words = mine.paragraphs[index]
            if f" {words} " not in new_words:
                lost.items.append((kind, written))
        elif kind == "formula":
            formula = mine.formulas[index]
            if _math_key(formula) not in new_math:
                lost.items.append((kind, formula))
        elif kind == "code line":
            line = mine.code[index]
            key = _code_key(line)
            if key not in new_lines and key not in new_flat and not _DIRECTIVE.match(line):
                lost.items.append((kind, line.strip()))
        elif kind == "image":
            src = mine.images[index]
            if _SVG_OPEN.match(src):  # its text is its bytes: in the new post's HTML or one of its files
                if new_squeezed is None:
                    new_squeezed = "".join(new_text.split())
                svg = "".join(src[src.find("<svg") :].split())
                if svg not in new_squeezed and not (same_image and same_image(src)):
                    lost.items.append((kind, src))
            elif not (same_image and same_image(src)) and not _named(src, new_text):
                lost.items.append((kind, src))
        elif kind == "link":
            url = mine.links[index]
            if not _named(url, new_text):
                lost.items.append((kind, url))
    return lost


def _named(url: str, text: str) -> bool:
    """Whether ``text`` names the file or page ``url`` names (nb2post may write it with another base)."""
    bare = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if not bare:
        return True  # a link within the page: the heading it points at is compared as a heading
    return url in text or bare in text or bare.rsplit("/", 1)[-1] in text


def _parts(body: str) -> _Parts:
    """The items of a Markdown body, read line by line."""
    parts = _Parts()
    lines = body.replace("\r\n", "\n").split("\n")
    paragraph: list[str] = []

    def add(kind: str, bucket: list, item) -> None:
        parts.order.append((kind, len(bucket)))
        bucket.append(item)

    def flush() -> None:
        if paragraph:
            _prose("\n".join(paragraph), parts, add)
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        skipped = next((end for start, end in _SKIPPED_BLOCK if start.search(line)), None)
        if fence:
            flush()
            mark = fence.group(1)
            index += 1
            block = []
            while index < len(lines) and not lines[index].lstrip().startswith(mark[0] * len(mark)):
                if lines[index].strip():
                    block.append(lines[index])
                index += 1
            if not (block and _HIDING.match(block[0])):  # a cell its directive hides: nb2post hides it too
                for line in block:
                    add("code line", parts.code, line)
        elif _HIGHLIGHT.match(line):
            flush()
            index += 1
            while index < len(lines) and not _END_HIGHLIGHT.search(lines[index]):
                if lines[index].strip():
                    add("code line", parts.code, lines[index])
                index += 1
        elif _SVG_OPEN.match(line):
            flush()
            block = [line]
            while not _SVG_CLOSE.search(block[-1]) and index + 1 < len(lines):
                index += 1
                block.append(lines[index])
            add("image", parts.images, "\n".join(block).strip())
        elif skipped is not None:
            opened = next(start for start, end in _SKIPPED_BLOCK if start.search(line))
            before = line[: opened.search(line).start()]
            if before.strip():
                paragraph.append(before)
            while index < len(lines) and not skipped.search(lines[index]):
                index += 1
        elif _DISPLAY_OPEN.match(line) and not paragraph:
            opener = _DISPLAY_OPEN.match(line)
            closer = {"$$": "$$", "\\[": "\\]"}.get(opener.group(1), f"\\end{{{opener.group(2)}}}")
            block = [line]
            rest = line[opener.end() :]
            while closer not in rest and index + 1 < len(lines):
                index += 1
                block.append(lines[index])
                rest = lines[index]
            formula = "\n".join(block).strip()
            for opening, closing in (("$$", "$$"), ("\\[", "\\]")):
                if formula.startswith(opening) and formula.endswith(closing) and len(formula) > 4:
                    formula = formula[2:-2]
            add("formula", parts.formulas, formula.strip())
        elif not line.strip():
            flush()
        elif (line.startswith("    ") or line.startswith("\t")) and not paragraph:
            pass  # an output, as nbconvert writes them: nb2post renders the notebook's outputs itself
        elif _ATX.match(line):
            flush()
            _heading(line, _ATX.match(line).group(2), parts, add)
        elif _SETEXT.match(line) and len(paragraph) == 1 and not _NOTHING.match(paragraph[0]):
            _heading(paragraph[0] + "\n" + line, paragraph[0], parts, add)
            paragraph.clear()
        elif _REFERENCE.match(line) and not line.lstrip().startswith("[]"):
            flush()
            url = _REFERENCE.match(line).group(1)
            if not _BADGE.search(url):
                add("link", parts.links, url)
        elif _NOTHING.match(line):
            flush()
        else:
            paragraph.append(line)
        index += 1
    flush()
    return parts


def _heading(written: str, text: str, parts: _Parts, add) -> None:
    text = re.sub(r"\s*\{[:#][^{}]*\}\s*$", "", text)  # a kramdown id or attribute list
    words = " ".join(_WORD.findall(_words_text(text).lower()))
    if words:
        add("heading", parts.headings, (written.split("\n", 1)[0].strip(), words))


def _prose(text: str, parts: _Parts, add) -> None:
    """One paragraph: its images, links and formulas, then its words."""
    lines = text.split("\n")
    if all(_FRONT_MATTER_LINE.match(line) for line in lines) or _PROMPT.match(text):
        return
    if (
        lines[0].startswith(">")
        and len(lines) > 1
        and all(line.lstrip().startswith("- ") and _FRONT_MATTER_LINE.match(line) for line in lines[1:])
    ):
        text = lines[0]  # fastpages' `> summary` with its `- key: value` lines: the summary is the description
    for src in [match.group(2) for match in _IMAGE.finditer(text)] + _IMG_TAG.findall(text):
        if not _BADGE.search(src) and not _OUTPUT_IMAGE.search(src):
            add("image", parts.images, src)
    for pattern in (_LINK, _A_TAG, _AUTOLINK):
        for match in pattern.finditer(_IMAGE.sub("", text)):
            url = match.group(2) if pattern is _LINK else match.group(1)
            if not _BADGE.search(url):
                add("link", parts.links, url)
    for match in _INLINE_MATH.finditer(text):
        add("formula", parts.formulas, next(group for group in match.groups() if group is not None))
    words = " ".join(_WORD.findall(_words_text(text).lower()))
    if words:
        add("paragraph", parts.paragraphs, (text.strip(), words))


def _liquid_text(text: str) -> str:
    """Liquid as the reader sees it: a tag's ``content=`` (a callout's words), no tags or outputs."""
    from ..liquid import unescape

    text = unescape(text)
    text = _LIQUID_TAG.sub(lambda m: " ".join(q[1:-1] for q in _LIQUID_CONTENT.findall(m.group(0))), text)
    return _LIQUID_OUTPUT.sub(" ", text)


def _words_text(text: str) -> str:
    """The words a reader reads in ``text``: no Liquid, HTML tags, link targets or escapes."""
    text = _liquid_text(text)
    text = _IMAGE.sub(" ", text)  # an image's alt text is no prose ("png")
    text = _LINK.sub(lambda m: " " + m.group(1) + " ", text)
    text = _AUTOLINK.sub(r" \1 ", text)  # <https://x>, as nb2post writes a bare URL: its words, not a tag
    text = _HTML_TAG.sub(" ", _HTML_COMMENT.sub(" ", text))  # `<!--more-->` inside a paragraph: no word
    text = html.unescape(text)
    return _ESCAPED.sub(r"\1", text)


def _plain(text: str) -> str:
    """``text`` with Liquid's escapes and HTML's entities read back (code and URLs are compared in it)."""
    from ..liquid import unescape

    return html.unescape(unescape(text))


def _math_key(text: str) -> str:
    """A formula (or a body) as compared: no spacing, and nb2post's rewrites of pipes read back."""
    text = text.replace("\\displaystyle", "").replace("\\Vert ", "\\|").replace("\\vert ", "|")
    text = re.sub(r"\\([_*])", r"\1", text)
    return re.sub(r"\s+", "", text)


def _code_key(line: str) -> str:
    return " ".join(html.unescape(line).split())
