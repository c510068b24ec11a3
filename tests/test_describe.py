"""Descriptions: valid per twitter-text v3, never cut inside a word, never empty; per-channel limits."""
from __future__ import annotations


import pytest

from nb2post.share.describe import (
    BLUESKY,
    ELLIPSIS,
    MASTODON,
    describe,
    first_paragraph,
    graphemes,
    hashtags,
    markdown_to_text,
    mastodon_countable,
)
from nb2post.render.plain_text import _is_cjk
from nb2post.share.twitter_text import parse_tweet

URL = "https://example.github.io/blog/2024/02/03/a-post.html"


def assert_whole_words(text: str, source: str) -> None:
    """``text`` is ``source`` itself or a prefix of it ending at a word boundary (plus an ellipsis)."""
    assert text.strip(), "empty description"
    body = text[: -len(ELLIPSIS)] if text.endswith(ELLIPSIS) and not source.startswith(text) else text
    assert source.startswith(body), f"not a prefix of its source: {body!r}"
    rest = source[len(body) :]
    if rest:
        last, following = body[-1], rest[0]
        both_cjk = _is_cjk(last) and _is_cjk(following)
        assert not (last.isalnum() and following.isalnum() and not both_cjk), f"cut inside a word: ...{body[-20:]!r}|{rest[:20]!r}"


def assert_valid(result) -> None:
    tweet = parse_tweet(result.full)
    assert tweet.valid and tweet.weighted_length <= 280, (tweet, result.full)
    assert_whole_words(result.text, result.source)
    for variant in result.variants:
        assert variant.fits, (variant.channel, variant.count, variant.text)
        assert variant.text.strip()
        assert variant.count <= variant.limit
    mastodon = next(v for v in result.variants if v.channel == "mastodon")
    bluesky = next(v for v in result.variants if v.channel == "bluesky")
    assert MASTODON.count(mastodon.text) <= 500
    assert graphemes(bluesky.text) <= 300


# --- the shared corpus ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (it lives beside the project as ../shared/corpus)")
    from nb2post.jekyll.config import load
    from nb2post.convert import convert

    site = tmp_path_factory.mktemp("corpus-site")
    (site / "_config.yml").write_text("title: Corpus\nurl: https://someone.github.io\nbaseurl: /blog\n", encoding="utf-8")
    outcomes, _ = convert([CORPUS], load(site), jobs=2)
    posts = sorted((site / "_posts").glob("*.md"))
    assert len(posts) >= 30, [o.error for o in outcomes if o.error]
    return site, posts


def test_every_corpus_post_gets_a_valid_description(corpus_site):
    from nb2post.jekyll.config import load_site_config
    from nb2post.jekyll.urls import absolute_url, page_url, read_post_file

    site, posts = corpus_site
    config = load_site_config(site)
    origins = set()
    for post in posts:
        post_file = read_post_file(site, post)
        url = absolute_url(config, page_url(post_file, config))
        result = describe(post_file.front_matter, post_file.body, url)
        assert_valid(result)
        assert url in result.full, post.name  # a URL of 23 always fits on X
        origins.add(result.origin)
    # the corpus has fastpages summaries, plain notebooks with prose (whose first paragraph the jekyll
    # target writes as `description`), and notebooks with neither
    assert {"description", "title"} <= origins


# --- hand-made edge cases -------------------------------------------------------------------------


def test_cjk_title_counts_double_and_breaks_between_characters():
    title = "日本語で学ぶ機械学習の基礎と応用について" * 12  # 240 CJK characters: 480 on X
    result = describe({"title": title}, "", URL)
    assert_valid(result)
    assert result.shortened and result.origin == "title"
    assert parse_tweet(result.full).weighted_length > 200  # it used the room, it did not give up


def test_emoji_description_is_shortened_at_a_word():
    text = " ".join(["Training 🎉 models 👨‍👩‍👧 with flags 🇩🇪🇯🇵 and skin tones 👍🏽 is fun."] * 20)
    result = describe({"title": "Emoji", "description": text, "categories": ["fun stuff"]}, "", URL)
    assert_valid(result)
    assert result.shortened


def test_two_thousand_character_summary():
    sentence = "Gradient boosting builds an ensemble of shallow trees, each fitting the residuals of the last. "
    summary = (sentence * 25)[:2000]
    result = describe({"title": "Boosting", "summary": summary, "categories": ["machine learning", "xgboost"]}, "", URL)
    assert_valid(result)
    assert result.origin == "summary" and result.shortened
    assert not result.text.endswith(ELLIPSIS)  # a whole sentence fitted, so it ends at a sentence


