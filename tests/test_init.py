"""`nb2post init`: settings, workflow and hook for a new site; the user's file is kept; re-running changes nothing."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import run_cli

from nb2post import config

USER_CONFIG = """\
# My blog -- hand written
title: "My   blog"   # quoted, odd spacing
description: >-
  A long description that goes on and on and on and on and on and on and on and on and on and on and on
plugins:
  - jekyll-feed   # feeds
  - 'jekyll-seo-tag'
exclude: [drafts, scratch]
defaults:
  - scope:
      path: ""
    values:
      layout: post

# trailing comment
"""


def blog(tmp_path: Path, text: str = USER_CONFIG) -> Path:
    site = tmp_path / "blog"
    site.mkdir()
    (site / "_config.yml").write_text(text)
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    return site


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".git/objects" not in p.as_posix()}


def test_init_adds_settings_workflow_and_hook_keeping_the_users_config(tmp_path):
    site = blog(tmp_path)
    done = run_cli("init", "--hook", "check", cwd=site, check=True)
    assert "wrote _config.yml" in done.stdout
    assert "wrote .github/workflows/nb2post.yml" in done.stdout
    assert "wrote .git/hooks/pre-push" in done.stdout
    text = (site / "_config.yml").read_text()
    assert text.startswith(USER_CONFIG)  # every byte the user wrote, in place
    assert text[len(USER_CONFIG):] == "\n# nb2post: notebooks to posts (added by `nb2post init`)\nnb2post:\n  target: jekyll\n"
    assert config.load(site).target == "jekyll"
    assert "nb2post-managed-hook" in (site / ".git" / "hooks" / "pre-push").read_text()


def test_running_init_again_changes_nothing(tmp_path):
    site = blog(tmp_path)
    run_cli("init", "--hook", "convert", cwd=site, check=True)
    before = snapshot(site)
    done = run_cli("init", "--hook", "convert", cwd=site, check=True)
    assert "wrote" not in done.stdout
    assert done.stdout.count("kept") == 3
    assert snapshot(site) == before


def test_workflow_is_pinned_and_triggered_by_notebook_pushes(tmp_path):
    from ruamel.yaml import YAML

    site = blog(tmp_path)
    run_cli("init", "--action", "someone/nb2post@" + "a" * 40, cwd=site, check=True)
    workflow = YAML(typ="safe", pure=True).load((site / ".github" / "workflows" / "nb2post.yml").read_text())
    trigger = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert trigger["push"]["paths"] == ["**.ipynb"]
    steps = workflow["jobs"]["posts"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref) for ref in uses), uses
    nb2post_step = next(step for step in steps if step.get("id") == "nb2post")
    assert nb2post_step["uses"] == "someone/nb2post@" + "a" * 40
    assert nb2post_step["with"]["site"] == "."
    assert workflow["permissions"] == {"contents": "write"}


def test_site_in_a_subfolder_and_a_changed_target(tmp_path):
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "_config.yml").write_text("title: t\nnb2post:   # mine\n    posts_dir: _posts  # c\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    done = run_cli("init", "--site", "docs", "--to", "fastpages", cwd=repo, check=True)
    assert (repo / "docs" / "_config.yml").read_text() == "title: t\nnb2post:   # mine\n    target: fastpages\n    posts_dir: _posts  # c\n"
    assert "wrote .github/workflows/nb2post.yml" in done.stdout  # at the repository root, not in docs/
    assert "site: 'docs'" in (repo / ".github" / "workflows" / "nb2post.yml").read_text()
    assert config.load(repo / "docs").target == "fastpages"


def test_an_edited_workflow_is_kept(tmp_path):
    site = blog(tmp_path)
    workflow = site / ".github" / "workflows" / "nb2post.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: mine\n")
    done = run_cli("init", cwd=site, check=True)
    assert "kept .github/workflows/nb2post.yml: exists (yours now); not overwritten" in done.stdout
    assert workflow.read_text() == "name: mine\n"


def test_broken_config_is_a_usage_error_and_nothing_is_written(tmp_path):
    site = blog(tmp_path, "title: [unclosed\n")
    done = run_cli("init", cwd=site)
    assert done.returncode == 2
    assert "_config.yml: not valid YAML" in done.stderr
    assert (site / "_config.yml").read_text() == "title: [unclosed\n"
    assert not (site / ".github").exists()


def test_outside_git_only_settings_are_possible(tmp_path):
    site = tmp_path / "plain"
    site.mkdir()
    done = run_cli("init", cwd=site)
    assert done.returncode == 2 and "not inside a git repository" in done.stderr
    run_cli("init", "--no-workflow", cwd=site, check=True)
    assert (site / "_config.yml").read_text().endswith("nb2post:\n  target: jekyll\n")


def test_a_windows_config_keeps_its_line_ends(tmp_path):
    site = blog(tmp_path, "")
    (site / "_config.yml").write_bytes(b"title: t\r\nexclude: [a]\r\n")
    run_cli("init", "--no-workflow", cwd=site, check=True)
    data = (site / "_config.yml").read_bytes()
    assert data.startswith(b"title: t\r\nexclude: [a]\r\n") and b"\nnb2post:\r\n  target: jekyll\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    run_cli("init", "--no-workflow", "--to", "fastpages", cwd=site, check=True)
    assert (site / "_config.yml").read_bytes() == data.replace(b"target: jekyll", b"target: fastpages")
