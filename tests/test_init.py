"""`nb2post init`: settings, workflow and hook for a new site; the user's file is kept; re-running changes nothing."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from nb2post.jekyll import config

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


FASTPAGES_CI = """\
name: CI
on:
  push:
    branches:
      - master
jobs:
  build-site:
    runs-on: ubuntu-latest
    steps:
      - name: Copy Repository Contents
        uses: actions/checkout@main
      - name: convert notebooks and word docs to posts
        uses: fastai/fastpages@master
      - name: Jekyll build
        uses: docker://fastai/fastpages-jekyll
"""


def test_init_on_a_fastpages_blog_warns_that_two_converters_would_run(tmp_path):
    site = blog(tmp_path)
    ci = site / ".github" / "workflows" / "ci.yaml"
    ci.parent.mkdir(parents=True)
    ci.write_text(FASTPAGES_CI)
    done = run_cli("init", "--to", "fastpages", cwd=site, check=True)
    warning = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1, done.stderr
    assert ".github/workflows/ci.yaml runs fastai/fastpages" in warning[0] and "two converters" in warning[0]
    assert "delete its step 'uses: fastai/fastpages@master'" in warning[0]
    assert ci.read_text() == FASTPAGES_CI  # the user's workflow is theirs to change
    done = run_cli("init", "--deploy", "pages", cwd=site, check=True)
    assert "delete .github/workflows/ci.yaml altogether" in done.stderr and "GitHub Actions" in done.stderr
    # once retired, no warning
    ci.write_text(FASTPAGES_CI.replace("        uses: fastai/fastpages@master\n", "        run: echo retired\n"))
    assert "warning" not in run_cli("init", cwd=site, check=True).stderr


def test_deploy_pages_workflow_and_an_untouched_plain_one_is_upgraded(tmp_path):
    from ruamel.yaml import YAML

    site = blog(tmp_path)
    subprocess.run(["git", "-C", str(site), "checkout", "-q", "-b", "blog"], check=True)
    run_cli("init", cwd=site, check=True)  # the plain workflow first, as an earlier nb2post wrote it
    done = run_cli("init", "--deploy", "pages", cwd=site, check=True)
    assert "wrote .github/workflows/nb2post.yml" in done.stdout
    assert "Source to 'GitHub Actions'" in done.stderr  # the one setting only the user can change
    workflow = YAML(typ="safe", pure=True).load((site / ".github" / "workflows" / "nb2post.yml").read_text())
    trigger = workflow[True] if True in workflow else workflow["on"]
    assert trigger["push"]["branches"] == ["blog"]  # the branch checked out: the one Pages publishes
    assert workflow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert list(workflow["jobs"]) == ["posts", "build", "deploy"]
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    uses = [step["uses"].split("@")[0] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
    assert {"actions/configure-pages", "actions/jekyll-build-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    live = next(step for step in workflow["jobs"]["deploy"]["steps"] if step.get("with", {}).get("check-live"))
    assert live["with"]["check-live"] == "true" and live["with"]["convert"] == "false"
    share = workflow["jobs"]["deploy"]["steps"][-1]  # after the live check: share --new, secrets from env only
    assert share["name"] == "Share the new posts" and "nb2post \"${args[@]}\"" in share["run"]
    assert share["env"]["NB2POST_MASTODON_TOKEN"] == "${{ secrets.NB2POST_MASTODON_TOKEN }}"
    assert "${{" not in share["run"]
    # an edited workflow is never replaced
    path = site / ".github" / "workflows" / "nb2post.yml"
    path.write_text(path.read_text() + "# mine\n")
    assert "exists (yours now)" in run_cli("init", "--deploy", "pages", cwd=site, check=True).stdout


def test_a_malformed_action_reference_is_a_usage_error(tmp_path):
    site = blog(tmp_path)
    for bad in ("nb2post", "nb2post/nb2post", "https://github.com/nb2post/nb2post@v1", "a/b@ref; rm -rf /"):
        done = run_cli("init", "--action", bad, cwd=site)
        assert done.returncode == 2 and "expected OWNER/REPO@REF" in done.stderr, (bad, done.stderr)
    assert not (site / ".github").exists()
    run_cli("init", "--action", "me/nb2post-fork@" + "b" * 40, cwd=site, check=True)


def test_the_action_repository_is_one_setting_used_everywhere():
    """init's default, the README, the pre-commit docs and the package's URLs name the same repository."""
    from importlib.metadata import metadata

    from nb2post import __version__
    from nb2post.init import ACTION_REPOSITORY, PROJECT_URL, default_action

    root = Path(__file__).resolve().parents[1]
    assert default_action() == f"{ACTION_REPOSITORY}@v{__version__}"
    # as the installed package declares them (what PyPI shows; tomllib, to read pyproject.toml, is 3.11+)
    urls = dict(entry.split(", ", 1) for entry in metadata("nb2post").get_all("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues"}, urls
    assert all(url.startswith(PROJECT_URL) for url in urls.values()), urls
    hooks = (root / ".pre-commit-hooks.yaml").read_text()
    assert f"repo: {PROJECT_URL}" in hooks and "OWNER" not in hooks
    readme = (root / "README.md").read_text()
    assert f"uses: {ACTION_REPOSITORY}@" in readme and f"repo: {PROJECT_URL}" in readme
    assert "OWNER/nb2post" not in readme


def test_shell_completion_as_the_readme_documents_it(tmp_path):
    import os
    import shutil

    nb2post = shutil.which("nb2post")
    assert nb2post, "nb2post is not installed in this environment"
    script = subprocess.run([nb2post], env={**os.environ, "_NB2POST_COMPLETE": "bash_source"}, capture_output=True, text=True)
    assert "complete -o nosort -F _nb2post_completion nb2post" in script.stdout
    env = {**os.environ, "_NB2POST_COMPLETE": "bash_complete", "COMP_WORDS": "nb2post init --dep", "COMP_CWORD": "2"}
    done = subprocess.run([nb2post], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.split() == ["plain,--deploy"]


def test_init_names_the_posts_fastpages_wrote_and_how_to_take_them_over(tmp_path):
    from conftest import cell, write_notebook

    site = blog(tmp_path)
    posts = site / "_posts"
    posts.mkdir()
    # as fastpages' converter wrote it (front matter read by python-frontmatter: YAML 1.1, like Jekyll)
    (posts / "2020-02-20-test.md").write_text(
        "---\nkeywords: fastai\ndescription: A test\ntitle: Test\ntoc: no\nnb_path: _notebooks/2020-02-20-test.ipynb\n"
        "layout: notebook\n---\n\n<!--\n#################################################\n### THIS FILE WAS AUTOGENERATED! DO NOT EDIT! ###\n-->\nbody\n")
    (posts / "2020-01-01-hand-written.md").write_text("---\ntitle: Mine\n---\nhello\n")
    (posts / "2020-01-02-broken.md").write_text("---\ntitle: [unclosed\n---\nhello\n")
    write_notebook(site / "_notebooks" / "2024-01-01-new.ipynb", [cell("markdown", "# New\n> summary")])
    run_cli("init", "--to", "fastpages", cwd=site, check=True)
    run_cli("convert", cwd=site, check=True)  # nb2post's own fastpages post has nb_path too, and its marker
    assert "nb_path:" in (posts / "2024-01-01-new.md").read_text()
    done = run_cli("init", cwd=site, check=True)
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, done.stderr
    assert "_posts/ holds 1 post with fastpages' nb_path: but no banner naming its notebook (e.g. 2020-02-20-test.md)" in warnings[0]
    assert "take it over with `nb2post convert --adopt`" in warnings[0] and "--force" not in warnings[0]


_BANNER = "<!--\n#################################################\n### THIS FILE WAS AUTOGENERATED! DO NOT EDIT! ###\n" \
          "#################################################\n# file to edit: {nb}\n-->\n"


def test_what_init_says_of_fastpages_posts_is_what_convert_then_does(tmp_path):
    from conftest import cell, write_notebook

    site = blog(tmp_path)
    posts = site / "_posts"
    posts.mkdir()
    front = "---\ntitle: {t}\nnb_path: _notebooks/{n}.ipynb\nlayout: notebook\n---\n\n"
    (posts / "2020-02-20-banner.md").write_text(front.format(t="Banner", n="2020-02-20-banner")
                                               + _BANNER.format(nb="_notebooks/2020-02-20-banner.ipynb") + "old body\n")
    (posts / "2020-02-21-plain.md").write_text(front.format(t="Plain", n="2020-02-21-plain") + "old body\n")
    for name in ("2020-02-20-banner", "2020-02-21-plain"):
        write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("markdown", f"# {name}\n> summary"), cell("markdown", "new body")])
    done = run_cli("init", "--to", "fastpages", "--no-workflow", cwd=site, check=True)
    [warning] = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert ("_posts/ holds 1 post that fastpages converted from notebooks (e.g. 2020-02-20-banner.md): `nb2post convert` "
            "replaces each with its own post when it converts the notebook the post's banner names (no flag needed") in warning
    assert ("_posts/ holds 1 post with fastpages' nb_path: but no banner naming its notebook (e.g. 2020-02-21-plain.md): "
            "`nb2post convert` keeps it and reports 'not written by nb2post'") in warning
    converted = run_cli("convert", cwd=site)
    assert converted.returncode == 1
    assert converted.stdout.splitlines() == ["_posts/2020-02-20-banner.md"]  # taken over, no flag
    assert "old body" not in (posts / "2020-02-20-banner.md").read_text()
    assert "2020-02-21-plain.md: was not written by nb2post;" in converted.stderr
    assert (posts / "2020-02-21-plain.md").read_text().endswith("old body\n")
    # what the warning says takes it over (its own text is kept safe: here the notebook says it anew)
    adopted = run_cli("convert", "--adopt", "--replace-owner-text", cwd=site, check=True)
    assert adopted.stdout.splitlines() == ["_posts/2020-02-21-plain.md"], adopted.stderr
    assert "new body" in (posts / "2020-02-21-plain.md").read_text()


def test_init_sharded_writes_the_sharded_workflow_for_this_site_and_branch_and_actionlint_passes(tmp_path):
    import shutil

    from nb2post import __version__

    for tool in ("actionlint", "shellcheck"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: run scripts/test.sh (it installs the test extras and shellcheck)")
    repo = tmp_path / "repo"
    (repo / "blog").mkdir(parents=True)
    (repo / "blog" / "_config.yml").write_text(USER_CONFIG)
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(repo)], check=True)
    done = run_cli("init", "--site", "blog", "--sharded", cwd=repo, check=True)
    assert "wrote .github/workflows/nb2post.yml" in done.stdout
    workflow = repo / ".github" / "workflows" / "nb2post.yml"
    text = workflow.read_text()
    assert "  SITE: 'blog'  # the Jekyll site folder" in text and "    branches: ['trunk']\n" in text
    assert f"python -m pip install 'nb2post=={__version__}'" in text
    assert 'nb2post convert --site "$SITE" --shard "$SHARD/$SHARDS"' in text  # the template's shell, unchanged
    lint = subprocess.run(["actionlint", "-shellcheck", shutil.which("shellcheck"), str(workflow)], cwd=repo,
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "kept .github/workflows/nb2post.yml: already written" in run_cli("init", "--site", "blog", "--sharded", cwd=repo, check=True).stdout
    for other in (("--deploy", "pages"), ("--no-workflow",), ("--notebooks", "x/**/*.ipynb")):
        refused = run_cli("init", "--site", "blog", "--sharded", *other, cwd=repo)
        assert refused.returncode == 2 and refused.stderr.startswith("error: "), refused.stderr
    assert workflow.read_text() == text
