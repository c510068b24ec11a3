"""A run with nothing to do is answered from its record only while nothing it looked at has changed:
edits that keep size and mtime, new and removed notebooks and posts, config, theme and branch changes,
the environment, racy timestamps, damaged records. Real files, real git, the real command in its own
process; no timings.

Whether a run was replayed is read from Python's own import log (``-X importtime``, through
PYTHONPROFILEIMPORTTIME): a replayed run never imports ``nb2post.jekyll.config``."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, cell, make_site, png, run_cli, write_notebook

from nb2post import replay

REMOTE = "https://github.com/someone/blog.git"


class Run:
    def __init__(self, done: subprocess.CompletedProcess):
        lines = done.stderr.splitlines(keepends=True)
        imports = [line for line in lines if line.startswith("import time:")]
        self.returncode = done.returncode
        self.stdout = done.stdout
        self.stderr = "".join(line for line in lines if not line.startswith("import time:"))
        self.replayed = bool(imports) and not any(re.search(r"\bnb2post\.jekyll\.config\b", line) for line in imports)
        self.read_notebooks = any(re.search(r"\bnb2post\.notebook\.reader\b", line) for line in imports)

    @property
    def output(self):
        return self.returncode, self.stdout, self.stderr


def run(site: Path, *args: str, env: dict | None = None, cwd: Path | None = None) -> Run:
    return Run(run_cli(*args, cwd=cwd or site, env={"PYTHONPROFILEIMPORTTIME": "1", **(env or {})}))


def notebook_cells(index: int) -> list[dict]:
    return [cell("markdown", f"# Note {index}\n> About {index}"), cell("code", f"print({index})")]


def blog(tmp_path: Path, count: int = 3, notebooks: str = "_notebooks") -> Path:
    """A site in git with ``count`` converted notebooks in ``notebooks`` (linked from _notebooks when it
    is another folder)."""
    site = make_site(tmp_path / "blog")
    for index in range(count):
        write_notebook(site / notebooks / f"2024-03-{index + 1:02d}-note-{index}.ipynb", notebook_cells(index))
    if notebooks != "_notebooks":
        (site / "_notebooks").symlink_to(notebooks)
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "remote", "add", "origin", REMOTE], check=True)
    assert run(site, "convert", "-q").returncode == 0
    return site


def replaying(site: Path, *args: str, env: dict | None = None) -> Run:
    """Runs ``args`` until one is replayed (the first runs hash what changed, then record); that run."""
    time.sleep(0.02)  # past the clock tick of the files just written
    seen = []
    for _ in range(4):
        result = run(site, *args, env=env)
        seen.append(result)
        if result.replayed:
            assert len(seen) == 1 or result.output == seen[-2].output, "a replayed run printed something else than the run it replays"
            return result
    raise AssertionError(f"never replayed: {[r.output for r in seen]}")


def records(home: Path) -> list[Path]:
    folder = home / ".cache" / "nb2post" / "runs"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


@pytest.mark.parametrize("args", [("check",), ("check", "-v"), ("check", "-q"), ("convert",), ("convert", "-v"),
                                  ("convert", "-q", "_notebooks"), ("convert", "--dry-run")])
def test_a_run_with_nothing_to_do_is_replayed_with_the_same_output(tmp_path, args):
    site = blog(tmp_path)
    replayed = replaying(site, *args)
    assert replayed.returncode == 0
    assert not replayed.stdout  # nothing written: no paths on stdout
    if args[1:2] == ("-q",):
        assert replayed.stderr == ""  # -q and all is well: not a line
    else:
        assert ("unchanged" if args[0] == "convert" else "current") in replayed.stderr


def test_the_warnings_of_a_run_are_replayed_with_it(tmp_path):
    site = blog(tmp_path)
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nnb2post:\n  colour: red\n", encoding="utf-8")
    assert run(site, "convert", "-q").returncode == 0  # the settings changed: every post is written again
    replayed = replaying(site, "convert")
    assert "colour: is not a setting nb2post knows" in replayed.stderr
    assert replayed.stderr.rstrip().endswith("3 unchanged")


def test_a_record_names_the_nb2post_modules_the_run_loaded_and_a_changed_one_runs_it_in_full(tmp_path, isolated_git):
    """A changed nb2post of the same version (a developer's edit, a reinstall) is not answered for."""
    site = blog(tmp_path)
    expected = replaying(site, "check").output
    [record] = records(isolated_git)
    key, output, looked, code = json.loads(record.read_bytes().partition(b"\n")[2])
    modules = {Path(path).name for path, how, _ in looked if how == "c"}
    assert {"cli.py", "replay.py", "config.py", "check.py", "statcache.py"} <= modules
    for entry in looked:
        if entry[1] == "c" and Path(entry[0]).name == "config.py":
            entry[2][1] += 1  # its mtime
    body = json.dumps([key, output, looked, code]).encode()
    record.write_bytes(f"{replay.FORMAT} {zlib.crc32(body):08x}\n".encode() + body)
    result = run(site, "check")
    assert result.output == expected and not result.replayed


def test_a_notebooks_folder_linked_elsewhere_is_followed_when_the_link_moves(tmp_path):
    site = blog(tmp_path, notebooks="nbs-a")
    first, second = site / "nbs-a", site / "nbs-b"
    subprocess.run(["cp", "-a", str(first), str(second)], check=True)
    _keep_size_and_times(second / "2024-03-01-note-0.ipynb", _same_size_edit)
    replaying(site, "check")
    (site / "_notebooks").unlink()
    (site / "_notebooks").symlink_to("nbs-b")
    after = run(site, "check")
    assert not after.replayed and after.returncode == 1


def test_concurrent_runs_each_answer_and_leave_a_whole_record(tmp_path, isolated_git):
    site = blog(tmp_path)
    expected = replaying(site, "check").output
    for record in records(isolated_git):
        record.unlink()
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    runs = [subprocess.Popen([sys.executable, "-m", "nb2post.cli", "check"], cwd=site, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for process in runs:
        stdout, stderr = process.communicate(timeout=120)
        result = Run(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
        assert result.output == expected
    assert len(records(isolated_git)) == 1
    assert not list((isolated_git / ".cache" / "nb2post" / "runs").glob(".*.tmp"))
    assert run(site, "check").replayed


def _keep_size_and_times(path: Path, change) -> None:
    before = path.stat()
    change(path)
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _same_size_edit(path: Path) -> None:
    data = path.read_bytes()
    index = data.index(b"About")
    path.write_bytes(data[:index] + b"about" + data[index + 5:])


def _new_notebook_in_a_new_folder(site: Path) -> None:
    write_notebook(site / "_notebooks" / "more" / "2024-04-01-late.ipynb", notebook_cells(9))


def _layout_reading_a_switch(site: Path) -> None:
    (site / "_layouts").mkdir(exist_ok=True)
    (site / "_layouts" / "post.html").write_text("{% if page.toc %}{{ content }}{% endif %}\n", encoding="utf-8")


def _switch_branch(site: Path) -> None:
    subprocess.run(["git", "-C", str(site), "checkout", "-q", "-b", "other"], check=True)


def _config_with_badges_off(site: Path) -> None:
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nnb2post:\n  badges: false\n", encoding="utf-8")


CHANGES = {
    # change -> (how, what `check` answers afterwards)
    "notebook edited, same size and mtime": (lambda s: _keep_size_and_times(
        s / "_notebooks" / "2024-03-01-note-0.ipynb", _same_size_edit), 1),
    "notebook touched, same bytes": (lambda s: os.utime(s / "_notebooks" / "2024-03-02-note-1.ipynb"), 0),
    "notebook added in a new folder": (_new_notebook_in_a_new_folder, 1),
    "notebook removed": (lambda s: (s / "_notebooks" / "2024-03-03-note-2.ipynb").unlink(), 1),
    "post removed": (lambda s: next((s / "_posts").glob("2024-03-01-*")).unlink(), 1),
    "site config changed": (_config_with_badges_off, 1),
    "layout added that reads a switch": (_layout_reading_a_switch, None),
    "git branch switched (badge links name it)": (_switch_branch, 1),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_any_change_to_what_the_run_looked_at_runs_it_in_full(tmp_path, name):
    site = blog(tmp_path)
    before = replaying(site, "check")
    change, answer = CHANGES[name]
    change(site)
    after = run(site, "check")
    assert not after.replayed
    if answer is not None:
        assert after.returncode == answer, after.stderr
    if answer == 0:
        assert after.output == before.output
    # and the full answer is what is recorded next: a stale site stays stale until converted
    again = run(site, "check")
    assert again.returncode == after.returncode and again.stdout == after.stdout


def test_each_command_line_folder_and_environment_has_its_own_record(tmp_path):
    site = blog(tmp_path)
    replaying(site, "check")
    assert not run(site, "check", "-q").replayed  # other arguments
    assert not run(site, "check", env={"GITHUB_HEAD_REF": "feature"}).replayed  # what nb2post reads
    assert not run(site, "check", cwd=site / "_notebooks").replayed  # another folder
    assert run(site, "check").replayed  # the first record is still there


@pytest.mark.parametrize("name", ["_config.yml", "_notebooks/2024-03-01-note-0.ipynb"])
def test_a_file_changed_in_the_run_s_own_clock_tick_or_later_keeps_it_from_being_recorded(tmp_path, name):
    """The racy rule: a file whose time is not older than the run could change again unseen (within one
    tick of the clock, not even its ctime would move). A time in the future stands for such a file."""
    site = blog(tmp_path)
    replaying(site, "check")
    path = site / name
    future = time.time_ns() + 3600 * 10**9
    os.utime(path, ns=(future, future))
    for _ in range(3):
        result = run(site, "check")
        assert result.returncode == 0 and not result.replayed


def test_a_run_that_writes_is_not_recorded(tmp_path):
    site = blog(tmp_path)
    replaying(site, "convert", "-q")
    write_notebook(site / "_notebooks" / "2024-05-01-new.ipynb", notebook_cells(5))
    first = run(site, "convert")
    assert first.returncode == 0 and first.stdout.strip().endswith(".md") and not first.replayed
    second = run(site, "convert")
    assert not second.replayed and not second.stdout and "unchanged" in second.stderr


def test_a_damaged_or_foreign_record_is_ignored(tmp_path, isolated_git):
    site = blog(tmp_path)
    expected = replaying(site, "check").output
    [record] = [p for p in records(isolated_git) if json.loads(p.read_bytes().partition(b"\n")[2])[0]]
    good = record.read_bytes()
    damaged = good.replace(b"current posts", b"current postz")
    assert damaged != good
    for bad in (good[: len(good) // 2], damaged, b"", b"nb2post-replay 1 00000000\n[]"):
        record.write_bytes(bad)
        result = run(site, "check")
        assert result.output == expected and not result.replayed
    # a whole, checksummed record of this command line whose lines are not lines of text, or whose exit
    # status is not one a record may end with
    replaying(site, "check")
    key, output, looked, code = json.loads(record.read_bytes().partition(b"\n")[2])
    for odd in ([key, [[None, True, True]], looked, code], [key, [["all", 5, True]], looked, code],
                [key, [["all", True]], looked, code], [key, output, looked, 2], [key, output, looked, True],
                [key, output, looked, "0"], [key, output, looked]):
        body = json.dumps(odd).encode()
        record.write_bytes(f"{replay.FORMAT} {zlib.crc32(body):08x}\n".encode() + body)
        result = run(site, "check")
        assert result.output == expected and not result.replayed
    # a whole record of another command line under this one's name: its key does not match
    other = run(site, "check", "-v")
    assert not other.replayed
    replaying(site, "check", "-v")
    [other_record] = [p for p in records(isolated_git) if p != record]
    record.write_bytes(other_record.read_bytes())
    result = run(site, "check")
    assert result.output == expected and not result.replayed



def test_a_fifo_in_place_of_a_record_neither_hangs_nor_changes_the_answer(tmp_path, isolated_git):
    site = blog(tmp_path)
    expected = replaying(site, "check").output
    [record] = records(isolated_git)
    record.unlink()
    os.mkfifo(record)
    done = subprocess.run([sys.executable, "-m", "nb2post.cli", "check"], cwd=site, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == expected


def broken_notebooks(site: Path) -> list[Path]:
    """Four notebooks that do not convert, each its own way: broken JSON, an empty file, a newer nbformat
    than nb2post reads, front matter that is not YAML."""
    folder = site / "_notebooks"
    broken = [folder / "2024-04-01-broken-json.ipynb", folder / "2024-04-02-empty.ipynb",
              folder / "2024-04-03-future.ipynb", folder / "2024-04-04-bad-yaml.ipynb"]
    broken[0].write_text('{"cells": [', encoding="utf-8")
    broken[1].write_text("", encoding="utf-8")
    future = json.loads(write_notebook(broken[2], notebook_cells(7)).read_text(encoding="utf-8"))
    broken[2].write_text(json.dumps({**future, "nbformat": 5}), encoding="utf-8")
    write_notebook(broken[3], [cell("raw", "---\ntitle: [unclosed\n---"), *notebook_cells(8)])
    return broken


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_notebook_is_reported_from_the_cache_and_such_runs_are_replayed(tmp_path, jobs):
    """A failure is remembered by the notebook's stat and the settings: the next run reports the same
    lines with the same exit status without reading it (nor any notebook), the run after that is
    replayed, and a fixed notebook converts at once."""
    site = blog(tmp_path)
    broken = broken_notebooks(site)
    time.sleep(0.02)  # past the clock tick of the files just written (see the racy rule)
    first = run(site, "convert", "--jobs", jobs)
    assert first.returncode == 1 and first.read_notebooks
    errors = [line for line in first.stderr.splitlines() if line.startswith("error: ")]
    assert [line.split(":")[1].strip() for line in errors] == [f"_notebooks/{path.name}" for path in broken]
    assert first.stderr.rstrip().endswith("4 failed, 3 unchanged")
    second = run(site, "convert", "--jobs", jobs)
    assert second.output == first.output and not second.read_notebooks and not second.replayed
    third = run(site, "convert", "--jobs", jobs)
    assert third.output == first.output and third.replayed

    # check finds them broken (exit 1), and is replayed with that answer too
    checked = run(site, "check")
    assert checked.returncode == 1 and checked.stdout.count("broken:  ") == 4, checked.stdout
    again = replaying(site, "check")
    assert again.output == checked.output

    # a fixed notebook converts at once; the others are still reported, from the cache
    write_notebook(broken[0], notebook_cells(9))
    fixed = run(site, "convert", "--jobs", jobs)
    assert fixed.returncode == 1 and fixed.stdout == "_posts/2024-04-01-broken-json.md\n"
    assert fixed.stderr.rstrip().endswith("3 failed, 3 unchanged, 1 written")
    assert [line for line in fixed.stderr.splitlines() if line.startswith("error: ")] == errors[1:]
    assert not run(site, "convert", "--jobs", jobs).read_notebooks



def test_a_notebook_with_a_post_that_is_no_notebook_any_more_is_read_once(tmp_path):
    """A merge leaves conflict markers in a notebook that has a post: the same error, exit 1, from the
    cache and then from the record, until the notebook is fixed."""
    site = blog(tmp_path)
    notebook = site / "_notebooks" / "2024-03-02-note-1.ipynb"
    good = notebook.read_text(encoding="utf-8")
    notebook.write_text("<<<<<<< HEAD\n" + good + "=======\n" + good + ">>>>>>> theirs\n", encoding="utf-8")
    time.sleep(0.02)
    first = run(site, "convert")
    assert first.returncode == 1 and "error: _notebooks/2024-03-02-note-1.ipynb: broken JSON" in first.stderr
    second = run(site, "convert")
    assert second.output == first.output and not second.read_notebooks
    assert run(site, "convert").replayed
    notebook.write_text(good.replace("About 1", "About one"), encoding="utf-8")
    fixed = run(site, "convert")
    assert fixed.returncode == 0 and fixed.stdout == "_posts/2024-03-02-note-1.md\n"

def test_a_remembered_failure_is_read_again_when_the_settings_change_or_with_force(tmp_path):
    site = blog(tmp_path)
    [_, _, _, bad_yaml] = broken_notebooks(site)
    time.sleep(0.02)
    first = run(site, "convert")
    assert first.returncode == 1 and not run(site, "convert").read_notebooks
    forced = run(site, "convert", "--force")
    assert forced.read_notebooks and forced.returncode == 1
    assert [line for line in forced.stderr.splitlines() if line.startswith("error: ")] == \
        [line for line in first.stderr.splitlines() if line.startswith("error: ")]
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nnb2post:\n  badges: false\n", encoding="utf-8")
    assert run(site, "convert").read_notebooks  # other settings: every notebook is read again
    bad_yaml.write_text(bad_yaml.read_text(encoding="utf-8").replace("[unclosed", "fixed"), encoding="utf-8")
    fixed = run(site, "convert")
    assert fixed.returncode == 1 and fixed.stdout == "_posts/2024-04-04-bad-yaml.md\n"


def test_a_record_holds_no_token_of_the_environment_or_the_remote(tmp_path, isolated_git):
    site = blog(tmp_path)
    secret = "ghp_" + "k3y" * 12
    subprocess.run(["git", "-C", str(site), "remote", "set-url", "origin",
                    f"https://x-access-token:{secret}@github.com/someone/blog.git"], check=True)
    assert run(site, "check").returncode == 0  # the same repository: the badge links stay
    replaying(site, "check", env={"GITHUB_TOKEN": secret, "GH_TOKEN": secret})
    assert records(isolated_git)
    for record in records(isolated_git):
        assert secret.encode() not in record.read_bytes()


def test_no_record_is_kept_with_the_cache_switched_off(tmp_path, isolated_git):
    site = blog(tmp_path)
    for _ in range(3):
        assert run(site, "check", env={"NB2POST_NO_CACHE": "1"}).returncode == 0
    assert not [p for p in records(isolated_git) if b'"NB2POST_NO_CACHE": "1"' in p.read_bytes()]


def test_records_are_pruned_to_the_newest_few(tmp_path, isolated_git):
    site = blog(tmp_path)
    folder = isolated_git / ".cache" / "nb2post" / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(replay.KEEP + 10):
        (folder / f"{index:08x}").write_bytes(b"old")
        os.utime(folder / f"{index:08x}", (1_000_000 + index, 1_000_000 + index))
    replaying(site, "check")
    kept = records(isolated_git)
    assert len(kept) == replay.KEEP
    assert not (folder / "00000000").exists()


def test_main_called_with_arguments_never_records(tmp_path, isolated_git):
    from click.testing import CliRunner

    from nb2post.cli import main

    site = blog(tmp_path)
    before = records(isolated_git)
    os.chdir(site)
    try:
        for _ in range(2):
            assert CliRunner().invoke(main, ["check"]).exit_code == 0
    finally:
        os.chdir(ROOT)
    assert records(isolated_git) == before


def test_every_environment_variable_nb2post_reads_is_part_of_the_key():
    names = set()
    import nb2post

    for path in Path(nb2post.__file__).parent.rglob("*.py"):  # the package as installed (a wheel's too)
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"environ(?:\.get)?\(\s*\"([A-Z_0-9]+)\"", text))
        names.update(re.findall(r"environ\[\"([A-Z_0-9]+)\"\]", text))
        names.update(re.findall(r"\"([A-Z_0-9]+)\" in environ", text))
        names.update(re.findall(r"getenv\(\s*\"([A-Z_0-9]+)\"", text))
    assert names, "the search found no variable at all: it no longer matches how nb2post reads them"
    assert names - {"PYTHONDONTWRITEBYTECODE"} <= set(replay.ENVIRONMENT)


@pytest.mark.parametrize("args", [("check",), ("convert",)])
def test_a_missing_linked_file_that_appears_is_not_hidden_by_a_record(tmp_path, args):
    """The post waits for a file it links that was missing: a run that recorded "nothing to do" meanwhile
    must see it appear (the awaited path is looked at in each run), and the post is stale (issue 20)."""
    site = blog(tmp_path, count=1)
    notebook = next((site / "_notebooks").glob("*.ipynb"))
    write_notebook(notebook, [cell("markdown", "# Note\n\n![diagram](images/diagram.png)")])
    assert run(site, "convert").returncode == 0
    assert replaying(site, *args).returncode == 0
    (site / "_notebooks" / "images").mkdir()
    (site / "_notebooks" / "images" / "diagram.png").write_bytes(png())
    result = run(site, *args)
    assert not result.replayed
    if args == ("check",):
        assert result.returncode == 1 and "missing when it was written" in result.stdout, result.output
    else:
        assert result.returncode == 0 and "1 written" in result.stdout + result.stderr, result.output
        assert "/assets/images/" in next((site / "_posts").glob("*.md")).read_text(encoding="utf-8")
