"""Where the site writes, on the file systems people really have: symbolic links, FIFOs, folders named
like notebooks, killed conversions, moved notebooks."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cell, git, jekyll_build, make_site, process_table, repo_with_remote, run_cli, write_notebook

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"


def image_output():
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG, "text/plain": "<Figure>"}}


def tree(folder):
    """Every file below ``folder`` with its bytes (links as what they point to)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- symbolic links ----------------------------------------------------------------------------------


def test_a_post_that_is_a_symlink_is_refused_and_force_replaces_the_link_not_its_target(tmp_path):
    site = make_site(tmp_path / "site")
    config = (site / "_config.yml").read_bytes()
    (site / "_posts").mkdir()
    link = site / "_posts" / "2024-02-03-post.md"
    link.symlink_to("../_config.yml")
    write_notebook(site / "_notebooks" / "2024-02-03-post.ipynb", [cell("markdown", "# Linked\n\nText.")])

    refused = run_cli("convert", "_notebooks", cwd=site)
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert f"error: {link}: is a symbolic link (to ../_config.yml)" in refused.stderr
    assert "--force" in refused.stderr
    assert link.is_symlink() and (site / "_config.yml").read_bytes() == config

    forced = run_cli("convert", "--force", "_notebooks", cwd=site)
    assert forced.returncode == 0, forced.stderr
    assert (site / "_config.yml").read_bytes() == config  # the target is untouched
    assert not link.is_symlink() and "Linked" in link.read_text()
    out = jekyll_build(site)
    assert "Text." in (out / "2024/02/03/post.html").read_text()


