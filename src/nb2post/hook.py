"""The git pre-push hook: install it, remove it, and decide what a push may carry.

git runs ``.git/hooks/pre-push REMOTE URL`` with one stdin line per ref being pushed::

    <local ref> <local sha> <remote ref> <remote sha>

Only the notebooks changed by the commits in flight are looked at, so a push that carries no notebook
costs one ``git log``. A hook cannot add commits to the push it is part of: in convert mode it commits the
fresh posts and stops the push, and the next push (now carrying them) goes through.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from . import gitrepo
from .diagnostics import EXIT_USAGE, Nb2postError

HOOK_NAME = "pre-push"
OWN_HOOK_SIGN = "# nb2post-managed-hook"
MODES = ("check", "convert")


class HookError(Nb2postError):
    pass


@dataclass(frozen=True)
class PushedRef:
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deletes(self) -> bool:
        return self.local_sha == gitrepo.ZERO_SHA


def parse_push_lines(text: str) -> list[PushedRef]:
    refs = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise HookError(
                f"unexpected pre-push input line {line!r}: expected '<local ref> <local sha> <remote ref> <remote sha>'",
                code=EXIT_USAGE,
            )
        refs.append(PushedRef(*parts))
    return refs


def ref_from_range(from_ref: str | None, to_ref: str) -> PushedRef:
    """The pre-commit framework's view of one pushed ref (PRE_COMMIT_FROM_REF is unset for a new branch)."""
    return PushedRef("HEAD", to_ref, "", from_ref or gitrepo.ZERO_SHA)


# --- installing ------------------------------------------------------------------------------------------


def hook_path(root: Path) -> Path:
    return gitrepo.hooks_dir(root) / HOOK_NAME


def is_own(path: Path) -> bool:
    try:
        return OWN_HOOK_SIGN in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def hook_script(mode: str, site_from_root: str, python: str = sys.executable) -> str:
    from .templates_text import fill

    return fill("pre-push.sh", mode=mode, site=shlex.quote(site_from_root), python=shlex.quote(python))


def install(root: Path, site: Path, mode: str, force: bool = False) -> tuple[Path, bool]:
    """Write the hook; (its path, whether anything changed). Refuses to replace a hook nb2post did not write."""
    if mode not in MODES:
        raise HookError(f"unknown hook mode {mode!r}; choose one of: {', '.join(MODES)}")
    path = hook_path(root)
    try:
        site_from_root = Path(site).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        raise HookError(
            f"the site {site} is outside the repository {root}; run this inside the site's repository"
        ) from None
    text = hook_script(mode, site_from_root)
    if path.exists():
        if not is_own(path) and not force:
            raise HookError(
                f"{path} already exists and was not written by nb2post; not replaced. Merge it by hand, "
                f"or run again with --force to replace it"
            )
        if path.read_text(encoding="utf-8", errors="replace") == text:
            return path, False
    from .site import write_all

    write_all({path: text.encode("utf-8")}, inside=path.parent)
    path.chmod(0o755)
    return path, True


def uninstall(root: Path) -> Path | None:
    """Remove the hook if nb2post wrote it; None when there is none. A foreign hook is left alone."""
    path = hook_path(root)
    if not path.exists():
        return None
    if not is_own(path):
        raise HookError(f"{path} was not written by nb2post; left in place (remove it yourself if you mean to)")
    path.unlink()
    return path


# --- what a push carries ---------------------------------------------------------------------------------


@dataclass
class PushedNotebooks:
    present: list[Path]  # changed notebooks that exist in the work tree
    gone: list[Path]  # deleted by the pushed commits
    pushes_head: bool  # one of the pushed refs is the checked-out commit (so committing there helps)


def pushed_notebooks(root: Path, refs: list[PushedRef], remote: str | None) -> PushedNotebooks:
    names: list[str] = []
    for ref in refs:
        if ref.deletes:
            continue  # deleting a remote branch carries no content
        if ref.remote_sha != gitrepo.ZERO_SHA and gitrepo.commit_exists(root, ref.remote_sha):
            exclude = [ref.remote_sha]
        else:
            # A new branch (or a remote tip we never fetched): the commits no remote-tracking ref has yet.
            exclude = [f"--remotes={remote}"] if remote and _is_remote_name(remote) else ["--remotes"]
        names += gitrepo.files_in_commits(root, ref.local_sha, exclude)
    head = gitrepo.head_commit(root)
    found = PushedNotebooks([], [], any(r.local_sha == head for r in refs if not r.deletes))
    for name in dict.fromkeys(n for n in names if n.endswith(".ipynb")):
        path = Path(root) / name
        (found.present if path.is_file() else found.gone).append(path)
    return found


def _is_remote_name(remote: str) -> bool:
    """git passes the remote's name, or the URL when pushing to a URL directly."""
    return "/" not in remote and ":" not in remote


# --- the hook itself ---------------------------------------------------------------------------------------


def relevant(place, notebooks: list[Path], posts: dict) -> list[Path]:
    """The notebooks that belong to the blog: below its notebooks folder, or already named by a post."""
    from .convert import SKIP_DIRS, notebook_key

    folder = (place.site / place.notebooks_dir).resolve()
    kept = []
    for path in notebooks:
        resolved = Path(path).resolve()
        if SKIP_DIRS.intersection(resolved.parts):
            continue
        if folder in resolved.parents or notebook_key(resolved, place.site) in posts:
            kept.append(resolved)
    return kept


