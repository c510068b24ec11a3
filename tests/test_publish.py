"""``nb2post publish`` against real repositories: a bare remote on disk, a git daemon on 127.0.0.1, a
remote that moved on, a server hook that refuses, an HTTP server that refuses credentials."""
from __future__ import annotations

import http.server
import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import cell, free_port, git, make_site, repo_with_remote, run_cli, wait_for_port, write_notebook

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
TOKEN = "s3cr3tT0ken"
POST = "_posts/2024-03-04-hello.md"


def publish(*args: str, cwd: Path, drop_env: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in drop_env}
    return subprocess.run(
        [sys.executable, "-m", "nb2post.cli", "publish", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, env=env,
    )


def hello_notebook(site: Path) -> Path:
    return write_notebook(
        site / "_notebooks" / "2024-03-04-hello.ipynb",
        [
            cell("markdown", "# Hello publish\n> A post to publish"),
            cell("code", "plot()", outputs=[{"output_type": "display_data", "data": {"image/png": PNG}, "metadata": {}}]),
        ],
    )



@pytest.fixture
def blog(tmp_path):
    """A blog repository with its site committed, a notebook not yet published, and a bare remote
    ``origin`` that already has ``main``."""
    remote = tmp_path / "remote.git"
    site = repo_with_remote(make_site(tmp_path / "blog"), remote)
    (site / "notes.md").write_text("notes v1\n")
    (site / "both.md").write_text("both v1\n")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "the blog")
    git(site, "push", "-q", "-u", "origin", "main")
    hello_notebook(site)
    return site, remote


def head(repo: Path, ref: str = "HEAD") -> str:
    return git(repo, "rev-parse", ref)


def files_of(repo: Path, commit: str = "HEAD") -> set[str]:
    return set(git(repo, "show", "--name-only", "--format=", commit).split())


def snapshot(site: Path) -> dict:
    """HEAD, the index file byte for byte, and every work-tree file."""
    tree = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(site).parts
    }
    return {"head": head(site), "index": (site / ".git" / "index").read_bytes(), "tree": tree}


def test_commits_exactly_the_generated_files_and_leaves_other_changes_alone(blog):
    site, remote = blog
    (site / "notes.md").write_text("notes v2, not staged\n")  # unstaged
    (site / "staged.md").write_text("a new file, staged\n")
    git(site, "add", "staged.md")
    (site / "both.md").write_text("both v2, staged\n")
    git(site, "add", "both.md")
    (site / "both.md").write_text("both v3, on top, not staged\n")  # staged AND unstaged
    (site / "scratch.txt").write_text("untracked\n")
    staged_before = git(site, "diff", "--cached", "--full-index")
    unstaged_before = git(site, "diff", "--full-index")
    before = head(site)

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    assert "pushed main to origin/main" in done.stdout
    assert head(site, "HEAD~1") == before
    committed = files_of(site)
    assert POST in committed and len(committed) == 2, committed
    (image,) = committed - {POST}
    assert image.startswith("assets/images/2024-03-04-hello/") and image.endswith(".png")
    assert "Hello publish" in git(site, "log", "-1", "--format=%B")
    assert head(remote, "main") == head(site)
    # The user's changes are exactly as they were: staged stays staged, unstaged stays unstaged.
    assert git(site, "diff", "--cached", "--full-index") == staged_before
    assert git(site, "diff", "--full-index") == unstaged_before
    status = git(site, "status", "--porcelain", "--untracked-files=all").splitlines()
    briefs = [line for line in status if line.startswith("?? _briefs/")]
    if importlib.util.find_spec("nb2post.share.brief") is not None:
        # The share brief is written after the push, and never committed.
        assert briefs and all(f"brief: {site / line[3:]}" in done.stdout for line in briefs), done.stdout
    status = [line for line in status if line not in briefs]
    assert sorted(status) == sorted(
        ["MM both.md", " M notes.md", "A  staged.md", "?? scratch.txt", "?? _notebooks/2024-03-04-hello.ipynb"]
    )

    again = publish("_notebooks", cwd=site)
    assert again.returncode == 0, again.stderr
    assert "nothing to publish" in again.stdout
    assert head(site) == head(remote, "main") == head(site, "HEAD")
    assert head(site, "HEAD~1") == before