def test_folders_linked_out_of_the_site_fail_their_posts_with_one_line_and_the_batch_goes_on(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    site = make_site(tmp_path / "site")
    (site / "assets").mkdir()
    (site / "assets" / "images").symlink_to(outside, target_is_directory=True)
    notebooks = site / "_notebooks"
    for name in ("2024-01-01-plot", "2024-01-02-more-plots"):
        write_notebook(notebooks / f"{name}.ipynb", [cell("code", "plot()", outputs=[image_output()])])
    write_notebook(notebooks / "2024-01-03-text.ipynb", [cell("markdown", "# Only words")])

    done = run_cli("convert", "-j", "1", "_notebooks", cwd=site)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert "assets/images is a link to" in errors[0] and str(outside) in errors[0]
    assert "2 failed" in done.stderr and "1 written" in done.stderr
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2024-01-03-text.md"]

    dry = run_cli("convert", "--dry-run", "_notebooks", cwd=site)
    assert dry.returncode == 1 and "assets/images is a link to" in dry.stderr

    # _posts itself linked out of the site: every post refused, one line, nothing written there.
    posts_outside = tmp_path / "posts-elsewhere"
    posts_outside.mkdir()
    (site / "assets" / "images").unlink()
    for post in (site / "_posts").iterdir():
        post.unlink()
    (site / "_posts").rmdir()
    (site / "_posts").symlink_to(posts_outside, target_is_directory=True)
    done = run_cli("convert", "_notebooks", cwd=site)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "_posts is a link to" in errors[0], done.stderr
    assert "3 failed" in done.stderr
    assert list(posts_outside.iterdir()) == []


# --- things named like notebooks that are not notebook files --------------------------------------------


def nb2post(*args, cwd, timeout=60):
    """The real command, with a timeout short enough that a hang fails the test instead of the suite."""
    return subprocess.run([sys.executable, "-m", "nb2post.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_fifos_and_sockets_named_like_notebooks_are_skipped_with_a_warning_never_opened(tmp_path):
    site = make_site(tmp_path / "site")
    notebooks = site / "_notebooks"
    write_notebook(notebooks / "2024-01-01-real.ipynb", [cell("markdown", "# Real")])
    os.mkfifo(notebooks / "2024-01-02-pipe.ipynb")
    (site / "_posts").mkdir()
    os.mkfifo(site / "_posts" / "2023-12-31-pipe.md")  # read for markers: must not block either
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(notebooks / "2024-01-03-socket.ipynb"))
    (notebooks / "2024-01-04-folder.ipynb").mkdir()  # a folder named like one: searched like any folder
    write_notebook(notebooks / "2024-01-04-folder.ipynb" / "2024-01-05-inside.ipynb", [cell("markdown", "# In")])
    try:
        converted = nb2post("convert", "_notebooks", cwd=site)
        checked = nb2post("check", cwd=site)
        checked_named = nb2post("check", "_notebooks", cwd=site)
    finally:
        listener.close()

    assert converted.returncode == 0, converted.stderr
    assert "warning: _notebooks/2024-01-02-pipe.ipynb: is a FIFO, not a notebook file; skipped" in converted.stderr
    assert "warning: _notebooks/2024-01-03-socket.ipynb: is a socket, not a notebook file; skipped" in converted.stderr
    assert sorted(p.name for p in (site / "_posts").iterdir()) == [
        "2023-12-31-pipe.md", "2024-01-01-real.md", "2024-01-05-inside.md"
    ]
    for done in (checked, checked_named):
        assert done.returncode == 0, done.stdout + done.stderr
        assert "2024-01-02-pipe.ipynb: is a FIFO, not a notebook file; skipped" in done.stderr
        assert "all 2 notebooks have current posts" in done.stderr


def test_naming_something_that_is_not_a_notebook_is_an_error(tmp_path):
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-01-01-real.ipynb", [cell("markdown", "# Real")])
    (site / "folder.ipynb").mkdir()
    os.mkfifo(site / "pipe.ipynb")
    (site / "empty").mkdir()

    # A wrong name is a usage error (exit 2) and nothing is converted, as git add refuses a pathspec.
    folder = nb2post("convert", "folder.ipynb", "_notebooks", cwd=site)
    assert folder.returncode == 2, folder.stderr
    assert folder.stderr.splitlines() == ["error: folder.ipynb: is a folder, not a notebook file; name the notebook (or its parent folder)"]
    assert not (site / "_posts").exists() and folder.stdout == ""

    pipe = nb2post("convert", "pipe.ipynb", cwd=site)
    assert pipe.returncode == 2 and "error: pipe.ipynb: is a FIFO, not a notebook file" in pipe.stderr
    config = nb2post("convert", "_config.yml", cwd=site)
    assert config.returncode == 2 and "error: _config.yml: is not a notebook (an .ipynb file)" in config.stderr

    # check refuses the same names before checking anything, as convert does
    for named in ("folder.ipynb", "pipe.ipynb", "_config.yml"):
        done = nb2post("check", named, cwd=site)
        assert done.returncode == 2 and f"error: {named}: is " in done.stderr, done.stderr
        assert "Fix:" not in done.stdout

    # A folder of notebooks that holds none yet is no mistake: said, exit 0 (a new blog's _notebooks/).
    empty = nb2post("convert", "empty", cwd=site)
    assert empty.returncode == 0 and "warning: no notebooks found in empty" in empty.stderr


# --- a killed conversion leaves no process behind -------------------------------------------------------


def _children(pid: int) -> set[int]:
    return {child for child, fields in process_table().items() if int(fields[1]) == pid}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only nobody reaped it (no init in a container)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_workers_exit_when_the_convert_that_started_them_is_killed(tmp_path):
    site = make_site(tmp_path / "site")
    long_text = "\n\n".join(f"Paragraph {i} with $x_{i}$ math, `code` and a [link](https://example.com/{i})." for i in range(400))
    for number in range(60):
        write_notebook(site / "_notebooks" / f"2024-01-{number % 28 + 1:02d}-post-{number}.ipynb", [cell("markdown", long_text)])
    parent = subprocess.Popen(
        [sys.executable, "-m", "nb2post.cli", "convert", "-j", "2", "_notebooks"],
        cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and parent.poll() is None:
            workers = _children(parent.pid)
            time.sleep(0.02)
        assert len(workers) >= 2 and parent.poll() is None, "the convert finished before its workers were seen"
        time.sleep(0.3)  # the workers are busy now
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.1)
        survivors = [pid for pid in workers if _alive(pid)]
    finally:
        if parent.poll() is None:
            parent.kill()
    for pid in survivors:  # leave nothing behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == [], f"worker processes {survivors} outlived the killed convert"


# --- a notebook moved with git mv keeps its post ---------------------------------------------------------


def test_moved_post_finds_the_one_post_of_a_gone_notebook_of_the_same_name_by_index_as_by_scan(tmp_path):
    from nb2post.site import Marker, keys_by_name, moved_post

    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "x.ipynb").write_text("{}")
    posts = {key: (tmp_path / f"p{number}.md", Marker(key, "h", "")) for number, key in
             enumerate(["old/x.ipynb", "old/y.ipynb", "here/x.ipynb"])}
    by_name = keys_by_name(posts)
    assert by_name == {"x.ipynb": {"old/x.ipynb", "here/x.ipynb"}, "y.ipynb": {"old/y.ipynb"}}
    by_name["x.ipynb"].add("gone/x.ipynb")  # a key its post no longer holds (the post moved on)
    for index in (None, by_name):
        assert moved_post("new/x.ipynb", posts, tmp_path, index) == ("old/x.ipynb", *posts["old/x.ipynb"])
        assert moved_post("new/z.ipynb", posts, tmp_path, index) is None
    posts["other/x.ipynb"] = (tmp_path / "p9.md", Marker("other/x.ipynb", "h", ""))  # two candidates: neither
    by_name = keys_by_name(posts)
    assert moved_post("new/x.ipynb", posts, tmp_path, by_name) is None
    assert moved_post("new/x.ipynb", posts, tmp_path) is None


def test_a_moved_notebook_takes_its_post_along_and_check_and_convert_agree(tmp_path):
    site = make_site(tmp_path / "site")
    git(site, "init", "-q", "-b", "main")
    write_notebook(site / "_notebooks" / "2024-01-10-moving.ipynb", [cell("markdown", "# Moving\n\nText.")])
    write_notebook(site / "_notebooks" / "undated.ipynb", [cell("markdown", "# Undated")])
    git(site, "add", "-A")
    git(site, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "notebooks", "--date", "2024-01-12T10:00:00")
    assert nb2post("convert", "_notebooks", cwd=site).returncode == 0
    posts_before = sorted(p.name for p in (site / "_posts").iterdir())
    assert posts_before == ["2024-01-10-moving.md", "2024-01-12-undated.md"]
    git(site, "add", "-A")
    git(site, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "posts")
    (site / "_notebooks" / "sub").mkdir()
    git(site, "mv", "_notebooks/2024-01-10-moving.ipynb", "_notebooks/sub/2024-01-10-moving.ipynb")
    git(site, "mv", "_notebooks/undated.ipynb", "_notebooks/sub/undated.ipynb")
    git(site, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "move")

    checked = nb2post("check", cwd=site)
    assert checked.returncode == 1
    assert "moved:   _notebooks/sub/2024-01-10-moving.ipynb was _notebooks/2024-01-10-moving.ipynb; its post " \
        "_posts/2024-01-10-moving.md follows it" in checked.stdout
    assert "orphan" not in checked.stdout and "git rm" not in checked.stdout
    fix = checked.stdout.splitlines()[-1].split("Fix: ", 1)[1]
    assert fix == "nb2post convert _notebooks/sub/2024-01-10-moving.ipynb _notebooks/sub/undated.ipynb"
    named = nb2post("check", "_notebooks/sub/2024-01-10-moving.ipynb", cwd=site)
    assert named.returncode == 1 and "moved:" in named.stdout and "git rm" not in named.stdout

    converted = nb2post(*fix.split()[1:], cwd=site)
    assert converted.returncode == 0, converted.stderr
    assert sorted(p.name for p in (site / "_posts").iterdir()) == posts_before
    post = (site / "_posts" / "2024-01-10-moving.md").read_text()
    assert "generated from _notebooks/sub/2024-01-10-moving.ipynb;" in post
    again = nb2post("check", cwd=site)
    assert again.returncode == 0, again.stdout + again.stderr
    changed = git(site, "status", "--porcelain", "--", "_posts").splitlines()
    assert sorted(line.strip() for line in changed) == [f"M _posts/{name}" for name in posts_before]


# --- migrating: posts fastpages and jekyllnb wrote -------------------------------------------------------

FASTPAGES_POST = """---
keywords: fastai
description: A summary
title: {title}
nb_path: {nb_path}
layout: post
---

<!--
#################################################
### THIS FILE WAS AUTOGENERATED! DO NOT EDIT! ###
#################################################
# file to edit: {banner}
-->

<div class="container" id="notebook-container">
<p>Old fastpages body</p>
</div>
"""


def test_posts_fastpages_and_jekyllnb_wrote_are_replaced_but_not_posts_of_another_notebook(tmp_path):
    site = make_site(tmp_path / "site")
    posts, notebooks = site / "_posts", site / "_notebooks"
    posts.mkdir()

    def fastpages_post(name, nb_path, banner=None):
        post = posts / f"{name}.md"
        post.write_text(FASTPAGES_POST.format(title=name, nb_path=nb_path, banner=banner or nb_path))
        write_notebook(notebooks / f"{name}.ipynb", [cell("markdown", f"# New {name}\n\nConverted by nb2post.")])
        return post

    migrated = fastpages_post("2020-02-20-test", "_notebooks/2020-02-20-test.ipynb")
    other = fastpages_post("2020-03-01-other", "_notebooks/2020-03-01-something-else.ipynb")
    edited = fastpages_post("2020-03-02-edited", "_notebooks/2020-03-02-hand.ipynb", banner="_notebooks/2020-03-02-edited.ipynb")

    jekyllnb_meta = {"layout": "post", "title": "Hello World!", "permalink": "/hello/world/"}
    write_notebook(notebooks / "2021-01-01-jnb.ipynb", [cell("markdown", "Hello from nb2post")], jekyll=jekyllnb_meta)
    jekyllnb = posts / "2021-01-01-jnb.md"
    jekyllnb.write_text("---\nlayout: post\ntitle: Hello World!\npermalink: /hello/world/\n---\n\nHello World!\n")
    write_notebook(notebooks / "2021-01-02-jnb-edited.ipynb", [cell("markdown", "x")], jekyll=jekyllnb_meta)
    jekyllnb_edited = posts / "2021-01-02-jnb-edited.md"
    jekyllnb_edited.write_text("---\nlayout: post\ntitle: Hello World, edited!\npermalink: /hello/world/\n---\n\nHi\n")
    kept = {p: p.read_bytes() for p in (other, edited, jekyllnb_edited)}

    done = nb2post("convert", "_notebooks", cwd=site)

    assert done.returncode == 1
    assert "Converted by nb2post." in migrated.read_text() and "Old fastpages body" not in migrated.read_text()
    assert "Hello from nb2post" in jekyllnb.read_text() and "nb2post: generated from" in jekyllnb.read_text()
    assert all(p.read_bytes() == data for p, data in kept.items())
    errors = sorted(line for line in done.stderr.splitlines() if line.startswith("error:"))
    assert len(errors) == 3, done.stderr
    assert f"{other}: was generated by fastpages from _notebooks/2020-03-01-something-else.ipynb, not from " \
        "_notebooks/2020-03-01-other.ipynb; not overwritten" in done.stderr
    assert f"{edited}: was generated by fastpages from _notebooks/2020-03-02-edited.ipynb but its nb_path is " \
        "_notebooks/2020-03-02-hand.ipynb" in done.stderr
    assert f"{jekyllnb_edited}: was not written by nb2post" in done.stderr
    out = jekyll_build(site)
    assert "Converted by nb2post." in (out / "2020/02/20/test.html").read_text()


def test_a_fastpages_post_under_another_file_name_is_this_notebooks_post_and_keeps_its_url(tmp_path):
    """fastpages kept commas in file names (and dated undated notebooks by mtime): the post it wrote is the
    notebook's post whatever its name, so migrating renames it — which moves a published URL, so it is
    refused until --force, never left beside a duplicate."""
    site = make_site(tmp_path / "site")
    (site / "_posts").mkdir()
    old = site / "_posts" / "2020-04-01-Active-Learning,-Data.md"
    nb_path = "_notebooks/2020-04-01-Active Learning, Data.ipynb"
    old.write_text(FASTPAGES_POST.format(title="Active", nb_path=nb_path, banner=nb_path))
    write_notebook(site / nb_path, [cell("markdown", "# Active Learning\n\nNew words.")])
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "fastpages blog")

    refused = nb2post("convert", "_notebooks", cwd=site)
    assert refused.returncode == 1
    assert "2020-04-01-Active-Learning,-Data.md → 2020-04-01-Active-Learning-Data.md, which moves its published " \
        "URL /2020/04/01/Active-Learning,-Data.html → /2020/04/01/Active-Learning-Data.html" in refused.stderr
    assert sorted(p.name for p in (site / "_posts").iterdir()) == [old.name]

    forced = nb2post("convert", "--force", "_notebooks", cwd=site)
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2020-04-01-Active-Learning-Data.md"]


