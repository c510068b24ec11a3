"""Answering a run that had nothing to do from its record, as git answers ``git status`` from its index.

``nb2post check`` runs on every push and ``nb2post convert`` in every Action run; mostly they find
nothing to do. Such a run still starts Python, loads the settings, the theme and the posts' markers, and
stats every notebook: about twice the interpreter's start-up. So a run that finds nothing to do (nothing
written; exit 0, or 1 for what it found: a stale post ``check`` reports, a broken notebook ``convert``
reports from the stat cache) keeps a record: every path it looked at with what it saw there, the lines
it printed and its exit status. The next run with the same command line, current folder, environment
and nb2post stats those paths again; when each is as recorded it prints the same lines and exits with
the same status, having loaded none of the rest. When anything differs it runs in full (and records
again).

What a run looks at is traced while it runs, not listed by hand, so a new input of some later change
cannot be forgotten:

* each file opened (Python's audit event ``open``): its mode, size, mtime, ctime and inode;
* each folder listed (``os.scandir``, ``os.listdir``): the same of the folder, whose mtime changes with
  every entry added, removed or renamed;
* each ``os.stat`` and ``os.lstat`` (wrapped while tracing, which ``os.path`` and ``pathlib`` use): a
  folder's type, anything else's stat, a missing path's error number.

Never a wrong answer:

* A run that starts a process, writes or removes a file, or changes folder records nothing (nb2post's
  stat cache saving what it learned is such a write: that run records nothing, the next one does).
* Racy files, as in ``nb2post.statcache``: a record is kept only when every time in it is older than the
  moment the run began, by the file-system clock (the mtime of the record's temporary file, created
  before anything is looked at) and on that file's device (another file system may keep coarser times).
  And each path is looked at again when the run ends: what the run saw must still be there.
* The key holds the command line, the current folder, the Python, nb2post's version and the environment
  variables nb2post reads (``ENVIRONMENT``); the record also holds the stat of each nb2post module the
  run loaded, so a changed nb2post (even of the same version) runs in full.
* A damaged or foreign record is ignored (it carries a checksum of its body), and records are replaced
  atomically, so concurrent runs each leave a whole record.

Records live in ``$XDG_CACHE_HOME/nb2post/runs`` (default ``~/.cache``), one small file per command
line and folder, the oldest removed beyond ``KEEP``. ``NB2POST_NO_CACHE=1`` switches them off with the
stat cache. Only a run of its own process is recorded or replayed (``nb2post.cli``), never a call of
``main`` with arguments (tests, other programs).
"""

from __future__ import annotations

import binascii
import json
import os
import sys
from collections.abc import Callable

FORMAT = "nb2post-replay 2"
RECORDED_CODES = (0, 1)  # exit statuses a record may end with: done, or a notebook/post needing work
KEEP = 64  # records kept: a site or two, each with a few command lines
# Every environment variable nb2post reads (tests/test_replay.py checks the package for others): a run
# with another value may differ, so each one's value is part of the key.
ENVIRONMENT = (
    "HOME",
    "XDG_CACHE_HOME",
    "NB2POST_NO_CACHE",
    "GEM_HOME",
    "GEM_PATH",
    "GITHUB_HEAD_REF",
    "GITHUB_REF_NAME",
    "GIT_AUTHOR_NAME",
    "GIT_COMMITTER_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_EMAIL",
    "EMAIL",
    "PRE_COMMIT",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "PRE_COMMIT_REMOTE_NAME",
    "PRE_COMMIT_LOCAL_BRANCH",
    "TERM",
)
_TEMPORARY = ".nb2post-run-"  # a record being written (see nb2post.paths.clock_file)
_CODE_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth")
_REAL_STAT, _REAL_LSTAT = os.stat, os.lstat
_PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")  # nb2post's own folder


def _folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nb2post", "runs")


def _key(argv: list[str]) -> str | None:
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    from . import __version__

    environment = {name: os.environ.get(name) for name in ENVIRONMENT}
    return json.dumps([FORMAT, __version__, sys.executable, sys.version, cwd, argv, environment])


def _record_path(key: str) -> str:
    return os.path.join(_folder(), "%08x" % binascii.crc32(key.encode("utf-8", "surrogateescape")))


# --- what a path looks like: one function for the run that records and the run that replays -----------
def _look(path: str, how: str):
    """What ``path`` looks like, as ``how`` looked at it: "s" stat (following links), "l" lstat, "L" a
    listed folder, "c" an nb2post module (see ``_value``); a path that cannot be stat'ed, its error number."""
    try:
        st = _stat(path, how)
    except OSError as exc:
        return exc.errno or -1
    return _value(st, how)


def _stat(path: str, how: str) -> os.stat_result:
    return _REAL_STAT(path, follow_symlinks=how != "l")


