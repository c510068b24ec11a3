"""The stat cache never gives a wrong answer: edits, touches, racy timestamps, a deleted or corrupt cache,
a fresh clone and concurrent runs. Real files, real git, the real command; no timings."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook

from nb2post import statcache


def notebook_cells(index: int, text: str = "") -> list[dict]:
    return [cell("markdown", f"# Note {index}\n> About {index}{text}"), cell("code", f"print({index})")]


def blog(tmp_path: Path, count: int = 3, git: bool = True, extra_config: str = "") -> Path:
    site = make_site(tmp_path / "blog", extra_config=extra_config)
    for index in range(count):
        write_notebook(site / "_notebooks" / f"2024-03-{index + 1:02d}-note-{index}.ipynb", notebook_cells(index))
    if git:
        subprocess.run(["git", "init", "-q", str(site)], check=True)
    run_cli("convert", "-q", cwd=site, check=True)
    return site


def same_size_edit(path: Path) -> None:
    """Change one character: same size, new content."""
    data = path.read_bytes()
    index = data.index(b"About")
    path.write_bytes(data[:index] + b"about" + data[index + 5:])


def check(site: Path):
    return run_cli("check", cwd=site)


def cache_of(site: Path) -> statcache.StatCache:
    return statcache.StatCache(statcache.cache_path(site))


def remembered_notebooks(site: Path) -> set[str]:
    files = {}
    for folder, names in cache_of(site).entries.get("content", {}).items():
        files.update({os.path.join(folder, name): entry for name, entry in names.items()})
    return set(files)


def settle(site: Path) -> None:
    """Runs until the cache holds every file (entries of files changed in a run's own clock tick are
    left for the next run)."""
    time.sleep(0.05)
    assert check(site).returncode == 0


def test_cache_lives_in_the_git_dir_and_leaves_the_work_tree_alone(tmp_path):
    site = blog(tmp_path)
    settle(site)
    assert statcache.cache_path(site) == (site / ".git" / "nb2post-cache").resolve()
    assert (site / ".git" / "nb2post-cache").is_file()
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=site, capture_output=True, text=True, check=True)
    assert ".nb2post" not in status.stdout and "nb2post-cache" not in status.stdout
    assert len(remembered_notebooks(site)) == 3
    assert not list((site / ".git").glob(".nb2post-cache-*"))  # no temporary file left behind


def test_outside_git_the_cache_is_a_dotfile_jekyll_does_not_publish(tmp_path):
    site = blog(tmp_path, git=False)
    assert (site / ".nb2post-cache").is_file()
    out = jekyll_build(site)
    assert (out / "2024" / "03" / "01" / "note-0.html").is_file() or list(out.rglob("note-0*.html"))
    assert not list(out.rglob("*nb2post-cache*"))


def test_edit_is_stale_touch_is_not(tmp_path):
    site = blog(tmp_path)
    settle(site)
    first = site / "_notebooks" / "2024-03-01-note-0.ipynb"
    second = site / "_notebooks" / "2024-03-02-note-1.ipynb"
    os.utime(first, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # touched, bytes the same
    same_size_edit(second)
    done = check(site)
    assert done.returncode == 1
    assert "note-1" in done.stdout and "note-0" not in done.stdout
    converted = run_cli("convert", "-v", cwd=site)
    assert converted.returncode == 0
    assert "written: _posts/2024-03-02-note-1.md" in converted.stderr
    assert "written: _posts/2024-03-01-note-0.md" not in converted.stderr
    assert check(site).returncode == 0


def test_edit_that_keeps_size_and_mtime_is_found(tmp_path):
    """An edit in the same second as the cache was written, with the old mtime put back (as a checkout
    or `touch -r` does): the stat still differs (ctime), so it is hashed again."""
    site = blog(tmp_path)
    settle(site)
    notebook = site / "_notebooks" / "2024-03-03-note-2.ipynb"
    before = notebook.stat()
    same_size_edit(notebook)
    os.utime(notebook, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert notebook.stat().st_size == before.st_size and notebook.stat().st_mtime_ns == before.st_mtime_ns
    done = check(site)
    assert done.returncode == 1 and "note-2" in done.stdout


def test_racy_entries_are_never_stored(tmp_path):
    """A file whose mtime or ctime is not strictly older than the run's own clock could change again
    without changing its stat: it is not remembered, so the next run reads it."""
    site = blog(tmp_path)
    notebook = site / "_notebooks" / "2024-03-01-note-0.ipynb"
    future = time.time_ns() + 3600 * 10**9  # newer than any run's clock
    os.utime(notebook, ns=(future, future))
    assert check(site).returncode == 0
    assert check(site).returncode == 0
    assert str(notebook.resolve()) not in remembered_notebooks(site)
    same_size_edit(notebook)
    os.utime(notebook, ns=(future, future))
    assert check(site).returncode == 1

    # and directly: the same stat with the run's clock tick is refused, an older one is kept
    cache = cache_of(site)
    now = cache._now()
    st = notebook.stat()
    racy = os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, st.st_size,
                           0, 0, 0, 0, 0, 0, now - 5, now, now - 5))
    cache.store("content", str(notebook), racy, "x")
    assert cache.lookup("content", str(notebook), racy) is statcache.MISSING
    old = os.stat_result((*racy[:7], 0, 0, 0, 0, 0, 0, now - 5, now - 5, now - 5))
    cache.store("content", str(notebook), old, "x")
    assert cache.lookup("content", str(notebook), old) == "x"
    cache.discard()


def test_the_cache_is_used_not_just_written(tmp_path):
    """A remembered hash is trusted while the stat is the same (that is the speed-up): a forged entry
    shows it. The cache's own checksum is what keeps others' bytes out."""
    site = blog(tmp_path)
    settle(site)
    notebook = str((site / "_notebooks" / "2024-03-01-note-0.ipynb").resolve())
    cache = cache_of(site)
    folder, name = os.path.split(notebook)
    cache.entries["content"][folder][name][4] = "0" * 64
    cache.dirty = True
    cache._clock_ns = None
    assert cache.save()
    done = check(site)
    assert done.returncode == 1 and "note-0" in done.stdout


def test_deleted_cache_costs_one_full_hash(tmp_path):
    site = blog(tmp_path)
    settle(site)
    statcache.cache_path(site).unlink()
    same_size_edit(site / "_notebooks" / "2024-03-02-note-1.ipynb")
    done = check(site)
    assert done.returncode == 1 and "note-1" in done.stdout and "note-0" not in done.stdout
    assert statcache.cache_path(site).is_file()


def test_corrupt_cache_is_ignored(tmp_path):
    site = blog(tmp_path)
    settle(site)
    path = statcache.cache_path(site)
    good = path.read_bytes()
    notebook = site / "_notebooks" / "2024-03-02-note-1.ipynb"
    same_size_edit(notebook)
    body = good.partition(b"\n")[2]
    digest = hashlib.sha256(b"[]").hexdigest().encode()
    for broken in (
        b"garbage",
        good[: len(good) // 2],  # truncated
        good.replace(b'"content"', b'"cOntent"'),  # a flipped byte: the checksum no longer matches
        b"nb2post-statcache 2 " + digest + b"\n[]",  # the right checksum, the wrong shape
        b"nb2post-statcache 99 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body,  # another version
        b"",
        forged_shape(site),  # the right checksum over entries of the wrong shape
    ):
        path.write_bytes(broken)
        done = check(site)
        assert done.returncode == 1 and "note-1" in done.stdout and "note-0" not in done.stdout, broken[:40]
    assert cache_of(site).entries  # rewritten whole


def forged_shape(site: Path) -> bytes:
    notebook = (site / "_notebooks" / "2024-03-02-note-1.ipynb").resolve()
    post = (site / "_posts" / "2024-03-01-note-0.md").resolve()
    st, post_st = notebook.stat(), post.stat()
    stat = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    body = json.dumps({"written_ns": 0, "configs": {}, "entries": {
        "content": {str(notebook.parent): {notebook.name: [*stat, 7], "x": 3}},
        "marker": {str(post.parent): {post.name: [post_st.st_size, post_st.st_mtime_ns, post_st.st_ctime_ns,
                                                   post_st.st_ino, ["only two", "fields"]], "y.md": "z"}}}}).encode()
    return b"nb2post-statcache 2 " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def test_fresh_clone_hashes_once_and_is_correct(tmp_path):
    site = blog(tmp_path, count=4)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "posts"], cwd=site, check=True)
    settle(site)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(site), str(clone)], check=True)
    assert not statcache.cache_path(clone).exists()  # the cache is not part of the repository
    done = check(clone)
    assert done.returncode == 0, done.stdout + done.stderr
    settle(clone)
    assert len(remembered_notebooks(clone)) == 4
    assert run_cli("convert", "-q", cwd=clone).returncode == 0  # remembers the parsed _config.yml too
    cache = statcache.cache_path(clone)
    before = (cache.read_bytes(), cache.stat().st_mtime_ns)
    assert check(clone).returncode == 0
    converted = run_cli("convert", cwd=clone)  # (-q would say nothing at all: all is well)
    assert converted.returncode == 0 and converted.stderr == "4 unchanged\n"
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before  # nothing changed: nothing written
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_concurrent_runs_leave_a_whole_correct_cache(tmp_path):
    site = blog(tmp_path, count=8)
    statcache.cache_path(site).unlink(missing_ok=True)
    same_size_edit(site / "_notebooks" / "2024-03-05-note-4.ipynb")
    command = [sys.executable, "-m", "nb2post.cli"]
    runs = [subprocess.Popen([*command, "check", "-q"], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)]
    runs.append(subprocess.Popen([*command, "convert", "--dry-run"], cwd=site, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True))
    outputs = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, out, err in outputs[:4]:
        assert code == 1 and "note-4" in out and "note-3" not in out, out + err
    assert outputs[4][0] == 0 and "would write _posts/2024-03-05-note-4.md" in outputs[4][1]
    assert cache_of(site).entries  # one run's whole file
    assert not list((site / ".git").glob(".nb2post-cache-*"))
    time.sleep(0.05)
    done = check(site)
    assert done.returncode == 1 and "note-4" in done.stdout and "note-3" not in done.stdout


def test_dry_run_and_check_write_nothing_but_the_cache(tmp_path):
    site = make_site(tmp_path / "blog")
    for index in range(3):
        write_notebook(site / "_notebooks" / f"2024-03-{index + 1:02d}-note-{index}.ipynb", notebook_cells(index))
    before = {p for p in site.rglob("*")}
    assert run_cli("convert", "--dry-run", cwd=site).returncode == 0
    assert check(site).returncode == 1
    assert {p for p in site.rglob("*")} - before == {site / ".nb2post-cache"}


def test_parsed_config_comes_from_the_cache_only_for_the_same_bytes(tmp_path):
    site = blog(tmp_path)
    config = site / "_config.yml"
    config.write_text(config.read_text() + "nb2post:\n  front_matter:\n    layout: post\n    since: 2020-01-02\n")
    assert run_cli("convert", "-q", cwd=site).returncode == 0
    assert run_cli("convert", "-q", cwd=site).returncode == 0  # from the cache
    post = (site / "_posts" / "2024-03-01-note-0.md").read_text()
    assert "since: 2020-01-02" in post
    config.write_text(config.read_text() + "broken: [unclosed\n")
    done = run_cli("convert", "-q", cwd=site)
    assert done.returncode == 2 and "not valid YAML" in done.stderr


def test_yaml_values_survive_the_cache_exactly():
    value = {"a": 1, "b": [1.5, None, True, "x"], "when": dt.date(2020, 1, 2),
             "at": dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), 3: {"nested": {"d": "looks like a tag"}}}
    assert statcache._decode(json.loads(json.dumps(statcache._encode(value)))) == value
    cache = statcache.StatCache(None)
    cache.remember_config("k", {"tags": {"a", "b"}})  # YAML's !!set: JSON cannot hold it, not remembered
    assert cache.parsed_config("k") is statcache.MISSING


def test_linked_worktree_keeps_its_cache_in_its_own_git_dir(tmp_path):
    site = blog(tmp_path, extra_config="nb2post:\n  badges: false\n")  # the worktree's branch differs
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "posts"], cwd=site, check=True)
    other = tmp_path / "other"
    subprocess.run(["git", "worktree", "add", "-q", str(other)], cwd=site, check=True)
    assert check(other).returncode == 0
    path = statcache.cache_path(other)
    assert path.is_file() and path.parent.parent == (site / ".git" / "worktrees").resolve()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=other, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_no_cache_switch(tmp_path):
    site = blog(tmp_path, git=False)
    (site / ".nb2post-cache").unlink()
    assert run_cli("check", cwd=site, env={"NB2POST_NO_CACHE": "1"}).returncode == 0
    assert not (site / ".nb2post-cache").exists()


def test_a_command_that_does_not_save_leaves_no_temporary_file(tmp_path):
    """`nb2post brief` reads post markers through the cache without saving it itself: the cache is still
    written whole at exit and no temporary file stays in the site."""
    site = blog(tmp_path, git=False)
    (site / ".nb2post-cache").unlink()
    done = run_cli("brief", "_notebooks/2024-03-01-note-0.ipynb", cwd=site)
    assert done.returncode == 0, done.stderr
    assert not list(site.glob(".nb2post-cache-*"))
    assert cache_of(site).entries.get("marker")


def test_a_saving_run_removes_the_temporary_files_of_killed_runs_and_only_those(tmp_path):
    site = blog(tmp_path)
    folder = site / ".git"
    old, recent, other = folder / ".nb2post-cache-1-ab.tmp", folder / ".nb2post-cache-2-cd.tmp", folder / ".keep-3.tmp"
    for path in (old, recent, other):
        path.write_bytes(b"")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    os.utime(other, (time.time() - 7200, time.time() - 7200))
    write_notebook(site / "_notebooks" / "2024-03-09-note-9.ipynb", notebook_cells(9))
    assert run_cli("convert", "-q", cwd=site).returncode == 0  # learns a notebook: saves the cache
    assert not old.exists() and recent.exists() and other.exists()


def test_workers_write_posts_and_two_notebooks_of_one_name_do_not_clobber(tmp_path):
    """In a batch, workers write their own posts (only the outcome goes back to the parent). Two
    notebooks that give the same post file name: one post is written, the other notebook fails with the
    error naming both, whatever the order the workers finish in — even with --force."""
    site = make_site(tmp_path / "blog")
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    for index in range(6):
        write_notebook(site / "_notebooks" / f"2024-03-{index + 1:02d}-note-{index}.ipynb", notebook_cells(index))
    write_notebook(site / "_notebooks" / "a" / "2024-03-01-twin.ipynb", notebook_cells(10, " twin A"))
    write_notebook(site / "_notebooks" / "b" / "2024-03-01-twin.ipynb", notebook_cells(11, " twin B"))
    for force in ((), ("--force",)):
        done = run_cli("convert", "-j", "2", *force, cwd=site)
        assert done.returncode == 1, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "2024-03-01-twin.md: already holds the post made from _notebooks/" in errors[0]
        post = (site / "_posts" / "2024-03-01-twin.md").read_text()
        winner = "A" if "twin A" in post else "B"
        assert f"_notebooks/{winner.lower()}/2024-03-01-twin.ipynb" in post and errors[0].count("twin.ipynb") == 1
        assert len(list((site / "_posts").iterdir())) == 7
    assert not list((site / ".git").glob(".nb2post-cache-*"))  # the workers never write the cache


def test_a_cold_convert_reads_each_notebook_once_and_remembers_its_hash(tmp_path):
    """A notebook with no post yet is not hashed by the parent (nothing to compare): the worker hashes the
    bytes it parses, in a batch (workers) and alone, and the parent's cache learns those hashes, so the
    next run reads nothing, and a same-size edit made after the convert is still found."""
    for jobs in ("2", "1"):
        site = make_site(tmp_path / f"blog-{jobs}")
        for index in range(5):  # a batch of 5 runs in worker processes with -j2
            write_notebook(site / "_notebooks" / f"2024-03-{index + 1:02d}-note-{index}.ipynb", notebook_cells(index))
        subprocess.run(["git", "init", "-q", str(site)], check=True)
        time.sleep(0.05)  # older than the run's clock: their hashes may be stored
        assert run_cli("convert", "-q", "-j", jobs, cwd=site).returncode == 0
        remembered = remembered_notebooks(site)
        notebooks = {str(p.resolve()) for p in (site / "_notebooks").iterdir()}
        assert remembered == notebooks
        expected = {str(p.resolve()): hashlib.sha256(p.read_bytes()).hexdigest() for p in (site / "_notebooks").iterdir()}
        for folder, names in cache_of(site).entries["content"].items():
            for name, entry in names.items():
                assert entry[4] == expected[os.path.join(folder, name)]
        assert check(site).returncode == 0
        same_size_edit(site / "_notebooks" / "2024-03-03-note-2.ipynb")
        done = check(site)
        assert done.returncode == 1 and "note-2" in done.stdout and "note-1" not in done.stdout


def test_a_batch_claims_post_names_in_a_memory_folder_where_there_is_one(monkeypatch):
    import tempfile

    from nb2post import convert as converting

    folder = converting._claims_folder()
    os.rmdir(folder)
    if os.access("/dev/shm", os.W_OK):
        assert folder.startswith("/dev/shm/nb2post-claims-")
    isdir = os.path.isdir
    monkeypatch.setattr(converting.os.path, "isdir", lambda path: path != "/dev/shm" and isdir(path))
    folder = converting._claims_folder()  # no /dev/shm: the usual temporary folder
    os.rmdir(folder)
    assert os.path.dirname(folder) == tempfile.gettempdir()



def test_a_file_on_another_device_than_the_clock_is_never_remembered(tmp_path):
    """Directly, where no file system can be mounted: the same stat, old enough, is kept on the clock's
    device and refused on any other (whose clock may tick in whole seconds)."""
    site = blog(tmp_path)
    notebook = site / "_notebooks" / "2024-03-01-note-0.ipynb"
    cache = cache_of(site)
    now = cache._now()
    st = notebook.stat()
    assert os.stat(statcache.cache_path(site).parent).st_dev == st.st_dev

    def on(device):
        return os.stat_result((st.st_mode, st.st_ino, device, st.st_nlink, st.st_uid, st.st_gid, st.st_size,
                               0, 0, 0, 0, 0, 0, now - 5, now - 5, now - 5))

    cache.store("content", str(notebook), on(st.st_dev + 1), "x")
    assert cache.lookup("content", str(notebook), on(st.st_dev + 1)) is statcache.MISSING
    cache.store("content", str(notebook), on(st.st_dev), "x")
    assert cache.lookup("content", str(notebook), on(st.st_dev)) == "x"
    cache.discard()

@pytest.fixture
def coarse_file_system(tmp_path):
    """A real file system with 1-second timestamps, loop-mounted: ext4 with 128-byte inodes (no room for
    nanoseconds). Needs root, mkfs.ext4 and a loop device; skipped with the reason otherwise."""
    tools = "/usr/sbin:/sbin:/usr/bin:/bin"
    if os.geteuid() != 0 or not shutil.which("mkfs.ext4", path=tools) or not shutil.which("mount", path=tools):
        pytest.skip("mounting a 1-second-timestamp file system needs root, mkfs.ext4 and mount")
    image, folder = tmp_path / "coarse.img", tmp_path / "coarse"
    with open(image, "wb") as stream:
        stream.truncate(16 << 20)
    folder.mkdir()
    made = subprocess.run([shutil.which("mkfs.ext4", path=tools), "-q", "-F", "-I", "128", str(image)], capture_output=True, text=True)
    mounted = made.returncode == 0 and subprocess.run(
        [shutil.which("mount", path=tools), "-o", "loop", str(image), str(folder)], capture_output=True, text=True)
    if not mounted or mounted.returncode != 0:
        pytest.skip(f"cannot loop-mount an ext4 image here: {(made.stderr or mounted.stderr).strip()[:200]}")
    try:
        probe = folder / "probe"
        probe.write_bytes(b"x")
        assert probe.stat().st_mtime_ns % 10**9 == 0, "the file system should keep whole seconds only"
        probe.unlink()
        yield folder
    finally:
        if subprocess.run([shutil.which("umount", path=tools), str(folder)]).returncode != 0:
            subprocess.run([shutil.which("umount", path=tools), "-l", str(folder)])


def key_of(path: Path) -> tuple:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def test_a_work_tree_on_a_coarser_file_system_than_its_git_dir_is_never_answered_from_the_cache(
        tmp_path, coarse_file_system):
    """The work tree on a 1-second file system, its git directory (where the cache and its clock live)
    on a nanosecond one (`git init --separate-git-dir`, as a worktree on another disk or a bind mount):
    two same-size edits within one second keep size, mtime, ctime and inode. The cache must not answer
    for such a file: check says stale, not current."""
    site = make_site(coarse_file_system / "blog")
    notebook = write_notebook(site / "_notebooks" / "2024-03-01-note.ipynb", notebook_cells(0))
    subprocess.run(["git", "init", "-q", f"--separate-git-dir={tmp_path / 'git-dir'}", str(site)], check=True)
    assert os.stat(statcache.cache_path(site).parent).st_dev != os.stat(notebook).st_dev
    run_cli("convert", "-q", cwd=site, check=True)
    current = notebook.read_bytes()
    for _ in range(5):
        time.sleep(1.02 - time.time() % 1)  # the start of a second: the rest of it for a check and an edit
        notebook.write_bytes(current)  # the bytes the post was made from, with a new stat
        before = key_of(notebook)
        assert check(site).returncode == 0
        same_size_edit(notebook)
        if key_of(notebook) == before:
            break
        notebook.write_bytes(current)
    else:
        pytest.skip("check did not finish within a second in 5 tries: the same-second edit could not be made")
    done = check(site)
    assert done.returncode == 1 and "stale:   _posts/2024-03-01-note.md" in done.stdout, done.stdout
    converted = run_cli("convert", "-v", cwd=site)
    assert "written: _posts/2024-03-01-note.md" in converted.stderr, converted.stderr
    assert check(site).returncode == 0
    # by a clock of the work tree's own file system, a notebook older than the run is remembered still
    # a new stat, so that this check hashes the notebook and makes its clocks (a check answered wholly from
    # the cache makes none: under load the check above may already have remembered the notebook)
    notebook.write_bytes(notebook.read_bytes())
    abandoned = site / ".nb2post-cache-clock-1-killed.tmp"  # a run killed while its clock was there
    abandoned.write_bytes(b"")
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    time.sleep(1.1)
    assert check(site).returncode == 0
    assert str(notebook.resolve()) in remembered_notebooks(site)
    assert not [name for name in os.listdir(site) if name.startswith(".nb2post")]  # that clock is gone


def test_a_fifo_in_place_of_the_cache_file_neither_hangs_nor_changes_the_answer(tmp_path):
    """Opening a FIFO for reading waits for a writer forever: the cache is opened as notebooks are
    (non-blocking, regular files only), so a FIFO there is only "nothing remembered"."""
    site = blog(tmp_path)
    settle(site)
    same_size_edit(site / "_notebooks" / "2024-03-02-note-1.ipynb")
    cache = statcache.cache_path(site)
    for command, code, expected in ((["check"], 1, "stale:   _posts/2024-03-02-note-1.md"),
                                    (["convert"], 0, "_posts/2024-03-02-note-1.md"),
                                    (["check"], 0, "")):
        cache.unlink()
        os.mkfifo(cache)
        done = subprocess.run([sys.executable, "-m", "nb2post.cli", *command], cwd=site, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == code and expected in done.stdout, (command, done.stdout, done.stderr)
        assert cache.is_file()  # the run's own cache replaced it
