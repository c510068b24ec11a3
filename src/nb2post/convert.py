"""The pipeline: find notebooks, skip the unchanged ones by content hash, convert the rest (across
cores when there are several), and let the site write each post.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import gitrepo
from .jekyll.config import Settings
from .paths import relative
from .post import Post

if TYPE_CHECKING:
    from .render.adopt import LookAlikes
    from .site import Site

# The rendering stages (and the process pool) are imported inside the functions that use them:
# `nb2post check` imports this module for notebook_key/source_hash and must start fast.

# Folders of drafts: a notebook below one is never a post (one named on the command line is refused).
DRAFT_DIRS = {"_drafts", "draft", "drafts"}
SKIP_DIRS = {".ipynb_checkpoints", ".git", "_site", ".jekyll-cache", "node_modules", "__pycache__", *DRAFT_DIRS}
# Below this many notebooks a process pool costs more than it saves.
PARALLEL_THRESHOLD = 4


@dataclass
class Outcome:
    notebook: Path
    status: str  # written | unchanged | would write | failed | new (no post yet, not written by --adopt)
    post_path: Path | None = None
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    post: Post | None = None
    notes: list[str] = field(default_factory=list)  # adoptions and URL changes, one line each
    read: tuple | None = None  # (stat, SHA-256) of the bytes a worker hashed, for the parent's stat cache
    # failed: the error is what those bytes give under the run's settings (not a bug), "read" (they are
    # no notebook) or "render" (no post can be made of them, judged without a post of theirs): the stat
    # cache reports it again while the notebook's stat is the same
    remember_error: str | None = None


class Interrupted(Exception):
    """Ctrl-C stopped a batch. ``outcomes``: those of the notebooks finished before the workers stopped
    (their posts are whole: each file is renamed into place), in the batch's order; ``problems`` as
    ``convert`` returns them."""

    def __init__(self, outcomes: list[Outcome], problems: list[str]):
        super().__init__("interrupted")
        self.outcomes, self.problems = outcomes, problems


@dataclass
class Unhashed:
    """build_post's digest for a notebook the parent did not read (it has no post yet, so there is
    nothing to compare): the bytes are hashed as they are read, and recorded in ``read`` for the stat
    cache (os.stat_result as fstat gave it before the read, SHA-256 hex)."""

    fingerprint: str
    read: tuple | None = None


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _not_a_file(path: Path | str) -> str | None:
    """What ``path`` is when it exists but is no regular file ('a FIFO', 'a folder', ...); else None.
    Only stat is used: opening a FIFO would wait for a writer forever."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or a dangling link: reading it reports that
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def find_notebooks(paths: Iterable[Path], skipped: list[str] | None = None) -> tuple[list[Path], list[str]]:
    """Notebook files named or found below the named folders (resolved); plus problems with the named
    paths (missing, or not a notebook file). Things named ``*.ipynb`` below a folder that are not files (a
    FIFO, a socket, a device) are left out, each with a line in ``skipped``: reading one would hang."""
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        path = Path(path)
        problem = named_path_problem(path)
        if problem is not None:
            problems.append(problem)
        elif path.is_dir():
            found.extend(_notebooks_below(os.fspath(path), skipped))
        else:
            found.append(path.resolve())
    return list(dict.fromkeys(found)), problems


def named_path_problem(path: Path) -> str | None:
    """Why a path named on the command line is neither a notebook file nor a folder to search; else None.
    Only stat is used (see _not_a_file), so the commands can refuse a bad name before doing anything."""
    if path.is_dir():
        if path.name.endswith(".ipynb"):
            return f"{path}: is a folder, not a notebook file; name the notebook (or its parent folder)"
        return None
    if path.is_file():
        if path.suffix.lower() != ".ipynb":
            return f"{path}: is not a notebook (an .ipynb file); name notebooks or the folders holding them"
        return None
    if os.path.lexists(path) and _not_a_file(path):
        return f"{path}: is {_not_a_file(path)}, not a notebook file"
    return f"{path}: no such file or folder"


def _notebooks_below(top: str, skipped: list[str] | None):
    """The notebooks below folder ``top``, resolved, in os.walk's order (folders sorted, top-down, links to
    folders not followed). From the directory entries: a thousand notebooks in one folder cost no stat
    and no walk up the tree each (``Path.resolve``), only one ``realpath`` of their folder."""
    try:
        entries = sorted(os.scandir(top), key=lambda entry: entry.name)
    except OSError:
        return
    real = None
    folders = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if entry.name not in SKIP_DIRS and not entry.name.startswith(".") and not entry.is_symlink():
                folders.append(entry.path)
            continue
        if not entry.name.endswith(".ipynb"):
            continue
        if entry.is_symlink():
            what = _not_a_file(entry.path)
            if what is None:  # (a dangling link too: reading it says so)
                yield Path(entry.path).resolve()
                continue
        elif entry.is_file():
            real = real or os.path.realpath(top)
            yield Path(os.path.join(real, entry.name))
            continue
        else:
            what = _not_a_file(entry.path) or "not a regular file"
        if skipped is not None:
            skipped.append(f"{entry.path}: is {what}, not a notebook file; skipped")
    for folder in folders:
        yield from _notebooks_below(folder, skipped)


