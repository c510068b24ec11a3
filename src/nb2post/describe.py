"""The words to share a post with: a description that fits each channel's limit, counted its way.

X counts with twitter-text v3 (``nb2post.twitter_text``: URLs 23, CJK and emoji sequences 2);
Mastodon counts extended grapheme clusters with each URL (ending where Mastodon's linkifier ends
it) as 23 and ``@user@domain`` as ``@user``; Bluesky counts extended grapheme clusters with URLs in
full. The text comes from the post's ``description`` / ``summary``, else its first paragraph, else
its title; it is shortened at a sentence or word boundary (never inside a word) and is never empty.
The URL and hashtags made from the categories follow when they fit.
"""
from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from collections.abc import Callable

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'’”)\]]*(?=\s)|(?<=[。！？])")
_CLOSING_PUNCT = ",;:-–—(/[{"  # not left dangling before an ellipsis
# Bidi embeddings, overrides and isolates can make a pasted text display differently from what it
# says (and X, Mastodon and Bluesky pass them through): generated texts never carry them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


# --- counting -------------------------------------------------------------------------------------


def graphemes(text: str) -> int:
    """User-perceived characters: extended grapheme clusters per UAX #29 (Thai SARA AM, Indic
    conjuncts, Hangul jamo sequences, emoji ZWJ sequences and flags are one each)."""
    import regex

    return len(regex.findall(r"\X", text))


def _twitter_weight(text: str) -> int:
    from .twitter_text import parse

    return parse(text).weighted_length


def _twitter_valid(text: str) -> bool:
    from .twitter_text import parse

    return parse(text).valid


@functools.lru_cache(maxsize=64)
def _mastodon_url_pattern(country: tuple[str, ...], generic: tuple[str, ...]):
    """Mastodon's linkifier: twitter-text's URL rule with Mastodon's own path and query rules
    (config/initializers/twitter_regex.rb) and protocol required. With the top-level domains of the
    text it is for (twitter_text.tlds_in): the same matches, compiled in a fraction of the time."""
    import regex

    from .twitter_text import URL_PRECEDING, valid_domain

    uchars = (
        "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
        "\U00030000-\U000dfffd\U000e1000-\U000efffd\ue000-\uf8ff\U000f0000-\U0010fffd"
    )
    path_chars = r"[^\p{White_Space}<>()?]"
    balanced = rf"\((?:{path_chars}+|(?:{path_chars}*\({path_chars}+\){path_chars}*))\)"
    path_end = rf"[^\p{{White_Space}}()?!*\"'「」<>;:=,.$%\[\]~&|@]|(?:{balanced})"
    path = rf"(?:(?:{path_chars}*(?:{balanced}{path_chars}*)*(?:{path_end}))|(?:{path_chars}+/))"
    query = rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^{uchars}]"
    query_end = rf"[a-z0-9_&=#/\-{uchars}]"
    return regex.compile(
        rf"{URL_PRECEDING}"
        rf"(?P<url>(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://(?P<domain>{valid_domain(country, generic)})"
        rf"(?::[0-9]++)?(?:/{path}*)?(?:\?{query}*{query_end})?)",
        regex.IGNORECASE,
    )


@functools.lru_cache(maxsize=1)
def _mastodon_mention_pattern():
    """Mastodon's mention rule (Account::MENTION_RE)."""
    import regex

    return regex.compile(
        r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\w.-]+\w+)?(?![@＠\w]|://)",
        regex.IGNORECASE,
    )


def mastodon_countable(text: str) -> str:
    """The text Mastodon's length validator counts: each URL as 23 characters, ``@user@domain`` as
    ``@user`` (entities that overlap a URL are part of it)."""
    from .twitter_text import tlds_in, valid_host_and_length

    url_pattern, mention_pattern = _mastodon_url_pattern(*tlds_in(text)), _mastodon_mention_pattern()
    entities: list[tuple[int, int, str]] = []
    for match in url_pattern.finditer(text):
        if valid_host_and_length(len(match.group("url")), "https://", match.group("domain")):
            entities.append((match.start("url"), match.end("url"), "x" * 23))
    for match in mention_pattern.finditer(text):
        entities.append((match.start(), match.end(), "@" + match.group("user")))
    pieces, position = [], 0
    for start, end, replacement in sorted(entities):
        if start < position:
            continue  # overlaps the entity before (a mention inside a URL)
        pieces.extend([text[position:start], replacement])
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _mastodon_length(text: str) -> int:
    return graphemes(mastodon_countable(text))


def _bluesky_valid(text: str) -> bool:
    return len(text.encode("utf-8")) <= 3000  # app.bsky.feed.post: maxLength 3000 bytes, 300 graphemes


@dataclass(frozen=True)
class Limit:
    channel: str
    label: str
    limit: int
    counted_as: str
    measure: Callable[[str], int]
    strict: Callable[[str], bool] | None = None  # extra validity (twitter-text's "valid")

    def count(self, text: str) -> int:
        return self.measure(text)

    def fits(self, text: str) -> bool:
        if not text.strip() or self.measure(text) > self.limit:
            return False
        return self.strict(text) if self.strict else True


