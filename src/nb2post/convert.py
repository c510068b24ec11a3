"""The pipeline: find notebooks, skip the unchanged ones by content hash, convert the rest (across
cores when there are several), and let the site write each post.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import gitrepo
from .config import Settings
from .post import Post

# The rendering stages (and the process pool) are imported inside the functions that use them:
# `nb2post check` imports this module for notebook_key/source_hash and must start fast.

SKIP_DIRS = {".ipynb_checkpoints", ".git", "_site", ".jekyll-cache", "node_modules", "__pycache__"}
# Below this many notebooks a process pool costs more than it saves.
PARALLEL_THRESHOLD = 4


@dataclass
class Outcome:
    notebook: Path
    status: str  # written | unchanged | would write | failed
    post_path: Path | None = None
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    post: Post | None = None
    notes: list[str] = field(default_factory=list)  # adoptions and URL changes, one line each


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _not_a_file(path: Path) -> str | None:
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
    """Notebook files named or found below the named folders; plus problems with the named paths
    (missing, or not a notebook file). Things named ``*.ipynb`` below a folder that are not files (a FIFO,
    a socket, a device) are left out, each with a line in ``skipped``: reading one would hang."""
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            if path.name.endswith(".ipynb"):
                problems.append(f"{path}: is a folder, not a notebook file; name the notebook (or its parent folder)")
                continue
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if not name.endswith(".ipynb"):
                        continue
                    candidate = Path(folder) / name
                    what = _not_a_file(candidate)
                    if what is None:
                        found.append(candidate)
                    elif skipped is not None:
                        skipped.append(f"{candidate}: is {what}, not a notebook file; skipped")
        elif path.is_file():
            if path.suffix.lower() != ".ipynb":
                problems.append(f"{path}: is not a notebook (an .ipynb file); name notebooks or the folders holding them")
                continue
            found.append(path)
        elif os.path.lexists(path) and _not_a_file(path):
            problems.append(f"{path}: is {_not_a_file(path)}, not a notebook file")
        else:
            problems.append(f"{path}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


def read_notebook_bytes(path: Path) -> bytes:
    """The file's bytes; OSError for anything but a regular file, without ever waiting on a FIFO that
    took a notebook's place after the scan."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(fd)


def notebooks_dir(section: dict, target: str, site: Path) -> str:
    """The site's notebooks folder (``nb2post: notebooks_dir:``, else the target's default), relative to it."""
    from .config import _relative
    from .targets import get_target

    value = section.get("notebooks_dir") or get_target(target).DEFAULTS["notebooks_dir"]
    return _relative(value, "notebooks_dir", Path(site))


def notebook_key(notebook: Path, site: Path) -> str:
    """How posts refer to their notebook: the path relative to the repository root (else the site)."""
    notebook = Path(notebook).resolve()
    for base in (gitrepo.find_root(site), Path(site).resolve()):
        if base is not None:
            try:
                return notebook.relative_to(base).as_posix()
            except ValueError:
                continue
    # outside the site and its repository: relative to the site still names it uniquely and stably
    return Path(os.path.relpath(notebook, Path(site).resolve())).as_posix()