def test_dry_run_prints_the_plan_and_changes_nothing(blog):
    site, remote = blog
    (site / "notes.md").write_text("notes v2\n")
    (site / "staged.md").write_text("staged\n")
    git(site, "add", "staged.md")
    before, remote_before = snapshot(site), git(remote, "for-each-ref")

    done = publish("--dry-run", "_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    assert "would commit 2 file(s) on main: Publish Hello publish" in done.stdout
    assert f"  {POST}" in done.stdout
    assert f"would push main to origin/main ({remote})" in done.stdout
    assert snapshot(site) == before
    assert git(remote, "for-each-ref") == remote_before


@pytest.fixture
def git_daemon(tmp_path):
    """A real ``git daemon`` on 127.0.0.1 serving ``srv/`` (pushes allowed); always stopped."""
    served = tmp_path / "srv"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(served / "blog.git"))
    port = free_port()
    process = subprocess.Popen(
        ["timeout", "120", "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
         f"--base-path={served}", "--listen=127.0.0.1", f"--port={port}", str(served)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        if not wait_for_port(port):
            pytest.fail("git daemon did not start listening")
        yield f"git://127.0.0.1:{port}/blog.git", served / "blog.git"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_pushes_over_the_network_to_a_git_daemon(blog, git_daemon):
    site, _ = blog
    url, served = git_daemon
    git(site, "remote", "add", "daemon", url)

    done = publish("--remote", "daemon", "_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    assert f"pushed main to daemon/main ({url})" in done.stdout
    assert head(served, "main") == head(site)
    assert POST in git(served, "ls-tree", "-r", "--name-only", "main").split()
    assert head(site, "refs/remotes/daemon/main") == head(site)


def test_non_fast_forward_keeps_the_local_commit_and_publishes_after_a_rebase(blog, tmp_path):
    site, remote = blog
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "about.md").write_text("pushed from elsewhere first\n")
    git(other, "add", "about.md")
    git(other, "commit", "-q", "-m", "elsewhere")
    git(other, "push", "-q", "origin", "main")
    theirs = head(other)

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 3, done.stderr
    assert "non-fast-forward" in done.stderr and "git pull --rebase origin main" in done.stderr
    assert "is kept on main" in done.stderr
    assert head(remote, "main") == theirs
    assert POST in files_of(site)  # the local commit is kept

    git(site, "pull", "-q", "--rebase", "origin", "main")
    again = publish("_notebooks", cwd=site)

    assert again.returncode == 0, again.stderr
    assert "nothing new to commit; 1 commit(s) of main not yet on origin/main" in again.stdout
    assert head(remote, "main") == head(site)
    assert head(remote, "main~1") == theirs
    assert {POST, "about.md"} <= set(git(remote, "ls-tree", "-r", "--name-only", "main").split())


def test_a_server_hook_refusal_shows_the_remotes_message(blog):
    site, remote = blog
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'posts need a review first (ticket 42)' >&2\nexit 1\n")
    hook.chmod(0o755)
    remote_before = head(remote, "main")

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 3, done.stderr
    assert "refused the push: posts need a review first (ticket 42)" in done.stderr
    assert head(remote, "main") == remote_before
    assert POST in files_of(site) and head(site, "HEAD~1") == remote_before


def test_a_local_pre_push_hook_refusal_is_shown_and_the_commit_kept(blog):
    site, remote = blog
    hooks = site / git(site, "rev-parse", "--git-path", "hooks")
    hooks.mkdir(parents=True, exist_ok=True)
    (hooks / "pre-push").write_text("#!/bin/sh\necho 'stale posts: run nb2post convert' >&2\nexit 1\n")
    (hooks / "pre-push").chmod(0o755)
    remote_before = head(remote, "main")

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 3, done.stderr
    assert "a pre-push hook stopped the push: stale posts: run nb2post convert" in done.stderr
    assert head(remote, "main") == remote_before and head(site, "HEAD~1") == remote_before


class _Refuse401(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_http_server():
    """A real HTTP server on 127.0.0.1 that answers every request 401 (bad credentials)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refuse401)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _no_token_anywhere(site: Path, *outputs: str) -> None:
    for text in outputs:
        assert TOKEN not in text
        assert "user:" not in text
    for path in site.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(site).parts:
            assert TOKEN.encode() not in path.read_bytes(), path
    assert TOKEN not in git(site, "log", "--all", "--format=%B")


def test_credentials_in_the_remote_url_are_never_printed(blog, refusing_http_server):
    site, remote = blog
    port = refusing_http_server
    git(site, "remote", "add", "secret", f"http://user:{TOKEN}@127.0.0.1:{port}/blog.git")

    dry = publish("--dry-run", "--remote", "secret", "_notebooks", cwd=site)
    assert dry.returncode == 0, dry.stderr
    assert f"would push main to secret/main (http://***@127.0.0.1:{port}/blog.git)" in dry.stdout

    done = publish("--remote", "secret", "_notebooks", cwd=site)
    assert done.returncode == 3, done.stderr
    assert "did not accept the credentials" in done.stderr
    assert POST in files_of(site)
    _no_token_anywhere(site, dry.stdout, dry.stderr, done.stdout, done.stderr)

    closed = free_port()
    git(site, "remote", "add", "gone", f"https://user:{TOKEN}@127.0.0.1:{closed}/blog.git")
    unreachable = publish("--remote", "gone", "_notebooks", cwd=site)
    assert unreachable.returncode == 3, unreachable.stderr
    assert "cannot reach gone (https://***@127.0.0.1" in unreachable.stderr
    _no_token_anywhere(site, unreachable.stdout, unreachable.stderr)
    assert head(remote, "main") == head(site, "HEAD~1")


def test_an_unreachable_remote_is_one_sentence_naming_what_git_said(blog, tmp_path):
    site, remote = blog
    git(site, "remote", "add", "broken", str(tmp_path / "nowhere.git"))
    done = publish("--remote", "broken", "_notebooks", cwd=site)
    assert done.returncode == 3, done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: cannot reach broken ({tmp_path / 'nowhere.git'}): ")
    assert "does not appear to be a git repository; check its URL with 'git remote -v'" in line
    assert "repository exists" not in line and "fatal" not in line


def _detach(site: Path) -> None:
    git(site, "checkout", "-q", "--detach")


def _diverge(site: Path) -> None:
    """``main`` and ``side`` change the same line differently: merging either way conflicts."""
    git(site, "checkout", "-q", "-b", "side")
    (site / "notes.md").write_text("side\n")
    git(site, "commit", "-q", "-am", "side")
    git(site, "checkout", "-q", "main")
    (site / "notes.md").write_text("main\n")
    git(site, "commit", "-q", "-am", "main")


def _merge_conflict(site: Path) -> None:
    _diverge(site)
    git(site, "merge", "side", check=False)
    assert (site / ".git" / "MERGE_HEAD").exists()


def _rebase_conflict(site: Path) -> None:
    _diverge(site)
    git(site, "rebase", "side", check=False)
    assert (site / ".git" / "rebase-merge").exists()


def _no_remote(site: Path) -> None:
    git(site, "remote", "remove", "origin")


def _no_identity(site: Path) -> None:
    pass  # the identity variables are dropped from the command's environment below


@pytest.mark.parametrize(
    "spoil, says",
    [
        (_detach, "HEAD is detached"),
        (_merge_conflict, "a merge is in progress"),
        (_rebase_conflict, "a rebase is in progress"),
        (_no_remote, "no remote to push to; add one with: git remote add origin URL"),
        (_no_identity, "git has no user.name and user.email to commit with"),
    ],
    ids=["detached", "merge", "rebase", "no-remote", "no-identity"],
)
def test_refusals_explain_and_change_nothing(blog, spoil, says):
    site, remote = blog
    spoil(site)
    before, remote_before = snapshot(site), head(remote, "main")
    drop = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL")

    done = publish("_notebooks", cwd=site, drop_env=drop if spoil is _no_identity else ())

    assert done.returncode == 1, done.stdout + done.stderr
    assert says in done.stderr
    assert "nothing was changed" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(site) == before and not (site / "_posts").exists()
    assert head(remote, "main") == remote_before


def test_a_site_outside_the_repository_is_refused(blog, tmp_path):
    site, _ = blog
    outside = make_site(tmp_path / "elsewhere")
    hello_notebook(outside)

    done = publish("--site", str(outside), str(outside / "_notebooks"), cwd=site)

    assert done.returncode == 1
    assert f"the site folder {outside} is outside the git repository {site}" in done.stderr
    assert not (outside / "_posts").exists()

    alone = publish("_notebooks", cwd=outside)
    assert alone.returncode == 1
    assert "is not inside a git repository; run 'git init'" in alone.stderr


def test_include_notebooks_and_no_push(blog):
    site, remote = blog
    remote_before = head(remote, "main")

    done = publish("--include-notebooks", "--no-push", "_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    assert "not pushed (--no-push)" in done.stdout
    assert {POST, "_notebooks/2024-03-04-hello.ipynb"} <= files_of(site)
    assert head(remote, "main") == remote_before


def test_commit_message_from_the_config_and_from_the_option(blog):
    site, _ = blog
    config = site / "_config.yml"
    config.write_text(config.read_text() + "nb2post:\n  commit_message: 'blog: $titles ($count)'\n")
    git(site, "commit", "-q", "-am", "message template")
    git(site, "push", "-q")

    done = publish("--no-push", "_notebooks", cwd=site)
    assert done.returncode == 0, done.stderr
    assert git(site, "log", "-1", "--format=%B") == "blog: Hello publish (1)"

    bad = publish("--message", "costs $5 for $nope", "_notebooks", cwd=site)
    assert bad.returncode == 2
    assert "--message: " in bad.stderr and "$" in bad.stderr


def test_unknown_placeholder_is_a_usage_error_before_anything_is_written(blog):
    site, _ = blog
    done = publish("--message", "hi $nope", "_notebooks", cwd=site)
    assert done.returncode == 2
    assert "--message: unknown placeholder $nope" in done.stderr
    assert not (site / "_posts").exists()


def test_posts_converted_earlier_are_published_but_hand_edits_are_not(blog):
    site, remote = blog
    convert = subprocess.run([sys.executable, "-m", "nb2post.cli", "convert", "_notebooks"], cwd=site, capture_output=True, text=True)
    assert convert.returncode == 0, convert.stderr

    done = publish("_notebooks", cwd=site)
    assert done.returncode == 0, done.stderr
    assert POST in files_of(site) and len(files_of(site)) == 2
    assert head(remote, "main") == head(site)

    post = site / POST
    post.write_text(post.read_text().replace("A post to publish", "Edited by hand"))
    edited = publish("_notebooks", cwd=site)
    assert edited.returncode == 0, edited.stderr
    assert f"{POST} was edited by hand after nb2post wrote it; left out of the commit" in edited.stderr
    assert "nothing to publish" in edited.stdout
    assert git(site, "status", "--porcelain", "--", POST) == f"M {POST}"


def test_a_broken_notebook_means_nothing_is_committed(blog):
    site, remote = blog
    (site / "_notebooks" / "2024-03-05-broken.ipynb").write_text("{ not json")
    before = head(site)

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 1
    assert "2024-03-05-broken.ipynb" in done.stderr
    assert "nothing committed" in done.stderr
    assert head(site) == before and head(remote, "main") == before


def test_first_publish_in_a_new_repository_to_a_named_remote_branch(tmp_path):
    remote = tmp_path / "remote.git"
    site = repo_with_remote(make_site(tmp_path / "blog"), remote)
    hello_notebook(site)

    done = publish("--branch", "live", "_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    assert "pushed main to origin/live" in done.stdout
    assert git(site, "rev-list", "--count", "HEAD") == "1"
    assert head(remote, "live") == head(site)
    assert git(remote, "branch", "--list", "main") == ""
    assert files_of(site) >= {POST}
    assert "_config.yml" not in files_of(site)  # the user's own files are theirs to commit


def test_a_site_in_a_subfolder_of_the_repository(tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    repo = tmp_path / "project"
    site = make_site(repo / "docs")
    (repo / "README.md").write_text("a project with its blog in docs/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "project")
    git(repo, "remote", "add", "origin", str(remote))
    hello_notebook(site)

    done = publish("--site", "docs", "--include-notebooks", "docs/_notebooks", cwd=repo)

    assert done.returncode == 0, done.stderr
    committed = files_of(repo)
    assert {f"docs/{POST}", "docs/_notebooks/2024-03-04-hello.ipynb"} <= committed
    assert any(p.startswith("docs/assets/images/2024-03-04-hello/") for p in committed)
    assert "docs/_config.yml" not in committed
    assert head(remote, "main") == head(repo)


def test_images_of_an_earlier_convert_are_published_with_the_edited_post(blog):
    """convert, edit the notebook's text (not its image), publish: the image written by the first convert
    is part of the post, so it goes into the commit too (it used to stay untracked: a broken live image)."""
    site, remote = blog
    (site / "mine.png").write_bytes(b"a file of the user's own, not nb2post's\n")
    assert run_cli("convert", "_notebooks", cwd=site).returncode == 0
    notebook = site / "_notebooks" / "2024-03-04-hello.ipynb"
    notebook.write_text(notebook.read_text().replace("A post to publish", "A post, edited before publishing"))

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    committed = files_of(site)
    images = [p for p in committed if p.startswith("assets/images/")]
    assert POST in committed and len(images) == 1 and images[0].endswith(".png"), committed
    assert "A post, edited before publishing" in git(site, "show", f"HEAD:{POST}")
    assert git(site, "status", "--porcelain", "--", "assets") == ""
    assert git(site, "status", "--porcelain", "--", "mine.png") == "?? mine.png"
    assert head(remote, "main") == head(site)


def test_an_image_of_the_site_that_a_post_only_links_is_never_committed(blog):
    """The post links the site's own /assets/images/logo.png (untracked); nb2post did not make it, so
    neither a publish right after convert nor one that re-renders the post commits it."""
    site, remote = blog
    logo = site / "assets" / "images" / "logo.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"the site's own logo\n")
    notebook = site / "_notebooks" / "2024-03-04-hello.ipynb"
    notebook.write_text(notebook.read_text().replace("A post to publish", 'A post to publish\\n\\n<img src=\\"/assets/images/logo.png\\">'))
    assert run_cli("convert", "_notebooks", cwd=site).returncode == 0
    assert "assets/images/logo.png" in (site / POST).read_text()

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    committed = files_of(site)
    assert POST in committed and "assets/images/logo.png" not in committed, committed
    assert any(p.startswith("assets/images/") and p.endswith(".png") for p in committed), committed
    assert git(site, "status", "--porcelain", "--", "assets") == "?? assets/images/logo.png"


def test_publish_reads_the_config_files_named_with_config(blog):
    site, _ = blog
    (site / "_config_dev.yml").write_text("nb2post:\n  commit_message: 'Dev: $count post'\n", encoding="utf-8")
    git(site, "add", "_config_dev.yml")
    git(site, "commit", "-q", "-m", "dev config")
    done = publish("--no-push", "--config", "_config.yml,_config_dev.yml", "_notebooks", cwd=site)
    assert done.returncode == 0, done.stderr
    assert git(site, "log", "-1", "--format=%s") == "Dev: 1 post"


# --- Faults (issue 26): a failed commit, the user's hooks, signals, two publishes at once -------------------

BRIEFS = importlib.util.find_spec("nb2post.share.brief") is not None


def _stage_one_hunk(site: Path) -> str:
    """The user's own partial staging: notes.md gets two changes, only the first is staged. Returns
    ``git diff --cached`` of it."""
    (site / "notes.md").write_text("notes v1\n" + "".join(f"line {n}\n" for n in range(12)))
    git(site, "commit", "-q", "-am", "longer notes")
    git(site, "push", "-q")
    lines = (site / "notes.md").read_text().splitlines(keepends=True)
    lines[0], lines[-1] = "notes v2, staged\n", "the last line, not staged\n"
    (site / "notes.md").write_text("".join(lines))
    patch = git(site, "diff", "-U0", "--", "notes.md") + "\n"
    first_hunk = patch[: patch.index("@@", patch.index("@@ ") + 3 + patch[patch.index("@@ ") + 3:].index("@@") + 2)]
    subprocess.run(["git", "apply", "--cached", "--unidiff-zero", "-"], cwd=site, input=first_hunk, text=True, check=True)
    staged = git(site, "diff", "--cached", "--full-index", "--", "notes.md")
    assert "notes v2, staged" in staged and "not staged" not in staged
    return staged


def _index_state(site: Path) -> tuple[str, str, bytes]:
    return (git(site, "diff", "--cached", "--full-index"), git(site, "diff", "--full-index"),
            (site / ".git" / "index").read_bytes())


def _gpg_fails(site: Path) -> None:
    git(site, "config", "commit.gpgsign", "true")
    git(site, "config", "gpg.program", "false")


def _prepare_commit_msg_fails(site: Path) -> None:
    hook = site / ".git" / "hooks" / "prepare-commit-msg"
    hook.write_text("#!/bin/sh\necho 'no message template here' >&2\nexit 1\n")
    hook.chmod(0o755)


def _pre_commit_refuses(site: Path) -> None:
    hook = site / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'secret scanner: a token in _posts' >&2\nexit 1\n")
    hook.chmod(0o755)


@pytest.mark.parametrize(
    "spoil, code, says",
    [
        (_gpg_fails, 1, "git commit failed: error: gpg failed to sign the data"),
        (_prepare_commit_msg_fails, 3,
         "the prepare-commit-msg hook (.git/hooks/prepare-commit-msg) refused the commit: no message template here; "
         "fix what it says and publish again; nothing"),
        (_pre_commit_refuses, 3,
         "the pre-commit hook (.git/hooks/pre-commit) refused the commit: secret scanner: a token in _posts; "
         "fix what it says and publish again, or publish with --no-verify to skip it; nothing"),
    ],
    ids=["gpgsign", "prepare-commit-msg", "pre-commit"],
)
def test_a_failed_commit_leaves_the_index_exactly_as_it_was(blog, spoil, code, says):
    """Signing without a key, a hook that refuses: nothing committed, nothing staged, the user's partial
    staging byte for byte as it was; then a commit that works leaves it alone too."""
    site, remote = blog
    staged = _stage_one_hunk(site)
    spoil(site)
    before, remote_before = _index_state(site), head(remote, "main")

    done = publish("_notebooks", cwd=site)

    assert done.returncode == code, done.stdout + done.stderr
    assert f"error: {says}" in done.stderr
    assert "nothing was committed or staged, the generated files stay in the work tree: _posts/2024-03-04-hello.md and 1 more file(s)" in done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == done.stderr.splitlines()[-1:]
    assert _index_state(site) == before
    assert head(site) == remote_before == head(remote, "main")
    assert git(site, "status", "--porcelain", "--untracked-files=all", "--", "_posts") == f"?? {POST}"
    assert not list((site / ".git").glob("*.lock"))

    git(site, "config", "--unset", "commit.gpgsign", check=False)
    for hook in ("pre-commit", "prepare-commit-msg"):
        (site / ".git" / "hooks" / hook).unlink(missing_ok=True)
    again = publish("_notebooks", cwd=site)
    assert again.returncode == 0, again.stderr
    assert POST in files_of(site) and head(remote, "main") == head(site)
    assert git(site, "diff", "--cached", "--full-index", "--", "notes.md") == staged
    assert git(site, "diff", "--cached", "--name-only") == "notes.md"


def test_the_users_pre_commit_hook_sees_the_commit_and_no_verify_skips_it(blog):
    site, remote = blog
    hook = site / ".git" / "hooks" / "pre-commit"
    seen = site.parent / "seen.txt"
    hook.write_text(f"#!/bin/sh\ngit diff --cached --name-only >> '{seen}'\necho ---- >> '{seen}'\n")
    hook.chmod(0o755)
    (site / "staged.md").write_text("the user's, staged\n")
    git(site, "add", "staged.md")

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 0, done.stderr
    ran = seen.read_text().split("----\n")[0].split()
    assert POST in ran and "staged.md" not in ran and len(ran) == 2, ran  # exactly what nb2post commits
    assert git(site, "status", "--porcelain", "--", "staged.md") == "A  staged.md"

    hook.write_text("#!/bin/sh\necho refused >&2\nexit 1\n")
    notebook = site / "_notebooks" / "2024-03-04-hello.ipynb"
    notebook.write_text(notebook.read_text().replace("A post to publish", "A post, edited"))
    refused = publish("_notebooks", cwd=site)
    assert refused.returncode == 3 and "--no-verify" in refused.stderr, refused.stderr
    skipped = publish("--no-verify", "_notebooks", cwd=site)
    assert skipped.returncode == 0, skipped.stderr
    assert "A post, edited" in git(site, "show", f"HEAD:{POST}") and head(remote, "main") == head(site)


def _alive(pid: int) -> bool:
    """A process that exists and is not a zombie (an orphan's zombie waits for a PID 1 that may not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _stalling_remote(remote: Path, pids: Path, seconds: int) -> None:
    """The bare remote's pre-receive hook writes its PIDs (and those of receive-pack and git push above it),
    then sleeps."""
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\ncat > /dev/null\n"
        f"sleep {seconds} &\n"
        "sleeper=$!\n"
        "pack=$PPID\n"
        "shell=$(cut -d' ' -f4 /proc/$pack/stat)\n"
        "push=$(cut -d' ' -f4 /proc/$shell/stat)\n"
        f"echo $$ $sleeper $pack $shell $push > '{pids}.tmp' && mv '{pids}.tmp' '{pids}'\n"
        "wait\n"
    )
    hook.chmod(0o755)


def _start_publish(site: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nb2post.cli", "publish", *args], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, seconds: float = 60) -> list[int]:
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return [int(pid) for pid in path.read_text().split()]


def _all_gone(pids: list[int], seconds: float = 10) -> list[int]:
    import time

    deadline = time.monotonic() + seconds
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if _alive(pid)]


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_the_push_stops_git_and_a_rerun_finishes(blog, tmp_path, signum, code):
    site, remote = blog
    pids_file = tmp_path / "pids"
    _stalling_remote(remote, pids_file, 60)
    remote_before = head(remote, "main")
    running = _start_publish(site, "_notebooks")
    pids = _wait_for(pids_file)

    running.send_signal(signum)
    out, err = running.communicate(timeout=30)

    assert running.returncode == code, out + err
    name = signal.Signals(signum).name
    assert f"error: stopped by {name} during the push to origin/main ({remote}): git push was stopped; the commit " in err
    assert "is kept on main: publish again to push it" in err
    assert _all_gone(pids) == [], [Path(f"/proc/{p}/cmdline").read_bytes() for p in pids if _alive(p)]
    assert head(remote, "main") == remote_before and POST in files_of(site)
    assert not list((site / ".git").glob("*.lock")) and not list(remote.glob("*.lock"))

    (remote / "hooks" / "pre-receive").unlink()
    again = publish("_notebooks", cwd=site)
    assert again.returncode == 0, again.stderr
    assert "nothing new to commit; 1 commit(s) of main not yet on origin/main" in again.stdout
    assert head(remote, "main") == head(site)
    if BRIEFS:
        assert f"brief: {site / '_briefs' / 'hello.md'}" in again.stdout, again.stdout


@pytest.mark.skipif(not BRIEFS, reason="nb2post.share.brief is not part of this build")
def test_a_publish_killed_after_its_push_gets_its_briefs_from_the_rerun(blog, tmp_path):
    """SIGKILL cannot be handled: the push may still finish behind publish's back (here: it is finished
    by hand, as the orphaned git push used to). The re-run has nothing to commit or push, and writes the
    brief the killed run owed."""
    site, remote = blog
    pids_file = tmp_path / "pids"
    _stalling_remote(remote, pids_file, 60)
    running = _start_publish(site, "_notebooks")
    pids = _wait_for(pids_file)
    running.kill()
    running.communicate(timeout=30)
    assert _all_gone(pids[-1:]) == []  # git push itself dies with publish (PR_SET_PDEATHSIG)
    try:
        os.killpg(os.getpgid(pids[0]), signal.SIGKILL)  # what git push left running on the remote's side
    except ProcessLookupError:
        pass
    (remote / "hooks" / "pre-receive").unlink()
    git(site, "push", "-q", "origin", "main")
    assert not (site / "_briefs").exists()

    again = publish("_notebooks", cwd=site)

    assert again.returncode == 0, again.stderr
    assert "nothing to publish: the posts are committed and on origin/main" in again.stdout
    assert f"brief: {site / '_briefs' / 'hello.md'}" in again.stdout, again.stdout
    third = publish("_notebooks", cwd=site)
    assert "brief:" not in third.stdout  # owed once, written once


def test_two_publishes_at_once_never_report_a_false_failure(blog):
    site, remote = blog
    for round_ in range(4):
        write_notebook(site / "_notebooks" / f"2024-04-0{round_ + 1}-round.ipynb", [cell("markdown", f"# Round {round_}\n\nText")])
        both = [_start_publish(site, "_notebooks") for _ in range(2)]
        results = [(p.returncode, out, err) for p in both for out, err in [p.communicate(timeout=120)]]
        for code, out, err in results:
            assert code == 0 and "error" not in err, (round_, out, err)
        said = sorted("committed" if "committed " in out and "nothing" not in out else out for _, out, _ in results)
        assert said[0] == "committed" and "nothing to publish: the posts are committed and on origin/main" in said[1], said
        assert head(remote, "main") == head(site)
        assert git(site, "status", "--porcelain", "--", "_posts") == ""


def test_a_percent_encoded_credential_is_scrubbed_as_written_and_decoded():
    from nb2post import gitrepo

    target = gitrepo.PushTarget("origin", "main", "main", "https://deploy-bot:t0k%40en%2Fx%25yz@git.example.org/blog.git")
    echoed = ("remote: user deploy-bot with password t0k@en/x%yz may not push\n"
              "fatal: https://deploy-bot:t0k@en/x%yz@git.example.org/blog.git and t0k%40en%2Fx%25yz refused")

    shown = gitrepo.redact(echoed, target.secrets)

    assert "t0k" not in shown and "deploy-bot" not in shown and "en/x" not in shown, shown
    assert "https://***@git.example.org/blog.git" in shown and target.shown_url == "https://***@git.example.org/blog.git"


def _random_png(side: int) -> bytes:
    """A real PNG of random pixels (it does not compress: about 3 * side² bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + os.urandom(3 * side) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_the_pre_commit_frameworks_large_file_check_refuses_a_big_post_image(blog):
    """The real pre-commit framework with pre-commit-hooks' check-added-large-files (a local 'system' hook:
    nothing to download): a post with a 1.5 MB image is refused, nothing is committed or staged, the user's
    staged and unstaged changes survive pre-commit's stash of them; --no-verify publishes it."""
    import base64

    pytest.importorskip("pre_commit_hooks.check_added_large_files")
    site, remote = blog
    (site / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: check-added-large-files\n    name: check for added large files\n"
        f"    entry: {sys.executable} -m pre_commit_hooks.check_added_large_files --maxkb=500\n    language: system\n"
    )
    git(site, "add", ".pre-commit-config.yaml")
    git(site, "commit", "-q", "-m", "pre-commit")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=site, check=True, capture_output=True)
    big = base64.b64encode(_random_png(710)).decode()
    write_notebook(site / "_notebooks" / "2024-03-04-hello.ipynb", [
        cell("markdown", "# Hello publish\n> A post to publish"),
        cell("code", "plot()", outputs=[{"output_type": "display_data", "data": {"image/png": big}, "metadata": {}}]),
    ])
    (site / "both.md").write_text("both v2, staged\n")
    git(site, "add", "both.md")
    (site / "both.md").write_text("both v3, on top, not staged\n")
    before, head_before = _index_state(site), head(site)

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 3, done.stdout + done.stderr
    assert "error: the pre-commit hook (.git/hooks/pre-commit) refused the commit: " in done.stderr
    assert "KB) exceeds 500 KB" in done.stderr and "--no-verify" in done.stderr, done.stderr
    assert _index_state(site) == before and head(site) == head_before
    assert (site / "both.md").read_text() == "both v3, on top, not staged\n"

    skipped = publish("--no-verify", "_notebooks", cwd=site)
    assert skipped.returncode == 0, skipped.stderr
    assert POST in files_of(site) and head(remote, "main") == head(site)
    assert _index_state(site)[:2] == before[:2]


def test_a_sigterm_during_the_users_pre_commit_hook_leaves_the_index_and_no_lock(blog, tmp_path):
    site, remote = blog
    staged = _stage_one_hunk(site)
    pids_file = tmp_path / "pids"
    hook = site / ".git" / "hooks" / "pre-commit"
    # A hook that ignores SIGTERM (and so does its sleep): only the SIGKILL after the grace period stops it.
    hook.write_text(f"#!/bin/sh\ntrap '' TERM INT\nsleep 60 &\necho $$ $! > '{pids_file}.tmp' && mv '{pids_file}.tmp' '{pids_file}'\nwait\n")
    hook.chmod(0o755)
    before, head_before = _index_state(site), head(site)
    running = _start_publish(site, "_notebooks")
    pids = _wait_for(pids_file)

    running.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    running.send_signal(signal.SIGTERM)  # impatient: a second one while publish stops git and repairs
    out, err = running.communicate(timeout=30)

    assert running.returncode == 143, out + err
    assert "error: stopped by SIGTERM during git commit; nothing was committed or staged" in err
    assert _all_gone(pids) == []
    assert _index_state(site) == before and head(site) == head_before
    assert git(site, "diff", "--cached", "--full-index", "--", "notes.md") == staged
    assert not list((site / ".git").glob("*.lock")) and head(remote, "main") == head_before


def _publish_on_a_terminal(site: Path, *args: str):
    """publish in a new session whose controlling terminal is a pseudo-terminal (as in a shell): returns
    (pid, the terminal's master side)."""
    import pty

    pid, master = pty.fork()
    if pid == 0:  # the child: never returns
        try:
            os.chdir(site)
            os.execv(sys.executable, [sys.executable, "-m", "nb2post.cli", "publish", *args])
        finally:
            os._exit(127)
    return pid, master


def _read_until(master: int, text: str, seconds: float = 60) -> str:
    import select
    import time

    seen, deadline = b"", time.monotonic() + seconds
    while text.encode() not in seen:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        if select.select([master], [], [], 0.1)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode(errors="replace")


def _exit_status(pid: int, master: int, seconds: float = 60) -> tuple[int, str]:
    import select
    import time

    output, deadline = "", time.monotonic() + seconds
    while True:
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)  # the session pty.fork made: publish and all it started
            pytest.fail(f"publish on a terminal did not finish: {output}")
        ready = select.select([master], [], [], 0.1)[0]
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                chunk = b""
            output += chunk.decode(errors="replace")
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), output


