"""The pre-push hook, exercised by real `git push` to a real bare remote (and through the real pre-commit)."""
from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cell, make_site, png, run_cli, write_notebook

ROOT = Path(__file__).resolve().parents[1]


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def remote_sha(remote: Path, branch: str = "main") -> str | None:
    done = git(remote, "rev-parse", "--verify", "-q", f"refs/heads/{branch}", check=False)
    return done.stdout.strip() or None


def note(site: Path, name: str, title: str) -> Path:
    return write_notebook(site / "_notebooks" / name, [cell("markdown", f"# {title}\n> Summary"), cell("code", "print(1)")])


def repository_with_remote(tmp_path: Path, repo: Path, site: str = "") -> tuple[Path, Path]:
    """A git repository (branch main) holding a Jekyll site at ``repo/site``, with an empty bare remote as origin."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    make_site(repo / site)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", str(remote))
    return repo, remote


@pytest.fixture
def repo(tmp_path):
    """A blog whose posts are current, pushed to a bare remote: (work tree, bare remote)."""
    work, remote = repository_with_remote(tmp_path, tmp_path / "work")
    note(work, "2024-05-01-first.ipynb", "First")
    run_cli("convert", "-q", cwd=work, check=True)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "first post")
    git(work, "push", "-q", "-u", "origin", "main")
    return work, remote


def install(work: Path, *args: str):
    return run_cli("hook", "install", *args, cwd=work, check=True)


def test_install_writes_an_executable_hook_and_is_idempotent(repo):
    work, _ = repo
    done = install(work)
    hook = work / ".git" / "hooks" / "pre-push"
    assert "installed: .git/hooks/pre-push (check mode)" in done.stdout
    assert hook.stat().st_mode & stat.S_IXUSR
    assert "# nb2post-managed-hook" in hook.read_text()
    assert "already installed" in install(work).stdout
    assert "--mode convert" in (install(work, "--mode", "convert"), hook.read_text())[1]


def test_foreign_hook_is_never_clobbered_or_removed_without_force(repo):
    work, _ = repo
    hook = work / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\necho mine\n")
    done = run_cli("hook", "install", cwd=work)
    assert done.returncode == 1 and "was not written by nb2post; not replaced" in done.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    done = run_cli("hook", "uninstall", cwd=work)
    assert done.returncode == 1 and hook.read_text() == "#!/bin/sh\necho mine\n"
    install(work, "--force")
    assert "nb2post-managed-hook" in hook.read_text()
    assert "removed .git/hooks/pre-push" in run_cli("hook", "uninstall", cwd=work, check=True).stdout
    assert not hook.exists()
    assert "nothing to remove" in run_cli("hook", "uninstall", cwd=work, check=True).stdout


def test_stale_post_blocks_the_push_in_check_mode(repo):
    work, remote = repo
    install(work)
    before = remote_sha(remote)
    note(work, "2024-05-01-first.ipynb", "First, revised")
    git(work, "commit", "-qam", "revise the notebook only")
    done = git(work, "push", "origin", "main", check=False)
    assert done.returncode != 0
    assert "push stopped" in done.stderr
    assert "stale:   _posts/2024-05-01-first.md is out of date with _notebooks/2024-05-01-first.ipynb" in done.stderr
    assert "Fix: nb2post convert _notebooks/2024-05-01-first.ipynb" in done.stderr
    assert remote_sha(remote) == before
    # doing what it says lets the push through
    run_cli("convert", "-q", "_notebooks/2024-05-01-first.ipynb", cwd=work, check=True)
    git(work, "commit", "-qam", "update the post")
    assert git(work, "push", "origin", "main", check=False).returncode == 0
    assert remote_sha(remote) == git(work, "rev-parse", "HEAD").stdout.strip()


def test_converted_but_uncommitted_post_blocks_the_push(repo):
    work, remote = repo
    install(work)
    note(work, "2024-05-02-second.ipynb", "Second")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "second notebook")
    run_cli("convert", "-q", cwd=work, check=True)  # the post exists but is not committed
    done = git(work, "push", "origin", "main", check=False)
    assert done.returncode != 0
    assert "current in your work tree but not committed" in done.stderr
    assert "_posts/2024-05-02-second.md" in done.stderr


def _plot(rgb) -> dict:
    import base64

    data = {"image/png": base64.b64encode(png(rgb)).decode(), "text/plain": "<Figure>"}
    return cell("code", "plot()", outputs=[{"output_type": "display_data", "metadata": {}, "data": data}])


def test_a_post_committed_without_its_images_blocks_the_push_and_all_files_stages_everything(repo):
    work, remote = repo
    install(work)
    plotted = work / "_notebooks" / "2024-05-03-plot.ipynb"
    write_notebook(plotted, [cell("markdown", "# Plot"), _plot((255, 0, 0))])
    git(work, "add", "--", str(plotted))
    git(work, "commit", "-qm", "plot notebook")
    # what the README said before: 'nb2post convert | xargs git add' stages the post alone
    posts = run_cli("convert", "-q", cwd=work, check=True).stdout.split()
    assert posts == ["_posts/2024-05-03-plot.md"]
    git(work, "add", "--", *posts)
    git(work, "commit", "-qm", "the post")
    done = git(work, "push", "origin", "main", check=False)
    assert done.returncode != 0
    image = "assets/images/2024-05-03-plot/cell2-output1.png"
    assert "these posts or their images are current in your work tree but not committed:" in done.stderr
    assert f"  {image}" in done.stderr.splitlines() and "  _posts/2024-05-03-plot.md" not in done.stderr.splitlines()
    assert f"Fix: git add -- {image} && git commit" in done.stderr
    git(work, "add", "--", image)
    git(work, "commit", "-qm", "its image")
    assert git(work, "push", "origin", "main", check=False).returncode == 0
    # the README's command now: every file written, and the removal of the post file the new date renames
    write_notebook(plotted, [cell("markdown", "# Plot\n- date: 2024-05-04"), _plot((0, 0, 255))])
    git(work, "commit", "-qam", "plot redated and redrawn")
    listed = run_cli("convert", "--all-files", "--force", cwd=work, check=True).stdout
    assert sorted(listed.splitlines()) == [
        "_posts/2024-05-03-plot.md", "_posts/2024-05-04-plot.md", "assets/images/2024-05-04-plot/cell2-output1.png"
    ], listed
    subprocess.run(["git", "add", "--pathspec-from-file=-"], cwd=work, input=listed, text=True, check=True)
    git(work, "commit", "-qm", "the post again")
    assert git(work, "status", "--porcelain").stdout == ""
    assert git(work, "push", "origin", "main", check=False).returncode == 0
    # a removed file git never had is not listed: 'git add' would fail on it ("pathspec did not match")
    for day in ("05", "06"):
        write_notebook(plotted, [cell("markdown", f"# Plot\n- date: 2024-05-{day}"), _plot((0, 0, 255))])
        listed = run_cli("convert", "--all-files", "--force", cwd=work, check=True).stdout
    assert sorted(listed.splitlines()) == ["_posts/2024-05-06-plot.md", "assets/images/2024-05-06-plot/cell2-output1.png"]
    subprocess.run(["git", "add", "--pathspec-from-file=-"], cwd=work, input=listed, text=True, check=True)


def test_pushes_without_notebook_changes_pass_untouched(repo):
    work, remote = repo
    install(work)
    note(work, "2024-05-01-first.ipynb", "Stale but already pushed")
    git(work, "commit", "-qam", "stale notebook")
    git(work, "push", "-q", "--no-verify", "origin", "main")
    (work / "about.md").write_text("# About\n")
    note(work, "2024-06-01-draft.ipynb", "Draft, not committed")  # in the work tree only: not pushed
    git(work, "add", "about.md")
    git(work, "commit", "-qm", "about page")
    head = git(work, "rev-parse", "HEAD").stdout.strip()
    done = git(work, "push", "origin", "main", check=False)
    assert done.returncode == 0, done.stderr
    assert "nb2post" not in done.stderr
    assert remote_sha(remote) == head
    assert git(work, "rev-parse", "HEAD").stdout.strip() == head  # no commit made


def test_notebooks_outside_the_blog_do_not_block(repo):
    work, remote = repo
    install(work)
    write_notebook(work / "examples" / "scratch.ipynb", [cell("markdown", "# scratch")])
    git(work, "add", "-A")
    git(work, "commit", "-qm", "scratch notebook")
    assert git(work, "push", "origin", "main", check=False).returncode == 0


def test_convert_mode_commits_the_posts_and_the_second_push_succeeds(repo):
    work, remote = repo
    install(work, "--mode", "convert")
    (work / "unrelated.txt").write_text("staged, not ours\n")
    git(work, "add", "unrelated.txt")
    note(work, "2024-05-03-third.ipynb", "Third")
    git(work, "add", "_notebooks")
    git(work, "commit", "-qm", "third notebook", "--", "_notebooks")
    notebook_commit = git(work, "rev-parse", "HEAD").stdout.strip()
    first = git(work, "push", "origin", "main", check=False)
    assert first.returncode != 0
    assert "committed the posts as" in first.stderr and "push again" in first.stderr
    assert "--no-push" not in first.stdout + first.stderr, "a flag the user never typed is not mentioned"
    assert remote_sha(remote) != notebook_commit  # the push was stopped
    assert git(work, "rev-parse", "HEAD~1").stdout.strip() == notebook_commit
    in_commit = git(work, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert "_posts/2024-05-03-third.md" in in_commit and "unrelated.txt" not in in_commit
    assert "A  unrelated.txt" in git(work, "status", "--porcelain").stdout  # still staged, as it was
    second = git(work, "push", "origin", "main", check=False)
    assert second.returncode == 0, second.stderr
    assert remote_sha(remote) == git(work, "rev-parse", "HEAD").stdout.strip()
    assert "Third" in git(remote, "show", "main:_posts/2024-05-03-third.md").stdout


def test_new_branch_and_branch_deletion(repo):
    work, remote = repo
    install(work)
    git(work, "switch", "-q", "-c", "plain")
    (work / "about.md").write_text("# About\n")
    git(work, "add", "about.md")
    git(work, "commit", "-qm", "about")
    assert git(work, "push", "origin", "plain", check=False).returncode == 0  # new branch, no notebooks

    git(work, "switch", "-q", "-c", "feature", "main")
    note(work, "2024-05-04-feature.ipynb", "Feature")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "feature notebook")
    done = git(work, "push", "origin", "feature", check=False)
    assert done.returncode != 0 and "missing: _notebooks/2024-05-04-feature.ipynb has no post yet" in done.stderr
    assert remote_sha(remote, "feature") is None

    # deleting a branch carries nothing to check, even with a stale notebook checked out
    assert git(work, "push", "origin", "--delete", "plain", check=False).returncode == 0
    assert remote_sha(remote, "plain") is None


def test_hook_run_reads_git_stdin_lines(repo):
    """The same decision from the lines git writes, fed by hand (and a malformed line is a usage error)."""
    work, _ = repo
    old = git(work, "rev-parse", "HEAD").stdout.strip()
    note(work, "2024-05-01-first.ipynb", "Changed")
    git(work, "commit", "-qam", "change")
    new = git(work, "rev-parse", "HEAD").stdout.strip()
    line = f"refs/heads/main {new} refs/heads/main {old}\n"
    done = subprocess.run([sys.executable, "-m", "nb2post.cli", "hook", "run", "origin", "url"], input=line,
                          cwd=work, capture_output=True, text=True)
    assert done.returncode == 1 and "stale:" in done.stderr
    done = subprocess.run([sys.executable, "-m", "nb2post.cli", "hook", "run"], input="garbage\n",
                          cwd=work, capture_output=True, text=True)
    assert done.returncode == 2 and "unexpected pre-push input line 'garbage'" in done.stderr


def copy_project(destination: Path) -> Path:
    """This project's files (as the working tree has them now) in a git repository of their own."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in listed.stdout.splitlines():
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-qm", "snapshot")
    return destination


