"""The words to share a post with: a description that fits each channel's limit, counted its way.

X counts with twitter-text v3 (``nb2post.share.twitter_text``: URLs 23, CJK and emoji sequences 2);
Mastodon counts extended grapheme clusters with each URL (ending where Mastodon's linkifier ends
it) as 23 and ``@user@domain`` as ``@user``; Bluesky counts extended grapheme clusters with URLs in
full. The text comes from the post's ``description`` / ``summary``, else its first paragraph, else
its title; it is shortened at a sentence or word boundary (never inside a word) and is never empty.
The URL and hashtags made from the categories follow when they fit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ..render.plain_text import ELLIPSIS, first_paragraph, markdown_to_text, shorten

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
    for attempt_suffix in [suffix, ""] if suffix else [""]:
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
        limit.channel,
        limit.label,
        full,
        limit.count(full),
        limit.limit,
        limit.counted_as,
        limit.fits(full),
        shortened,
        origin,
        note,
        text,
    )


def _title_variant(title: str, limit: Limit) -> Variant:
    cut = shorten(title, limit.fits) or (title[: limit.limit], True)
    return Variant(
        limit.channel,
        limit.label,
        cut[0],
        limit.count(cut[0]),
        limit.limit,
        limit.counted_as,
        limit.fits(cut[0]),
        cut[1],
        "title",
        prose=cut[0],
    )


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
