"""A stat cache, as git's index: what a file held the last time it was read, keyed by its stat.

``convert`` and ``check`` compare a hash of every notebook with the one recorded in its post. Reading
and hashing hundreds of megabytes on every run is what made "nothing changed" slow; ``stat()`` of the
same files is a thousand times cheaper. So, as git does, nb2post remembers per file its (size,
mtime_ns, ctime_ns, inode) and what was computed from its bytes (the notebook's content hash, a post's
marker line, the error a broken notebook gives under the current settings), and trusts the remembered
value only while the stat is exactly the same.

Never a wrong answer:

* ctime cannot be set from user space, so an edit that restores the old mtime (``touch -d``, a
  checkout, rsync) still changes the stat.
* Racy files (git's "racy git" problem): timestamps are coarse, so a file changed twice within one tick
  keeps its stat. An entry is stored only when the file's mtime and ctime are strictly older than the
  moment this run began hashing, read from the same file-system clock (the mtime of the cache's own
  temporary file, created before any file is read). A file edited in the same tick as it was read is
  therefore hashed again by the next run. An entry that is not yet safe is simply not stored.
* That clock is only a clock for its own file system: a work tree on another one than its git directory
  (a worktree on another disk, ``--separate-git-dir``, a bind mount, WSL's ``/mnt/c``) may keep coarser
  times (1 s on ext4 with small inodes, 2 s on FAT), and two same-size edits within one of its ticks would
  keep the key the cache compared. So each file is compared with a clock of its own device: the site
  (work tree) on another device than the cache gets a second clock, a temporary file made in the site
  and removed at once; a file on any other device is never remembered (it is hashed on every run, as
  ``nb2post.replay`` refuses such paths too).
* The file carries a checksum of its body: a corrupt, truncated or foreign file is ignored (one full
  hash, then rewritten). It is replaced atomically (temporary file + rename), so concurrent runs each
  leave a whole, correct file; the last one wins and the loser's entries are merely hashed again.

Where it lives: inside the git directory when the site is in a git work tree (``.git/nb2post-cache``,
or the worktree's own git dir), so it is never committed, never shows in ``git status`` and is not
cloned — no user file (``.gitignore``) is touched. Outside git: ``.nb2post-cache`` in the site; Jekyll
does not publish files whose name starts with a dot unless ``include:`` names them.

``NB2POST_NO_CACHE=1`` switches it off (every file is read, nothing is written). The cache also keeps
the parsed YAML of the site's config files, keyed by their exact bytes, so a run with nothing to do
needs no YAML parser (see ``nb2post.jekyll.config.load_site_config``). A whole run with nothing to do is answered
one level up, from the record of the last such run (``nb2post.replay``).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

# datetime is imported where it is needed: a run with nothing to do does not use it.

FORMAT = b"nb2post-statcache 2"
NAME = "nb2post-cache"
MISSING = object()  # lookup(): nothing trustworthy remembered
_OPEN: dict[Path, StatCache] = {}


_READ_ONLY = False


def read_only() -> None:
    """This process reads the cache but never writes it (a worker of a batch: the parent saves)."""
    global _READ_ONLY
    _READ_ONLY = True


_FIND = object()  # for_site(git_folder=...): not known yet, found from the site


def cache_path(site: Path, git_folder=_FIND) -> Path:
    """Where the cache of ``site`` lives (see the module's docstring). ``git_folder``: the git folder of
    the site's repository (None: it is in none) when the caller knows it (``config.SiteFacts.git_dir``)."""
    site = Path(site).resolve()
    if git_folder is _FIND:
        from . import gitrepo

        root = gitrepo.find_root(site)
        git_folder = gitrepo.git_dir(root) if root is not None else None
    folder = git_folder
    return folder / NAME if folder is not None and folder.is_dir() else site / f".{NAME}"


def for_site(site: Path, git_folder=_FIND) -> StatCache:
    """The cache of ``site``, opened once per process. ``git_folder``: as for ``cache_path``."""
    if os.environ.get("NB2POST_NO_CACHE"):
        return StatCache(None)
    path = cache_path(site, git_folder)
    if path not in _OPEN:
        _OPEN[path] = StatCache(path, work_tree=Path(site).resolve())
    return _OPEN[path]


def for_settings(settings) -> StatCache:
    """The cache of the site of ``settings`` (nb2post.jekyll.config.Settings), found through its facts."""
    facts = settings.facts
    return for_site(settings.site, *((facts.git_dir,) if facts is not None else ()))


def _stat_key(st: os.stat_result) -> list:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class StatCache:
    def __init__(self, path: Path | None, work_tree: Path | None = None):
        """``work_tree``: the folder of the files this cache remembers, when it may lie on another file
        system than ``path`` (it gets a clock of its own there)."""
        self.path = path
        self.work_tree = work_tree
        # kind -> folder -> file name -> [size, mtime_ns, ctime_ns, ino, value]: grouped by folder, the
        # file is half as big as with whole paths, and reading it is most of a run with nothing to do.
        self.entries: dict[str, dict[str, dict[str, list]]] = {}
        self.configs: dict[str, object] = {}  # config bytes digest -> tagged JSON of the parsed config
        self.choice = ""  # a digest of the theme and math renderer the last run said it wrote for
        self.written_ns = 0  # when the file was written (by the file-system clock)
        self.dirty = False
        self._clock_file: tuple[int, str] | None = None  # (fd, path) of the temporary file
        self._clock_ns: int | None = None
        self._clocks: dict[int, int] = {}  # st_dev -> this run's "now" by that file system's clock
        self._saved_at_exit = False
        if path is not None:
            self._load()

    # --- the file -------------------------------------------------------------------------------
    def _load(self) -> None:
        from .paths import open_regular

        try:
            # a FIFO (or a device) put in the cache's place would make every run wait for a writer forever
            stream, _ = open_regular(self.path)
            with stream:
                raw = stream.read()
        except OSError:
            return
        header, _, body = raw.partition(b"\n")
        parts = header.split(b" ")
        if b" ".join(parts[:2]) != FORMAT or len(parts) != 3 or parts[2] != hashlib.sha256(body).hexdigest().encode():
            return  # corrupt, truncated or another version: start empty (costs one full hash)
        try:
            data = json.loads(body)
            entries, configs, written = data["entries"], data["configs"], int(data["written_ns"])
        except (ValueError, KeyError, TypeError):
            return
        # The checksum keeps out damage, not a hand-made file: the shape is checked too (each entry where
        # it is used, see lookup), and anything unexpected only means "not remembered".
        if (
            isinstance(configs, dict)
            and isinstance(entries, dict)
            and all(
                isinstance(folders, dict) and all(isinstance(files, dict) for files in folders.values())
                for folders in entries.values()
            )
        ):
            self.entries, self.configs, self.written_ns = entries, configs, written
            choice = data.get("choice", "")
            self.choice = choice if isinstance(choice, str) else ""

    def _now(self) -> int:
        """This run's "now" by the file-system clock: the mtime of the cache's temporary file, created
        before the first file is read. 0 (nothing is ever stored) when the cache cannot be written."""
        if self._clock_ns is None:
            self._clock_ns, self._clocks = 0, {}
            if self.path is not None and not _READ_ONLY:
                from .paths import clock_file

                try:
                    fd, name, st = clock_file(self.path.parent, f".{NAME}-")
                    self._clock_file = (fd, name)
                    self._clock_ns, self._clocks = st.st_mtime_ns, {st.st_dev: st.st_mtime_ns}
                except OSError:
                    pass
                else:
                    self._work_tree_clock(clock_file)
                    if not self._saved_at_exit:
                        # a command that learned something but does not save (brief, ...) still leaves
                        # a whole cache and no temporary file behind
                        import atexit

                        atexit.register(self.save)
                        self._saved_at_exit = True
        return self._clock_ns

    def _work_tree_clock(self, clock_file) -> None:
        """A clock on the work tree's file system when that is another than the cache's: a temporary file
        of its own, removed at once (only its mtime is wanted). When none can be made there (a read-only
        checkout), no file of that device is remembered."""
        try:
            if self.work_tree is None or os.stat(self.work_tree).st_dev in self._clocks:
                return
            fd, name, st = clock_file(self.work_tree, f".{NAME}-clock-")
        except OSError:
            return
        os.close(fd)
        try:
            os.unlink(name)
        except OSError:
            pass
        self._clocks.setdefault(st.st_dev, st.st_mtime_ns)
        from .paths import remove_abandoned

        remove_abandoned(self.work_tree, f".{NAME}-clock-")  # of a run killed between making and removing one

    def begin(self) -> None:
        """Start this run's clock now (if it has none): a file read after this may be stored."""
        self._now()

    def save(self) -> bool:
        """Write the cache if this run learned something; True when written. Never raises OSError."""
        if not self.dirty or self.path is None or _READ_ONLY:
            self.discard()
            return False
        self._now()
        if self._clock_file is None:
            return False
        fd, name = self._clock_file
        self._clock_file = None
        try:
            # Forget files that are gone (a renamed notebook, a removed post): the file stays small.
            live: dict[str, dict] = {}
            for kind, folders in self.entries.items():
                for folder, files in folders.items():
                    kept = {name: entry for name, entry in files.items() if os.path.exists(os.path.join(folder, name))}
                    if kept:
                        live.setdefault(kind, {})[folder] = kept
            body = json.dumps(
                {"written_ns": self._clock_ns, "entries": live, "configs": self.configs, "choice": self.choice},
                separators=(",", ":"),
            ).encode("utf-8")
            with os.fdopen(fd, "wb") as stream:
                stream.write(FORMAT + b" " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.chmod(name, 0o644)
            os.replace(name, self.path)
            from .paths import remove_abandoned

            remove_abandoned(self.path.parent, f".{NAME}-")
        except OSError:
            Path(name).unlink(missing_ok=True)
            return False
        self.dirty = False
        self.written_ns = self._clock_ns
        self._clock_ns = None
        return True

    def discard(self) -> None:
        """Drop the temporary file of a run that writes nothing."""
        if self._clock_file is not None:
            fd, name = self._clock_file
            self._clock_file = None
            os.close(fd)
            Path(name).unlink(missing_ok=True)
        self._clock_ns = None

    # --- entries --------------------------------------------------------------------------------
    def lookup(self, kind: str, path: str, st: os.stat_result):
        folder, name = os.path.split(path)
        entry = self.entries.get(kind, {}).get(folder, {}).get(name)
        try:
            if entry is not None and len(entry) == 5 and entry[:4] == _stat_key(st):
                return entry[4]
        except TypeError:
            pass
        return MISSING

    def store(self, kind: str, path: str, st: os.stat_result, value) -> None:
        """Remember ``value`` for ``path`` as stat ``st`` was before its bytes were read — unless the file
        changed in this run's clock tick or later (racy: it could change again without a new stat), or
        lies on a file system this run has no clock of (its ticks may be coarser)."""
        folder, name = os.path.split(path)
        files = self.entries.setdefault(kind, {}).setdefault(folder, {})
        self._now()
        if max(st.st_mtime_ns, st.st_ctime_ns) >= self._clocks.get(st.st_dev, 0):
            if files.pop(name, None) is not None:
                self.dirty = True
            return
        files[name] = [*_stat_key(st), value]
        self.dirty = True

    def content_digest(self, path: Path) -> str:
        """SHA-256 (hex) of the file's bytes; read only when its stat changed. OSError when unreadable."""
        name = os.path.abspath(path)
        remembered = self.lookup("content", name, os.stat(name))
        if isinstance(remembered, str):
            return remembered
        from .paths import open_regular

        self._now()  # before the read: an edit during it must look newer than this run
        handle, st = open_regular(name)
        with handle:
            digest = hashlib.sha256()
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        value = digest.hexdigest()
        self.store("content", name, st, value)
        return value

    def remembered_files(
        self, kind: str, folder: Path | str, names: list[str], compute, valid=lambda value: True
    ) -> dict:
        """``compute(path)`` (JSON-able) for many files of one folder, by name, remembered by each file's
        stat (a file that cannot be stat'ed is left out; a remembered value that is not ``valid`` is
        computed again). The posts folder of a big site: one lookup table, no path arithmetic per file."""
        folder = os.path.abspath(folder)  # (a str from here on)
        known = self.entries.get(kind, {}).get(folder, {})
        values = {}
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO named like a post: reading it would block forever
                continue
            entry = known.get(name)
            if (
                type(entry) is list
                and len(entry) == 5
                and entry[:4] == [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
                and valid(entry[4])
            ):
                values[name] = entry[4]
                continue
            self._now()
            values[name] = compute(path)
            self.store(kind, path, st, values[name])
        return values

    # --- notebooks that failed -----------------------------------------------------------------------
    def remembered_failure(self, path: str, fingerprint: str, kinds: tuple) -> str | None:
        """The error reading or rendering ``path`` gave under settings ``fingerprint``, when it is of one of
        ``kinds`` (see ``remember_failure``) and the file's stat is the same as when it failed (its bytes the
        same: see the racy rule); else None."""
        try:
            st = os.stat(path)
        except OSError:
            return None  # reading it reports what is wrong now
        remembered = self.lookup("failed", path, st)
        if (
            type(remembered) is list
            and len(remembered) == 3
            and remembered[0] == fingerprint
            and isinstance(remembered[1], str)
            and remembered[2] in kinds
        ):
            return remembered[1]
        return None

    def remember_failure(
        self, path: str, st: os.stat_result, fingerprint: str, error: str | None, kind: str | None
    ) -> None:
        """``error`` of ``kind`` ("read": the bytes are no notebook; "render": no post can be made of
        them): what the bytes of ``path`` read as stat ``st`` gave under settings ``fingerprint``. ``kind``
        None: they converted, or failed for another reason (a failure remembered earlier is forgotten)."""
        if kind is not None:
            self.store("failed", path, st, [fingerprint, error, kind])
        else:
            folder, name = os.path.split(path)
            if self.entries.get("failed", {}).get(folder, {}).pop(name, None) is not None:
                self.dirty = True

    # --- the site's theme, as last said ---------------------------------------------------------------
    def choice_changed(self, choice: str) -> bool:
        """Whether ``choice`` (what the theme and math renderer make nb2post write) differs from the one the
        last run said; False when there is no cache to remember it in (it would be said on every run)."""
        return self.path is not None and hashlib.sha256(choice.encode("utf-8")).hexdigest() != self.choice

    def remember_choice(self, choice: str) -> None:
        digest = hashlib.sha256(choice.encode("utf-8")).hexdigest()
        if self.path is not None and digest != self.choice:
            self.choice = digest
            self.dirty = True

    # --- parsed config files --------------------------------------------------------------------
    def parsed_config(self, key: str):
        encoded = self.configs.get(key)
        return MISSING if encoded is None else _decode(encoded)

    def remember_config(self, key: str, value) -> None:
        try:
            encoded = _encode(value)
        except TypeError:
            return  # something JSON cannot hold faithfully: parse again next time
        if _decode(encoded) == value and self.configs.get(key) != encoded:
            self.configs = {key: encoded}  # only the current config is worth keeping
            self.dirty = True


# YAML gives str/int/float/bool/None, lists, mappings with any scalar keys, dates and datetimes. JSON keeps
# the first ones; the rest are tagged (a mapping whose keys are not all strings becomes a list of pairs).
def _encode(value):
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"d": {k: _encode(v) for k, v in value.items()}}
        return {"p": [[_encode(k), _encode(v)] for k, v in value.items()]}
    import datetime as dt

    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "d" in value:
            return {k: _decode(v) for k, v in value["d"].items()}
        if "p" in value:
            return {_decode(k): _decode(v) for k, v in value["p"]}
        if "dt" in value:
            import datetime as dt

            return dt.datetime.fromisoformat(value["dt"])
        if "date" in value:
            import datetime as dt

            return dt.date.fromisoformat(value["date"])
    return value