def _value(st: os.stat_result, how: str) -> list[int] | str:
    """A folder's stat is its type only (the ``.git`` folder changes whenever git or the stat cache
    writes in it, which no run's answer depends on), a listed folder's its stat, anything else's its
    stat; a module's, what changes when it is rewritten."""
    if how == "c":
        return [st.st_size, st.st_mtime_ns, st.st_ino]
    if how != "L" and (st.st_mode & 0o170000) == 0o040000:
        return "d"
    return [st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


# --- replay ---------------------------------------------------------------------------------------------
def replay(argv: list[str]) -> int | None:
    """Print the recorded output of this command line and return its exit status when nothing it looked
    at changed since it was recorded; None (having printed nothing) otherwise."""
    key = _key(argv)
    if key is None:
        return None
    from .paths import open_regular

    try:
        stream, _ = open_regular(_record_path(key))  # (a FIFO there must not make the run wait forever)
        with stream:
            raw = stream.read()
    except OSError:
        return None
    header, _, body = raw.partition(b"\n")
    if header != f"{FORMAT} {binascii.crc32(body):08x}".encode():
        return None  # damaged, or another version's
    try:
        recorded_key, output, looked, code = json.loads(body)
        if recorded_key != key or type(code) is not int or code not in RECORDED_CODES:
            return None
        if not all(isinstance(text, str) and err in (0, 1) and nl in (0, 1) for text, err, nl in output):
            return None
        for path, how, seen in looked:
            if _look(path, how) != seen:
                return None
    except (TypeError, ValueError):  # a record of another shape
        return None
    import click

    for message, err, nl in output:
        click.echo(message, err=err, nl=nl)
    return code


# --- recording ------------------------------------------------------------------------------------------
class Recorder:
    """Traces one run of a command (see the module's docstring) and keeps its record when it ends well."""

    def __init__(self, argv: list[str]):
        self.key = _key(argv)
        self.cwd = os.getcwd() if self.key is not None else ""
        self.looked: dict[tuple[str, str], object] = {}
        self.output: list[list] = []
        self.spoiled: str | None = None if self.key is not None else "no current folder"
        self.clock: tuple[int, str, int, int] | None = None  # (fd, temporary file, its mtime_ns, st_dev)
        self._echo: Callable | None = None
        # Python's own files and nb2post's (recorded as code when the run ends): what the import system looks at
        pythons = {os.path.join(os.path.realpath(p), "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
        self._ignored = (_PACKAGE, *pythons)

    # tracing
    def start(self) -> None:
        global _ACTIVE
        if self.spoiled:
            return
        from .paths import clock_file

        try:
            fd, name, st = clock_file(_folder(), _TEMPORARY)
        except OSError:
            self.spoiled = "no folder for records"
            return
        self.clock = (fd, name, st.st_mtime_ns, st.st_dev)
        import pathlib  # noqa: F401  (before os.stat is wrapped: Python 3.10's pathlib keeps what it finds)

        import click

        self._echo = click.echo
        click.echo = self._captured_echo
        import warnings

        self._showwarning = warnings.showwarning
        warnings.showwarning = self._shown_warning  # printed past click.echo: such a run is not replayed
        _install()
        _ACTIVE = self
        os.stat, os.lstat = _traced_stat, _traced_lstat
        _patch_pathlib(_traced_stat, _traced_lstat)

    def stop(self) -> None:
        global _ACTIVE
        if _ACTIVE is self:
            _ACTIVE = None
            os.stat, os.lstat = _REAL_STAT, _REAL_LSTAT
            _patch_pathlib(_REAL_STAT, _REAL_LSTAT)
        if self._echo is not None:
            import warnings

            import click

            click.echo = self._echo
            warnings.showwarning = self._showwarning
            self._echo = None

    def spoil(self, why: str) -> None:
        """This run will not be recorded; tracing stops at once. ``why`` says what spoiled it, for whoever
        debugs a run that is never replayed."""
        if self.spoiled is None:
            self.spoiled = why
        self.stop()

    def _captured_echo(self, message=None, file=None, nl=True, err=False, color=None):
        if file is not None or color is not None or not isinstance(message, str):
            self.spoil("output that is not a line of text")
        else:
            self.output.append([message, bool(err), bool(nl)])
        return self._echo(message, file=file, nl=nl, err=err, color=color)

    def _shown_warning(self, *args, **kwargs):
        self.spoil("a Python warning")
        return self._showwarning(*args, **kwargs)

    def saw(self, path, how: str, value) -> None:
        if isinstance(path, int) or self.spoiled:
            return  # a file descriptor: its file was opened, and recorded, by name
        path = os.fsdecode(path)
        if not os.path.isabs(path):
            path = os.path.join(self.cwd, path)  # (not normalized: "a/../b" is not "b" when a is a link)
        if path.startswith(self._ignored) or (how == "L" and path in sys.path):
            return  # the import system looking for modules (and gettext for translations)
        if how == "o":
            if path.endswith(_CODE_SUFFIXES):
                return  # an import: nb2post's own modules are recorded as code when the run ends
            how, value = "s", None
        known = self.looked.get((path, how))
        if known is None:
            self.looked[(path, how)] = value
        elif value is not None and known != value:
            self.spoil(f"{path} changed while the run looked at it")

    # the end
    def finish(self, code) -> bool:
        """The run ended with exit status ``code`` (None: 0; anything but an int or None: it did not end
        by SystemExit): keep its record when it may be replayed. True when kept."""
        self.stop()
        if self.clock is None:
            return False
        fd, name, now, device = self.clock
        code = 0 if code is None else code
        try:
            if type(code) is not int or code not in RECORDED_CODES or self.spoiled:
                return False
            looked = self._settled(now, device)
            if looked is None:
                return False
            body = json.dumps([self.key, self.output, looked, code], separators=(",", ":")).encode()  # (ASCII)
            os.write(fd, f"{FORMAT} {binascii.crc32(body):08x}\n".encode() + body)
            os.close(fd)
            fd = None
            os.replace(name, _record_path(self.key))
            _prune(os.path.dirname(name))
            return True
        except Exception:  # keeping a record is never worth changing how the run ends
            return False
        finally:
            if fd is not None:
                os.close(fd)
                try:
                    os.unlink(name)
                except OSError:
                    pass

    def _settled(self, now: int, device: int) -> list | None:
        """The record's list of (path, how, value) when every path still looks as the run saw it and
        none changed since the run began (by the clock of the record's own device); else None."""
        looked = []
        for (path, how), seen in self.looked.items():
            value: int | list[int] | str
            try:
                st = _stat(path, how)
            except OSError as exc:
                value = exc.errno or -1
            else:
                value = _value(st, how)
                # times, which must be older than the run, by a clock of the same file system
                if isinstance(value, list) and (value[2] >= now or value[3] >= now or st.st_dev != device):
                    return None
            if seen is not None and value != seen:
                return None
            looked.append([path, how, value])
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if isinstance(path, str) and os.path.abspath(path).startswith(_PACKAGE):
                looked.append([path, "c", _look(path, "c")])
        return looked


_ACTIVE: Recorder | None = None
_INSTALLED = False
_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Audit events that change files or leave Python: a run that raises one is not recorded.
_SPOILING = {
    "os.rename",
    "os.remove",
    "os.rmdir",
    "os.mkdir",
    "os.symlink",
    "os.link",
    "os.truncate",
    "os.utime",
    "os.chmod",
    "os.chown",
    "os.chdir",
    "os.chflags",
    "os.setxattr",
    "os.removexattr",
    "shutil.copyfile",
    "shutil.rmtree",
    "shutil.move",
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "os.startfile",
    "socket.connect",
    "urllib.Request",
}


def _audit(event: str, args: tuple) -> None:
    recorder = _ACTIVE
    if recorder is None:
        return
    if event == "open":
        path, mode, flags = args
        if (mode is not None and any(c in mode for c in "wax+")) or (mode is None and flags & _WRITES):
            recorder.spoil(f"wrote {path}")
        elif path is not None:
            recorder.saw(path, "o", None)
    elif event in ("os.scandir", "os.listdir"):
        recorder.saw(args[0] if args and args[0] is not None else ".", "L", None)
    elif event in _SPOILING:
        recorder.spoil(event)


def _install() -> None:
    global _INSTALLED
    if not _INSTALLED:
        sys.addaudithook(_audit)  # (never removed: it does nothing while no run is traced)
        _INSTALLED = True


def _traced_stat(path, *, dir_fd=None, follow_symlinks=True):
    try:
        st = _REAL_STAT(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    except OSError as exc:
        _saw_stat(path, dir_fd, "s" if follow_symlinks else "l", exc.errno or -1)
        raise
    _saw_stat(path, dir_fd, "s" if follow_symlinks else "l", st)
    return st


def _traced_lstat(path, *, dir_fd=None):
    return _traced_stat(path, dir_fd=dir_fd, follow_symlinks=False)


def _saw_stat(path, dir_fd, how: str, st) -> None:
    recorder = _ACTIVE
    if recorder is None:
        return
    if dir_fd is not None:
        recorder.spoil("a stat relative to a folder descriptor")
        return
    recorder.saw(path, how, st if isinstance(st, int) else _value(st, how))


def _patch_pathlib(stat_function, lstat_function) -> None:
    """Python 3.10's pathlib calls os.stat through an accessor that took it when pathlib was imported."""
    accessor = getattr(sys.modules.get("pathlib"), "_NormalAccessor", None)
    if accessor is not None:
        accessor.stat = staticmethod(stat_function)
        accessor.lstat = staticmethod(lstat_function)


def _prune(folder: str) -> None:
    """Keep the newest ``KEEP`` records, and no temporary file of a run killed an hour ago or more."""
    from .paths import remove_abandoned

    remove_abandoned(folder, _TEMPORARY)
    try:
        records = sorted(
            ((entry.stat().st_mtime, entry.path) for entry in os.scandir(folder) if not entry.name.startswith(".")),
            reverse=True,
        )
    except OSError:
        return
    for _, path in records[KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass
