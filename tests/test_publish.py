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
from pathlib import Path

import pytest

from conftest import cell, free_port, make_site, run_cli, wait_for_port, write_notebook

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
TOKEN = "s3cr3tT0ken"
POST = "_posts/2024-03-04-hello.md"


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.strip()


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
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    site = make_site(tmp_path / "blog")
    git(site, "init", "-q", "-b", "main")
    (site / "notes.md").write_text("notes v1\n")
    (site / "both.md").write_text("both v1\n")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "the blog")
    git(site, "remote", "add", "origin", str(remote))
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
    if importlib.util.find_spec("nb2post.brief") is not None:
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
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    site = make_site(tmp_path / "blog")
    git(site, "init", "-q", "-b", "main")
    git(site, "remote", "add", "origin", str(remote))
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
