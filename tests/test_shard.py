"""`nb2post convert --shard K/N` and the sharded GitHub Actions workflow (templates/workflow_sharded.yml).

GitHub cannot run here. The workflow is run twice against a real bare remote: its own `run:` scripts with
bash, job by job, with the artifact upload and download done by copying the folder the workflow names; and
whole by act (host mode, offline), whose matrix runs the four shard jobs, with the remote actions mapped
onto local stand-ins (tests/act_stubs)."""
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


def pushed_site(tmp_path: Path, broken: str = "") -> tuple[Path, Path, str]:
    """A site with ten converted notebooks and the sharded workflow, pushed to a bare remote, then the push
    the workflow reacts to: two edits, a new notebook, and one whose date (so its post's name) changed - its
    shard removes the old post, and the patch carries the removal - and, if named, a `broken` notebook
    (not JSON). Returns (site, remote, pushed sha)."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    # permalink without the date: re-dating a post renames it without moving its URL (a move is refused)
    site = make_site(tmp_path / "work", extra_config="permalink: /:title/\nnb2post:\n  badges: false\n")
    (site / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, site / ".github" / "workflows" / "nb2post.yml")
    git(site, "init", "-q", "-b", "main")
    for index in range(10):
        notebook(site, f"2024-02-{index + 1:02d}-note-{index}.ipynb", f"Note {index}")
    run_cli("convert", "-q", cwd=site, check=True)
    git(site, "add", "-A")
    git(site, "commit", "-qm", "posts")
    git(site, "remote", "add", "origin", str(remote))
    git(site, "push", "-q", "origin", "main")
    notebook(site, "2024-02-01-note-0.ipynb", "Note 0, revised")
    notebook(site, "2024-02-05-note-4.ipynb", "Note 4, revised")
    notebook(site, "2024-03-01-new.ipynb", "New")
    write_notebook(site / "_notebooks" / "2024-02-09-note-8.ipynb", [cell("markdown", "# Note 8\n> About 8")],
                   nb2post={"date": "2024-03-09"})  # the front matter's date wins over the file name's
    if broken:
        (site / "_notebooks" / broken).write_text("{not a notebook")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "notebooks")
    git(site, "push", "-q", "origin", "main")
    return site, remote, git(site, "rev-parse", "HEAD").strip()


def assert_one_commit_of_the_posts(tmp_path: Path, remote: Path, pushed: str, broken: str = "") -> None:
    """The remote's main is one commit on top of the pushed one, holding exactly the changed posts, and a
    fresh clone of it is current (`nb2post check`), but for the `broken` notebook if there is one."""
    check = tmp_path / "check"
    git(tmp_path, "clone", "-q", str(remote), str(check))
    assert git(check, "rev-parse", "HEAD~1").strip() == pushed
    assert git(check, "log", "-1", "--format=%s").strip() == "Posts from notebooks (nb2post, 4 shards)"
    changed = sorted(git(check, "show", "--name-status", "--format=", "HEAD").splitlines())
    assert changed == ["A\t_posts/2024-03-01-new.md", "A\t_posts/2024-03-09-note-8.md",
                       "D\t_posts/2024-02-09-note-8.md",  # the old post of the re-dated notebook is gone
                       "M\t_posts/2024-02-01-note-0.md", "M\t_posts/2024-02-05-note-4.md"]
    assert "Note 0, revised" in (check / "_posts" / "2024-02-01-note-0.md").read_text()
    done = run_cli("check", cwd=check)
    if broken:
        assert done.returncode == 1 and done.stdout.splitlines() == [
            f"broken:  _notebooks/{broken} cannot be read: broken JSON at line 1, column 2: Expecting property name "
            "enclosed in double quotes; fix the file (or restore it from git)"
        ], done.stdout  # converting is no fix for it: no Fix line that only fails again
    else:
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("pushed_meanwhile", [False, True], ids=["alone", "another-push-meanwhile"])
def test_the_matrix_converts_every_shard_and_one_job_commits_them(tmp_path, pushed_meanwhile):
    """Also when someone pushed a change to the branch while the shards ran (the commit job's checkout is
    then behind): the posts commit goes on top of that push instead of being refused."""
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load(WORKFLOW.read_text())
    shards = workflow["jobs"]["convert"]["strategy"]["matrix"]["shard"]
    assert workflow["env"]["SHARDS"] == len(shards)
    _, remote, pushed = pushed_site(tmp_path)

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
    if pushed_meanwhile:
        other = tmp_path / "other"
        git(tmp_path, "clone", "-q", str(remote), str(other))
        (other / "about.md").write_text("---\ntitle: About\n---\nA page, not a notebook.\n")
        git(other, "add", "about.md")
        git(other, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "about page")
        git(other, "push", "-q", "origin", "main")
        pushed = git(other, "rev-parse", "HEAD").strip()
    temp = tmp_path / "runner-temp-commit"
    shutil.copytree(artifacts, temp / "shards")
    run_steps(workflow["jobs"]["commit"], final, {**env, "RUNNER_TEMP": str(temp)})
    assert_one_commit_of_the_posts(tmp_path, remote, pushed)


# --- the same run under act ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    """nb2post's wheel built from this checkout, for the workflow's `pip install nb2post` to find offline."""
    import virtualenv

    from test_hook import copy_project

    project = copy_project(tmp_path_factory.mktemp("project") / "nb2post")
    wheels = tmp_path_factory.mktemp("wheelhouse")
    embedded = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"  # setuptools for the isolated build
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check", "-w", str(wheels), str(project)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(embedded)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert [wheel.name.split("-")[0] for wheel in wheels.iterdir()] == ["nb2post"]
    return wheels


def installed_state() -> dict[str, float]:
    """nb2post as installed into this interpreter and the one it is made from: its entries in their
    site-packages and scripts folders (distribution, editable hooks, the command), with modification times.
    Only nb2post's: other installs into the machine's Python meanwhile are none of this test's business."""
    import site
    import sysconfig

    folders = {*site.getsitepackages(), *(sysconfig.get_path("scripts", vars={"base": prefix}) for prefix in {sys.prefix, sys.base_prefix})}
    return {str(entry): entry.stat().st_mtime for folder in map(Path, folders) if folder.is_dir()
            for entry in folder.iterdir() if "nb2post" in entry.name.lower()}


