"""Everything nb2post itself writes into a post (marker, badges, banner, image links) is Liquid-safe."""
from __future__ import annotations

import base64

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
