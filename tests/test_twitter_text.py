"""X's count, proven on twitter-text's own conformance data (../shared/twitter-text, read at test time).

Which configuration goes with which section is what twitter-text's own conformance runners use:
``tweets`` → v1 (140, every code point 1), ``WeightedTweetsCounterTest`` → v2,
``WeightedTweetsWithDiscountedEmojiCounterTest`` and ``UnicodeDirectionalMarkerCounterTest`` → v3.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nb2post.share.twitter_text import V3, Config, extract_urls, is_valid_hashtag, is_valid_url, parse_tweet

TWITTER_TEXT = Path(__file__).resolve().parents[1].parent / "shared" / "twitter-text"
VALIDATE = TWITTER_TEXT / "conformance" / "validate.yml"

# twitter-text's config/v1.json (not in the shared copy): the 140-character era, no weights
V1 = Config(max_weighted_length=140, scale=1, default_weight=1, transformed_url_length=23)


def _config_from_json(path: Path) -> Config:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Config(
        max_weighted_length=data["maxWeightedTweetLength"],
        scale=data["scale"],
        default_weight=data["defaultWeight"],
        transformed_url_length=data["transformedURLLength"],
        ranges=tuple((r["start"], r["end"], r["weight"]) for r in data["ranges"]),
        emoji_parsing=bool(data.get("emojiParsingEnabled")),
    )


def _sections() -> dict:
    if not VALIDATE.is_file():
        return {}
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(VALIDATE.read_text(encoding="utf-8"))["tests"]


SECTIONS = _sections()
needs_data = pytest.mark.skipif(not SECTIONS, reason=f"twitter-text conformance data not found at {VALIDATE}")


def _cases(*names: str):
    return [
        pytest.param(name, case, id=f"{name}: {case['description']}")
        for name in names
        for case in SECTIONS.get(name, [])
    ]


@needs_data
def test_the_embedded_v3_config_is_twitter_texts():
    assert _config_from_json(TWITTER_TEXT / "config" / "v3.json") == V3


@needs_data
def test_every_case_is_found():
    counts = {name: len(SECTIONS.get(name, [])) for name in (
        "tweets", "urls", "urls_without_protocol", "hashtags", "WeightedTweetsCounterTest", "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest")}
    assert counts == {"tweets": 8, "urls": 24, "urls_without_protocol": 5, "hashtags": 7, "WeightedTweetsCounterTest": 20,
                      "WeightedTweetsWithDiscountedEmojiCounterTest": 22, "UnicodeDirectionalMarkerCounterTest": 2}


@needs_data
@pytest.mark.parametrize("section, case", _cases("tweets"))
def test_tweet_validity(section, case):
    assert parse_tweet(case["text"], V1).valid is case["expected"]


@needs_data
@pytest.mark.parametrize(
    "section, case",
    _cases("WeightedTweetsCounterTest", "WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"),
)
def test_weighted_length_validity_and_ranges(section, case):
    config = _config_from_json(TWITTER_TEXT / "config" / "v2.json") if section == "WeightedTweetsCounterTest" else V3
    result = parse_tweet(case["text"], config)
    got = {
        "weightedLength": result.weighted_length,
        "valid": result.valid,
        "permillage": result.permillage,
        "displayRangeStart": result.display_range_start,
        "displayRangeEnd": result.display_range_end,
        "validRangeStart": result.valid_range_start,
        "validRangeEnd": result.valid_range_end,
    }
    assert got == case["expected"]


@needs_data
@pytest.mark.parametrize("section, case", _cases("urls", "urls_without_protocol", "hashtags"))
def test_url_and_hashtag_validity(section, case):
    if section == "hashtags":
        assert is_valid_hashtag(case["text"]) is case["expected"]
    else:
        assert is_valid_url(case["text"], require_protocol=section == "urls") is case["expected"]


# --- beyond the conformance file: what descriptions meet -------------------------------------------


@pytest.mark.parametrize(
    "text, urls",
    [
        ("Read https://example.github.io/blog/2024/01/02/post.html.", ["https://example.github.io/blog/2024/01/02/post.html"]),
        ("see (https://en.wikipedia.org/wiki/Primer_(film)) now", ["https://en.wikipedia.org/wiki/Primer_(film)"]),
        ("made with scikit-learn.org and numpy", ["scikit-learn.org"]),
        ("no links in e.g. this or Node.js", []),
        ("ftp://example.com is not one", []),  # a bare domain right after "/" is not linked
        ("http://☃.net/ snow", ["http://☃.net/"]),
    ],
)
def test_urls_as_x_links_them(text, urls):
    assert [u.url for u in extract_urls(text)] == urls


def test_counts_for_descriptions():
    assert parse_tweet("Plain words.").weighted_length == 12
    assert parse_tweet("日本語").weighted_length == 6
    assert parse_tweet("🇩🇪 👍🏽 👨‍👩‍👧").weighted_length == 8  # three emoji sequences and two spaces
    assert parse_tweet("x" * 250 + " https://example.com/" + "a" * 300).weighted_length == 274
    assert not parse_tweet("").valid


# --- the URL patterns are compiled with the top-level domains of the text alone ---------------------


def _texts_naming_every_tld() -> list[str]:
    """Every TLD of twitter-text's list as a bare domain, after a protocol, upper-cased, as a prefix of a
    longer label, before ``/`` and inside a subdomain; fifty TLDs to a text."""
    from nb2post.share.twitter_text import top_level_domains

    country, generic = top_level_domains()
    names = sorted(set(country + generic))
    pieces = [f"see Example.{t} and https://{t}.{t.upper()}/x, WWW.a-b.{t}x.{t}/p?q=1 t.{t}/ ü.{t}.com; x.{t}é"
              for t in names]
    return [" ".join(pieces[i : i + 50]) for i in range(0, len(pieces), 50)]


def _conformance_texts() -> list[str]:
    return [case["text"] for cases in SECTIONS.values() for case in cases if isinstance(case.get("text"), str)]


def test_the_tlds_of_a_text_match_there_as_all_of_them_do():
    """The X and the Mastodon URL patterns compiled with twitter_text.tlds_in(text) find in ``text`` the
    very matches (spans and groups) the patterns with the whole list find."""
    from nb2post.share.describe import _mastodon_url_pattern
    from nb2post.share.twitter_text import _url_pattern, tlds_in, top_level_domains

    everything = tuple(map(tuple, top_level_domains()))
    texts = _texts_naming_every_tld() + _conformance_texts() + [
        "Read https://example.github.io/blog/2024/01/02/post.html.", "made with scikit-learn.org and numpy",
        "no links in e.g. this or Node.js", "http://☃.net/ snow", "ftp://example.com", "a.COM.zz b.co.uk/x",
        "İstanbul.COM.TR and https://xn--n3h.com and https://例子.测试 and http://παράδειγμα.δοκιμή/",
    ]
    for pattern in (_url_pattern, _mastodon_url_pattern):
        for text in texts:
            every = [(m.span(), m.groupdict()) for m in pattern(*everything).finditer(text)]
            own = [(m.span(), m.groupdict()) for m in pattern(*tlds_in(text)).finditer(text)]
            assert own == every, (pattern.__name__, text[:200])
    assert sum(len(_url_pattern(*everything).findall(text)) for text in _texts_naming_every_tld()) > 6 * 1500


def test_a_text_without_a_known_tld_compiles_no_tld_at_all():
    from nb2post.share.twitter_text import extract_urls, tlds_in

    assert tlds_in("no dots here, and e.g. this") == ((), ())
    assert tlds_in("Example.COM.au") == (("au", "co"), ("com",))  # "co" begins "COM": a TLD there for all it knows
    assert extract_urls("nothing.zzzz to see") == []  # no TLD: the empty alternation matches nothing


def test_every_character_that_matches_a_tld_character_folds_to_it():
    """tlds_in compares texts by twitter_text._fold: a character the IGNORECASE patterns take for a TLD's
    character must fold to the same, or a TLD written in it would be left out of the pattern."""
    import regex

    from nb2post.share.twitter_text import _fold, top_level_domains

    characters = sorted(set("".join(sum(top_level_domains(), []))))
    any_of_them = regex.compile("[" + "".join(map(regex.escape, characters)) + "]", regex.IGNORECASE)
    unlike = []
    for code in range(0x110000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or not any_of_them.fullmatch(char):
            continue
        unlike += [(char, t) for t in characters
                   if _fold(char) != _fold(t) and regex.fullmatch(regex.escape(t), char, regex.IGNORECASE)]
    assert unlike == []
