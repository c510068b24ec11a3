"""Shared fixtures: notebooks built in code, real Jekyll sites, an isolated git environment."""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from types import CodeType, FunctionType

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
BROKEN_IN_CORPUS = {
    "jupyter__nbconvert/notebook2_broken_json.ipynb",
    "fastai__nbdev/02_showdoc_broken_json.ipynb",
    "jupyter__nbformat/test3_no_worksheets.ipynb",
    "mwouts__jupytext/jupyter_with_raw_cell_with_invalid_yaml.ipynb",
    "mwouts__jupytext/raw_cell_with_non_dict_yaml_content.ipynb",
}


# What a test needs beyond Python, git and nb2post, read from the names its code uses, with the code of
# its fixtures and of the test helpers they reach: each such test is marked, so that
# `pytest -m "not jekyll and not browser and not act and not pds"` is a quick local loop (CI runs all).
NEEDS = {
    "jekyll": {"jekyll_build", "Preview"},  # a real `jekyll build`; `nb2post preview`, which serves with jekyll
    "browser": {"sync_playwright", "launch_chromium", "chromium"},  # headless Chromium through playwright
    "act": {"act_binary"},  # nektos/act running a workflow
    "pds": {"ReferencePds"},  # Bluesky's reference PDS (node, @atproto/dev-env)
}
TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")


def _names_reached(function, seen: set) -> set[str]:
    """The global and attribute names in ``function``'s code (and its inner functions and lambdas), and in
    the functions and classes of tests/ it names, in turn."""
    function = getattr(function, "__func__", function)  # (a staticmethod or classmethod)
    function = getattr(getattr(function, "hypothesis", None), "inner_test", function)  # (a @given test)
    code = getattr(function, "__code__", None)
    if code is None or not code.co_filename.startswith(TESTS) or code in seen:
        return set()
    seen.add(code)
    names: set[str] = set()
    codes = [code]
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        constants = current.co_consts
        for constant, after in zip(constants, (*constants[1:], None)):
            if isinstance(constant, CodeType):
                codes.append(constant)
            elif constant == "jekyll" and after in ("build", "serve"):
                names.add("jekyll_build")  # subprocess.run(["jekyll", "build", ...])
            elif isinstance(constant, str) and constant.startswith("playwright."):
                names.add("sync_playwright")  # pytest.importorskip("playwright.sync_api")
    for name in list(names):
        value = function.__globals__.get(name)
        if isinstance(value, FunctionType):
            names |= _names_reached(value, seen)
        elif isinstance(value, type):
            for member in vars(value).values():
                names |= _names_reached(member, seen)
    return names


def pytest_configure(config):
    # also registered here, not only in pyproject.toml: scripts/wheel_suite.sh's pytest (the newest from
    # PyPI, in a fresh venv) warned "Unknown pytest.mark.jekyll" without it
    for marker, text in (("jekyll", "builds or serves a site with the real jekyll"),
                         ("browser", "opens pages in headless Chromium (playwright)"),
                         ("act", "runs a GitHub Actions workflow with nektos/act"),
                         ("pds", "starts Bluesky's reference PDS (node)")):
        config.addinivalue_line("markers", f"{marker}: {text}")


def pytest_collection_modifyitems(items):
    for item in items:
        if not hasattr(item, "function"):
            continue
        seen: set = set()
        names = _names_reached(item.function, seen)
        for definitions in item._fixtureinfo.name2fixturedefs.values():
            for definition in definitions:
                names |= _names_reached(definition.func, seen)
        for marker, wanted in NEEDS.items():
            if names & wanted:
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory, monkeypatch):
    """No test sees the machine's git config; every test has an identity to commit with."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.com")
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    return home


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (it lives beside the project as ../shared/corpus)")
    return CORPUS


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory) -> dict[str, str]:
    """PIP_* variables with which pip installs nb2post without an index, into an environment made from the
    bare base Python too (tests/wheelhouse.py); merge them into os.environ as the test has it."""
    from wheelhouse import offline_pip_variables

    return offline_pip_variables(tmp_path_factory.mktemp("wheelhouse"))


def cell(kind: str, source: str, **extra) -> dict:
    base = {"cell_type": kind, "metadata": extra.pop("metadata", {}), "source": source}
    if kind == "code":
        base.update({"execution_count": None, "outputs": extra.pop("outputs", [])})
    base.update(extra)
    return base


def notebook(cells: list[dict], **metadata) -> dict:
    meta = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
    meta.update(metadata)
    return {"nbformat": 4, "nbformat_minor": 4, "metadata": meta, "cells": cells}


def write_notebook(path: Path, cells: list[dict], **metadata) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook(cells, **metadata), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


BARE_LAYOUT = '<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title></head><body>{{ content }}</body></html>\n'


def make_site(folder: Path, strict: bool = True, extra_config: str = "") -> Path:
    """A Jekyll site. strict: a bare layout with strict Liquid (undefined variables fail the build)."""
    folder.mkdir(parents=True, exist_ok=True)
    if strict:
        (folder / "_layouts").mkdir(exist_ok=True)
        (folder / "_layouts" / "post.html").write_text(BARE_LAYOUT, encoding="utf-8")
        config = "title: Test\nliquid:\n  error_mode: strict\n  strict_variables: true\n  strict_filters: true\n"
    else:
        config = "title: Test\ntheme: minima\nplugins: [jekyll-feed, jekyll-seo-tag]\n"
    (folder / "_config.yml").write_text(config + extra_config, encoding="utf-8")
    return folder


def git_run(repo: Path, *args: str, check: bool = True, date: str | None = None) -> subprocess.CompletedProcess:
    """Real git in ``repo`` (with the test's identity and no machine config: isolated_git). A failure fails
    the test with git's words unless ``check=False``; ``date``: the commit's author and committer date."""
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else None
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def git(repo: Path, *args: str, check: bool = True, date: str | None = None) -> str:
    """What ``git_run`` prints, stripped (``git status --porcelain -- one`` is ``M one``)."""
    return git_run(repo, *args, check=check, date=date).stdout.strip()


def repo_with_remote(repo: Path, remote: Path) -> Path:
    """``repo`` made a git repository on branch main, with ``remote`` made an empty bare one as its origin."""
    git(remote.parent, "init", "-q", "--bare", "-b", "main", str(remote))
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", str(remote))
    return repo


def jekyll_build(site: Path, *extra: str) -> Path:
    if shutil.which("jekyll") is None:
        pytest.fail("jekyll is not installed: run the README's test command (scripts/test.sh), which installs it")
    out = site / "_site"
    done = subprocess.run(
        ["jekyll", "build", "-q", "-s", str(site), "-d", str(out), "--strict_front_matter", *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"jekyll build failed:\n{done.stdout}\n{done.stderr}"
    return out


def process_table() -> dict[int, list[str]]:
    """Each process's fields of /proc/PID/stat after its name: [state, ppid, pgrp, ...] (Linux)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                table[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return table


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 5.0) -> bool:
    """True once something listens on 127.0.0.1:port (a server a test started), False after ``seconds``."""
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def run_cli(*args: str, cwd: Path | None = None, check: bool = False, env: dict | None = None):
    """Run the real command in a subprocess (exit codes and output as a user sees them)."""
    done = subprocess.run(
        [sys.executable, "-m", "nb2post.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert done.returncode == 0, f"nb2post {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


def png(rgb: tuple[int, int, int] = (255, 0, 0), trailer: bytes = b"") -> bytes:
    """A real 1×1 PNG of one colour (different colours: different files); ``trailer`` after IEND."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00" + bytes(rgb))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
        + trailer
    )