X = Limit("x", "X/Twitter", 280, "twitter-text v3 weights (URL 23, CJK/emoji 2)", _twitter_weight, _twitter_valid)
MASTODON = Limit("mastodon", "Mastodon", 500, "graphemes, each URL 23, @user@domain as @user", _mastodon_length)
BLUESKY = Limit("bluesky", "Bluesky", 300, "graphemes, URLs in full", graphemes, _bluesky_valid)
# Threads allows 500 characters; counting UTF-16 units (emoji 2) is an upper bound of any way it counts
THREADS = Limit("threads", "Threads", 500, "characters, URLs in full", lambda t: len(t.encode("utf-16-le")) // 2)
LINKEDIN = Limit("linkedin", "LinkedIn", 3000, "characters", len)
HN_TITLE = Limit("hacker_news", "Hacker News title", 80, "characters", len)
REDDIT_TITLE = Limit("reddit", "Reddit title", 300, "characters", len)


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
    from .post import read_marker

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


# --- composing ----------------------------------------------------------------------------------


def hashtags(categories) -> list[str]:
    """``deep learning`` -> ``#DeepLearning``; one-word categories keep their case."""
    from .twitter_text import is_valid_hashtag

    if isinstance(categories, str):
        categories = categories.split()
    tags: dict[str, str] = {}
    for category in categories or []:
        words = [w for w in re.split(r"[\W_]+", str(category)) if w]
        if not words:
            continue
        tag = words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words)
        if len(tag) < 2 or not is_valid_hashtag("#" + tag):
            continue  # "#2024" is no hashtag (X links none of it) and "#C" says nothing
        tags.setdefault(tag.lower(), "#" + tag)
    return list(tags.values())


@dataclass
class Variant:
    channel: str
    label: str
    text: str  # what to paste
    count: int
    limit: int
    counted_as: str
    fits: bool
    shortened: bool = False
    origin: str = ""
    note: str = ""
    prose: str = ""  # the text part alone, without URL and hashtags


@dataclass
class Description:
    text: str  # the prose part of the X/Twitter post
    full: str  # text, URL and hashtags: the X/Twitter post
    origin: str  # description | summary | first paragraph | title
    source: str  # the cleaned text it was made from
    shortened: bool
    hashtags: list[str]
    url: str
    checks: list[Variant] = field(default_factory=list)  # ``full`` counted the way each channel counts
    variants: list[Variant] = field(default_factory=list)  # per channel, where they differ from ``full``

    def to_dict(self) -> dict:
        return asdict(self)


def sources(front_matter: dict, body: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key in ("description", "summary"):
        value = front_matter.get(key)
        if isinstance(value, str) and markdown_to_text(value):
            found.append((key, markdown_to_text(value)))
    paragraph = first_paragraph(body or "")
    if paragraph:
        found.append(("first paragraph", paragraph))
    title = markdown_to_text(str(front_matter.get("title") or ""))
    if title:
        found.append(("title", title))
    unique: dict[str, tuple[str, str]] = {}
    for origin, text in found:
        unique.setdefault(text, (origin, text))
    return list(unique.values())


def compose(candidates: list[tuple[str, str]], url: str, tags: list[str], limit: Limit) -> Variant:
    """The first candidate that fits (shortened if need be), then the URL, then as many hashtags as fit."""
    suffix = f" {url}" if url else ""
    note = ""
    chosen = None
    for attempt_suffix in ([suffix, ""] if suffix else [""]):
        for origin, text in candidates:
            cut = shorten(text, lambda t, s=attempt_suffix: limit.fits(t + s))  # type: ignore[misc]
            if cut:
                chosen = (origin, cut[0], cut[1], attempt_suffix)
                break
        if chosen:
            break
        note = "the URL is too long to go in the text: attach it as a link card"
    if chosen is None:  # pathological: no candidate has a first word short enough
        origin, text = candidates[0] if candidates else ("title", "New post")
        piece = ""
        for char in text:
            if not limit.fits(piece + char + ELLIPSIS):
                break
            piece += char
        chosen = (origin, (piece + ELLIPSIS) if piece else "New post", True, "")
        note = "no whole word fitted: cut inside a word"
    origin, text, shortened, used_suffix = chosen
    full = text + used_suffix
    for tag in tags:
        if limit.fits(f"{full} {tag}"):
            full = f"{full} {tag}"
    return Variant(
        limit.channel, limit.label, full, limit.count(full), limit.limit, limit.counted_as, limit.fits(full),
        shortened, origin, note, text,
    )


def _title_variant(title: str, limit: Limit) -> Variant:
    cut = shorten(title, limit.fits) or (title[: limit.limit], True)
    return Variant(limit.channel, limit.label, cut[0], limit.count(cut[0]), limit.limit, limit.counted_as,
                   limit.fits(cut[0]), cut[1], "title", prose=cut[0])


def describe(front_matter: dict, body: str, url: str = "") -> Description:
    """The description to share a post with, and its variants per channel."""
    candidates = sources(front_matter, body)
    if not candidates:
        candidates = [("title", "New post")]
    tags = hashtags(front_matter.get("categories"))
    url = url if re.match(r"https?://", url or "") else ""
    main = compose(candidates, url, tags, X)
    origin_text = next((text for origin, text in candidates if origin == main.origin), "")
    checks = [
        Variant(lim.channel, lim.label, main.text, lim.count(main.text), lim.limit, lim.counted_as, lim.fits(main.text))
        for lim in (X, MASTODON, BLUESKY)
    ]
    variants = [main]
    for limit in (MASTODON, BLUESKY, THREADS, LINKEDIN):
        variants.append(compose(candidates, url, tags, limit))
    title = markdown_to_text(str(front_matter.get("title") or "")) or candidates[0][1]
    variants.extend(_title_variant(title, limit) for limit in (HN_TITLE, REDDIT_TITLE))
    return Description(
        text=main.prose,
        full=main.text,
        origin=main.origin,
        source=origin_text,
        shortened=main.shortened,
        hashtags=tags,
        url=url,
        checks=checks,
        variants=variants,
    )