def machine_path(folder: Path) -> str:
    """PATH for act: the machine's tools without any `nb2post`, and its Python (the one these tests run on)
    as `python3` only - so a job finds `nb2post`, and `python`, only where its setup-python put them."""
    folder.mkdir()
    (folder / "python3").symlink_to(os.path.realpath(sys.executable))
    kept = [entry for entry in os.environ["PATH"].split(os.pathsep) if entry and not (Path(entry) / "nb2post").exists()]
    return os.pathsep.join([str(folder), *kept])


def run_act(tmp_path: Path, site: Path, remote: Path, pushed: str, wheelhouse: Path) -> tuple[int, str, Path]:
    """act runs the site's workflow for the push of `pushed`; returns (exit code, log, artifacts folder).
    The test's own Python must come out of it untouched."""
    import site as python_site

    from test_action import STUBS, _USES, act_binary

    act = act_binary()
    workflow = site / ".github" / "workflows" / "nb2post.yml"
    mapping = []
    for name, ref in set(_USES.findall(workflow.read_text())):
        assert (STUBS / name.split("/")[1] / "action.yml").is_file(), f"{name}: no local stand-in in tests/act_stubs"
        mapping += ["--local-repository", f"{name}@{ref}={STUBS / name.split('/')[1]}"]
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    event = tmp_path / "event.json"
    event.write_text(f'{{"ref": "refs/heads/main", "before": "{git(site, "rev-parse", f"{pushed}~1").strip()}", "after": "{pushed}"}}')
    values = {
        "NB2POST_TEST_REMOTE": str(remote), "NB2POST_TEST_ARTIFACTS": str(artifacts),
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # The machine's Python holds nb2post itself (installed for these tests), which the job's virtualenv
        # sees: pip would call it "already satisfied" and install nothing. So the job's pip ignores what is
        # installed and takes only nb2post's wheel; its dependencies stay the machine's (no index here).
        "PIP_IGNORE_INSTALLED": "1", "PIP_NO_DEPS": "1",
        # ...which, when this interpreter is a venv, lie in its site-packages (see the setup-python stand-in)
        "NB2POST_TEST_SITE_PACKAGES": os.pathsep.join(python_site.getsitepackages()),
    }
    before = installed_state()
    done = subprocess.run(
        [act, "push", "-e", str(event), "-W", str(workflow), "-P", "ubuntu-latest=-self-hosted", "--no-skip-checkout",
         "--concurrent-jobs", "2", "--cache-server-addr", "127.0.0.1", "--artifact-server-addr", "127.0.0.1",
         *mapping, *[arg for key, value in values.items() for arg in ("--env", f"{key}={value}")]],
        cwd=site, capture_output=True, text=True, timeout=600,
        env={**os.environ, "HOME": str(tmp_path / "act-home"), "PATH": machine_path(tmp_path / "machine-bin")},
    )
    (tmp_path / "act.log").write_text(done.stdout + done.stderr)  # for reading after a failure
    assert installed_state() == before  # the workflow's pip installed into the jobs' virtualenvs only
    return done.returncode, done.stdout + done.stderr, artifacts


