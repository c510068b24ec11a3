"""Hand edits to nb2post's posts are seen at once; no post takes a URL the site publishes already; a post
whose images were deleted is rewritten. (Issue 20, items 2, 3 and 8: real git repositories, real sites.)"""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import cell, make_site, png, run_cli, write_notebook

NOTEBOOK = "_notebooks/2024-03-01-note.ipynb"
POST = "_posts/2024-03-01-note.md"


def blog(tmp_path: Path, extra_config: str = "", cells: list | None = None) -> Path:
    """A site in a git repository with one notebook converted and committed."""
    site = make_site(tmp_path / "blog", extra_config=extra_config)
    write_notebook(site / NOTEBOOK, cells or [cell("markdown", "# Note\n> About it\n\nSome prose."),
                                              cell("code", "print(1)")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    run_cli("convert", "-q", cwd=site, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "posts"], cwd=site, check=True)
    return site


def edit_middle(post: Path) -> str:
    text = post.read_text(encoding="utf-8").replace("Some prose.", "Some prose, with a typo fixed.")
    post.write_text(text, encoding="utf-8")
    return text


def append_line(post: Path) -> str:
    text = post.read_text(encoding="utf-8") + "\nA footer added by hand.\n"
    post.write_text(text, encoding="utf-8")
    return text


EDITS = {"in the middle": edit_middle, "after the marker": append_line}


def test_a_hand_edit_anywhere_is_seen_at_once_refused_and_replaced_by_force(tmp_path):
    for where, edit in EDITS.items():
        site = blog(tmp_path / where.replace(" ", "-"))
        post = site / POST
        for _ in range(2):  # the stat cache knows the post, and the second run is answered from its record
            assert run_cli("check", cwd=site).returncode == 0
        edited = edit(post)

        checked = run_cli("check", cwd=site)
        assert checked.returncode == 1, (where, checked.stdout, checked.stderr)
        assert f"edited:  {POST} was edited by hand since nb2post wrote it from {NOTEBOOK}" in checked.stdout, where
        assert f"Fix: nb2post convert --force {NOTEBOOK}" in checked.stdout, where
        assert "missing:" not in checked.stdout, where

        refused = run_cli("convert", cwd=site)
        assert refused.returncode == 1, (where, refused.stderr)
        errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
        assert errors == [f"error: {site / POST}: was edited by hand; not overwritten. Move your changes into "
                          f"{NOTEBOOK} or run again with --force to replace the post"], (where, refused.stderr)
        assert post.read_text(encoding="utf-8") == edited, where

        forced = run_cli("convert", "--force", cwd=site)
        assert forced.returncode == 0, (where, forced.stderr)
        assert "by hand" not in post.read_text(encoding="utf-8") and "typo" not in post.read_text(encoding="utf-8")
        after = run_cli("check", cwd=site)
        assert after.returncode == 0, (where, after.stdout)


def test_whitespace_after_the_marker_is_no_edit(tmp_path):
    site = blog(tmp_path)
    post = site / POST
    post.write_text(post.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # an editor's trailing newline
    assert run_cli("check", cwd=site).returncode == 0
    assert run_cli("convert", cwd=site).returncode == 0
