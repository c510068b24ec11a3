"""One exit status table for every command (0 done, 1 a notebook or post failed, 2 usage or settings
error and nothing done, 3 git refused, 130 interrupted, 143 terminated), printed by each --help and the README, and the
real commands keeping to it. Every test runs the real command in a subprocess."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, cell, make_site, process_table, run_cli, write_notebook
from nb2post.commands import EXIT_STATUS

COMMANDS = [[], ["adopt"], ["brief"], ["convert"], ["check"], ["hook"], ["hook", "install"], ["hook", "uninstall"],
            ["hook", "run"], ["publish"], ["init"], ["new"], ["preview"], ["share"]]
TABLE = [line.strip() for line in EXIT_STATUS.splitlines()[2:]]  # after click's \b and the heading


def _rows(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "nb2post")
def test_every_help_prints_the_one_table(command):
    shown = _rows(run_cli(*command, "--help", check=True).stdout)
    assert "Exit status:" in shown and len(TABLE) == 6
    for row in TABLE:
        assert " ".join(row.split()) in shown, (row, command)


def test_the_readme_has_the_same_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Exit status\n", 1)[1].split("\n#", 1)[0]
    documented = dict(re.findall(r"^\| `(\d+)` \| (.+?) \|$", section, re.M))
    table = dict(row.split(None, 1) for row in TABLE)
    assert set(documented) == set(table) == {"0", "1", "2", "3", "130", "143"}
    for code, meaning in table.items():
        assert documented[code].rstrip(".") == meaning, code


def _site(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-05-01-a.ipynb", [cell("markdown", "# A\n> Summary")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    return site


@pytest.mark.parametrize("command, rest", [
    (["convert"], ["_notebooks/2024-05-01-a.ipynb"]), (["check"], []), (["publish"], ["--no-push"]),
    (["brief"], ["x.md"]), (["hook", "install"], []), (["init"], ["--no-workflow"]), (["new"], ["A title"]),
    (["preview"], []), (["share"], ["x.md"]),
], ids=lambda words: " ".join(words))
def test_a_site_that_does_not_exist_is_a_usage_error_and_nothing_is_made(tmp_path, command, rest):
    site = _site(tmp_path)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    done = run_cli(*command, "--site", "nope/deeper", *rest, cwd=site)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == ["error: --site nope/deeper: no such folder; pass --site the folder holding _config.yml"]
    assert done.stdout == ""
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before, "nothing created"


def test_a_named_file_that_does_not_exist_is_a_usage_error_for_every_command(tmp_path):
    site = _site(tmp_path)
    for command in ("convert", "check", "publish"):
        done = run_cli(command, "_notebooks/2024-05-01-a.ipynb", "_notebooks/nosuch.ipynb", cwd=site)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.splitlines() == ["error: _notebooks/nosuch.ipynb: no such file or folder"], command
        assert not (site / "_posts").exists(), f"{command}: the notebook that exists was not converted either"
    run_cli("convert", cwd=site, check=True)
    done = run_cli("brief", "_posts/2024-05-01-a.md", "_posts/nosuch.md", cwd=site)
    assert done.returncode == 2 and done.stderr.splitlines() == ["error: _posts/nosuch.md: no such file"]
    assert not (site / "_briefs").exists()


def test_check_live_without_a_site_url_is_refused_before_any_brief(tmp_path):
    site = _site(tmp_path)
    run_cli("convert", cwd=site, check=True)
    done = run_cli("brief", "_posts/2024-05-01-a.md", "--check-live", cwd=site)
    assert done.returncode == 2 and done.stderr.startswith("error: --check-live needs the site's address: set 'url:'")
    assert not (site / "_briefs").exists()


def test_ctrl_c_while_a_command_waits_is_exit_130_not_aborted(tmp_path):
    """SIGINT to the command while it waits for input (hook run reads git's lines from stdin)."""
    site = _site(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "nb2post.cli", "hook", "run", "origin"], cwd=site,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:  # until it waits on the pipe (Linux says so)
        if "pipe" in (wchan.read_text() if wchan.exists() else "pipe"):
            break
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Aborted!" not in err and "Traceback" not in err and err.strip() == "interrupted"


def _group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (from /proc: the convert and its workers)."""
    return [pid for pid, fields in process_table().items() if int(fields[2]) == pgid and fields[0] != "Z"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("jobs", ["2", "1"], ids=["workers", "in-process"])
def test_ctrl_c_in_a_batch_of_200_lists_what_was_written_and_leaves_nothing_behind(tmp_path, jobs):
    from nb2post.post import read_marker

    site = make_site(tmp_path / "site")
    cells = [cell("markdown", "# Post {n}\n> Summary")] + [
        cell("markdown", f"Paragraph {i} with *some* text and $x_{i}$.") if i % 2 else
        cell("code", f"x = {i}\nprint(x)", outputs=[{"output_type": "stream", "name": "stdout", "text": f"{i}\n"}])
        for i in range(60)]
    for n in range(200):
        write_notebook(site / "_notebooks" / f"2024-05-01-post-{n:03d}.ipynb",
                       [dict(cells[0], source=f"# Post {n}\n> Summary"), *cells[1:]])
    posts = site / "_posts"
    # As a terminal's Ctrl-C: SIGINT to the whole process group (the convert and its workers).
    process = subprocess.Popen([sys.executable, "-m", "nb2post.cli", "convert", "-j", jobs], cwd=site,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(posts.glob("*.md")) if posts.is_dir() else []) < 10:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)

    assert process.returncode == 130, err
    assert "Traceback" not in err and "Aborted!" not in err, err
    listed = out.splitlines()
    last = err.strip().splitlines()[-1]
    assert last == f"interrupted: {len(listed)} written; run the same command again to convert the rest", err
    assert 10 <= len(listed) < 200, "stopped in the middle of the batch"
    on_disk = sorted(p.relative_to(site).as_posix() for p in posts.glob("*.md"))
    assert sorted(listed) == on_disk, "every post written is listed, and only those"
    for name in listed:
        text = (site / name).read_text(encoding="utf-8")
        assert text.startswith("---\n") and read_marker(text)[0] is not None, f"{name} is not whole"
    assert not [p for p in site.rglob("*.tmp")], "no temporary file left"
    assert _group_members(process.pid) == [], "no worker left"

    # running again continues: the rest is converted, what was written is unchanged
    again = run_cli("convert", cwd=site)
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1] == f"{len(listed)} unchanged, {200 - len(listed)} written"


BAD_INPUT = {  # notebook name: (its JSON text, the error line's words after the notebook's path)
    "2024-05-01-slug": ({"slug": "x" * 300}, "front matter 'slug' is too long for a file name (300 bytes"),
    "2024-05-01-category": ({"categories": ["é" * 150]}, "front matter 'categories' is too long for a file name (300 bytes"),
    "2024-05-01-permalink": ({"permalink": "/a/" + "x" * 252 + "/"}, "front matter 'permalink' is too long"),
    "2024-05-01-image": ({"image": "x" * 300 + ".png"}, "front matter 'image' is too long for a file name"),
    "2024-05-01-nul-category": ({"categories": ["a\0b"]}, "front matter 'categories' holds a NUL byte"),
    "2024-05-01-nul-permalink": ({"permalink": "/a\0b/"}, "front matter 'permalink' holds a NUL byte"),
    "2024-05-01-attachment": ("attachment", "the name of its file 'cell2-xxxxxxxxxxxxxxxxxx…"),
    "n" * 244: (None, "the post's file name"),
    "2024-05-01-big-int": ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {"n": ' + "1" * 4301 + '}, "cells": []}',
                           "holds a number with more than 4,300 digits"),
    "2024-05-01-v3-level": ({"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "heading", "level": "x", "source": "H"}]}]},
                            'cell 1 is a heading of level "x", not a number from 1 to 6'),
}


def test_bad_input_is_one_error_line_each_and_the_rest_builds(tmp_path):
    import base64
    import json

    from conftest import jekyll_build, png

    site = make_site(tmp_path / "site")
    folder = site / "_notebooks"
    for name, (spec, _) in BAD_INPUT.items():
        cells = [cell("markdown", "# Bad\n> s")]
        if isinstance(spec, str) and spec != "attachment":
            (folder / f"{name}.ipynb").write_text(spec, encoding="utf-8")
            continue
        if isinstance(spec, dict) and "nbformat" in spec:
            (folder / f"{name}.ipynb").write_text(json.dumps(spec), encoding="utf-8")
            continue
        if spec == "attachment":
            long = "x" * 300 + ".png"
            cells.append(cell("markdown", f"![p](attachment:{long})", attachments={long: {"image/png": base64.b64encode(png()).decode()}}))
        write_notebook(folder / f"{name}.ipynb", cells, **({"nb2post": spec} if isinstance(spec, dict) else {}))
    # fine, and heading levels outside 1-6 are only said: the nearest level is written
    write_notebook(folder / "2024-05-02-good.ipynb", [cell("markdown", "# Good\n> s")])
    (folder / "2024-05-02-v3-levels.ipynb").write_text(json.dumps({"nbformat": 3, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "heading", "level": 9, "source": "Deep"}, {"cell_type": "heading", "level": 0, "source": "Top"}]}]}))

    done = run_cli("convert", "-j", "1", "-v", cwd=site)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(BAD_INPUT), done.stderr
    for name, (_, words) in BAD_INPUT.items():
        assert any(line.startswith(f"error: _notebooks/{name}.ipynb: {words}") for line in errors), (name, errors)
    # information, not a fault: a note, shown with -v
    assert "note: _notebooks/2024-05-02-v3-levels.ipynb: cell 1 is a heading of level 9; written as level 6" in done.stderr
    assert sorted(done.stdout.split()) == ["_posts/2024-05-02-good.md", "_posts/2024-05-02-v3-levels.md"]
    post = (site / "_posts" / "2024-05-02-v3-levels.md").read_text(encoding="utf-8")
    assert "\n###### Deep\n" in post and "\n# Top\n" in post
    jekyll_build(site)
