"""Each message at its level, as the real command prints it: facts about the notebook or the site that need
no fix (the theme chosen, an old nbformat read, a repository whose remote is not hosted) are `note:` lines
shown with -v only (the theme choice also once without it, when it changes) — never `warning:` on every
run — and -q keeps even -v quiet."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import cell, make_site, run_cli, write_notebook


def _runs(site: Path) -> dict[str, list[str]]:
    """stderr lines of a plain, a -v and a -q -v convert of the site (each a real run; --force rewrites)."""
    return {
        name: run_cli("convert", "--force", "-j", "1", *flags, cwd=site, check=True).stderr.splitlines()
        for name, flags in (("plain", ()), ("verbose", ("-v",)), ("quiet", ("-q", "-v")))
    }


def _assert_note_only_with_v(runs: dict[str, list[str]], text: str) -> str:
    """The one `note:` line holding ``text`` in the -v run; nothing holding it in the others."""
    for name in ("plain", "quiet"):
        assert not [line for line in runs[name] if text in line], (name, runs[name])
    said = [line for line in runs["verbose"] if text in line]
    assert len(said) == 1 and said[0].startswith("note: "), runs["verbose"]
    return said[0]


def test_the_theme_choice_is_a_note_and_names_the_gems_file_as_the_themes(tmp_path):
    if not list(Path("/usr/share/rubygems-integration/all/gems").glob("minima-[0-9]*")):
        raise AssertionError("Debian's minima gem is not installed: run scripts/test.sh, which installs it")
    site = make_site(tmp_path / "site", strict=False, extra_config="nb2post:\n  badges: false\n")
    for name in ("2024-05-01-a", "2024-05-02-b"):  # two posts: the site's note still said once
        write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("markdown", "# Euler\n\nWe have $e^{i\\pi} = -1$.")])
    # said once without -v, by the first run (nb2post has not said this theme choice before), then only with -v
    first = run_cli("convert", "-j", "1", cwd=site, check=True).stderr.splitlines()
    assert [line.startswith("note: ") for line in first if "theme minima" in line] == [True], first
    line = _assert_note_only_with_v(_runs(site), "theme minima")
    assert line.startswith(f"note: {site / '_config.yml'}: theme minima (theme: minima; read from "), line
    # page.comments is read by minima's own include, a file of the gem and not of the site
    assert "page.comments in the theme's _includes/disqus_comments.html" in line, line
    assert not (site / "_includes").exists()


def test_an_old_nbformat_upgraded_is_a_note(tmp_path, corpus):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    (site / "_notebooks").mkdir()
    for major in (2, 3):
        shutil.copyfile(corpus / "jupyter__nbformat" / f"test{major}.ipynb", site / "_notebooks" / f"2024-05-0{major}-v{major}.ipynb")
    runs = _runs(site)
    for major in (2, 3):
        line = _assert_note_only_with_v(runs, f"upgraded from nbformat {major} to 4")
        assert line == f"note: _notebooks/2024-05-0{major}-v{major}.ipynb: upgraded from nbformat {major} to 4", line


def test_a_repository_without_a_hosted_remote_is_a_note_with_badges_on(tmp_path):
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-05-01-a.ipynb", [cell("markdown", "# T\n\nText.")])
    line = _assert_note_only_with_v(_runs(site), "has no git remote")  # not a repository at all
    assert line.startswith(f"note: the repository of {site} has no git remote; no Colab/Binder/GitHub badges"), line
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "remote", "add", "origin", str(bare)], check=True)
    line = _assert_note_only_with_v(_runs(site), "has a remote that is not a hosted repository")
    assert line.startswith(f"note: the repository of {site} has a remote that is not a hosted repository"), line
