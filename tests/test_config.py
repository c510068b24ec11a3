"""Site settings read as Jekyll reads them: the real fastpages `_config.yml`, Psych's YAML 1.1 rules,
`--config a.yml,b.yml` overrides; and the `nb2post:` section checked for typos and wrong types."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, cell, run_cli, write_notebook

from nb2post.jekyll import config

FASTPAGES_CONFIG = ROOT.parent / "shared" / "sites" / "fastpages" / "_config.yml"


@pytest.fixture
def fastpages_config() -> Path:
    if not FASTPAGES_CONFIG.is_file():
        pytest.skip(f"the real fastpages _config.yml is not at {FASTPAGES_CONFIG} (../shared/sites/fastpages)")
    return FASTPAGES_CONFIG


def _notebook(site: Path, name: str = "2024-05-01-hello.ipynb") -> Path:
    return write_notebook(site / "_notebooks" / name, [cell("markdown", "# Hello\n\nSome text and $x^2$."), cell("code", "1 + 1")])


def test_the_real_fastpages_config_is_read_as_jekyll_reads_it(fastpages_config):
    data = config.load_site_config(fastpages_config.parent)
    assert fastpages_config.read_text().count("\nexclude:") == 2  # the file as every fastpages blog has it
    assert data["exclude"] == ["settings.ini"]  # Psych keeps the last of two keys
    assert data["kramdown"]["math_engine"] == "katex"
    assert data["use_math"] is None and data["show_tags"] is True
    assert data["default_badges"] == {"github": True, "binder": True, "colab": True, "deepnote": True}


def test_a_fastpages_blog_converts(tmp_path, fastpages_config):
    """Regression: nb2post exited 2 ('found duplicate key "exclude"') on every fastpages blog."""
    site = tmp_path / "blog"
    site.mkdir()
    shutil.copy(fastpages_config, site / "_config.yml")
    nb = _notebook(site)
    done = run_cli("convert", "--site", str(site), str(nb))
    assert done.returncode == 0, done.stderr
    post = (site / "_posts" / "2024-05-01-hello.md").read_text(encoding="utf-8")
    assert "use_math: true" in post  # fastpages, recognised by its settings, loads KaTeX on use_math
    assert "fastpages" in done.stderr  # the theme choice is said
    check = run_cli("check", "--site", str(site))
    assert check.returncode == 0, check.stdout + check.stderr


# Inputs where Psych (Jekyll) differs from a YAML 1.2 reader or from ruamel.yaml's defaults.
PSYCH_CASES = {
    "duplicate keys, last wins": ("a: 1\nb: x\na: 2\n", {"a": 2, "b": "x"}),
    "YAML 1.1 booleans": ("a: yes\nb: No\nc: on\nd: OFF\ne: YeS\n", {"a": True, "b": False, "c": True, "d": False, "e": True}),
    "y and n stay text": ("a: y\nb: n\n", {"a": "y", "b": "n"}),
    "dates": ("a: 2024-01-02\n", {"a": dt.date(2024, 1, 2)}),
    "octal and hex": ("a: 017\nb: 0x1f\nc: 1_000\n", {"a": 15, "b": 31, "c": 1000}),
    "a float needs a dot": ("a: 1e3\nb: .5\nc: 1.\n", {"a": "1e3", "b": 0.5, "c": 1.0}),
    "null spellings": ("a: ~\nb: NULL\nc:\n", {"a": None, "b": None, "c": None}),
    "tab after the colon": ("a:\tb\nm:\n  k:\t\tv\n", {"a": "b", "m": {"k": "v"}}),
    "tab inside a value": ("a: x\ty\nb: w\t# comment\n", {"a": "x\ty", "b": "w"}),
    "tab before a flow list": ("a:\t[1,\t2]\n", {"a": [1, 2]}),
    "byte order mark": ("\ufeffa: 1\n", {"a": 1}),
}


@pytest.mark.parametrize("text, expected", PSYCH_CASES.values(), ids=PSYCH_CASES.keys())
def test_yaml_is_read_as_psych_reads_it(text, expected):
    assert config.read_yaml(text, "x.yml") == expected


def test_the_same_cases_agree_with_ruby_psych_itself(fastpages_config):
    """The oracle: Jekyll's own YAML reader on this machine (Ruby comes with Jekyll)."""
    if shutil.which("ruby") is None:
        pytest.skip("ruby is not installed (it comes with Jekyll)")
    script = (
        'require "yaml"; require "json"; require "date"\n'
        'def n(v) case v when Hash then v.map { |k, x| [k.to_s, n(x)] }.to_h when Array then v.map { |x| n(x) } '
        'when Date, Time then v.strftime("%Y-%m-%d") else v end end\n'
        'puts JSON.generate(JSON.parse(STDIN.read).map { |t| n(Psych.safe_load(t.delete_prefix("\\uFEFF"), permitted_classes: [Date, Time, Symbol])) })'
    )
    texts = [text for text, _ in PSYCH_CASES.values()] + [fastpages_config.read_text(encoding="utf-8")]
    done = subprocess.run(["ruby", "-e", script], input=json.dumps(texts), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat()[:10] if isinstance(value, (dt.date, dt.datetime)) else value

    assert [plain(config.read_yaml(t, "x.yml")) for t in texts] == json.loads(done.stdout)


def test_broken_yaml_is_one_line_naming_the_file(tmp_path):
    (tmp_path / "_config.yml").write_text("title: [unclosed\n")
    with pytest.raises(config.ConfigError) as error:
        config.load(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / '_config.yml'}: not valid YAML") and "\n" not in str(error.value)


_NO_PARSER_INTERNALS = ("<unicode string>", "^ (line", "while parsing", "while scanning", "<stream end>")


def test_broken_yaml_says_file_line_column_and_what_is_wrong(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\nnb2post:\n  target: [jekyll\n")
    with pytest.raises(config.ConfigError) as error:
        config.load(tmp_path)
    assert str(error.value) == (
        f"{tmp_path / '_config.yml'}: not valid YAML: line 4, column 1: expected ',' or ']', but got the end of "
        "the text (in the [...] list begun at line 3, column 11)"
    )
    (tmp_path / "_config.yml").write_text("title: t\nsub: a: b\n")
    with pytest.raises(config.ConfigError) as error:
        config.load(tmp_path)
    assert str(error.value).endswith("_config.yml: not valid YAML: line 2, column 7: mapping values are not allowed here")
    (tmp_path / "_config.yml").write_text("title: t\nsub: a\x07b\n")
    with pytest.raises(config.ConfigError) as error:
        config.load(tmp_path)
    assert str(error.value).endswith(": line 2, column 7: special characters are not allowed (U+0007)")


def test_broken_yaml_front_matter_of_a_notebook_cell_and_a_post_says_line_and_column(tmp_path):
    from nb2post.jekyll import urls

    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: t\n")
    nb = write_notebook(
        site / "_notebooks" / "2024-01-02-raw.ipynb",
        [cell("raw", '---\ntitle: ok\ndescription: "open\n---\n'), cell("markdown", "Body")],
    )
    done = run_cli("convert", str(nb), cwd=site)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()[:1]
    assert line == (
        "error: _notebooks/2024-01-02-raw.ipynb: the YAML front matter in cell 1 is not valid YAML: line 4, column 1: "
        "found unexpected end of the text (in the quoted text begun at line 3, column 14)"
    ), done.stderr
    post = site / "_posts" / "2024-01-02-hand.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Hand\ntags: [a, b\n---\nBody\n")
    with pytest.raises(urls.UrlError) as error:
        urls.read_front_matter(post)
    assert str(error.value).startswith(f"{post}: the front matter is not valid YAML: line 4, column 1: expected ','")
    assert not any(internal in line + str(error.value) for internal in _NO_PARSER_INTERNALS)


def test_settings_with_bom_tabs_and_yaml_1_1_words(tmp_path):
    (tmp_path / "_config.yml").write_bytes(
        "\ufefftitle:\tMy blog\nnb2post:\n  liquid_in_prose: yes\n  badges:\toff\n  posts_dir: _posts\n".encode("utf-8"))
    settings = config.load(tmp_path)
    assert settings.site_config["title"] == "My blog"
    assert settings.liquid_in_prose is True and settings.badges == ()


def test_config_overrides_merge_as_jekyll_merges_them(tmp_path):
    (tmp_path / "_config.yml").write_text(
        "url: https://example.org\nkramdown: {input: GFM, auto_ids: true}\nexclude: [a]\nnb2post:\n  target: jekyll\n  posts_dir: _posts\n")
    (tmp_path / "_config_dev.yml").write_text("url: http://localhost:4000\nkramdown: {auto_ids: false}\nexclude: [b]\nnb2post:\n  posts_dir: _drafts_posts\n")
    settings = config.load(tmp_path, config_files="_config.yml,_config_dev.yml")
    assert settings.site_config["url"] == "http://localhost:4000"
    assert settings.site_config["kramdown"] == {"input": "GFM", "auto_ids": False}  # mappings merge
    assert settings.site_config["exclude"] == ["b"]  # lists are replaced
    assert settings.posts_dir == "_drafts_posts" and settings.target == "jekyll"
    with pytest.raises(config.ConfigError, match="_missing.yml: no such config file"):
        config.load(tmp_path, config_files="_config.yml,_missing.yml")


def test_convert_and_check_agree_under_config_overrides(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: t\nnb2post:\n  badges: false\n")
    (site / "_config_dev.yml").write_text("nb2post:\n  posts_dir: _dev_posts\n")
    nb = _notebook(site)
    run_cli("convert", "--config", "_config.yml,_config_dev.yml", str(nb), cwd=site, check=True)
    assert (site / "_dev_posts" / "2024-05-01-hello.md").is_file() and not (site / "_posts").exists()
    assert run_cli("check", "--config", "_config.yml,_config_dev.yml", cwd=site).returncode == 0
    plain = run_cli("check", cwd=site)  # without the override the post belongs in _posts: missing
    assert plain.returncode == 1 and "Fix: nb2post convert" in plain.stdout


def test_the_fast_path_reads_the_last_section_without_a_yaml_parser(tmp_path):
    (tmp_path / "_config.yml").write_text("nb2post:\n  target: jekyll\ntitle: t\nnb2post:\n  target: fastpages\n")
    code = (
        "import sys; from pathlib import Path; from nb2post.jekyll import config; from nb2post import check; "
        f"site = Path({str(tmp_path)!r}); "
        "section = config.raw_section(site); config.settings_fingerprint(site, 'jekyll'); place = check.layout(site); "
        "print(section.strip().splitlines()[-1].strip(), place.target, 'ruamel' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["target:", "fastpages", "fastpages", "False"]
    assert config.load(tmp_path).target == "fastpages"  # the parser agrees: the last key wins


def test_init_keeps_the_real_fastpages_config_byte_for_byte(tmp_path, fastpages_config):
    site = tmp_path / "blog"
    site.mkdir()
    original = fastpages_config.read_bytes()
    (site / "_config.yml").write_bytes(original)
    run_cli("init", "--no-workflow", "--to", "fastpages", cwd=site, check=True)
    text = (site / "_config.yml").read_bytes()
    assert text.startswith(original)  # comments, order and both exclude: keys, untouched
    assert text[len(original):].decode() == "\n# nb2post: notebooks to posts (added by `nb2post init`)\nnb2post:\n  target: fastpages\n"
    settings = config.load(site)
    assert settings.target == "fastpages" and settings.site_config["exclude"] == ["settings.ini"]
    # changing the target later edits that one line, duplicates still kept
    run_cli("init", "--no-workflow", "--to", "jekyll", cwd=site, check=True)
    assert (site / "_config.yml").read_bytes() == text.replace(b"target: fastpages", b"target: jekyll")


def test_init_keeps_a_byte_order_mark_and_fills_an_empty_section(tmp_path):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "_config.yml").write_bytes("\ufefftitle: t\nnb2post:\nexclude: [a]\nexclude: [b]\n".encode("utf-8"))
    run_cli("init", "--no-workflow", cwd=site, check=True)
    assert (site / "_config.yml").read_bytes() == "\ufefftitle: t\nnb2post:\n  target: jekyll\nexclude: [a]\nexclude: [b]\n".encode("utf-8")


# --- the nb2post: section is checked -------------------------------------------------------------------

@pytest.mark.parametrize("key, near", [("targt", "target"), ("badge", "badges"), ("post_dir", "posts_dir"), ("image_dir", "images_dir")])
def test_an_unknown_setting_is_a_warning_naming_the_nearest(tmp_path, key, near):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text(f"title: t\nnb2post:\n  badges: false\n  {key}: x\n")
    nb = _notebook(site)
    done = run_cli("convert", str(nb), cwd=site)
    assert done.returncode == 0
    line = next(line for line in done.stderr.splitlines() if f"{key}:" in line)
    assert str(site / "_config.yml") in line and f"did you mean '{near}'" in line


def test_an_unknown_setting_near_nothing_lists_the_settings_instead_of_a_guess(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: t\nnb2post:\n  badges: false\n  frobnicate: x\n")
    done = run_cli("convert", str(_notebook(site)), cwd=site)
    assert done.returncode == 0
    [line] = [line for line in done.stderr.splitlines() if "frobnicate" in line]
    assert "did you mean" not in line, line
    assert "frobnicate: is not a setting nb2post knows; ignored (known settings: target, posts_dir, " in line, line


def test_a_setting_of_the_wrong_type_is_an_error_naming_file_and_key(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: t\nnb2post:\n  liquid_in_prose: maybe\n")
    nb = _notebook(site)
    done = run_cli("convert", str(nb), cwd=site)
    assert done.returncode == 2 and not (site / "_posts").exists()
    assert done.stderr.strip() == f"error: {site / '_config.yml'}: nb2post: liquid_in_prose: must be true or false, got 'maybe'"
    (site / "_config.yml").write_text("title: t\nnb2post:\n  front_matter: [layout, post]\n")
    assert "nb2post: front_matter: must be 'key: value' settings" in run_cli("convert", str(nb), cwd=site).stderr
    (site / "_config.yml").write_text("title: t\nnb2post:\n  posts_dir: 12\n")
    assert "nb2post: posts_dir: must be text, got 12" in run_cli("convert", str(nb), cwd=site).stderr


def test_a_site_with_config_yaml_instead_of_yml(tmp_path):
    (tmp_path / "_config.yaml").write_text("url: https://example.org\nnb2post:\n  posts_dir: _articles\n")
    assert config.load(tmp_path).posts_dir == "_articles"
    assert "_articles" in config.raw_section(tmp_path)


def test_an_unknown_target_names_the_file(tmp_path):
    (tmp_path / "_config.yml").write_text("nb2post:\n  target: fastpage\n")
    with pytest.raises(config.ConfigError, match=r"_config.yml: nb2post: target: unknown target 'fastpage'; choose one of: jekyll, fastpages"):
        config.load(tmp_path)


def test_every_setting_the_readme_documents_is_known_and_none_is_warned_about(tmp_path):
    """Settings read by other modules (urls: jekyll, the brief: mastodon_instance) must be known here, or
    users who set them get an 'unknown setting' warning; the README's settings table lists exactly these."""
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Site settings", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert documented == set(config.KNOWN_SETTINGS), documented ^ set(config.KNOWN_SETTINGS)
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text(
        "title: t\nnb2post:\n  badges: false\n  jekyll: 4\n  mastodon_instance: sigmoid.social\n"
        "  theme: minima\n  notebooks_dir: _notebooks\n  commit_message: 'Post: $titles'\n")
    done = run_cli("convert", str(_notebook(site)), cwd=site)
    assert done.returncode == 0, done.stderr
    assert "is not a setting nb2post knows" not in done.stderr, done.stderr