def test_on_a_terminal_git_can_still_prompt_and_ctrl_c_stops_the_push(blog, tmp_path):
    """With a terminal, publish hands git's process group the terminal's foreground while it runs: a hook
    that asks on /dev/tty gets its answer (in the background it would be stopped by SIGTTIN and hang), and
    Ctrl-C (the terminal's SIGINT, to git's group) stops the push and publish reports it: exit 130."""
    site, remote = blog
    hooks = site / ".git" / "hooks"
    (hooks / "pre-push").write_text("#!/bin/sh\nprintf 'push? ' > /dev/tty\nread answer < /dev/tty\n[ \"$answer\" = yes ]\n")
    (hooks / "pre-push").chmod(0o755)
    pid, master = _publish_on_a_terminal(site, "_notebooks")
    _read_until(master, "push? ")
    os.write(master, b"yes\n")
    code, output = _exit_status(pid, master, 20)
    assert code == 0, output
    assert head(remote, "main") == head(site)

    (hooks / "pre-push").unlink()
    pids_file = tmp_path / "pids"
    _stalling_remote(remote, pids_file, 60)
    notebook = site / "_notebooks" / "2024-03-04-hello.ipynb"
    notebook.write_text(notebook.read_text().replace("A post to publish", "A post, edited"))
    pid, master = _publish_on_a_terminal(site, "_notebooks")
    pids = _wait_for(pids_file)
    os.write(master, b"\x03")  # Ctrl-C
    code, output = _exit_status(pid, master)
    assert code == 130, output
    assert "stopped by SIGINT during the push to origin/main" in output
    assert _all_gone(pids) == []
    os.close(master)