@pytest.fixture(scope="module")
def hook_project(tmp_path_factory, offline_pip):
    """This project as a hook repository, one pre-commit cache for the module (its environment is built
    once), and the PIP_* variables with which pre-commit's pip installs the hook offline (conftest)."""
    if shutil.which("pre-commit") is None:
        pytest.fail("pre-commit is not installed: run scripts/test.sh (it installs the test extras)")
    base = tmp_path_factory.mktemp("pre-commit")
    hooks = copy_project(base / "nb2post-hooks")
    return hooks, git(hooks, "rev-parse", "HEAD").stdout.strip(), base / "cache", offline_pip


def pre_commit_env(hook_project) -> dict:
    """The test's environment plus pre-commit's cache and an offline pip (the hook's virtualenv sees the
    base interpreter's packages; what it lacks comes from local wheels)."""
    _, _, cache, pip = hook_project
    return {**os.environ, "PRE_COMMIT_HOME": str(cache), **pip, "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1"}


def pre_commit_pusher(work: Path, hook_project, hook_id: str):
    """Configure the real pre-commit framework in ``work`` with this project's hook ``hook_id`` on pre-push;
    return a ``push(*args)`` that runs ``git push`` in the environment pre-commit needs here."""
    hooks, rev, _, _ = hook_project
    env = pre_commit_env(hook_project)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n"
    )
    git(work, "add", ".pre-commit-config.yaml")
    git(work, "commit", "-qm", "pre-commit config")
    subprocess.run(["pre-commit", "install", "--hook-type", "pre-push"], cwd=work, env=env, check=True, capture_output=True)
    assert "pre-commit" in (work / ".git" / "hooks" / "pre-push").read_text()

    def push(*args):
        return subprocess.run(["git", "push", *args], cwd=work, env=env, capture_output=True, text=True, timeout=600)

    return push


