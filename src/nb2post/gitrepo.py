"""Every git call nb2post makes lives here.

Cheap queries run ``git`` directly; publishing (commit and push) uses GitPython.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path


def find_root(path: Path) -> Path | None:
    """The work tree root above ``path`` (a file-system walk: no process is started)."""
    current = Path(path).resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git(args: list[str], cwd: Path) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def first_commit_date(path: Path) -> dt.date | None:
    """The day the file was first committed (author date), or None when it is not in git history."""
    path = Path(path).resolve()
    root = find_root(path)
    if root is None:
        return None
    out = _git(["log", "--diff-filter=A", "--follow", "--format=%as", "--", str(path)], root)
    if not out or not out.strip():
        return None
    try:
        return dt.date.fromisoformat(out.strip().split("\n")[-1].strip())
    except ValueError:
        return None