def test_a_failed_write_leaves_no_empty_image_folders(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "_posts").write_text("a file where the posts folder should be\n")
    write_notebook(site / "_notebooks" / "2024-01-01-plot.ipynb", [cell("code", "plot()", outputs=[image_output()])])

    done = nb2post("convert", "_notebooks", cwd=site)

    assert done.returncode == 1, done.stderr
    assert ("error: _notebooks/2024-01-01-plot.ipynb: cannot write _posts: it is a file, not a folder; move that file "
            "away and run again") in done.stderr, done.stderr
    assert not (site / "assets").exists()
    # (outside git, nb2post's stat cache lives in the site: what it hashed is not lost)
    assert sorted(p.name for p in site.iterdir()) == [".nb2post-cache", "_config.yml", "_layouts", "_notebooks", "_posts"]


def test_the_pre_push_hook_lets_a_moved_notebook_through_once_its_post_follows(tmp_path):
    """The hook's view of a push (a notebook gone here, one new there) agrees with convert: convert mode
    converts and commits the moved post, and the push after it goes through."""
    remote = tmp_path / "remote.git"
    site = repo_with_remote(make_site(tmp_path / "site"), remote)
    git(site, "config", "user.name", "T")
    git(site, "config", "user.email", "t@e")
    write_notebook(site / "_notebooks" / "2024-01-10-moving.ipynb", [cell("markdown", "# Moving")])
    assert nb2post("convert", "_notebooks", cwd=site).returncode == 0
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "post")
    git(site, "push", "-q", "-u", "origin", "main")
    assert nb2post("hook", "install", "--mode", "convert", cwd=site).returncode == 0
    (site / "_notebooks" / "sub").mkdir()
    git(site, "mv", "_notebooks/2024-01-10-moving.ipynb", "_notebooks/sub/2024-01-10-moving.ipynb")
    git(site, "commit", "-q", "-m", "move")

    first = subprocess.run(["git", "push", "-q"], cwd=site, capture_output=True, text=True, timeout=120)
    assert first.returncode != 0 and "converted 1 notebook(s) and committed the posts" in first.stderr, first.stderr
    assert "two notebooks give the same date and name" not in first.stderr
    assert git(site, "show", "--name-only", "--format=", "HEAD") == "_posts/2024-01-10-moving.md"
    second = subprocess.run(["git", "push", "-q"], cwd=site, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert git(remote, "rev-parse", "main") == git(site, "rev-parse", "HEAD")


@pytest.mark.parametrize("seed", range(200))
def test_read_marker_finds_what_a_search_of_the_whole_text_finds(seed):
    import random
    import re

    from nb2post import post as posts

    marked = posts.with_marker("Body\n", "_notebooks/a;b--c.ipynb", "abc123")
    pieces = ["text", "\n", "<!-- nb2post: generated from ", "x; edit the notebook, not this post. ", "source=ab content=cd -->",
              marked, marked.strip("\n"), "<!-- nb2post:", "{{ x }}", ""]
    chooser = random.Random(seed)
    text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 8)))
    match = posts._MARKER.search(text)
    marker, before = posts.read_marker(text)
    if match is None:  # else the last whole marker line, with text after it (added by hand): line by line
        lines = text.splitlines(keepends=True)
        whole = re.compile(r"<!-- nb2post: generated from [^\n]*?; edit the notebook, not this post\. "
                           r"source=(?P<source_hash>[0-9a-f]+) content=(?P<content_hash>[0-9a-f]+) -->[ \t]*\n?\Z")
        found = [index for index, line in enumerate(lines) if whole.match(line)]
        if found:
            match = whole.match(lines[found[-1]])
            expected = "".join(lines[:found[-1]]) + "\n" + "".join(lines[found[-1] + 1:])
    else:
        expected = text[: match.start()] + "\n"
    assert (marker is None) == (match is None), text
    assert before == (text if match is None else expected)
    if match:
        assert (marker.source_hash, marker.content_hash) == (match.group("source_hash"), match.group("content_hash"))


def test_awaited_paths_survive_the_post_and_its_marker_with_any_characters(tmp_path):
    """The awaiting line holds paths with spaces, `--` (which would end the comment) and Liquid openers;
    the marker read back from the post has them as written, and the post is not taken as edited."""
    import datetime as dt

    from nb2post.post import Post, read_marker_and_edits
    from nb2post.site import post_text

    awaited = ("_notebooks/my images/a--b.png", "_notebooks/{{x}}%20.png", "../outside/c.png")
    post = Post(source="_notebooks/n.ipynb", slug="n", date=dt.date(2024, 1, 1), front_matter={"title": "N"},
                body="text\n", target="jekyll", source_hash="ab", awaited=awaited)
    path = tmp_path / "2024-01-01-n.md"
    text = post_text(post)
    assert text.count("-->") == 2 and "{{" not in text.split("text\n", 1)[1].rsplit("<!-- nb2post: generated", 1)[0]
    path.write_text(text, encoding="utf-8")
    marker = read_marker_and_edits(path)
    assert marker.awaited == awaited and not marker.edited