def test_a_hook_that_fixes_the_post_and_refuses_gets_nb2posts_post_back(blog):
    """A fixer hook (trailing whitespace, end of file) rewrites the post and refuses, as pre-commit's do:
    the post is put back as nb2post wrote it (else the next run would take it for someone else's file),
    and the error says so."""
    site, remote = blog
    hook = site / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nfor f in $(git diff --cached --name-only -- '*.md'); do echo '<!-- fixed -->' >> \"$f\"; done\n"
                    "echo 'Fixing files' >&2\nexit 1\n")
    hook.chmod(0o755)

    done = publish("_notebooks", cwd=site)

    assert done.returncode == 3, done.stderr
    assert (f"the hook changed {POST}, put back as nb2post wrote it (keep nb2post's files out of that hook)"
            in done.stderr.splitlines()[-1]), done.stderr
    assert "<!-- fixed -->" not in (site / POST).read_text()
    assert git(site, "status", "--porcelain", "--untracked-files=all", "--", "_posts") == f"?? {POST}"
    again = publish("--no-verify", "_notebooks", cwd=site)
    assert again.returncode == 0, again.stderr
    assert "<!-- fixed -->" not in git(site, "show", f"HEAD:{POST}") and head(remote, "main") == head(site)


def test_the_publish_lock_waits_names_its_holder_and_leaves_no_file(blog):
    from nb2post import gitrepo

    site, _ = blog
    first, second = gitrepo.PublishLock(site), gitrepo.PublishLock(site)
    assert first.acquire(1)
    told = []
    assert not second.acquire(0.3, told.append)
    assert told == [str(os.getpid())]
    first.release()
    assert not (site / ".git" / gitrepo.LOCK_NAME).exists()
    assert second.acquire(1) and (site / ".git" / gitrepo.LOCK_NAME).exists()
    second.release()
    # a holder that dies (SIGKILL: no release) leaves nothing that blocks the next publish
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from nb2post import gitrepo; "
                               f"lock = gitrepo.PublishLock({str(site)!r}); assert lock.acquire(1); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    assert not first.acquire(0.2)
    holder.kill()
    holder.wait()
    assert first.acquire(2)
    first.release()