def test_pre_commit_framework_runs_the_hook_on_git_push(repo, tmp_path, hook_project):
    work, remote = repo
    push = pre_commit_pusher(work, hook_project, "nb2post-check")

    done = push("origin", "main")  # no notebook in these commits
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nb2post check" in done.stdout + done.stderr

    note(work, "2024-05-01-first.ipynb", "First, revised")
    git(work, "commit", "-qam", "revise")
    before = remote_sha(remote)
    done = push("origin", "main")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "stale:   _posts/2024-05-01-first.md is out of date with _notebooks/2024-05-01-first.ipynb" in output
    assert remote_sha(remote) == before

    git(work, "switch", "-q", "-c", "other", "HEAD~1")  # a new branch: pre-commit leaves FROM_REF unset
    note(work, "2024-05-09-other.ipynb", "Other")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "other notebook")
    done = push("origin", "other")
    assert done.returncode != 0 and "missing: _notebooks/2024-05-09-other.ipynb" in done.stdout + done.stderr

    # the whole history to an empty remote: pre-commit passes no refs at all (its "all files" case)
    second = tmp_path / "second.git"
    git(tmp_path, "init", "-q", "--bare", str(second))
    git(work, "remote", "add", "second", str(second))
    done = push("second", "other")
    assert done.returncode != 0 and "missing: _notebooks/2024-05-09-other.ipynb" in done.stdout + done.stderr
    assert remote_sha(second, "other") is None


