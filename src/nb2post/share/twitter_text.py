"""How X counts a post: twitter-text's weighted length and validity, without twitter-text.

The twitter-text libraries (Apache-2.0, Copyright 2011 Twitter, Inc.) define the count; the
Python port nb2post used before imports ``pkg_resources`` and breaks on Python 3.12+. This module
follows the same rules, proven on twitter-text's conformance data (tests/test_twitter_text.py):

- the text is NFC-normalised first;
- each URL (twitter-text's URL rules: http(s) and bare domains with a known top-level domain,
  host labels that IDNA accepts) counts ``transformed_url_length`` (23);
- with emoji parsing (v3), each emoji sequence (one extended grapheme cluster holding an emoji)
  counts ``default_weight`` once, however many code points it has;
- every other code point weighs by the range it falls in (``ranges``) or ``default_weight``;
- a post is valid when it is not empty, has no invalid character (U+FFFE, U+FEFF, U+FFFF) and
  weighs at most ``max_weighted_length``.

The URL rules' regular expressions are written after twitter-text's Java ``Regex`` class; the
top-level domains are twitter-text's own list (templates/twitter_text_tlds.txt).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field

import regex


@dataclass(frozen=True)
class Config:
    """A twitter-text configuration (the fields of its config/v*.json, in snake case)."""

    max_weighted_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...] = ()  # (first code point, last code point, weight)
    emoji_parsing: bool = False

    def weight(self, char: str) -> int:
        code = ord(char)
        for first, last, weight in self.ranges:
            if first <= code <= last:
                return weight
        return self.default_weight


# twitter-text config/v3.json (the default since 2018; file unchanged since commit 65e7e00, 2020):
# 280 weighted characters at scale 100; Latin to Georgian (U+0000–U+10FF) and the spaces, dashes and
# quotes of General Punctuation weigh 1, everything else 2; URLs 23; emoji sequences count once.
V3 = Config(
    max_weighted_length=280,
    scale=100,
    default_weight=200,
    transformed_url_length=23,
    ranges=((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100)),
    emoji_parsing=True,
)

_INVALID = "\ufffe\ufeff\uffff"
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40


@dataclass(frozen=True)
class Url:
    url: str
    start: int  # code point indices into the (normalised) text, end exclusive
    end: int
    protocol: str


@dataclass(frozen=True)
class ParseResult:
    """What twitter-text's ``parseTweet`` answers (ranges in UTF-16 code units, inclusive)."""

    weighted_length: int
    valid: bool
    permillage: int
    valid_range_start: int = 0
    valid_range_end: int = 0
    display_range_start: int = 0
    display_range_end: int = 0
    urls: tuple[Url, ...] = field(default=(), compare=False)


