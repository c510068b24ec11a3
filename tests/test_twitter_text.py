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