def assert_shard_jobs(log: str, artifacts: Path, failed: int = 0) -> None:
    """act ran the four shard jobs (and no other): each installed nb2post into its own virtualenv and
    uploaded its patch, and no step failed but the `failed` shard's convert; then the commit job succeeded."""
    for shard in (1, 2, 3, 4):
        job = f"[nb2post (sharded)/convert-{shard}]"
        assert f"{job} 🧪  Matrix: map[shard:{shard}]" in log, log[-3000:]
        assert f"{job}   | Successfully installed nb2post-" in log
        assert f"{job}   ✅  Success - Main actions/upload-artifact@" in log
        assert sorted(path.name for path in (artifacts / f"posts-shard-{shard}").iterdir()) == [f"shard-{shard}.patch"]
        # act keeps one result for all of a matrix's jobs (nektos/act#1519): after one failure, every shard
        # job finishing later is reported failed too, so the steps tell what failed
        if not failed:
            assert f"{job} 🏁  Job succeeded" in log, log[-3000:]
    assert "/convert-5]" not in log and len(list(artifacts.iterdir())) == 4
    failures = [line.split(" [")[0] for line in log.splitlines() if "❌  Failure" in line]
    assert failures == ([f"[nb2post (sharded)/convert-{failed}]   ❌  Failure - Main Convert shard {failed}"] if failed else []), failures
    assert "[nb2post (sharded)/commit   ] 🏁  Job succeeded" in log, log[-3000:]


def test_the_sharded_workflow_under_act_converts_four_shards_and_commits_once(tmp_path, wheelhouse):
    """templates/workflow_sharded.yml run by act (host mode, offline) for a push: the `convert` matrix runs
    four jobs, each converting its shard and uploading its patch, and the `commit` job applies them all and
    pushes one commit - the same result as the step-by-step run above. Remote actions are local stand-ins
    (tests/act_stubs): checkout fetches the bare remote, the artifacts are folders under the test's
    artifacts folder, and setup-python gives each job a virtualenv in its RUNNER_TEMP, so the workflow's
    `pip install nb2post` installs this checkout's wheel there and never into the test's Python."""
    site, remote, pushed = pushed_site(tmp_path)
    code, log, artifacts = run_act(tmp_path, site, remote, pushed, wheelhouse)
    assert code == 0, log[-6000:]
    assert_shard_jobs(log, artifacts)
    assert_one_commit_of_the_posts(tmp_path, remote, pushed)


def test_under_act_a_broken_notebook_fails_its_shard_and_the_rest_is_still_committed(tmp_path, wheelhouse):
    """What the workflow promises for a broken notebook, with act's own job semantics (fail-fast: false,
    `if: !cancelled()`): its shard job fails, the other shards are not cancelled, the failed shard still
    uploads the posts it did convert, and the commit job still commits every post; the run fails."""
    new_shard = next(k for k in range(1, 5) if in_shard("_notebooks/2024-03-01-new.ipynb", (k, 4)))
    broken = next(name for name in (f"2024-04-{day:02d}-broken.ipynb" for day in range(1, 29))
                  if in_shard(f"_notebooks/{name}", (new_shard, 4)))  # beside a notebook that converts
    site, remote, pushed = pushed_site(tmp_path, broken=broken)
    code, log, artifacts = run_act(tmp_path, site, remote, pushed, wheelhouse)
    assert code != 0, log[-6000:]
    assert f"_notebooks/{broken}: broken JSON" in log
    assert_shard_jobs(log, artifacts, failed=new_shard)
    assert_one_commit_of_the_posts(tmp_path, remote, pushed, broken=broken)
