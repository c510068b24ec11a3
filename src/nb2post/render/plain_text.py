"""Markdown as plain text: a post's first paragraph of prose, and a text shortened at a sentence or word.

The render stage describes a post by its first paragraph when it has no description; the share stage
(``nb2post.share.describe``) fits the same text to each channel.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'’”)\]]*(?=\s)|(?<=[。！？])")
_CLOSING_PUNCT = ",;:-–—(/[{"  # not left dangling before an ellipsis
# Bidi embeddings, overrides and isolates can make a pasted text display differently from what it
# says (and X, Mastodon and Bluesky pass them through): generated texts never carry them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


# --- text from markdown -------------------------------------------------------------------------


# Math as nb2post writes it for kramdown (``$$x$$``, ``<span>$$x$$</span>``) or raw for the site's renderer
# (``<span markdown="0">\\(x\\)</span>``); the delimiters each renderer may be given, longest first.
_WRITTEN_MATH = re.compile(r'<span markdown="0">(.*?)</span>|(?<!\\)\$\$(?=\S)(.+?)(?<!\\)\$\$', re.S)
_DELIMITERS = (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$"))
_HELD_MATH = re.compile("\ue002(\\d+)\ue003")


def _math_as_tex(match: re.Match, held: list[str]) -> str:
    """A formula as its author writes it in Markdown: ``$x$`` (``$$x$$`` for display style)."""
    body = match.group(1) if match.group(1) is not None else match.group(2)
    dollars = "$"
    for opening, closing in _DELIMITERS:
        if len(body) > len(opening) + len(closing) and body.startswith(opening) and body.endswith(closing):
            body, dollars = body[len(opening) : -len(closing)], "$$" if opening in ("\\[", "$$") else "$"
            break
    if body.startswith("\\displaystyle "):  # nb2post's mark of display math inside a paragraph
        body, dollars = body[len("\\displaystyle ") :], "$$"
    held.append(f"{dollars}{body.strip()}{dollars}")
    return f"\ue002{len(held) - 1}\ue003"


def markdown_to_text(text: str) -> str:
    """Prose from a bit of Markdown: no images, links reduced to their words, no markup, one line; math
    as its TeX (``$x$``), not as written for kramdown or a renderer."""
    held: list[str] = []
    if "$" in text or 'markdown="0"' in text:
        text = _WRITTEN_MATH.sub(lambda m: _math_as_tex(m, held), text)
    text = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{:[^}\n]*\}", " ", text, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]", " ", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]", lambda m: m.group(1) or m.group(2) or "", text)
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    text = re.sub(r"</?(?:p|br|div|li|ul|ol|tr|td|th|h\d|blockquote|hr)\b[^>]*>", " ", text, flags=re.I)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", r"\1", text)
    text = re.sub(r"~~(.+?)~~", r"\1", text)
    text = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", text)
    text = re.sub(r"(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", "", text)
    if held:
        text = _HELD_MATH.sub(lambda m: held[int(m.group(1))], text)
    text = _BIDI_CONTROLS.sub("", html.unescape(text))
    return " ".join(text.split())


# (a paragraph that starts with a formula is prose: `<span>` and `$$x$$ ...` are not skipped)
_SKIPPED_BLOCK = re.compile(r"^(?:#|<(?!span[ >])|\||\{%|\{:|\$\$[ \t]*(?:\n|$)|---|\*\*\*|___|!\[|\[!\[|    |\t|\[\^)")
_LIST_OR_QUOTE = re.compile(r"^(?:>|[-*+][ \t]|\d+[.)][ \t])")


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_RAW_TAG = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_FENCE_OPENING = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def first_paragraph(body: str) -> str:
    """The first paragraph of prose in a post body (code, headings, HTML, tables and images skipped)."""
    from ..post import read_marker

    _, body = read_marker(body)
    fallback = ""
    for block in _blocks(_COMMENT.sub("", body)):  # (blocks are found as needed: the first is usually it)
        head = block.lstrip("\n")
        if _SKIPPED_BLOCK.match(head):
            continue
        text = markdown_to_text(block)
        if not text:
            continue
        if _LIST_OR_QUOTE.match(head.lstrip()) or not _is_prose(text):
            fallback = fallback or text
            continue
        return text
    return fallback


def _blocks(body: str):
    """The blocks of lines between blank lines and code fences, fenced code left out."""
    current: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        bare = _RAW_TAG.sub("", line) if "{%" in line else line
        opening = _FENCE_OPENING.match(bare)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            if current:
                yield "\n".join(current)
                current = []
            continue
        if bare.strip():
            current.append(bare)
        elif current:
            yield "\n".join(current)
            current = []
    if current:
        yield "\n".join(current)


def _is_prose(text: str) -> bool:
    return len(text.split()) >= 4 or sum(_is_cjk(c) for c in text) >= 8


# --- shortening ---------------------------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def word_boundaries(text: str) -> list[int]:
    """Positions where ``text[:p]`` ends with a whole word: before white space, or between two CJK
    characters (which are written without spaces and may break anywhere)."""
    ends = []
    for index in range(1, len(text)):
        before, after = text[index - 1], text[index]
        if after.isspace() and not before.isspace():
            ends.append(index)
        elif _is_cjk(before) and _is_cjk(after) and unicodedata.category(after)[0] != "P":
            ends.append(index)
    ends.append(len(text))
    return ends


def sentence_boundaries(text: str) -> list[int]:
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]
    return sorted(set(ends)) + [len(text)]


def _largest(positions: list[int], make: Callable[[int], str], fits: Callable[[str], bool]) -> int | None:
    """The largest position whose text fits (text length grows with position: binary search)."""
    low, high, best = 0, len(positions) - 1, None
    while low <= high:
        middle = (low + high) // 2
        if fits(make(positions[middle])):
            best, low = middle, middle + 1
        else:
            high = middle - 1
    return None if best is None else positions[best]


def _with_ellipsis(text: str, end: int) -> str:
    return text[:end].rstrip().rstrip(_CLOSING_PUNCT).rstrip() + ELLIPSIS


def shorten(text: str, fits: Callable[[str], bool]) -> tuple[str, bool] | None:
    """(text, shortened) cut at a sentence or else a word boundary so that ``fits`` holds; None when
    not even the first word fits."""
    text = text.strip()
    if not text:
        return None
    if fits(text):
        return text, False
    words = [p for p in word_boundaries(text) if text[:p].rstrip(_CLOSING_PUNCT).strip()]
    word_end = _largest(words, lambda p: _with_ellipsis(text, p), fits)
    sentence_end = _largest(sentence_boundaries(text), lambda p: text[:p].strip(), fits)
    if sentence_end is not None and (word_end is None or sentence_end >= 0.6 * word_end):
        return text[:sentence_end].strip(), True
    if word_end is not None:
        return _with_ellipsis(text, word_end), True
    return None
