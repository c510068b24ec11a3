"""The command behaves like the CLIs people know (git, click, pip, pre-commit): the site is found as git
finds its repository, results go to stdout and diagnostics to stderr, a progress bar only on a terminal,
-q/-v everywhere, --help with examples, shell completion. Every test runs the real command."""
from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import cell, make_site, run_cli, write_notebook

COMMANDS = [["brief"], ["convert"], ["check"], ["hook"], ["hook", "install"], ["hook", "uninstall"], ["hook", "run"],
            ["publish"], ["init"]]


def note(folder: Path, name: str, title: str = "A title") -> Path:
    return write_notebook(folder / name, [cell("markdown", f"# {title}\n> Summary"), cell("code", "print(1)")])


def nb2post_script() -> str:
    """The installed console script (what a user's shell runs), beside this interpreter."""
    script = Path(sys.executable).parent / "nb2post"
    return str(script) if script.exists() else shutil.which("nb2post")


# --- 1. The site is found like git finds its repository --------------------------------------------------


def test_a_notebook_in_a_subfolder_site_is_converted_into_that_site(tmp_path):
    repo = tmp_path / "repo"
    site = make_site(repo / "docs")
    note(site / "_notebooks", "2024-05-01-x.ipynb")
    done = run_cli("convert", "docs/_notebooks/2024-05-01-x.ipynb", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert (site / "_posts" / "2024-05-01-x.md").is_file()
    assert not (repo / "_posts").exists(), "written into the site found above the notebook, not ./_posts"
    assert done.stdout.splitlines() == ["docs/_posts/2024-05-01-x.md"]
    # check finds the same site the same way
    assert run_cli("check", "docs/_notebooks/2024-05-01-x.ipynb", cwd=repo).returncode == 0
    # and from deep inside the site, with no path named, the site above the current folder
    deep = site / "_notebooks"
    assert run_cli("check", cwd=deep).returncode == 0


def test_no_config_anywhere_is_refused_in_one_line_unless_site_names_a_folder(tmp_path):
    folder = tmp_path / "plain"
    nb = note(folder, "2024-05-01-x.ipynb")
    for args in (["convert", "2024-05-01-x.ipynb"], ["convert"], ["check"], ["check", "2024-05-01-x.ipynb"]):
        done = run_cli(*args, cwd=folder)
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "no _config.yml in" in lines[0] and "--site" in lines[0], (args, lines)
        assert done.stdout == ""
    assert sorted(p.name for p in folder.iterdir()) == [nb.name], "nothing written"
    # --site names the folder to write into, even without a _config.yml (but it must exist: test_exit_status)
    (folder / "blog").mkdir()
    done = run_cli("convert", "--site", "blog", "2024-05-01-x.ipynb", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "blog" / "_posts" / "2024-05-01-x.md").is_file()


def test_config_yaml_counts_as_the_site_config(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yaml").write_text("title: Yaml\n", encoding="utf-8")
    note(site / "_notebooks", "2024-05-01-x.ipynb")
    done = run_cli("convert", "_notebooks/2024-05-01-x.ipynb", cwd=site / "_notebooks" / "..")
    assert done.returncode == 0, done.stderr
    assert (site / "_posts" / "2024-05-01-x.md").is_file()


def test_notebooks_from_two_sites_are_refused(tmp_path):
    one = make_site(tmp_path / "one")
    two = make_site(tmp_path / "two")
    note(one / "_notebooks", "2024-05-01-a.ipynb")
    note(two / "_notebooks", "2024-05-01-b.ipynb")
    done = run_cli("convert", "one/_notebooks", "two/_notebooks", cwd=tmp_path)
    assert done.returncode == 2 and "different sites" in done.stderr
    assert not (one / "_posts").exists() and not (two / "_posts").exists()


def test_the_notebooks_folder_is_a_setting(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  notebooks_dir: notebooks\n")
    note(site / "notebooks", "2024-05-01-x.ipynb")
    note(site / "_notebooks", "2024-05-02-not-this-one.ipynb")  # the default folder is not looked at
    check = run_cli("check", cwd=site)
    assert check.returncode == 1 and "missing: notebooks/2024-05-01-x.ipynb" in check.stdout
    assert "not-this-one" not in check.stdout
    done = run_cli("convert", cwd=site)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["_posts/2024-05-01-x.md"]
    assert run_cli("check", cwd=site).returncode == 0
    # a site without that folder is told which folder it lacks
    (site / "notebooks" / "2024-05-01-x.ipynb").unlink()
    (site / "notebooks").rmdir()
    for command in ("convert", "check"):
        done = run_cli(command, cwd=site)
        assert done.returncode == 2 and "no notebooks/ folder" in done.stderr, done.stderr


# --- 2. Results on stdout, diagnostics on stderr ---------------------------------------------------------


def test_stdout_lists_the_posts_written_so_they_can_be_piped(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    note(site / "_notebooks", "2024-05-01-one.ipynb", "One")
    note(site / "_notebooks", "2024-05-02-two.ipynb", "Two")
    piped = subprocess.run(f"{sys.executable} -m nb2post.cli convert -j 1 | xargs grep -l 'title:'", shell=True,
                           cwd=site, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines() == ["_posts/2024-05-01-one.md", "_posts/2024-05-02-two.md"]
    # not a terminal: no progress lines, just the summary
    assert piped.stderr.strip().splitlines() == ["2 written"]

    again = run_cli("convert", cwd=site)
    assert again.stdout == "" and again.stderr.strip().splitlines() == ["2 unchanged"]
    verbose = run_cli("convert", "-v", cwd=site)
    assert verbose.stdout == ""
    assert "unchanged: _posts/2024-05-01-one.md  (from _notebooks/2024-05-01-one.ipynb)" in verbose.stderr.splitlines()


def test_quiet_keeps_errors_and_their_summary_and_drops_warnings(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    note(site / "_notebooks", "undated.ipynb", "Undated")  # warned about: no date
    write_notebook(site / "_notebooks" / "2024-05-01-bad.ipynb", [cell("markdown", "# Bad\n- date: not a date")])
    loud = run_cli("convert", "-j", "1", cwd=site)
    shutil.rmtree(site / "_posts")
    quiet = run_cli("convert", "-q", "-j", "1", cwd=site)
    assert loud.returncode == quiet.returncode == 1
    # warnings name their notebook relative to the current folder, as the user would type it
    warned = [line for line in loud.stderr.splitlines() if line.startswith("warning:")]
    assert warned and all(line.startswith("warning: _notebooks/undated.ipynb: ") for line in warned), warned
    assert str(site) not in loud.stderr
    assert not [line for line in quiet.stderr.splitlines() if line.startswith("warning:")]
    errors = [line for line in quiet.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "_notebooks/2024-05-01-bad.ipynb" in errors[0]
    assert quiet.stderr.strip().splitlines()[-1] == "1 failed, 1 written"
    assert [line for line in quiet.stdout.splitlines()] == [line for line in loud.stdout.splitlines()]
    (site / "_notebooks" / "2024-05-01-bad.ipynb").unlink()
    shutil.rmtree(site / "_posts")
    well = run_cli("convert", "-q", "-j", "1", cwd=site)  # all is well: the posts listed and not a line more
    assert well.returncode == 0 and well.stderr == "" and well.stdout.splitlines() == loud.stdout.splitlines()


def test_warnings_come_grouped_by_notebook(tmp_path):
    site = make_site(tmp_path / "site")
    for name in ("a.ipynb", "b.ipynb"):
        write_notebook(site / "_notebooks" / name,
                       [cell("markdown", "# T\n\n![x](missing-one.png) ![y](missing-two.png)")])
    done = run_cli("convert", "-j", "1", cwd=site)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert not [line for line in done.stderr.splitlines() if "has no git remote" in line]  # a note (-v): tests/test_levels.py
    named = [line.split(":", 2)[1].strip() for line in warned]
    assert named == sorted(named) and set(named) == {"_notebooks/a.ipynb", "_notebooks/b.ipynb"}, named


def read_pty(fd: int, process: subprocess.Popen) -> bytes:
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:  # the other side closed
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    return b"".join(chunks)


def test_a_progress_bar_on_a_terminal(tmp_path):
    site = make_site(tmp_path / "site")
    for day in (1, 2, 3):
        note(site / "_notebooks", f"2024-05-0{day}-n{day}.ipynb", f"N{day}")
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "nb2post.cli", "convert", "-j", "1"], cwd=site,
                               stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL)
    os.close(secondary)
    terminal = read_pty(main, process).decode("utf-8", "replace")
    stdout = process.stdout.read().decode()
    process.wait(timeout=120)
    os.close(main)
    assert process.returncode == 0, terminal
    assert "1/3" in terminal and "3/3" in terminal and "_notebooks/2024-05-03-n3.ipynb" in terminal
    assert "\r\x1b[K" in terminal and "00:0" in terminal, "redrawn in place, with the time elapsed"
    assert terminal.rstrip().splitlines()[-1].endswith("3 written")
    assert stdout.splitlines() == [f"_posts/2024-05-0{d}-n{d}.md" for d in (1, 2, 3)], "results stay off the bar"

    # -q: no bar on a terminal either
    shutil.rmtree(site / "_posts")
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "nb2post.cli", "convert", "-q", "-j", "1"], cwd=site,
                               stdout=subprocess.DEVNULL, stderr=secondary, stdin=subprocess.DEVNULL)
    os.close(secondary)
    terminal = read_pty(main, process).decode("utf-8", "replace")
    process.wait(timeout=120)
    os.close(main)
    assert "\x1b[K" not in terminal and terminal.strip() == "", "and, all being well, no summary either"

    # TERM=dumb (Emacs shells, some CI consoles) cannot redraw a line: no bar, no escape codes
    shutil.rmtree(site / "_posts")
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "nb2post.cli", "convert", "-j", "1"], cwd=site,
                               stdout=subprocess.DEVNULL, stderr=secondary, stdin=subprocess.DEVNULL,
                               env={**os.environ, "TERM": "dumb"})
    os.close(secondary)
    terminal = read_pty(main, process).decode("utf-8", "replace")
    process.wait(timeout=120)
    os.close(main)
    assert process.returncode == 0 and "\x1b" not in terminal and "1/3" not in terminal, terminal
    assert terminal.strip().splitlines()[-1] == "3 written"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_takes_quiet_and_verbose(command):
    done = run_cli(*command, "--help", check=True)
    assert "-q, --quiet" in done.stdout and "-v, --verbose" in done.stdout or command == ["hook"]


# --- 3. Help, check without notebooks, hooks ------------------------------------------------------------


@pytest.mark.parametrize("command", [[], *COMMANDS], ids=lambda c: " ".join(c) or "nb2post")
def test_help_has_examples_and_no_cut_sentences(command):
    done = run_cli(*command, "--help", check=True)
    text = done.stdout
    if command:
        assert "Examples:" in text and "nb2post " + command[0] in text.split("Examples:")[1]
        assert text.count("Examples:") == 1, "the examples once (init printed a second list from its docstring)"
    cut = [line for line in text.splitlines() if line.rstrip().endswith("...") and not line.startswith("Usage:")]
    assert not cut, cut


def test_check_without_notebooks_says_so_and_agrees_with_convert(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "_notebooks").mkdir()
    check, convert = run_cli("check", cwd=site), run_cli("convert", cwd=site)
    assert check.returncode == convert.returncode == 0
    assert "no notebooks found in _notebooks" in check.stderr
    assert "no notebooks found in _notebooks" in convert.stderr
    (site / "_notebooks").rmdir()
    check, convert = run_cli("check", cwd=site), run_cli("convert", cwd=site)
    assert check.returncode == convert.returncode == 2
    assert "no _notebooks/ folder" in check.stderr and "no _notebooks/ folder" in convert.stderr


# --- 5. Shell completion ---------------------------------------------------------------------------------


def test_bash_completion_script(tmp_path):
    done = subprocess.run([nb2post_script()], env={**os.environ, "_NB2POST_COMPLETE": "bash_source"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "_nb2post_completion()" in done.stdout and "complete -o nosort -F _nb2post_completion nb2post" in done.stdout
    # and it completes: the subcommands for "nb2post con"
    words = subprocess.run([nb2post_script()], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "_NB2POST_COMPLETE": "bash_complete", "COMP_WORDS": "nb2post con",
                                "COMP_CWORD": "1"})
    assert "plain,convert" in words.stdout.split()
    assert '"$(_NB2POST_COMPLETE=bash_source nb2post)"' in run_cli("--help", check=True).stdout, "documented in --help"


# --- Housekeeping ----------------------------------------------------------------------------------------


def test_the_stages_do_not_reach_up_into_the_cli_layer():
    """nb2post.commands is the CLI; the check, the hook and the exporter sit below it (nb2post.paths)."""
    import re

    import nb2post

    package = Path(nb2post.__file__).parent
    reaching_up = [path.name for path in package.glob("*.py") if path.name not in ("cli.py", "__main__.py")
                   and re.search(r"from \.commands|nb2post\.commands", path.read_text(encoding="utf-8"))]
    assert reaching_up == []