def _drafts(notebooks: list[Path], site: Path) -> dict[Path, str]:
    """The notebooks (resolved) below a folder of drafts inside ``site``, each with its error: a search
    never finds one, but one named on the command line, or its folder, is refused too (drafts are never
    posts, see DRAFT_DIRS)."""
    root = Path(os.path.realpath(site))
    found = {}
    for notebook in notebooks:
        try:
            inside = notebook.relative_to(root)
        except ValueError:
            continue
        folders = [index for index, part in enumerate(inside.parts[:-1]) if part in DRAFT_DIRS]
        if folders:
            folder = Path(*inside.parts[: folders[-1] + 1]).as_posix()
            found[notebook] = (
                f"{inside.as_posix()}: is in the drafts folder {folder}/, and drafts are never posts; "
                f"not converted. Move it out of {folder}/ to publish it"
            )
    return found


def notebooks_dir(section: dict, target: str, site: Path) -> str:
    """The site's notebooks folder (``nb2post: notebooks_dir:``, else the target's default), relative to it."""
    from .jekyll.config import _relative
    from .jekyll.targets import get_target

    value = section.get("notebooks_dir") or get_target(target).DEFAULTS["notebooks_dir"]
    return _relative(value, "notebooks_dir", Path(site))


def notebook_key(notebook: Path, site: Path, facts=None) -> str:
    """How posts refer to their notebook: the path relative to the repository root (else the site).
    ``facts``: the run's ``config.SiteFacts`` (its repository root), when the caller has them."""
    return key_function(site, facts=facts)(notebook)