# --- the URL rules --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def top_level_domains() -> tuple[list[str], list[str]]:
    """(country, generic) top-level domains, from twitter-text's list."""
    from ..templates_text import template_text

    lists: dict[str, list[str]] = {"country": [], "generic": []}
    current = None
    for line in template_text("twitter_text_tlds.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = lists[line.strip("[]")]
        elif current is not None:
            current.append(line)
    return lists["country"], lists["generic"]


_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f"
    "\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb"
    "\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"
DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
URL_PRECEDING = rf"(?:[^a-z0-9@＠$#＃{_INVALID}]|[{DIRECTIONAL}]|^)"
_PORT = r"[0-9]++"
_QUERY = r"[a-z0-9!?\*'\(\);:&=\+\$/%#\[\]\-_\.,~\|@]"
_QUERY_END = r"[a-z0-9\-_&=#/]"


def _alternatives(words: tuple[str, ...]) -> str:
    # longest first, so that the look-ahead after a TLD need not backtrack through prefixes
    if not words:
        return "(?!)"  # (none: an empty alternation would match the empty string)
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _fold(text: str) -> str:
    """``text`` as regex's IGNORECASE compares it, one character for one (so a prefix of the folded text
    is the folding of the prefix): each character's case folding, its first character where that is
    several (``İ`` matches ``i``). tests/test_twitter_text.py checks every character against the TLDs."""
    return "".join(char.casefold()[0] for char in text)


@functools.lru_cache(maxsize=1)
def _tld_index() -> tuple[dict[str, tuple[tuple[bool, str], ...]], int]:
    """Each top-level domain by its folded form, as (is a country TLD, the TLD); the longest's length."""
    country, generic = top_level_domains()
    index: dict[str, tuple[tuple[bool, str], ...]] = {}
    for is_country, names in ((True, country), (False, generic)):
        for name in names:
            index[_fold(name)] = (*index.get(_fold(name), ()), (is_country, name))
    return index, max(map(len, index))


def tlds_in(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The (country, generic) top-level domains that follow a ``.`` somewhere in ``text``: the only ones
    the domain rule can match in it (each of its alternatives puts a TLD right after a label's dot).
    The URL patterns are compiled with these alone, a few instead of some 1,600 (compiling the whole
    list took longer than the rest of a one-post brief)."""
    index, longest = _tld_index()
    country: set[str] = set()
    generic: set[str] = set()
    folded = _fold(text)
    dot = folded.find(".")
    while dot != -1:
        after = folded[dot + 1 : dot + 1 + longest]
        for end in range(1, len(after) + 1):
            for is_country, name in index.get(after[:end], ()):
                (country if is_country else generic).add(name)
        dot = folded.find(".", dot + 1)
    return tuple(sorted(country)), tuple(sorted(generic))


@functools.lru_cache(maxsize=64)
def valid_domain(country: tuple[str, ...], generic: tuple[str, ...]) -> str:
    """twitter-text's domain rule: labels of ASCII and Latin letters ending in a known TLD or
    punycode; after a protocol also Unicode labels; a country TLD followed by ``/`` (``t.co/``).
    The known TLDs are ``country`` and ``generic`` (all of them: ``top_level_domains()``; for one
    text, ``tlds_in(text)`` gives the same matches)."""
    gtld = rf"(?:(?:{_alternatives(generic)})(?=[^a-z0-9@+-]|$))"
    cctld = rf"(?:(?:{_alternatives(country)})(?=[^a-z0-9@+-]|$))"
    chars = "a-z0-9" + _LATIN_ACCENTS
    subdomain = rf"(?>(?:[{chars}][{chars}\-_]*)?[{chars}]\.)"
    name = rf"(?:(?:[{chars}][{chars}\-]*)?[{chars}]\.)"
    unicode_char = r"[^\-_!\"#$%&'\(\)*+,./:;<=>?@\[\]^`\{|}~\s\p{Z}\u2000-\u206f]"
    unicode_name = rf"(?:(?:{unicode_char}(?:{unicode_char}|-)*)?{unicode_char}\.)"
    return (
        rf"(?:{subdomain}*{name}(?:{gtld}|{cctld}|(?:xn--[-0-9a-z]+)))"
        rf"|(?:(?<=https?://)(?:(?:{name}{cctld})|(?:{unicode_name}(?:{gtld}|{cctld}))))"
        rf"|(?:{name}{cctld}(?=/))"
    )


@functools.lru_cache(maxsize=64)
def _url_pattern(country: tuple[str, ...], generic: tuple[str, ...]) -> regex.Pattern:
    path_chars = rf"[a-z0-9!\*';:=\+,.\$/%#\[\]\-\u2013_~\|&@{_LATIN_ACCENTS}{_CYRILLIC}]"
    balanced = rf"\((?:{path_chars}+|(?:{path_chars}*\({path_chars}+\){path_chars}*))\)"
    path_end = rf"[a-z0-9=_#/\-\+{_LATIN_ACCENTS}{_CYRILLIC}]|(?:{balanced})"
    path = rf"(?:(?:{path_chars}*(?:{balanced}{path_chars}*)*(?:{path_end}))|(?:@{path_chars}+/))"
    return regex.compile(
        rf"(?P<before>{URL_PRECEDING})(?P<url>(?P<protocol>https?://)?(?P<domain>{valid_domain(country, generic)})"
        rf"(?::(?:{_PORT}))?(?:/{path}*+)?(?:\?{_QUERY}*{_QUERY_END})?)",
        regex.IGNORECASE,
    )


@functools.lru_cache(maxsize=1)
def _tco_pattern() -> regex.Pattern:
    return regex.compile(rf"^https?://t\.co/([a-z0-9]+)(?:\?{_QUERY}*{_QUERY_END})?", regex.IGNORECASE)


def valid_host_and_length(url_length: int, protocol: str, host: str) -> bool:
    """IDNA accepts the host (every label 1–63 characters once punycoded) and the whole URL, with
    ``https://`` added when it has no protocol, stays within 4096 characters."""
    if not host:
        return False
    try:
        encoded = host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return False
    if not encoded:
        return False
    length = url_length + len(encoded) - len(host) + (0 if protocol else len("https://"))
    return length <= MAX_URL_LENGTH


def extract_urls(text: str, without_protocol: bool = True) -> list[Url]:
    """The URLs X links in ``text``, as twitter-text's ``extractUrlsWithIndices`` finds them."""
    if not text or ("." if without_protocol else ":") not in text:
        return []
    found: list[Url] = []
    for match in _url_pattern(*tlds_in(text)).finditer(text):
        protocol = match.group("protocol") or ""
        if not protocol and (not without_protocol or regex.search(r"[-_./]$", match.group("before"))):
            continue
        url, start, end = match.group("url"), match.start("url"), match.end("url")
        if protocol:
            tco = _tco_pattern().match(url)
            if tco:
                if len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url, end = tco.group(0), start + len(tco.group(0))
        if valid_host_and_length(len(url), protocol, match.group("domain")):
            found.append(Url(url, start, end, protocol))
    return found


# --- validating a URL or a hashtag ----------------------------------------------------------------

# RFC 3986's grammar, a little stricter for host names, as twitter-text's isValidUrl checks a URL
_PCT = r"(?:%[0-9a-f]{2})"
_UNRESERVED = r"[a-z\p{Cyrillic}0-9\p{Pd}._~]"
_SUB_DELIMS = r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|[:|@])"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
_IP = rf"(?:{_OCTET}(?:\.{_OCTET}){{3}}|\[[a-f0-9:.]+\])"
_U = r"[^\x00-\x7f]"  # any non-ASCII character, in internationalised host names
_UNICODE_HOST = (
    rf"(?:{_IP}|(?:(?:(?:[a-z0-9]|{_U})(?:(?:[a-z0-9_\-]|{_U})*(?:[a-z0-9]|{_U}))?)\.)*"
    rf"(?:(?:[a-z0-9]|{_U})(?:(?:[a-z0-9\-]|{_U})*(?:[a-z0-9]|{_U}))?\.)"
    rf"(?:(?:[a-z]|{_U})(?:(?:[a-z0-9\-]|{_U})*(?:[a-z0-9]|{_U}))?))"
)
_URL_PARTS = regex.compile(r"(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?", regex.DOTALL)
_AUTHORITY = regex.compile(
    rf"(?:(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|:)*@)?{_UNICODE_HOST}(?::[0-9]{{1,5}})?", regex.IGNORECASE
)
_PATH = regex.compile(rf"(?:/{_PCHAR}*)*", regex.IGNORECASE)
_QUERY_OR_FRAGMENT = regex.compile(rf"(?:{_PCHAR}|/|\?)*", regex.IGNORECASE)


def is_valid_url(url: str, require_protocol: bool = True) -> bool:
    """An http(s) URL (or, without ``require_protocol``, a bare one) that X accepts as one link."""
    parts = _URL_PARTS.fullmatch(url or "")
    if not url or not parts:
        return False
    scheme, authority, path, query, fragment = parts.groups()
    if require_protocol and not regex.fullmatch(r"https?", scheme or "", regex.IGNORECASE):
        return False
    return bool(
        _AUTHORITY.fullmatch(authority)
        and _PATH.fullmatch(path)
        and (query is None or _QUERY_OR_FRAGMENT.fullmatch(query))
        and (fragment is None or _QUERY_OR_FRAGMENT.fullmatch(fragment))
    )


_HASHTAG_CHAR = r"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7]"
_HASHTAG = regex.compile(rf"[#＃](?![\ufe0f\u20e3]){_HASHTAG_CHAR}*[\p{{L}}\p{{M}}]{_HASHTAG_CHAR}*")


def is_valid_hashtag(text: str) -> bool:
    """``#word`` as X links it: letters, marks, digits and a few joiners, not only digits."""
    return bool(_HASHTAG.fullmatch(text or ""))


# --- counting ------------------------------------------------------------------------------------

_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _tokens(text: str, urls: list[Url], config: Config):
    """(piece of text, weight) in order: URLs, emoji sequences, single code points."""
    url_at = {url.start: url for url in urls}
    emoji_at: dict[int, int] = {}
    if config.emoji_parsing:
        for cluster in regex.finditer(r"\X", text):
            if _EMOJI.search(cluster.group()):
                emoji_at[cluster.start()] = cluster.end()
    index = 0
    while index < len(text):
        if index in url_at:
            end = url_at[index].end
            yield text[index:end], config.transformed_url_length * config.scale
        elif index in emoji_at:
            end = emoji_at[index]
            yield text[index:end], config.default_weight
        else:
            end = index + 1
            yield text[index], config.weight(text[index])
        index = end


def parse_tweet(text: str, config: Config = V3) -> ParseResult:
    """Weighted length, validity and ranges of ``text`` as twitter-text's ``parseTweet`` gives them."""
    normalized = unicodedata.normalize("NFC", text or "")
    urls = extract_urls(normalized)
    weighted = 0
    valid = True
    position = 0  # UTF-16 code units consumed
    valid_index = 0
    limit = config.max_weighted_length * config.scale
    for piece, weight in _tokens(normalized, urls, config):
        weighted += weight
        position += _utf16_length(piece)
        if valid and piece[-1] in _INVALID:
            valid = False
        if valid and weighted <= limit:
            valid_index = position - 1
    length = weighted // config.scale
    valid = valid and 0 < length <= config.max_weighted_length
    original_length = _utf16_length(text or "")
    return ParseResult(
        weighted_length=length,
        valid=valid,
        permillage=length * 1000 // config.max_weighted_length,
        valid_range_start=0,
        valid_range_end=valid_index + original_length - _utf16_length(normalized),
        display_range_start=0,
        display_range_end=max(original_length - 1, 0),
        urls=tuple(urls),
    )


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> ParseResult:
    """``parse_tweet`` with the v3 configuration, remembered (descriptions are measured many times)."""
    return parse_tweet(text, V3)