def source_hash(data: bytes, fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()[:16]


def fallback_date(notebook: Path, existing: Path | None) -> tuple[dt.date, str]:
    """A stable date for a notebook with none in its name or front matter.

    The date of the post made from it earlier (its URL, which inbound links use, must not move); else the
    day it was first committed to git; else today (UTC), which the post's file name then keeps. Never the
    file's mtime, which a fresh checkout resets — and the post first, as a shallow clone (CI's
    ``fetch-depth: 1``) dates every file by its one commit.
    """
    if existing is not None:
        try:
            return dt.date.fromisoformat(existing.name[:10]), "the date of the post made from it earlier"
        except ValueError:
            pass
    committed = gitrepo.first_commit(notebook)
    if committed and committed[1]:
        return committed[0], (
            "the oldest commit of this shallow clone, which may be later than the notebook's first commit "
            "(fetch the full history, e.g. actions/checkout with fetch-depth: 0, for the real date)"
        )
    if committed:
        return committed[0], "the day the notebook was first committed to git"
    return dt.datetime.now(dt.timezone.utc).date(), "today's date, as the notebook is not committed yet"


def build_post(
    notebook_path: Path, settings: Settings, nb_path: str, digest: str, existing: Path | None, adoption=None
) -> Post:
    """Read and render one notebook (runs in a worker process for batches). ``adoption``: the post it
    takes over (nb2post.adopt); by default the one its earlier post records having adopted."""
    from . import reader, render
    from .front_matter import FrontMatterError, parse_file_name

    if adoption is None and existing is not None:
        from .adopt import recorded

        adoption = recorded(Path(settings.site), existing, settings.site_config)

    notebook = reader.read(notebook_path)
    fallback = None
    try:
        name_date, _ = parse_file_name(notebook_path)
    except FrontMatterError:
        name_date = None
    if name_date is None:
        fallback = fallback_date(notebook_path, existing)
    return render.to_post(notebook, settings, nb_path, digest, fallback, adoption)


def _build_in_worker(args) -> tuple[Post | None, str | None]:
    from .front_matter import FrontMatterError
    from .reader import NotebookError
    from .render import ConversionError

    try:
        return build_post(*args), None
    except (NotebookError, ConversionError, FrontMatterError) as exc:
        return None, str(exc)
    except Exception as exc:  # a bug must not take the batch down: report it against the notebook
        return None, f"{args[0]}: internal error while converting ({type(exc).__name__}: {exc}); please report it"


PARENT_POLL_SECONDS = 1.0


def _exit_with_parent(convert_pid: int) -> None:
    """Pool initializer: a worker never outlives the ``convert`` that started it (a SIGKILLed parent
    cannot shut its pool down, and workers waiting on the task queue would wait forever).

    On Linux the kernel signals the worker when its parent dies (``PR_SET_PDEATHSIG``); everywhere, a
    thread notices that its parent or the convert is gone and exits. (The parent is the convert itself
    with "fork", multiprocessing's fork server with "forkserver", which exits with the convert.)
    """
    import signal
    import sys
    import threading
    import time

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass

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
) -> tuple[list[Outcome], list[str]]:
    """Convert the notebooks below ``paths``: (an outcome per notebook, problems with the named paths).
    ``skipped`` collects the things named like notebooks that are not files. ``adopt``: take over the
    posts nb2post did not write that match a notebook (see nb2post.adopt); ``adoptions``: the post each
    notebook (resolved path) takes over, named by ``nb2post adopt``."""
    from . import adopt as adopting
    from .site import HandEditedError, OutsideSiteError, Site

    adoptions = adoptions or {}

    notebooks, problems = find_notebooks(paths, skipped)
    site = Site(settings)
    fingerprint = settings.fingerprint()
    outcomes: dict[Path, Outcome] = {}
    work: list[tuple] = []
    for notebook in notebooks:
        key = notebook_key(notebook, settings.site)
        try:
            data = read_notebook_bytes(notebook)
        except OSError as exc:
            outcomes[notebook] = Outcome(notebook, "failed", error=f"{notebook}: cannot read: {exc.strerror}")
            continue
        digest = source_hash(data, fingerprint)
        previous = site.previous_post(key)  # also the post of a notebook moved here, which must follow it
        current = previous and previous[1].source == key and previous[1].source_hash == digest
        if not force and current and previous[0].is_file() and notebook not in adoptions:
            outcomes[notebook] = Outcome(notebook, "unchanged", post_path=previous[0])
            continue
        work.append((notebook, settings, key, digest, previous[0] if previous else None, adoptions.get(notebook)))

    total = len(notebooks)
    done = [len(outcomes)]

    unmarked: dict[Path, str] | None = None

    def finish(args: tuple, post: Post | None, error: str | None) -> None:
        nonlocal unmarked
        notebook, notes = args[0], []
        if error is None and post.adopts is None and args[4] is None:
            if unmarked is None:  # read once per run, and only when a notebook has no post yet
                unmarked = adopting.unmarked_posts(site.posts_dir)
            post, error, notes = _adopt_matched(args, post, site, unmarked, adopt, force, dry_run)
        if error is not None:
            outcome = Outcome(notebook, "failed", error=error)
        else:
            try:
                notes += _url_notes(site, post, dry_run, needs_flag=not adopt and notebook not in adoptions)
                result = site.write(post, force=force, dry_run=dry_run)
                if result.status == "unchanged":
                    notes = []  # adopted already, and nothing to say about URLs
                outcome = Outcome(
                    notebook,
                    result.status,
                    post_path=result.post_path,
                    written=result.written,
                    removed=result.removed,
                    warnings=list(post.warnings),
                    post=post,
                    notes=notes,
                )
                if post.date_origin not in ("file name", "front matter"):
                    outcome.warnings.append(
                        f"{notebook}: no date in the file name or front matter; dated {post.date} "
                        f"from {post.date_origin}. Add 'date:' or name it YYYY-MM-DD-slug.ipynb to choose"
                    )
            except (HandEditedError, OutsideSiteError) as exc:
                outcome = Outcome(notebook, "failed", error=str(exc), notes=notes if dry_run else [])
            except OSError as exc:
                outcome = Outcome(notebook, "failed", error=f"{notebook}: cannot write the post: {exc}")
        outcomes[notebook] = outcome
        done[0] += 1
        if progress:
            progress(outcome, done[0], total)

    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(work) >= PARALLEL_THRESHOLD and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=min(workers, len(work)), initializer=_exit_with_parent, initargs=(os.getpid(),)
        ) as pool:
            for args, (post, error) in zip(work, pool.map(_build_in_worker, work)):
                finish(args, post, error)
    else:
        for args in work:
            post, error = _build_in_worker(args)
            finish(args, post, error)
    return [outcomes[n] for n in notebooks], problems


