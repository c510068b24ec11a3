"""Everything nb2post itself writes into a post (marker, badges, banner, image links) is Liquid-safe."""
from __future__ import annotations

import base64

import pytest

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import init_repo, make_fastpages_site

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HOSTILE_NAMES = ("2024-05-01-{% raw %}.ipynb", "{{x}}.ipynb", "2024-05-03-a--b-->{%c%}.ipynb", "2024-05-04-}}{{.ipynb")


def _hostile_notebooks(site):
    folder = site / "_notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "{% p %}.png").write_bytes(PNG)
    paths = []
    for name in HOSTILE_NAMES:
        paths.append(
            write_notebook(
                folder / name,
                [
                    cell("raw", "---\ndate: 2024-05-02\n---") if not name[0].isdigit() else cell("markdown", "Intro"),
                    cell(
                        "markdown",
                        "Pasted ![{{alt}} {% x %}](attachment:{{a}}.png) and ![local](<{% p %}.png>)",
                        attachments={"{{a}}.png": {"image/png": base64.b64encode(PNG).decode()}},
                    ),
                    cell("code", "1", outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/png": base64.b64encode(PNG).decode()}}]),
                ],
            )
        )
    return paths


def _convert_build_and_recheck(site):
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    out = jekyll_build(site)
    # the marker still names its notebook: the posts are current, nothing is rewritten or orphaned
    again = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert again.returncode == 0 and "written" not in again.stdout.replace("0 written", ""), again.stdout
    checked = run_cli("check", "--site", str(site), str(site / "_notebooks"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return out


def test_hostile_file_names_and_remote_build_in_a_strict_liquid_site(tmp_path):
    site = make_site(tmp_path / "site")
    init_repo(site, remote="https://github.com/o{{w}}n/r{%e%}po.git")
    _hostile_notebooks(site)
    out = _convert_build_and_recheck(site)
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert len(pages) == len(HOSTILE_NAMES)
    for page in pages:
        assert "o%7B%7Bw%7D%7Dn/r%7B%25e%25%7Dpo" in page, "the badge links keep the remote, encoded"
        assert "{{alt}} {% x %}" in page, "the alt text shows literally"


def test_hostile_file_names_build_in_a_fastpages_site(tmp_path):
    site = make_fastpages_site(tmp_path / "site", extra_config="liquid:\n  error_mode: strict\n  strict_filters: true\n")
    init_repo(site, remote="https://github.com/octo-org/nb-blog.git")
    _hostile_notebooks(site)
    out = _convert_build_and_recheck(site)
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html") if "post-content" in p.read_text(encoding="utf-8")]
    assert len(pages) == len(HOSTILE_NAMES)
    assert any("file to edit: _notebooks/2024-05-01-{% raw %}.ipynb" in page for page in pages)


RWL_SOURCES = {
    "title-cell": dict(cells=[cell("markdown", "# Plain\n- render_with_liquid: false")]),
    "yaml-cell": dict(cells=[cell("raw", "---\ntitle: Plain\nrender_with_liquid: false\n---")]),
    "metadata": dict(cells=[], nb2post={"title": "Plain", "render_with_liquid": False}),
}


def test_render_with_liquid_false_writes_no_escapes_and_baseurl_paths(tmp_path):
    site = make_site(tmp_path / "site", extra_config="baseurl: /blog\n")
    (site / "Gemfile.lock").write_text("GEM\n  specs:\n    jekyll (4.3.1)\n", encoding="utf-8")
    for name, spec in RWL_SOURCES.items():
        body = [
            cell("markdown", "Prose {{ x }} and {% raw %}\n\n![p](attachment:a.png)", attachments={"a.png": {"image/png": base64.b64encode(PNG).decode()}}),
            cell("code", 'print("{{ y }}")', outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/png": base64.b64encode(PNG).decode()}}]),
        ]
        extra = {k: v for k, v in spec.items() if k != "cells"}
        write_notebook(site / "_notebooks" / f"2024-05-01-{name}.ipynb", spec["cells"] + body, **extra)
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert done.returncode == 0, done.stderr
    assert "'render_with_liquid: false'" not in done.stderr, "the site pins Jekyll 4: nothing to warn about"
    out = jekyll_build(site)
    for name in RWL_SOURCES:
        post = (site / "_posts" / f"2024-05-01-{name}.md").read_text(encoding="utf-8")
        assert '{{ "{" }}' not in post.split("<!-- nb2post:")[0] and "relative_url" not in post
        page = next(out.rglob(f"{name}.html")).read_text(encoding="utf-8")
        assert "Prose {{ x }} and {% raw %}" in page and "{{ y }}" in page
        sources = [part.split('"')[0] for part in page.split('<img src="')[1:]]
        assert len(sources) == 2 and all(src.startswith(f"/blog/assets/images/2024-05-01-{name}/") for src in sources)
        assert all((out / src[len("/blog/") :]).is_file() for src in sources)


def test_render_with_liquid_false_on_a_jekyll_3_site_keeps_the_escapes_and_warns(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "Gemfile").write_text('source "https://rubygems.org"\ngem "github-pages", group: :jekyll_plugins\n', encoding="utf-8")
    write_notebook(site / "_notebooks" / "2024-05-01-x.ipynb", RWL_SOURCES["title-cell"]["cells"] + [cell("code", "{{ y }}")])
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert done.returncode == 0 and "ignored by Jekyll 3.x" in done.stderr and "2024-05-01-x.ipynb" in done.stderr
    assert '{{ "{" }}{ y }}' in (site / "_posts" / "2024-05-01-x.md").read_text(encoding="utf-8")
    jekyll_build(site)  # Jekyll 4 here; the point is that the post is right whichever Jekyll renders it


def test_render_with_liquid_false_without_a_known_jekyll_warns_about_jekyll_3(tmp_path):
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-05-01-x.ipynb", RWL_SOURCES["yaml-cell"]["cells"] + [cell("code", "{{ y }}")])
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert done.returncode == 0 and "Jekyll 3.x" in done.stderr and "2024-05-01-x.ipynb" in done.stderr
    assert "{{ y }}" in (site / "_posts" / "2024-05-01-x.md").read_text(encoding="utf-8")


LIQUID = '{{x}} {% y %} {%- endraw -%}'


def _liquid_everywhere():
    png = base64.b64encode(PNG).decode()
    shown = [{"output_type": "display_data", "metadata": {}, "data": data} for data in (
        {"text/html": LIQUID}, {"text/markdown": f"**{LIQUID}**"}, {"text/latex": f"$${LIQUID}$$"},
        {"application/javascript": LIQUID}, {"application/x-unknown-{{x}}": LIQUID},
        {"application/vnd.vegalite.v4+json": {"title": LIQUID}}, {"application/vnd.jupyter.widget-view+json": {"model_id": "m"}},
    )]
    return [
        cell("markdown", f"# T {LIQUID}\n> S {LIQUID}\n- image: {LIQUID}\n- toc: true"),
        cell("markdown", f"## H {LIQUID}\n\n![a {LIQUID}](attachment:{LIQUID}.png)\n\n> Note: {LIQUID}\n\n$${LIQUID}$$\n\n| {LIQUID} | b |\n|---|---|\n| 1 | 2 |",
             attachments={f"{LIQUID}.png": {"image/png": png}}),
        cell("code", f"%%html\n{LIQUID}", outputs=shown + [
            {"output_type": "error", "ename": LIQUID, "evalue": LIQUID, "traceback": []},
            {"output_type": "stream", "name": "stdout", "text": LIQUID}]),
        cell("code", f"#collapse-output\n{LIQUID}", outputs=[{"output_type": "stream", "name": "stdout", "text": LIQUID}]),
        cell("raw", LIQUID), cell("raw", LIQUID, metadata={"raw_mimetype": "text/html"}),
    ]


def test_liquid_in_every_field_and_output_kind_builds_in_strict_sites(tmp_path):
    strict = "liquid:\n  error_mode: strict\n  strict_filters: true\n"
    for site in (make_site(tmp_path / "jekyll"), make_fastpages_site(tmp_path / "fastpages", extra_config=strict)):
        init_repo(site, remote="https://github.com/octo-org/nb-blog.git")
        write_notebook(
            site / "_notebooks" / "2024-01-01-a.ipynb", _liquid_everywhere(),
            kernelspec={"language": LIQUID, "name": "x"}, nb2post={"author": LIQUID},
            widgets={"application/vnd.jupyter.widget-state+json": {"state": {"m": {"x": LIQUID}}}},
        )
        run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
        page = next(jekyll_build(site).rglob("a.html")).read_text(encoding="utf-8")
        assert page.count("{% y %}") >= 8, "the Liquid-looking text shows literally, in prose, code and outputs"


@pytest.mark.parametrize("kind", ["posts", "post"])
def test_render_with_liquid_false_from_the_sites_defaults(tmp_path, kind):
    """Jekyll reads the scope 'type: post' as 'posts' too (urls.front_matter_defaults, the one reader of
    defaults:): Liquid is off, so the post carries no escapes for the reader to see."""
    defaults = f"defaults:\n  - scope: {{path: '', type: {kind}}}\n    values: {{render_with_liquid: false}}\n"
    site = make_site(tmp_path / "site", extra_config=defaults)
    (site / "Gemfile.lock").write_text("GEM\n  specs:\n    jekyll (4.3.1)\n", encoding="utf-8")
    write_notebook(site / "_notebooks" / "2024-05-01-x.ipynb", [cell("markdown", "Prose {{ x }}"), cell("code", "print('{{ y }}')")])
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    page = next(jekyll_build(site).rglob("x.html")).read_text(encoding="utf-8")
    assert "Prose {{ x }}" in page and "{{ y }}" in page and '"{"' not in page.split("<!-- nb2post")[0]


@pytest.mark.parametrize("declared", ["nb2post-jekyll-3", "root-gemfile"])
def test_render_with_liquid_false_follows_the_jekyll_the_site_declares_anywhere(tmp_path, declared):
    """One reader of which Jekyll builds the site (urls.site_jekyll): 'nb2post: jekyll: 3' or a Gemfile at
    the repository root (the site in docs/) make it Jekyll 3, which ignores the key: the escapes stay."""
    repo = tmp_path / "repo"
    site = make_site(repo / "docs", extra_config="nb2post:\n  jekyll: 3\n" if declared == "nb2post-jekyll-3" else "")
    init_repo(repo)
    if declared == "root-gemfile":
        (repo / "Gemfile").write_text('source "https://rubygems.org"\ngem "github-pages", group: :jekyll_plugins\n', encoding="utf-8")
    write_notebook(site / "_notebooks" / "2024-05-01-x.ipynb", RWL_SOURCES["title-cell"]["cells"] + [cell("code", "{{ y }}")])
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"))
    assert done.returncode == 0, done.stderr
    assert "ignored by Jekyll 3.x" in done.stderr and "needs Jekyll 4" not in done.stderr, done.stderr
    assert '{{ "{" }}{ y }}' in (site / "_posts" / "2024-05-01-x.md").read_text(encoding="utf-8")