def key_function(site: Path, resolved: bool = False, facts=None) -> Callable[[Path], str]:
    """``notebook_key`` for many notebooks of one site: the repository root is found once (or taken from
    ``facts``). ``resolved``: the notebooks are already resolved paths (as ``find_notebooks`` gives them)."""
    site_root = Path(site).resolve()
    root = facts.root if facts is not None else gitrepo.find_root(site_root)
    bases = [str(base).rstrip(os.sep) for base in (root, site_root) if base is not None]

    def key(notebook: Path) -> str:
        path = os.fspath(notebook) if resolved else str(Path(notebook).resolve())
        for base in bases:
            if path.startswith(base) and path[len(base) : len(base) + 1] == os.sep:
                return path[len(base) + 1 :].replace(os.sep, "/")
        # outside the site and its repository: relative to the site still names it uniquely and stably
        return Path(os.path.relpath(path, site_root)).as_posix()

    return key


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` (1 <= K <= N) as (K, N); ValueError with the fix otherwise."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text}: expected K/N, e.g. 1/4") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text}: K must be between 1 and N, e.g. 1/{max(count, 1)}")
    return index, count


def in_shard(key: str, shard: tuple[int, int] | None) -> bool:
    """Whether the notebook named ``key`` (see ``notebook_key``) belongs to shard K of N: a stable hash of
    the key, the same on every machine and run, so each notebook has exactly one shard."""
    if shard is None:
        return True
    index, count = shard
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % count == index - 1


def source_hash(data: bytes, fingerprint: str) -> str:
    """The hash a post records: the notebook's bytes and the settings that shaped the post."""
    return mixed_hash(hashlib.sha256(data).hexdigest(), fingerprint)


def mixed_hash(content_digest: str, fingerprint: str) -> str:
    """``source_hash`` from the SHA-256 of the notebook's bytes (which the stat cache remembers)."""
    return hashlib.sha256(f"{fingerprint}\0{content_digest}".encode()).hexdigest()[:16]


def fallback_date(notebook: Path, existing: Path | None, paired: Path | None = None) -> tuple[dt.date, str]:
    """A stable date for a notebook with none in its name or front matter.

    The date of the post made from it earlier, else of the post it takes over (``paired``, see
    nb2post.render.adopt) — its URL, which inbound links use, must not move; else the day it was first committed
    to git; else today (UTC), which the post's file name then keeps. Never the file's mtime, which a fresh
    checkout resets — and the post first, as a shallow clone (CI's ``fetch-depth: 1``) dates every file by
    its one commit, and a clone with missing objects cannot tell at all.
    """
    for post, origin in ((existing, "the post made from it earlier"), (paired, "the post it takes over")):
        if post is not None:
            try:
                return dt.date.fromisoformat(Path(post).name[:10]), f"the date of {origin}"
            except ValueError:
                pass
    try:
        committed = gitrepo.first_commit(notebook)
    except gitrepo.HistoryUnreadable as exc:
        return dt.datetime.now(dt.timezone.utc).date(), (
            f"today's date, as git cannot read the repository's history ({exc}); repair the clone "
            "(git fetch --refetch, or a fresh clone) for the day the notebook was first committed"
        )
    if committed and committed[1]:
        return committed[0], (
            "the oldest commit of this shallow clone, which may be later than the notebook's first commit "
            "(fetch the full history, e.g. actions/checkout with fetch-depth: 0, for the real date)"
        )
    if committed:
        return committed[0], "the day the notebook was first committed to git"
    return dt.datetime.now(dt.timezone.utc).date(), "today's date, as the notebook is not committed yet"


def build_post(
    notebook_path: Path,
    settings: Settings,
    nb_path: str,
    digest: str | Unhashed,
    existing: Path | None,
    adoption=None,
) -> Post:
    """Read and render one notebook (runs in a worker process for batches). ``digest``: the post's source
    hash, or Unhashed to hash the bytes read. ``adoption``: the post it takes over (nb2post.render.adopt); by
    default the one its earlier post records having adopted."""
    from .notebook import reader
    from .notebook.front_matter import FrontMatterError, parse_file_name
    from .render import render

    if adoption is None and existing is not None:
        from .render.adopt import recorded

        adoption = recorded(Path(settings.site), existing, settings.site_config, settings.facts.known_jekyll)

    if isinstance(digest, Unhashed):
        unhashed = digest

        def remember(data: bytes, st) -> None:
            unhashed.read = (st, hashlib.sha256(data).hexdigest())

        notebook = reader.read(notebook_path, on_bytes=remember)
        digest = mixed_hash(unhashed.read[1], unhashed.fingerprint)
    else:
        notebook = reader.read(notebook_path)
    fallback = None
    try:
        name_date, _ = parse_file_name(notebook_path)
    except FrontMatterError:
        name_date = None
    if name_date is None:
        fallback = fallback_date(notebook_path, existing, adoption and Path(adoption.post))
    return render.to_post(notebook, settings, nb_path, digest, fallback, adoption)


def post_or_error(args) -> tuple[Post | None, str | None, str | None]:
    """``build_post(*args)`` as the batch and check's slow path take it, never raising: (post, None, None),
    or (None, error, what the error is about: "read" the bytes are no notebook, "render" no post can be
    made of them, None a bug)."""
    from .notebook.front_matter import FrontMatterError
    from .notebook.reader import NotebookError
    from .render.render import ConversionError

    try:
        return build_post(*args), None, None
    except NotebookError as exc:
        return None, str(exc), "read"
    except (ConversionError, FrontMatterError) as exc:
        return None, str(exc), "render"
    except Exception as exc:  # a bug must not take the batch down: report it against the notebook
        return None, f"{args[0]}: internal error while converting ({type(exc).__name__}: {exc}); please report it", None


PARENT_POLL_SECONDS = 1.0


def _exit_with_parent(convert_pid: int) -> None:
    """In each worker (see _start_worker): a worker never outlives the ``convert`` that started it (a
    SIGKILLed parent cannot shut its pool down, and workers waiting on the task queue would wait forever).

    On Linux the kernel signals the worker when its parent dies (``PR_SET_PDEATHSIG``); everywhere, a
    thread notices that its parent or the convert is gone and exits. (The parent is the convert itself
    with "fork", multiprocessing's fork server with "forkserver", which exits with the convert.)
    """
    import signal
    import threading
    import time

    from .children import die_with_parent

    parent = os.getppid()
    die_with_parent(signal.SIGTERM)

    def orphaned() -> bool:
        if os.getppid() != parent:
            return True
        try:
            os.kill(convert_pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            pass  # alive, but not ours to signal
        return False

    if orphaned():  # the convert died before the kernel was told to signal us
        os._exit(1)

    def watch() -> None:
        while not orphaned():
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="nb2post-parent-watch", daemon=True).start()


@dataclass
class Batch:
    """What the notebooks of one run share, in each process that converts them: the site (which reads
    its posts' markers once, and holds the folder where notebooks claim post names), the run's flags."""

    site: Site
    force: bool
    dry_run: bool
    adopt: bool
    unmarked: dict | None = None  # posts nb2post did not write: read once, when a notebook has no post yet
    replace_owner_text: bool = False  # adopt a post even when words only in it would be lost
    new_posts: bool = True  # write the posts of notebooks that have none (--adopt without --new-posts: no)
    look_alikes: LookAlikes | None = None  # of ``unmarked``, read when a notebook has no match
    notebook_title: bool = False  # an adopted post takes the notebook's title


_BATCH: Batch | None = None  # in a worker process: set by _start_worker


def _start_worker(
    convert_pid: int,
    settings: Settings,
    force: bool,
    dry_run: bool,
    adopt: bool,
    claims: str,
    replace_owner_text: bool,
    notebook_title: bool,
    new_posts: bool,
    published: dict | None,
) -> None:
    """Pool initializer: the worker exits with the convert, reads but never writes the stat cache (the
    parent saves it), and keeps one Site for all the notebooks it converts. ``settings`` carry the site's
    facts (config.SiteFacts), read once by the parent; ``published``: the parent's Site._published (where
    the site publishes its files)."""
    import signal

    from . import statcache
    from .site import Site

    global _BATCH
    # Ctrl-C reaches the whole process group: the convert stops the batch, and each worker finishes the
    # notebook it has (so no post is left half-made) instead of dying with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(convert_pid)
    statcache.read_only()
    site = Site(settings)
    site.claims = claims
    site._published = published
    _BATCH = Batch(
        site,
        force,
        dry_run,
        adopt,
        replace_owner_text=replace_owner_text,
        notebook_title=notebook_title,
        new_posts=new_posts,
    )


def _convert_in_worker(job: tuple) -> Outcome:
    return convert_one(_BATCH, *job)


def _claims_folder() -> str:
    """A new folder for a run's claims: in /dev/shm (a tmpfs) where it can be made, else in the usual
    temporary folder.

    A claim is an inode, and on a disk file system a thousand of them cost more than their size: ext4
    will not reuse an inode freed in the last minutes and scans past each one, so the claims a run
    deletes slow the file creation of every run soon after it (measured with perf: up to a sixth of a
    cold run's CPU time, in the kernel's ``recently_deleted``)."""
    import tempfile

    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        try:
            return tempfile.mkdtemp(prefix="nb2post-claims-", dir=shm)
        except OSError:  # full, or read-only after all
            pass
    return tempfile.mkdtemp(prefix="nb2post-claims-")


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector held off for one bounded step: one notebook, or finding what changed.
    Such a step makes hundreds of thousands of objects (a parsed notebook, a path per file) and hardly a
    cycle, and the collector would walk them again and again while they are being made (with it off
    throughout, a cold run of 1,000 notebooks took 4-8% less time, and a run with nothing to convert 4%).
    It runs as usual between steps, so a cycle made in one lives until the step ends."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def convert_one(batch: Batch, args: tuple, needs_flag: bool) -> Outcome:
    """Read, render and write one notebook: its outcome, with the post as written but without its body
    and image bytes (they are on disk; a batch of a thousand posts would otherwise keep them all in
    memory). Runs in a worker for batches: only the outcome crosses back, not the post and its images.

    ``args``: build_post's arguments; ``needs_flag``: an adoption found here needs ``--adopt``."""
    try:
        with collector_paused():
            return _convert_one(batch, args, needs_flag)
    except Exception as exc:  # a bug must not take the batch down (nor leave a worker's traceback)
        return Outcome(
            args[0],
            "failed",
            error=f"{args[0]}: internal error while writing its post ({type(exc).__name__}: {exc}); please report it",
        )


def _convert_one(batch: Batch, args: tuple, needs_flag: bool) -> Outcome:
    from .render import adopt as adopting
    from .site import HandEditedError, OutsideSiteError, UrlTakenError, held_by_another

    site, force, dry_run = batch.site, batch.force, batch.dry_run
    notebook, notes = args[0], []
    post, error, about = post_or_error(args)
    if (
        about is not None
        and isinstance(args[3], Unhashed)
        and args[3].read is not None
        and (about == "read" or args[4] is None)
    ):
        # bytes that are no notebook, or that no post can be made of while the notebook has none (its post
        # may carry an adoption): no other post or notebook was involved yet, so the same bytes give the
        # same error, and the stat cache may report it next time
        return Outcome(notebook, "failed", error=error, read=args[3].read, remember_error=about)
    if error is None and post.adopts is None and args[4] is None:
        if batch.unmarked is None:
            batch.unmarked = adopting.unmarked_posts(site.posts_dir)
        post, error, notes = _adopt_matched(args, post, batch)
    owner_notes: list[str] = []
    owner_warnings: list[str] = []
    if error is None and post.adopts is not None and post.adopted_how != "adopted earlier":
        error, owner_notes, owner_warnings = _owner_text(batch, post)
    if (
        error is None
        and not batch.new_posts
        and post.adopts is None
        and args[4] is None
        and not (site.posts_dir / post.file_name).exists()
    ):  # (a post fastpages made is replaced, as ever)
        return Outcome(notebook, "new")
    if error is None:
        error = _name_too_long(post, notebook)
    size_warnings: list[str] = []
    if error is None:
        error, size_warnings = _too_big_for_github(post, notebook, site.settings.posts_dir)
    if error is None:
        # Two notebooks of one batch that give the same post: the first to claim its name writes, the
        # other fails as it would against a post already there (even with --force: neither is older).
        owner = site.claim(post.file_name, post.source)
        if owner is not None:
            error = held_by_another(site.posts_dir / post.file_name, owner)
    if error is not None:
        return Outcome(notebook, "failed", error=error)
    try:
        notes += _url_notes(site, post, dry_run, needs_flag=needs_flag) + owner_notes
        # (an adoption keeps its URL or says so in its own line)
        url_warnings = [] if dry_run or post.adopts else _url_warnings(site, post, notebook)
        result = site.write(post, force=force, dry_run=dry_run)
    except (HandEditedError, OutsideSiteError, UrlTakenError) as exc:
        return Outcome(notebook, "failed", error=str(exc), notes=notes if dry_run else [])
    except OSError as exc:
        return Outcome(notebook, "failed", error=cannot_write(notebook, exc))
    if result.retargeted:
        notes.append(_retarget_note(site, result, post, dry_run))
    outcome = Outcome(
        notebook,
        result.status,
        read=args[3].read if isinstance(args[3], Unhashed) else None,
        post_path=result.post_path,
        written=result.written,
        removed=result.removed,
        warnings=list(post.warnings)
        + size_warnings
        + (url_warnings + owner_warnings if result.status == "written" else []),
        post=dataclasses.replace(post, body="", assets=dict.fromkeys(post.assets, b"")),
        notes=[] if result.status == "unchanged" else notes,  # adopted already, and no URL changes
    )
    if post.date_origin not in ("file name", "front matter"):
        outcome.warnings.append(
            f"{notebook}: no date in the file name or front matter; dated {post.date} "
            f"from {post.date_origin}. Add 'date:' or name it YYYY-MM-DD-slug.ipynb to choose"
        )
    return outcome


_WRITE_FIXES = {
    errno.EACCES: ("permission denied", "make it writable for you (chmod u+w, or check its owner) and run again"),
    errno.EPERM: ("permission denied", "make it writable for you (chmod u+w, or check its owner) and run again"),
    errno.EROFS: ("the file system is read-only", "convert on a writable copy of the site"),
    errno.EEXIST: ("it is a file, not a folder", "move that file away and run again"),
    errno.ENOTDIR: ("a file stands where a folder of that path should be", "move that file away and run again"),
    errno.ENOSPC: ("no space left on the device", "free some space and run again"),
    errno.EDQUOT: ("over the disk quota", "free some space and run again"),
}


def cannot_write(notebook: Path, exc: OSError) -> str:
    """One line for a post or image that could not be written: the file or folder as the user knows it
    (not the temporary file it was staged in, nor an errno) and what to do."""
    where = Path(exc.filename) if exc.filename else None
    if where is not None and where.name.startswith(".nb2post-") and where.name.endswith(".tmp"):
        where = where.parent  # mkstemp's temporary: the folder it was made in is what refused
    reason, fix = _WRITE_FIXES.get(exc.errno, ((exc.strerror or str(exc)).lower(), "fix that and run again"))
    return f"{notebook}: cannot write {relative(where, Path.cwd()) if where else 'the post'}: {reason}; {fix}"


def _name_too_long(post: Post, notebook: Path) -> str | None:
    """The error for a post with a file (the post, an image) whose name is longer than a file name may
    be: a long attachment name, or an undated notebook's long name with the date put in front."""
    from .notebook.front_matter import NAME_MAX

    for path in (post.file_name, *post.assets):
        name = path.rsplit("/", 1)[-1]
        size = len(name.encode("utf-8", "surrogatepass"))
        if size > NAME_MAX:
            made = "the post's file name" if path == post.file_name else "the name of its file"
            return (
                f"{notebook}: {made} '{name[:24]}…{name[-12:]}' is {size} bytes, longer than a file name may "
                f"be ({NAME_MAX}); shorten the name it is made from (the notebook's, its slug or the attachment's)"
            )
    return None


def _too_big_for_github(post: Post, notebook: Path, posts_folder: str) -> tuple[str | None, list[str]]:
    """(the error, the warnings) for the post's files by their size: one over GitHub's 100 MB limit
    fails the post (a push with it is refused, so nothing of the post is written), one over its 50 MB
    warning size is written with a warning."""
    from .render.assets import GITHUB_LIMIT_BYTES, GITHUB_WARNING_BYTES

    fix = "make it smaller (shorter, re-encoded, fewer pixels), or host it elsewhere and link to its URL"
    the_post = f"{posts_folder.rstrip('/')}/{post.file_name}"
    warnings = []
    # the post itself, which holds the notebook's text outputs (a character is at most 4 bytes: a post that
    # short is not encoded to be measured)
    if len(post.body) * 4 > GITHUB_WARNING_BYTES:
        from .site import post_text

        length = len(post_text(post).encode("utf-8", "surrogatepass"))
        size, smaller = f"{length / 1048576:.1f} MB", "make the notebook's outputs smaller (or clear the largest)"
        if length > GITHUB_LIMIT_BYTES:
            return (
                f"{notebook}: its post {the_post} would be {size}, over GitHub's 100 MB limit, and GitHub refuses "
                f"a push with it; not written: {smaller}"
            ), []
        if length > GITHUB_WARNING_BYTES:
            warnings.append(
                f"{notebook}: {the_post} is {size}, over GitHub's 50 MB warning size, and a push with it "
                f"warns; {smaller}"
            )
    for path, data in post.assets.items():
        size = f"{len(data) / 1048576:.1f} MB"
        if len(data) > GITHUB_LIMIT_BYTES:
            return (
                f"{notebook}: its file {path} is {size}, over GitHub's 100 MB limit, and GitHub refuses a push "
                f"with it; {the_post} is not written: {fix}"
            ), []
        if len(data) > GITHUB_WARNING_BYTES:
            warnings.append(
                f"{notebook}: {path} (of {the_post}) is {size}, over GitHub's 50 MB warning size, and a push "
                f"with it warns; {fix}"
            )
    return None, warnings


def _bounded(pool, function, work: list, window: int, submitted: list):
    """function(item) for each item, run in ``pool`` as they finish, with at most ``window`` submitted and
    not yet taken: ``pool.map`` submits everything at once (results would pile up in the parent), and
    taking them in order would leave a worker idle behind one big notebook. Each future is appended to
    ``submitted``, for the caller to settle them after an interrupt (see ``_settle``)."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from itertools import islice

    def submit(item):
        future = pool.submit(function, item)
        submitted.append(future)
        return future

    items = iter(work)
    pending = {submit(item) for item in islice(items, window)}
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            yield future.result()
            following = next(items, None)
            if following is not None:
                pending.add(submit(following))


@contextlib.contextmanager
def _interrupts_between_notebooks():
    """A batch converted in this process stops at Ctrl-C between two notebooks, as the workers of a
    parallel one do: each post is then written and reported, or not started. A second Ctrl-C stops at
    once (a file being written is still removed). Yields the check to make after each notebook."""
    import signal
    import threading

    asked: list[int] = []

    def stop_if_asked() -> None:
        if asked:
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield stop_if_asked  # (only the main thread gets signals; an ignored SIGINT, as under nohup, stays so)
        return

    def handler(signum, frame):
        if asked:
            raise KeyboardInterrupt
        asked.append(signum)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop_if_asked
    finally:
        signal.signal(signal.SIGINT, previous)


def _settle(submitted: list, record: Callable[[Outcome], None], outcomes: dict) -> None:
    """After Ctrl-C: the notebooks not yet started are dropped; those a worker had started finish (the
    workers ignore SIGINT) and are recorded with the others, so every post written is reported."""
    started = [future for future in submitted if not future.cancel()]
    for future in started:
        try:
            outcome = future.result()
        except Exception:  # a worker that died: its notebook is converted next time
            continue
        if outcome.notebook not in outcomes:
            record(outcome)


def convert(
    paths: Iterable[Path],
    settings: Settings,
    force: bool = False,
    dry_run: bool = False,
    jobs: int | None = None,
    progress: Callable[[Outcome, int, int], None] | None = None,
    skipped: list[str] | None = None,
    adopt: bool = False,
    adoptions: dict | None = None,
    shard: tuple[int, int] | None = None,
    replace_owner_text: bool = False,
    notebook_title: bool = False,
    new_posts: bool | None = None,
    keep_edited: bool = False,
) -> tuple[list[Outcome], list[str]]:
    """Convert the notebooks below ``paths``: (an outcome per notebook, problems with the named paths).
    ``skipped`` collects the things named like notebooks that are not files. ``adopt``: take over the
    posts nb2post did not write that match a notebook (see nb2post.render.adopt); ``adoptions``: the post each
    notebook (resolved path) takes over, named by ``nb2post adopt``. ``shard`` (K, N): only the notebooks
    of shard K (see ``in_shard``). ``replace_owner_text``: adopt a post even when text only in it would be
    lost (see nb2post.render.losses); without it such a post is refused. ``notebook_title``: a post adopted here
    takes the notebook's title instead of keeping its own. ``new_posts``: write the posts of notebooks that
    have none and match no post (default: unless ``adopt``, which converts only what it pairs and leaves
    the others with status "new"). ``keep_edited``: a post edited by hand whose notebook did not change is
    left as it is ("unchanged") instead of refused (publish leaves it out of its commit and says so).

    Unchanged notebooks are found through the stat cache (nb2post.statcache): only a notebook whose stat
    changed is read and hashed, and a notebook that failed is reported from it (the same error) until its
    stat or the settings change."""
    from .paths import appeared_files, missing_files
    from .site import Site

    adoptions = adoptions or {}
    if new_posts is None:
        new_posts = not adopt

    with collector_paused():  # finding what changed
        notebooks, problems = find_notebooks(paths, skipped)
        drafts = _drafts(notebooks, settings.site)
        if drafts:
            problems = [*problems, *drafts.values()]
            notebooks = [notebook for notebook in notebooks if notebook not in drafts]
        key_of = key_function(settings.site, resolved=True, facts=settings.facts)
        keys = {notebook: key_of(notebook) for notebook in notebooks}
        if shard is not None:
            notebooks = [notebook for notebook in notebooks if in_shard(keys[notebook], shard)]
        site = Site(settings)
        fingerprint = settings.fingerprint()
        cache = site.stat_cache()
        outcomes: dict[Path, Outcome] = {}
        work: list[tuple] = []
        listed: dict = {}  # the folders of the posts' images, each listed once (see paths.missing_files)
        for notebook in notebooks:
            key = keys[notebook]
            previous = site.previous_post(key)  # also the post of a notebook moved here, which must follow it
            if previous is None:
                failure = (
                    None if force else cache.remembered_failure(os.fspath(notebook), fingerprint, ("read", "render"))
                )
                if failure is not None:  # these bytes failed under these settings: not read again
                    outcomes[notebook] = Outcome(notebook, "failed", error=failure)
                    continue
                # no post to compare with: the worker hashes the bytes it reads anyway (a cold run of a whole
                # site would otherwise read every notebook twice, the first time here, alone)
                digest: str | Unhashed = Unhashed(fingerprint)
            else:
                try:
                    digest = mixed_hash(cache.content_digest(notebook), fingerprint)
                except OSError as exc:
                    outcomes[notebook] = Outcome(
                        notebook, "failed", error=f"{notebook}: cannot read: {exc.strerror or exc}"
                    )
                    continue
            # (current: the post listed under this notebook's key a moment ago, so a regular file; an edited
            # one is written, or refused, as a changed notebook's would be, and one whose images were deleted,
            # or whose missing local files appeared, is written again)
            current = (
                previous
                and previous[1].source == key
                and previous[1].source_hash == digest
                and (keep_edited or not previous[1].edited)
                and not (previous[1].linked and missing_files(settings.site, previous[1].linked, listed))
                and not (previous[1].awaited and appeared_files(settings.site, previous[1].awaited))
            )
            if not force and current and notebook not in adoptions:
                outcomes[notebook] = Outcome(notebook, "unchanged", post_path=previous[0])
                continue
            if previous is not None and not force and notebook not in adoptions:
                # a notebook with a post that is no notebook any more (a merge left conflict markers in it)
                failure = cache.remembered_failure(os.fspath(notebook), fingerprint, ("read",))
                if failure is not None:
                    outcomes[notebook] = Outcome(notebook, "failed", error=failure)
                    continue
                digest = Unhashed(fingerprint)  # the same hash, of the bytes the worker reads, with their stat
            args = (notebook, settings, key, digest, previous[0] if previous else None, adoptions.get(notebook))
            work.append((args, not adopt and notebook not in adoptions))
        cache.save()  # before the slow part: what this run hashed is not lost if it is interrupted

    total = len(notebooks)
    done = len(outcomes)

    def record(outcome: Outcome) -> None:
        nonlocal done
        if outcome.read is not None:
            path = os.path.abspath(outcome.notebook)
            cache.store("content", path, *outcome.read)
            cache.remember_failure(path, outcome.read[0], fingerprint, outcome.error, outcome.remember_error)
            outcome.read = None
        outcomes[outcome.notebook] = outcome
        done += 1
        if progress:
            progress(outcome, done, total)

    if not work:
        return [outcomes[n] for n in notebooks], problems
    cache.begin()  # the clock for what the workers hash: it must precede their reads (see statcache)
    claims = _claims_folder()
    try:
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        if len(work) >= PARALLEL_THRESHOLD and workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            workers = min(workers, len(work))
            try:
                site.published_places()  # read once here, not once in each worker
            except Exception:  # nor can a worker then: each writes without that comparison (see Site.write)
                pass
            submitted: list = []
            initargs = (
                os.getpid(),
                settings,
                force,
                dry_run,
                adopt,
                claims,
                replace_owner_text,
                notebook_title,
                new_posts,
                site._published,
            )
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=initargs)
            try:
                for outcome in _bounded(pool, _convert_in_worker, work, 2 * workers, submitted):
                    record(outcome)
            except KeyboardInterrupt:
                _settle(submitted, record, outcomes)
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)  # every worker has exited when convert returns
        else:
            site.claims = claims
            batch = Batch(
                site,
                force,
                dry_run,
                adopt,
                replace_owner_text=replace_owner_text,
                notebook_title=notebook_title,
                new_posts=new_posts,
            )
            with _interrupts_between_notebooks() as stop_if_asked:
                for job in work:
                    record(convert_one(batch, *job))
                    stop_if_asked()
    except KeyboardInterrupt:
        raise Interrupted([outcomes[n] for n in notebooks if n in outcomes], problems) from None
    finally:
        import shutil  # (here: a run with nothing to convert does without its 1.5 ms import)

        shutil.rmtree(claims, ignore_errors=True)
        cache.save()
    return [outcomes[n] for n in notebooks], problems


def _adopt_matched(args: tuple, post: Post, batch: Batch):
    """A notebook's first post, when a post nb2post did not write (``batch.unmarked``) matches it (see
    nb2post.render.adopt): rebuilt to take that post over with ``--adopt`` (or shown so by a dry run), else
    refused — never overwritten nor silently duplicated. (post, error, notes)."""
    from .render import adopt as adopting
    from .site import other_generator

    notebook, settings = args[0], args[1]
    site, unmarked, adopt, force, dry_run = batch.site, batch.unmarked, batch.adopt, batch.force, batch.dry_run

    def look_alikes():
        if batch.look_alikes is None:
            batch.look_alikes = adopting.LookAlikes.of(unmarked)
        return batch.look_alikes

    found = adopting.owner_posts(post, notebook, unmarked, look_alikes, other_generator)
    if len(found) != 1:
        return post, _several_look_alikes(notebook, found, batch) if found else None, []
    path, why = found[0]
    separate = why != "has the same date and name"  # --force may write a post of another name beside it
    if not adopt and not dry_run and not (force and separate):
        pair = f"nb2post adopt {_quoted(relative(path, Path.cwd()))} {_quoted(notebook)}"
        if why in adopting.EXACT:
            which = f"it {why} {notebook}" if why == "names the notebook" else f"it {why} as the post of {notebook}"
            which += ", so it looks like that notebook's post; not overwritten"
        else:
            which = f"it {why}, so it looks like the post of {notebook}; not written twice"
        return (
            post,
            (
                f"{path}: was not written by nb2post; {which}. Run again with --adopt to take it over (keeping its "
                f"URL and front matter), or pair them with '{pair}'"
                + (", or --force to write a separate post" if separate else "")
            ),
            [],
        )
    if force and not adopt and not dry_run:
        return post, None, []
    if not dry_run:
        unmarked.pop(path, None)  # it is this notebook's now; no other notebook may take it
        if site.claim("adopted-" + hashlib.sha256(os.fsencode(path)).hexdigest(), post.source):
            return post, None, []  # another worker's notebook took it over first
    try:
        adoption = adopting.from_post(
            site.root,
            path,
            settings.site_config,
            how=why,
            notebook_title=batch.notebook_title,
            jekyll=settings.facts.known_jekyll,
        )
    except adopting.AdoptError as exc:
        return post, str(exc), []
    adopted, error, _ = post_or_error((*args[:5], adoption))
    if error is not None:
        return post, error, []
    return adopted, None, []


def _several_look_alikes(notebook: Path, found: list, batch: Batch) -> str | None:
    """The error for a notebook that several posts nb2post did not write look like (adopt.owner_posts);
    None with --force (a separate post, as asked)."""
    if batch.force and not batch.adopt:
        return None
    listed = "; ".join(f"{relative(path, Path.cwd())} ({why})" for path, why in found)
    return (
        f"{notebook}: {len(found)} posts nb2post did not write look like its post: {listed}; not written "
        f"twice. Pair it with one: 'nb2post adopt POST {_quoted(notebook)}', or --force to write a "
        f"separate post"
    )


def _quoted(path) -> str:
    """A path as a shell command line takes it, in double quotes where needed (the message quotes the
    command in single ones; ``tidy`` later shows the notebook's path as the user typed it)."""
    import shlex

    text = str(path)
    return text if shlex.quote(text) == text else '"' + text.replace('"', '\\"') + '"'


def _owner_text(batch: Batch, post: Post) -> tuple[str | None, list[str], list[str]]:
    """Before a post nb2post did not write is replaced: what only the owner's post has (nb2post.render.losses).
    A dry run says it; a real run refuses the post unless told to replace it anyway, and warns when it
    was. (error, notes, warnings)"""
    from .render import adopt as adopting

    settings = batch.site.settings
    lost = adopting.owner_losses(batch.site.root, post, settings.site_config, settings.facts.known_jekyll)
    if not lost:
        return None, [], []
    if batch.replace_owner_text:
        replaced = f"{post.adopts}: replaced although it had {lost.describe()} ({adopting.REPLACE_FLAG})"
        return (None, [replaced], []) if batch.dry_run else (None, [], [replaced])
    if batch.dry_run:
        return None, [f"{post.adopts}: {lost.describe()}; adopting it needs {adopting.REPLACE_FLAG}"], []
    return (
        (
            f"{post.adopts}: {lost.describe()}; not replaced. Copy them into the notebook, or run again with "
            f"{adopting.REPLACE_FLAG} to replace the post anyway"
        ),
        [],
        [],
    )


def _retarget_note(site, result, post: Post, dry_run: bool) -> str:
    count = len(result.retired)
    said = (
        f"; {'would remove' if dry_run else 'removed'} the {count} image{'s' if count != 1 else ''} "
        f"it wrote for that target"
        if count
        else ""
    )
    where = result.post_path.relative_to(site.root).as_posix()
    return (
        f"{where}: {'would be' if dry_run else 'now'} written for --to {post.target}, "
        f"{'was' if dry_run else 'no longer'} --to {result.retargeted}{said}"
    )


def _url_moves(site, post: Post) -> list[tuple[Path, str]]:
    """(old post file, " A → B") for each URL that writing ``post`` changes, as the site's Jekyll computes them."""
    target = site.posts_dir / post.file_name
    olds = [p for p in (target, site.root / post.adopts if post.adopts else None) if p is not None and p.is_file()]
    previous = site.previous_post(post.source)
    if previous and previous[0] not in olds and previous[0].is_file():
        olds.append(previous[0])
    return [(old, moves) for old in dict.fromkeys(olds) if (moves := site._url_move(old, target, post))]


def _url_warnings(site, post: Post, notebook: Path) -> list[str]:
    """A real run's URL changes (a dry run lists them as results): links to the old address now break."""
    return [
        f"{notebook}: its post's URL changed{moves} ({old.relative_to(site.root).as_posix()}); links to the "
        f"old address now break (set 'permalink:' in the notebook's front matter to keep one)"
        for old, moves in _url_moves(site, post)
    ]


def _url_notes(site, post: Post, dry_run: bool, needs_flag: bool = False) -> list[str]:
    """One line for the post adopted and, in a dry run, one per URL that writing ``post`` would change
    (old → new, as the site's Jekyll computes them). ``needs_flag``: a dry run's adoption that only
    ``--adopt`` applies says so."""
    from .render import adopt as adopting

    if not (dry_run or post.adopts):
        return []
    target = site.posts_dir / post.file_name
    notes = []
    if post.adopts and post.adopted_how != "adopted earlier":
        adopted = site.root / post.adopts
        url = adopting.url_of(site.root, adopted, site.settings.site_config, site.settings.facts.known_jekyll)
        kept = url if site._url_move(adopted, target, post) is None else None
        line = adopting.summary(post, kept, target.name)
        hint = " (convert --adopt applies it)" if dry_run and needs_flag else ""
        notes.append(("would adopt " if dry_run else "adopted ") + line + hint)
    if dry_run:
        notes += [
            f"would change URL{moves} ({old.relative_to(site.root).as_posix()})"
            for old, moves in _url_moves(site, post)
        ]
    return notes


def site_warnings(settings) -> tuple[int, list[str]]:
    """(the Jekyll major version that builds the site, the warnings about the site itself): said once per
    run by ``nb2post convert`` and by the nbconvert exporter alike. A Jekyll version that cannot be read
    is a settings error (ConfigError)."""
    from .jekyll.config import ConfigError
    from .jekyll.urls import UrlError
    from .jekyll.urls import site_warnings as jekyll_warnings

    site = Path(settings.site)
    try:
        jekyll, why, _ = settings.facts.jekyll_build()  # read once, with the settings
    except UrlError as exc:
        raise ConfigError(str(exc).replace("_config.yml", str(site / "_config.yml"), 1)) from None
    warnings = list(settings.warnings) + jekyll_warnings(settings.site_config, jekyll, why, str(site / "_config.yml"))
    engine = str(settings.site_config.get("markdown", "kramdown"))
    if engine.lower() != "kramdown":
        warnings.append(
            f"{site / '_config.yml'}: 'markdown: {engine}' — nb2post writes kramdown (Jekyll's "
            "default); raw HTML outputs and math may not render with another engine"
        )
    return jekyll, warnings