def _adopt_matched(args: tuple, post: Post, site, unmarked: dict, adopt: bool, force: bool, dry_run: bool):
    """A notebook's first post, when a post nb2post did not write (``unmarked``) matches it (see
    nb2post.adopt): rebuilt to take that post over with ``--adopt`` (or shown so by a dry run), else
    refused — never overwritten nor silently duplicated. (post, error, notes)."""
    from . import adopt as adopting
    from .site import other_generator

    notebook, settings = args[0], args[1]
    candidates = {
        path: text for path, text in unmarked.items()
        if not other_generator(text, post.source, notebook)[0]  # fastpages' and jekyllnb's go their own way
    }
    matched = adopting.match(post.source, post.file_name, candidates)
    if matched is None:
        return post, None, []
    path, why = matched
    if not adopt and not dry_run and not (force and why == "names the notebook"):
        which = f"it {why} {notebook}" if why == "names the notebook" else f"it {why} as the post of {notebook}"
        return post, (
            f"{path}: was not written by nb2post; {which}, so it looks like that notebook's post; not "
            f"overwritten. Run again with --adopt to take it over (keeping its URL and front matter), "
            f"or name the pair with 'nb2post adopt POST NOTEBOOK'"
            + (", or --force to write a separate post" if why == "names the notebook" else "")
        ), []
    if force and not adopt and not dry_run:
        return post, None, []
    try:
        adoption = adopting.from_post(site.root, path, settings.site_config, how=why)
    except adopting.AdoptError as exc:
        return post, str(exc), []
    adopted, error = _build_in_worker((*args[:5], adoption))
    if error is not None:
        return post, error, []
    if not dry_run:
        unmarked.pop(path, None)  # it is this notebook's now; no other notebook may take it
    return adopted, None, []


def _url_notes(site, post: Post, dry_run: bool, needs_flag: bool = False) -> list[str]:
    """One line for the post adopted and, in a dry run, one per URL that writing ``post`` would change
    (old → new, as the site's Jekyll computes them). ``needs_flag``: a dry run's adoption that only
    ``--adopt`` applies says so."""
    from . import adopt as adopting

    if not (dry_run or post.adopts):
        return []
    target = site.posts_dir / post.file_name
    notes = []
    olds = [p for p in (target, site.root / post.adopts if post.adopts else None) if p is not None and p.is_file()]
    previous = site.previous_post(post.source)
    if previous and previous[0] not in olds and previous[0].is_file():
        olds.append(previous[0])
    if post.adopts and post.adopted_how != "adopted earlier":
        adopted = site.root / post.adopts
        url = adopting.url_of(site.root, adopted, site.settings.site_config)
        kept = url if site._url_move(adopted, target, post) is None else None
        line = adopting.summary(post.adopts, post.adopted_how, post.carried, kept, target.name)
        hint = " (convert --adopt applies it)" if dry_run and needs_flag else ""
        notes.append(("would adopt " if dry_run else "adopted ") + line + hint)
    if dry_run:
        for old in dict.fromkeys(olds):
            moves = site._url_move(old, target, post)
            if moves:
                notes.append(f"would change URL{moves} ({old.relative_to(site.root).as_posix()})")
    return notes