def test_long_url_counts_23_on_x_but_in_full_on_bluesky():
    long_url = "https://example.github.io/" + "/".join(["deep-learning-category"] * 14) + "/2024/02/03/post.html"
    assert len(long_url) > 300
    result = describe({"title": "A title", "description": "A short description of the post."}, "", long_url)
    assert_valid(result)
    assert long_url in result.full
    bluesky = next(v for v in result.variants if v.channel == "bluesky")
    assert long_url not in bluesky.text and "link card" in bluesky.note
    assert BLUESKY.count(bluesky.text) <= 300


def test_one_giant_word_falls_back_to_the_title():
    result = describe({"title": "Plain title here", "description": "x" * 600}, "", URL)
    assert_valid(result)
    assert result.text == "Plain title here" and result.origin == "title"


def test_never_empty_without_any_text():
    result = describe({}, "", "")
    assert result.full.strip() and parse_tweet(result.full).valid


def test_first_paragraph_skips_code_headings_images_and_html():
    body = (
        "## Setup\n\n![a plot](images/x.png)\n\n```python\nimport os\n```\n\n"
        "<div>raw html block</div>\n\n| a | b |\n|---|---|\n\n"
        "We fit a **small** model with [scikit-learn](https://scikit-learn.org) and `numpy` here.\n\nSecond.\n"
    )
    assert first_paragraph(body) == "We fit a small model with scikit-learn and numpy here."


def test_markdown_to_text_keeps_snake_case_and_drops_markup():
    assert markdown_to_text("Use *very* __bold__ `snake_case_name` and <b>tags</b>") == "Use very bold snake_case_name and tags"


def test_hashtags_from_categories():
    assert hashtags(["deep learning", "fastpages", "2024", "C#", "Deep Learning"]) == ["#DeepLearning", "#fastpages"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("abc", 3), ("e\u0301", 1), ("👨‍👩‍👧", 1), ("🇩🇪🇯🇵", 2), ("👍🏽", 1), ("日本", 2), ("a\r\nb", 3),
        ("\u0e19\u0e33", 1),  # Thai NO NU + SARA AM: SARA AM is a spacing mark, part of the cluster
        ("\u0e01\u0e33\u0e25\u0e31\u0e07", 3),
        ("\u0915\u094d\u0937", 1),  # Devanagari KA + VIRAMA + SSA: one conjunct (UAX #29 GB9c)
        ("\u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f", 3),
        ("\u1112\u1161\u11ab\u1100\u1173\u11af", 2),  # decomposed Hangul: two syllables
    ],
)
def test_graphemes(text, expected):
    assert graphemes(text) == expected


# --- Mastodon and Bluesky count their own way -------------------------------------------------------


@pytest.mark.parametrize(
    "text, countable",
    [
        ("Thanks @alice@mastodon.social and @bob!", "Thanks @alice and @bob!"),
        ("(see https://example.com/a/b).", "(see " + "x" * 23 + ")."),
        ("https://example.com/post.html, then more", "x" * 23 + ", then more"),
        ("https://en.wikipedia.org/wiki/Primer_(film) is balanced", "x" * 23 + " is balanced"),
        ("https://example.com/a?q=1&b=2; more", "x" * 23 + "; more"),
        ("mail me@example.com or example.com", "mail me@example.com or example.com"),  # no protocol, no link
        ("https://example.com/@someone/ here", "x" * 23 + " here"),  # the mention is part of the URL
    ],
)
def test_mastodon_counts_what_its_validator_counts(text, countable):
    assert mastodon_countable(text) == countable
    assert MASTODON.count(text) == graphemes(countable)


def test_a_long_handle_and_a_url_with_trailing_punctuation_fit_mastodon():
    """Regression: the handle counted in full and ``).`` counted into the URL made a fitting text "too long"."""
    handle = "@someone@" + "very-long-instance-name." * 8 + "social"
    text = "a" * 440 + " " + handle + " (https://example.com/x)."
    assert MASTODON.count(text) == 440 + 1 + len("@someone") + 2 + 23 + 2
    assert MASTODON.fits(text)


def test_bluesky_counts_clusters_in_thai_devanagari_and_hangul():
    """Regression: combining marks of Thai and Devanagari and decomposed Hangul were each counted."""
    text = ("\u0e01\u0e33" * 100) + ("\u0915\u094d\u0937" * 100) + ("\u1112\u1161\u11ab" * 100)
    assert BLUESKY.count(text) == 300 and BLUESKY.fits(text)
    assert not BLUESKY.fits(text + "a")


def test_bidi_controls_never_reach_a_generated_text():
    sneaky = "A post about \u202eevil\u202c text and \u2066isolates\u2069 too."
    result = describe({"title": "Bidi \u202dtitle", "description": sneaky}, "", URL)
    controls = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    for variant in result.variants:
        assert not controls & set(variant.text), variant.channel
    assert result.text == "A post about evil text and isolates too."