def test_under_pre_commit_the_fix_names_nb2post_and_pre_commits_copy_only_when_none_is_on_path(repo, hook_project, tmp_path):
    """The Fix line says 'nb2post', what the user types; nb2post may live only in pre-commit's environment,
    and then one more line names that copy, as a command that works."""
    work, remote = repo
    pre_commit_pusher(work, hook_project, "nb2post-check")
    note(work, "2024-05-01-first.ipynb", "First, revised")
    git(work, "commit", "-qam", "revise")
    env = pre_commit_env(hook_project)
    # a PATH with git and pre-commit but no nb2post (this machine's Python folders hold one: left out)
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "pre-commit"):
        (bare / tool).symlink_to(Path(shutil.which(tool, path=env["PATH"])).resolve())
    outputs = {}
    for name, path in (("nb2post on PATH", f"{Path(sys.executable).parent}{os.pathsep}{bare}:/usr/bin:/bin"),
                       ("no nb2post on PATH", f"{bare}:/usr/bin:/bin")):
        done = subprocess.run(["git", "push", "origin", "main"], cwd=work, env={**env, "PATH": path},
                              capture_output=True, text=True, timeout=600)
        outputs[name] = done.stdout + done.stderr
        assert done.returncode != 0, outputs[name]
        fixes = [line.split("Fix: ", 1)[1] for line in outputs[name].splitlines() if "Fix: " in line]
        assert fixes == ["nb2post convert _notebooks/2024-05-01-first.ipynb"], outputs[name]
    assert "no nb2post on your PATH" not in outputs["nb2post on PATH"]
    [hint] = [line for line in outputs["no nb2post on PATH"].splitlines() if "no nb2post on your PATH" in line]
    private = hint.split("run the one pre-commit installed as ", 1)[1].rstrip(")")
    command = [*shlex.split(private), "convert", "_notebooks/2024-05-01-first.ipynb"]
    assert command[1:3] == ["-m", "nb2post"] and command[0] != sys.executable  # pre-commit's own Python
    # pre-commit's own "run every hook on all files" reaches every notebook (it gives the hook no refs)
    everything = subprocess.run(["pre-commit", "run", "nb2post-check", "--hook-stage", "pre-push", "--all-files"],
                                cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert everything.returncode == 1 and "stale:   _posts/2024-05-01-first.md" in everything.stdout, everything.stdout
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRE_COMMIT")}
    fixed = subprocess.run(command, cwd=work, env={**clean, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=300)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.splitlines() == ["_posts/2024-05-01-first.md"]
    git(work, "commit", "-qam", "update the post")
    assert subprocess.run(["git", "push", "origin", "main"], cwd=work, env=env, capture_output=True).returncode == 0


def test_pre_commit_framework_convert_hook_commits_posts_then_the_second_push_goes_through(repo, hook_project):
    work, remote = repo
    push = pre_commit_pusher(work, hook_project, "nb2post-convert")
    note(work, "2024-05-05-fifth.ipynb", "Fifth")
    git(work, "add", "_notebooks")
    git(work, "commit", "-qm", "fifth notebook")
    notebook_commit = git(work, "rev-parse", "HEAD").stdout.strip()
    before = remote_sha(remote)

    first = push("origin", "main")
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    assert "committed the posts as" in output and "push again" in output
    assert remote_sha(remote) == before  # stopped: nothing reached the remote
    assert git(work, "rev-parse", "HEAD~1").stdout.strip() == notebook_commit
    assert git(work, "show", "--name-only", "--format=", "HEAD").stdout.split() == ["_posts/2024-05-05-fifth.md"]
    assert git(work, "status", "--porcelain").stdout == ""  # the post is committed, nothing left behind

    second = push("origin", "main")
    assert second.returncode == 0, second.stdout + second.stderr
    assert remote_sha(remote) == git(work, "rev-parse", "HEAD").stdout.strip()
    assert "title: Fifth" in git(remote, "show", "main:_posts/2024-05-05-fifth.md").stdout


def test_site_in_a_subfolder(tmp_path):
    repo, remote = repository_with_remote(tmp_path, tmp_path / "repo", "docs")
    note(repo / "docs", "2024-05-01-first.ipynb", "First")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "notebook without its post")
    run_cli("hook", "install", "--site", "docs", cwd=repo, check=True)
    assert "--site docs" in (repo / ".git" / "hooks" / "pre-push").read_text()
    done = git(repo, "push", "origin", "main", check=False)
    assert done.returncode != 0
    assert "Fix: nb2post convert --site docs docs/_notebooks/2024-05-01-first.ipynb" in done.stderr


def test_convert_mode_refuses_notebooks_with_uncommitted_changes(repo):
    work, remote = repo
    install(work, "--mode", "convert")
    note(work, "2024-05-01-first.ipynb", "Committed revision")
    git(work, "commit", "-qam", "revise")
    note(work, "2024-05-01-first.ipynb", "Uncommitted revision")
    head = git(work, "rev-parse", "HEAD").stdout.strip()
    done = git(work, "push", "origin", "main", check=False)
    assert done.returncode != 0 and "changes that are not committed" in done.stderr
    assert "_notebooks/2024-05-01-first.ipynb" in done.stderr
    assert git(work, "rev-parse", "HEAD").stdout.strip() == head  # nothing committed
