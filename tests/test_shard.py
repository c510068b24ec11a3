"""`nb2post convert --shard K/N` and the sharded GitHub Actions workflow (templates/workflow_sharded.yml).

GitHub cannot run here: the workflow's own `run:` scripts are run with bash, job by job, against a real
bare remote, with the artifact upload and download done by copying the folder the workflow names."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cell, make_site, run_cli, write_notebook

from nb2post.convert import in_shard, parse_shard

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "templates" / "workflow_sharded.yml"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def notebook(site: Path, name: str, text: str) -> Path:
    return write_notebook(site / "_notebooks" / name, [cell("markdown", f"# {text}\n> About {text}"), cell("code", "print(1)")])


def would_write(site: Path, *args: str) -> set[str]:
    done = run_cli("convert", "--dry-run", *args, cwd=site)
    assert done.returncode == 0, done.stderr
    return {line.split(" ", 2)[2] for line in done.stdout.splitlines() if line.startswith("would write _posts/")}


def test_shards_split_the_notebooks_exactly_once(tmp_path):
    site = make_site(tmp_path / "blog", extra_config="nb2post:\n  badges: false\n")
    for index in range(12):
        notebook(site, f"2024-01-{index + 1:02d}-note-{index}.ipynb", f"Note {index}")
    everything = would_write(site)
    assert len(everything) == 12
    parts = [would_write(site, "--shard", f"{k}/3") for k in (1, 2, 3)]
    assert set().union(*parts) == everything
    assert sum(len(part) for part in parts) == 12  # disjoint
    assert all(parts)  # twelve notebooks do not all hash into one shard
    assert would_write(site, "--shard", "1/1") == everything


def test_the_shard_of_a_notebook_is_fixed():
    # the same on every machine, Python and run: sha256 of the notebook's key, not hash()
    assert [k for k in range(1, 5) if in_shard("_notebooks/2024-01-01-a.ipynb", (k, 4))] == [
        int.from_bytes(__import__("hashlib").sha256(b"_notebooks/2024-01-01-a.ipynb").digest()[:8], "big") % 4 + 1]
    assert parse_shard("2/4") == (2, 4)
    for wrong in ("0/4", "5/4", "1", "a/b", "1/0"):
        with pytest.raises(ValueError):
            parse_shard(wrong)


def test_wrong_shard_is_a_usage_error(tmp_path):
    site = make_site(tmp_path / "blog")
    done = run_cli("convert", "--shard", "5/4", cwd=site)
    assert done.returncode == 2 and "--shard" in done.stderr and "between 1 and N" in done.stderr


def test_sharded_workflow_passes_actionlint(tmp_path):
    if shutil.which("actionlint") is None or shutil.which("shellcheck") is None:
        pytest.fail("actionlint and shellcheck are needed: run scripts/test.sh")
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    shutil.copy(WORKFLOW, folder / "nb2post.yml")
    done = subprocess.run(["actionlint", "-shellcheck", shutil.which("shellcheck"), str(folder / "nb2post.yml")],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def run_steps(job: dict, cwd: Path, env: dict) -> None:
    """The job's `run:` steps with bash, as the runner runs them; `uses:` steps are done by the caller,
    and nb2post is already installed."""
    for step in job["steps"]:
        if "run" not in step or step.get("name") == "Install nb2post":
            continue
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=cwd, env={**env, **{
            k: v for k, v in step.get("env", {}).items() if "${{" not in str(v)}}, capture_output=True, text=True)
        assert done.returncode == 0, f"step {step.get('name')!r}:\n{done.stdout}\n{done.stderr}"


def test_the_matrix_converts_every_shard_and_one_job_commits_them(tmp_path):
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load(WORKFLOW.read_text())
    shards = workflow["jobs"]["convert"]["strategy"]["matrix"]["shard"]
    assert workflow["env"]["SHARDS"] == len(shards)

    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    # permalink without the date: re-dating a post renames it without moving its URL (a move is refused)
    site = make_site(tmp_path / "work", extra_config="permalink: /:title/\nnb2post:\n  badges: false\n")
    git(site, "init", "-q", "-b", "main")
    for index in range(10):
        notebook(site, f"2024-02-{index + 1:02d}-note-{index}.ipynb", f"Note {index}")
    run_cli("convert", "-q", cwd=site, check=True)
    git(site, "add", "-A")
    git(site, "commit", "-qm", "posts")
    git(site, "remote", "add", "origin", str(remote))
    git(site, "push", "-q", "origin", "main")
    # the push the workflow reacts to: edits, a new notebook, and one whose date (so its post's name) changed:
    # that shard removes the old post, and the patch carries the removal
    notebook(site, "2024-02-01-note-0.ipynb", "Note 0, revised")
    notebook(site, "2024-02-05-note-4.ipynb", "Note 4, revised")
    notebook(site, "2024-03-01-new.ipynb", "New")
    write_notebook(site / "_notebooks" / "2024-02-09-note-8.ipynb", [cell("markdown", "# Note 8\n> About 8")],
                   nb2post={"date": "2024-03-09"})  # the front matter's date wins over the file name's
    git(site, "add", "-A")
    git(site, "commit", "-qm", "notebooks")
    git(site, "push", "-q", "origin", "main")

    env = {**os.environ, **{k: str(v) for k, v in workflow["env"].items()}}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    for shard in shards:  # the matrix: one fresh checkout per job
        checkout = tmp_path / f"shard-{shard}"
        git(tmp_path, "clone", "-q", str(remote), str(checkout))
        temp = tmp_path / f"runner-temp-{shard}"
        temp.mkdir()
        run_steps(workflow["jobs"]["convert"], checkout, {**env, "SHARD": str(shard), "RUNNER_TEMP": str(temp)})
        for patch in (temp / "shard").iterdir():  # upload-artifact, then download-artifact with merge-multiple
            shutil.copy(patch, artifacts / patch.name)
    assert len(list(artifacts.iterdir())) == len(shards)

    final = tmp_path / "final"
    git(tmp_path, "clone", "-q", str(remote), str(final))
    temp = tmp_path / "runner-temp-commit"
    shutil.copytree(artifacts, temp / "shards")
    run_steps(workflow["jobs"]["commit"], final, {**env, "RUNNER_TEMP": str(temp)})

    check = tmp_path / "check"
    git(tmp_path, "clone", "-q", str(remote), str(check))
    assert git(check, "log", "-1", "--format=%s").strip() == "Posts from notebooks (nb2post, 4 shards)"
    done = run_cli("check", cwd=check)
    assert done.returncode == 0, done.stdout + done.stderr
    posts = {p.name for p in (check / "_posts").iterdir()}
    assert "2024-03-01-new.md" in posts and "2024-03-09-note-8.md" in posts
    assert "2024-02-09-note-8.md" not in posts  # the old post of the re-dated notebook is gone
    assert "Note 0, revised" in (check / "_posts" / "2024-02-01-note-0.md").read_text()
