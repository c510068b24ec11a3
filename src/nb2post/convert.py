"""The pipeline: find notebooks, skip the unchanged ones by content hash, convert the rest (across
cores when there are several), and let the site write each post.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
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


def find_notebooks(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Notebook files named or found below the named folders; plus problems (missing paths)."""
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                found.extend(Path(folder) / f for f in sorted(files) if f.endswith(".ipynb"))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


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

    The day it was first committed to git; else the date of the post made from it earlier; else today
    (UTC), which the post's file name then keeps. Never the file's mtime: a fresh checkout resets it.
    """
    committed = gitrepo.first_commit_date(notebook)
    if committed:
        return committed, "the day the notebook was first committed to git"
    if existing is not None:
        try:
            return dt.date.fromisoformat(existing.name[:10]), "the date of the post made from it earlier"
        except ValueError:
            pass
    return dt.datetime.now(dt.timezone.utc).date(), "today's date, as the notebook is not committed yet"


def build_post(notebook_path: Path, settings: Settings, nb_path: str, digest: str, existing: Path | None) -> Post:
    """Read and render one notebook (runs in a worker process for batches)."""
    from . import reader, render
    from .front_matter import FrontMatterError, parse_file_name

    notebook = reader.read(notebook_path)
    fallback = None
    try:
        name_date, _ = parse_file_name(notebook_path)
    except FrontMatterError:
        name_date = None
    if name_date is None:
        fallback = fallback_date(notebook_path, existing)
    return render.to_post(notebook, settings, nb_path, digest, fallback)


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


def convert(
    paths: Iterable[Path],
    settings: Settings,
    force: bool = False,
    dry_run: bool = False,
    jobs: int | None = None,
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> tuple[list[Outcome], list[str]]:
    from .site import HandEditedError, Site

    notebooks, problems = find_notebooks(paths)
    site = Site(settings)
    fingerprint = settings.fingerprint()
    existing = site.posts_by_source()
    outcomes: dict[Path, Outcome] = {}
    work: list[tuple] = []
    for notebook in notebooks:
        key = notebook_key(notebook, settings.site)
        try:
            data = notebook.read_bytes()
        except OSError as exc:
            outcomes[notebook] = Outcome(notebook, "failed", error=f"{notebook}: cannot read: {exc.strerror}")
            continue
        digest = source_hash(data, fingerprint)
        previous = existing.get(key)
        if not force and previous and previous[1].source_hash == digest and previous[0].is_file():
            outcomes[notebook] = Outcome(notebook, "unchanged", post_path=previous[0])
            continue
        work.append((notebook, settings, key, digest, previous[0] if previous else None))

    total = len(notebooks)
    done = [len(outcomes)]

    def finish(notebook: Path, post: Post | None, error: str | None) -> None:
        if error is not None:
            outcome = Outcome(notebook, "failed", error=error)
        else:
            try:
                result = site.write(post, force=force, dry_run=dry_run)
                outcome = Outcome(
                    notebook,
                    result.status,
                    post_path=result.post_path,
                    written=result.written,
                    removed=result.removed,
                    warnings=list(post.warnings),
                    post=post,
                )
                if post.date_origin not in ("file name", "front matter"):
                    outcome.warnings.append(
                        f"{notebook}: no date in the file name or front matter; dated {post.date} "
                        f"from {post.date_origin}. Add 'date:' or name it YYYY-MM-DD-slug.ipynb to choose"
                    )
            except HandEditedError as exc:
                outcome = Outcome(notebook, "failed", error=str(exc))
            except OSError as exc:
                outcome = Outcome(notebook, "failed", error=f"{notebook}: cannot write the post: {exc}")
        outcomes[notebook] = outcome
        done[0] += 1
        if progress:
            progress(outcome, done[0], total)

    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(work) >= PARALLEL_THRESHOLD and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(work))) as pool:
            for args, (post, error) in zip(work, pool.map(_build_in_worker, work)):
                finish(args[0], post, error)
    else:
        for args in work:
            post, error = _build_in_worker(args)
            finish(args[0], post, error)
    return [outcomes[n] for n in notebooks], problems
