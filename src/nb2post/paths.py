"""Where things are: the site a path belongs to, and paths as the user sees them.

Below the CLI layer (``commands``): the check, the hook and the nbconvert exporter use these too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Jekyll reads _config.yml, or _config.yaml when there is no _config.yml.
CONFIG_NAMES = ("_config.yml", "_config.yaml")


def find_site(start: Path) -> Path | None:
    """The nearest folder holding a Jekyll config: ``start`` (a file's folder) or one of its parents, as
    git finds its repository. None when there is none."""
    start = Path(start).resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return folder
    return None


def user_cache() -> Path:
    """nb2post's folder in the user's cache ($XDG_CACHE_HOME, default ~/.cache): what is worth keeping
    between runs and can be made again (a compiled schema, a parsed template)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nb2post"


def relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when it lies below it (as the user would type it from there); else as is."""
    try:
        return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return str(path)


def open_regular(path) -> tuple:
    """(binary file, its fstat) for reading a regular file; OSError for anything else. Opened with
    O_NONBLOCK: a FIFO that took a notebook's place since it was listed must not make a run wait for a
    writer forever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return open(fd, "rb"), found


def clock_file(folder, prefix: str) -> tuple[int, str, os.stat_result]:
    """A new temporary file in ``folder`` (made when missing), open for writing: (descriptor, path, its
    fstat). Its mtime is "now" by the clock of that folder's file system, the clock a racy rule compares
    file times with (nb2post.statcache, nb2post.replay); the file is then filled and renamed into place.
    OSError when it cannot be made."""
    os.makedirs(folder, exist_ok=True)
    name = os.path.join(folder, f"{prefix}{os.getpid()}-{os.urandom(6).hex()}.tmp")
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return fd, name, os.fstat(fd)


def remove_abandoned(folder, prefix: str) -> None:
    """The ``clock_file``s of runs killed before they could rename them (older than an hour)."""
    import time

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
            try:
                if time.time() - entry.stat().st_mtime > 3600:
                    os.unlink(entry.path)
            except OSError:
                continue


def missing_files(root, linked, listed: dict) -> list[str]:
    """The site paths of the files in ``linked`` (``((folder, names), ...)``, site paths below folder
    ``root``: see liquid.linked_files) that are not in their folder. Each folder is listed once per
    ``listed`` (a dict the caller keeps for a run): one listing answers for all of a post's files, and a run
    answered from its record (nb2post.replay) sees the folder change when a file is deleted from it."""
    gone: list[str] = []
    for folder, names in linked:
        present = listed.get(folder)
        if present is None:
            try:
                present = frozenset(os.listdir(os.path.join(root, folder.lstrip("/"))))
            except OSError:
                present = frozenset()
            listed[folder] = present
        if not present.issuperset(names):
            gone.extend(f"{folder}/{name}" for name in names if name not in present)
    return gone


def appeared_files(root, awaited) -> list[str]:
    """The paths among ``awaited`` (site-relative: see Post.awaited) that exist now below ``root``. Each
    is looked at (lstat), so a run answered from its record (nb2post.replay) sees one appear too."""
    return [path for path in awaited if os.path.lexists(os.path.join(root, path))]