def under_pre_commit(environ=None) -> bool:
    """Run by the pre-commit framework (which sets these for its hooks)."""
    environ = os.environ if environ is None else environ
    return environ.get("PRE_COMMIT") == "1" or "PRE_COMMIT_FROM_REF" in environ or "PRE_COMMIT_TO_REF" in environ


def private_nb2post(environ=None) -> tuple | None:
    """Under pre-commit, when no nb2post is on the user's PATH (pre-commit's own environment, which it puts
    first on PATH for its hooks, does not count): the command that runs the copy pre-commit installed. None
    otherwise: the Fix lines say 'nb2post', which is what the user types."""
    import shutil

    environ = os.environ if environ is None else environ
    if not under_pre_commit(environ):
        return None
    private = Path(sys.prefix).resolve()
    outside = [
        folder
        for folder in os.get_exec_path(environ)  # (a hook run is never replayed: see nb2post.replay)
        if folder and private not in (Path(folder).resolve(), *Path(folder).resolve().parents)
    ]
    if shutil.which("nb2post", path=os.pathsep.join(outside)):
        return None
    return (sys.executable, "-m", "nb2post")


def run(
    root: Path, place, refs: list[PushedRef], remote: str | None, mode: str, cwd: Path, everything: bool = False
) -> tuple[int, list[str]]:
    """(exit status, lines to print) for one push. 0 lets the push go on. ``everything``: every notebook of
    the site, as if the push carried them all (the pre-commit framework's "all files" run)."""
    from .check import check, describe, posts_by_source
    from .convert import find_notebooks
    from .paths import relative

    if everything:
        folder = place.site / place.notebooks_dir
        pushed = PushedNotebooks(find_notebooks([folder])[0] if folder.is_dir() else [], [], True)
    else:
        pushed = pushed_notebooks(root, refs, remote)
    if not pushed.present and not pushed.gone:
        return 0, []
    posts = posts_by_source(place)
    present = relevant(place, pushed.present, posts)
    gone = relevant(place, pushed.gone, posts)
    report = check(place, present, gone, posts)
    site_arg = None if place.site.resolve() == Path(cwd).resolve() else relative(place.site, cwd)
    if report.ok:
        if pushed.pushes_head:
            # their images too: a post committed without them (`git add` of the posts only) shows broken images
            dirty = gitrepo.uncommitted(root, report.current_posts + report.current_images)
            if dirty:
                return 1, [
                    "nb2post: push stopped: these posts or their images are current in your work tree but not committed:",
                    *(f"  {name}" for name in dirty),
                    f"Fix: {shlex.join(['git', 'add', '--', *dirty])} && git commit, then push again",
                ]
        return 0, []
    lines = describe(report, cwd, site_arg)
    private = private_nb2post()
    if private is not None and report.to_convert:
        lines.append(
            f"  (no nb2post on your PATH: 'pipx install nb2post', or run the one pre-commit installed as "
            f"{shlex.join(private)})"
        )
    if mode == "convert" and pushed.pushes_head and report.to_convert and not report.orphans:
        dirty = gitrepo.uncommitted(root, report.to_convert)
        if dirty:
            # The posts would show the work tree's notebooks while the push carries the committed ones.
            return 1, [
                "nb2post: push stopped: these notebooks have changes that are not committed, so their posts "
                "cannot be made from what you push:",
                *(f"  {name}" for name in dirty),
                "Commit (or stash) them, then push again.",
            ]
        return _convert_and_commit(root, place, report, site_arg, cwd, lines)
    stop = [
        "nb2post: the posts of these notebooks are not current."
        if everything
        else "nb2post: push stopped: the posts of the notebooks in this push are not current."
    ]
    if mode == "convert" and not pushed.pushes_head:
        stop.append("(convert mode commits only on the checked-out branch; this push is of another one)")
    return 1, [*stop, *lines, "Then commit the changes and push again (or skip the check once: git push --no-verify)."]


def _convert_and_commit(
    root: Path, place, report, site_arg: str | None, cwd: Path, found: list[str]
) -> tuple[int, list[str]]:
    """Convert and commit through ``nb2post publish --no-push`` (which commits exactly the files it wrote)."""
    import subprocess

    before = gitrepo.head_commit(root)
    # --quiet: the hook speaks for itself (and the user never typed that --no-push)
    command = [sys.executable, "-m", "nb2post.cli", "publish", "--no-push", "--quiet", "--site", str(place.site)]
    command += [str(p) for p in report.to_convert]
    done = subprocess.run(command, cwd=cwd, check=False)
    after = gitrepo.head_commit(root)
    if done.returncode != 0:
        return 1, ["nb2post: push stopped: converting the notebooks of this push failed (see above).", *found]
    if after == before:
        return 1, ["nb2post: push stopped: the posts were converted but nothing was committed (see above).", *found]
    return 1, [
        f"nb2post: converted {len(report.to_convert)} notebook(s) and committed the posts as {after[:7]}.",
        "The push in progress cannot include that commit: push again (the same command) to send it.",
    ]
