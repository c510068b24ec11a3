"""Every git call nb2post makes lives here.

Cheap queries run ``git`` directly; publish's queries go through GitPython's command wrapper, and its
commit and push through ``run_stoppable`` (a process group of their own that a signal stops whole).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .diagnostics import Nb2postError


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
    """A read-only query: its output, or None when git fails (not a repository, unknown revision ...)."""
    try:
        return _git_checked(args, cwd)
    except GitError:
        return None


class HistoryUnreadable(Nb2postError, RuntimeError):
    """The repository's history cannot be read (missing objects, a partial clone that cannot fetch them)."""


def first_commit(path: Path) -> tuple[dt.date, bool] | None:
    """(the day the file was first committed, whether that commit is where a shallow clone's history is
    cut off — then the file may well be older), or None when it is not in git history. Raises
    HistoryUnreadable, with git's own words, when the repository has commits but git cannot walk them."""
    path = Path(path).resolve()
    root = find_root(path)
    if root is None:
        return None
    try:
        out = _git_checked(["log", "--diff-filter=A", "--follow", "--format=%H %as", "--", str(path)], root)
    except GitError as exc:
        if head_commit(root) is None:
            return None  # a repository without commits yet
        raise HistoryUnreadable(str(exc).replace("git log failed: ", "", 1)) from None
    if not out.strip():
        return None
    sha, _, day = out.strip().split("\n")[-1].strip().partition(" ")
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return None
    folder = git_dir(root)
    try:
        cut = (_common_dir(folder) / "shallow").read_text(encoding="utf-8").split() if folder else []
    except OSError:
        cut = []
    return date, sha in cut


def in_head(path: Path) -> bool:
    """True when ``path`` is committed: the checked-out commit holds it."""
    path = Path(path).absolute()
    root = find_root(path.parent)
    if root is None:
        return False
    try:
        relative = path.parent.resolve().joinpath(path.name).relative_to(root).as_posix()
    except ValueError:
        return False
    return _git(["cat-file", "-e", f"HEAD:{relative}"], root) is not None


# --- Pushes and hooks (nb2post check / hook / the GitHub Action) ------------------------------------
# Plain `git` processes, like the queries above: the pre-push hook runs on every push and must not pay
# for importing GitPython.

ZERO_SHA = "0" * 40


class GitError(Nb2postError, RuntimeError):
    pass


def _git_checked(args: list[str], cwd: Path) -> str:
    """Run git; a failure raises with git's own message (for commands that change things)."""
    import subprocess  # here: `nb2post check` imports this module for find_root and runs no git

    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git {args[0]}: {exc}") from None
    if done.returncode != 0:
        message = " ".join((done.stderr or done.stdout).split()) or f"exit status {done.returncode}"
        raise GitError(f"git {args[0]} failed: {message}")
    return done.stdout


def hooks_dir(root: Path) -> Path:
    """Where git looks for hooks (honours ``core.hooksPath`` and linked work trees)."""
    out = _git_checked(["rev-parse", "--git-path", "hooks"], root).strip()
    return (Path(root) / out).resolve()


def commit_exists(root: Path, rev: str) -> bool:
    return _git(["cat-file", "-e", f"{rev}^{{commit}}"], root) is not None


def head_commit(root: Path) -> str | None:
    out = _git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], root)
    return out.strip() if out else None


def files_in_commits(root: Path, tip: str, exclude: list[str]) -> list[str]:
    """Paths (relative to ``root``) touched by the commits reachable from ``tip`` but not from ``exclude``
    (revisions, or options such as ``--remotes=origin``). Merge commits add nothing of their own."""
    out = _git_checked(["log", "--format=", "--name-only", "--no-renames", "-z", tip, "--not", *exclude, "--"], root)
    return list(dict.fromkeys(name.strip("\n") for name in out.split("\0") if name.strip("\n")))


def posts_added(folder: Path, since: str | None) -> list[Path]:
    """The ``*.md`` files directly in ``folder`` (a site's posts folder) that commits added: those after
    ``since`` up to HEAD, or, when ``since`` is None, those of the newest commit that added any. A post
    renamed or changed is not added. GitError when ``since`` is no commit here (e.g. in a shallow clone)."""
    folder = Path(folder).resolve()
    root = find_root(folder)
    if root is None:
        raise GitError(f"{folder} is not in a git repository")
    root = root.resolve()
    pattern = [f":(glob){folder.relative_to(root).as_posix()}/*.md"]
    if since is None:
        newest = _git_checked(["log", "-1", "--format=%H", "--diff-filter=A", "HEAD", "--", *pattern], root).strip()
        if not newest:
            return []
        args = ["diff-tree", "-r", "--root", "--no-commit-id", newest]
    else:
        if not commit_exists(root, since):
            raise GitError(f"{since} is no commit of this repository")
        args = ["diff", f"{since}^{{commit}}", "HEAD"]
    out = _git_checked([*args, "--name-only", "-z", "--find-renames", "--diff-filter=A", "--", *pattern], root)
    return [root / name for name in out.split("\0") if name]


def uncommitted(root: Path, paths: list[Path]) -> list[str]:
    """Which of ``paths`` differ from HEAD in the index or the work tree, or are untracked."""
    if not paths:
        return []
    out = _git_checked(["status", "--porcelain", "-z", "--untracked-files=all", "--", *map(str, paths)], root)
    return [entry[3:] for entry in out.split("\0") if len(entry) > 3]


def tracked(root: Path, paths: list[Path]) -> list[Path]:
    """Which of ``paths`` git tracks (in the index), in their order."""
    if not paths:
        return []
    out = _git_checked(["ls-files", "-z", "--full-name", "--", *map(str, paths)], root)
    known = {(Path(root) / name).resolve() for name in out.split("\0") if name}
    return [path for path in paths if Path(path).resolve() in known]


class HookRefused(GitError):
    """A hook of the user's said no to nb2post's commit (git prints nothing of its own then)."""

    def __init__(self, hook: str, path: str, said: str):
        super().__init__(f"the {hook} hook ({path}) refused the commit" + (f": {said}" if said else ""))
        self.hook = hook
        self.changed: list[str] = []  # files to commit that the hook rewrote (a fixer), now put back as staged


# The hooks `git commit --no-verify` skips; prepare-commit-msg always runs.
SKIPPED_BY_NO_VERIFY = ("pre-commit", "commit-msg")


def commit_paths(root: Path, paths: list[Path], message: str, verify: bool = True) -> str:
    """Commit exactly ``paths`` (written or removed files), leaving anything else staged as it was.
    Returns the new commit's sha. With ``verify`` the user's pre-commit and commit-msg hooks run, as for a
    commit of their own; a refusal raises HookRefused.

    A commit that fails (a hook, signing, a signal) leaves the index byte for byte as it was: ``commit
    --only`` takes known paths only, so new files must be added first, and the index is saved before that
    and put back after a failure.
    """
    names = [str(p) for p in paths]
    index = Path(root) / _git_checked(["rev-parse", "--git-path", "index"], root).strip()
    before = head_commit(root)
    saved = _read_index(index)
    done = False
    try:
        _git_checked(["add", "-A", "--", *names], root)
        try:
            _commit(root, names, message, verify)
        except HookRefused as exc:
            # A fixer hook (whitespace, end of file) rewrote generated files: put nb2post's back, else the
            # next run takes them for hand edits (and a notebook's post for someone else's file).
            exc.changed = _rewritten(root, names)
            if exc.changed:
                _git_checked(["checkout-index", "-f", "--", *exc.changed], root)
            raise
        done = True
    finally:
        # A commit that went in just before a signal left the index as git wrote it, which is right.
        with signals_held():  # a second Ctrl-C must not stop the repair halfway
            if not done and _read_index(index) != saved and head_commit(root) == before:
                _put_back(index, saved)
    return _git_checked(["rev-parse", "HEAD"], root).strip()


def _rewritten(root: Path, names: list[str]) -> list[str]:
    """Which of the staged ``names`` differ in the work tree now from what was staged."""
    staged = {}
    for entry in _git_checked(["ls-files", "-s", "-z", "--", *names], root).split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            staged[path] = meta.split()[1]
    present = [path for path in staged if (Path(root) / path).is_file()]
    now = _git_checked(["hash-object", "--", *present], root).split() if present else []
    return [path for path, sha in zip(present, now) if staged[path] != sha]


def _read_index(index: Path) -> bytes | None:
    try:
        return index.read_bytes()
    except FileNotFoundError:
        return None  # a new repository: no index yet


def _commit(root: Path, names: list[str], message: str, verify: bool) -> None:
    import json
    import tempfile

    # git says nothing when a hook refuses; its trace names the hook and its exit status.
    handle, trace = tempfile.mkstemp(prefix="nb2post-commit-", suffix=".trace")
    os.close(handle)
    try:
        status, out, err = run_stoppable(
            ["commit", "--quiet", *([] if verify else ["--no-verify"]), "-m", message, "--only", "--", *names],
            root,
            {"GIT_TRACE2_EVENT": trace},
        )
        if status == 0:
            return
        events = []
        with open(trace, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass  # a hook's own git processes append here too; a torn line is not git's verdict
    finally:
        os.unlink(trace)
    said = "; ".join([line.strip() for line in (err + out).splitlines() if line.strip()][-5:])
    top = events[0].get("sid") if events else None
    hooks = {
        e.get("child_id"): e
        for e in events
        if e.get("sid") == top and e.get("event") == "child_start" and e.get("child_class") == "hook"
    }
    for event in events:
        start = hooks.get(event.get("child_id"))
        if start and event.get("sid") == top and event.get("event") == "child_exit" and event.get("code") != 0:
            raise HookRefused(start.get("hook_name", "commit"), (start.get("argv") or ["?"])[0], said)
    raise GitError(f"git commit failed: {said or f'exit status {status}'}")


@contextmanager
def signals_held():
    """Ctrl-C and SIGTERM wait (they are delivered when the block ends) while cleanup must finish."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _put_back(index: Path, saved: bytes | None) -> None:
    """Restore the index as it was, under ``index.lock`` as git itself writes it."""
    lock = index.with_name(index.name + ".lock")
    try:
        handle = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise GitError(
            f"the index could not be put back ({lock} is held by another git); "
            f"run git reset -q -- <the generated files> to unstage them"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(saved or b"")
        if saved is None:
            os.unlink(index)
            os.unlink(lock)
        else:
            os.replace(lock, index)
    except OSError:
        try:
            os.unlink(lock)
        except OSError:
            pass
        raise


# --- Commands a signal must be able to stop: publish's commit (the user's hooks) and push ----------


def _own_group():
    """What the child runs before git starts: a process group of its own, so stopping it stops all it
    started (the local receive-pack and its hooks, ssh, credential helpers, the user's hooks), and a
    signal when nb2post itself is killed."""
    from .children import parent_death_request

    request = parent_death_request()

    def in_child() -> None:
        os.setpgid(0, 0)
        request()

    return in_child


def _controlling_terminal() -> int | None:
    """A descriptor of the terminal whose foreground nb2post has, or None (no terminal, or in the
    background: then nothing of git's can prompt there anyway)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    try:
        if os.tcgetpgrp(fd) == os.getpgrp():
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _give_foreground(fd: int, group: int) -> None:
    import signal

    # A process that is not in the foreground is stopped (SIGTTOU) when it moves the foreground.
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(fd, group)
    except OSError:
        pass
    finally:
        signal.signal(signal.SIGTTOU, previous)


def run_stoppable(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None
) -> tuple[int, str, str]:
    """(status, stdout, stderr) of ``git args`` in a process group of its own; never raises for a
    non-zero status. Any exception while it runs (Ctrl-C, a SIGTERM turned into one) and the timeout stop
    the whole group first: nothing git started outlives the call. With a terminal, the group has the
    terminal's foreground while it runs, so git can still prompt there and Ctrl-C reaches it (a git that
    died of SIGINT raises KeyboardInterrupt here)."""
    import signal
    import subprocess

    from .children import adopt_orphans

    env = {**os.environ, **(env or {})}
    if not os.isatty(0):
        env["GIT_TERMINAL_PROMPT"] = "0"  # never hang on a credential prompt nobody can answer
    adopt_orphans()  # what git leaves behind when stopped comes to us to be reaped (see stop_group)
    terminal = _controlling_terminal()
    try:
        try:
            child = subprocess.Popen(
                ["git", *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                encoding="utf-8",
                errors="replace",
                preexec_fn=_own_group() if hasattr(os, "killpg") else None,  # Windows: git alone is stopped
            )
        except OSError as exc:
            return 1, "", f"cannot run git: {exc}"
        if terminal is not None:
            _give_foreground(terminal, child.pid)
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with signals_held():
                stop_group(child)
            return 1, "", f"git {args[0]} did not finish within {timeout:.0f} s and was stopped"
        except BaseException:
            with signals_held():
                stop_group(child)
            raise
    finally:
        if terminal is not None:
            _give_foreground(terminal, os.getpgrp())
            os.close(terminal)
    if child.returncode == -signal.SIGINT:  # Ctrl-C on the terminal git had: what ignores SIGINT goes too
        with signals_held():
            stop_group(child)
        raise KeyboardInterrupt
    return child.returncode, out, err


def stop_group(child, grace: float = 5.0) -> None:
    """SIGTERM to the child's process group (git removes its lock files then), SIGKILL to what is left
    after ``grace``; returns when the group is gone."""
    import signal
    import subprocess
    import time

    if not hasattr(os, "killpg"):  # no process groups (Windows)
        child.kill()
        child.communicate()
        return

    def signal_group(signum: int) -> bool:
        try:
            os.killpg(child.pid, signum)
            return True
        except (ProcessLookupError, PermissionError):
            return False

    signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    while signal_group(0) and time.monotonic() < deadline:
        try:  # the group's orphans are ours to reap (adopt_orphans): a zombie is still in the group
            while os.waitpid(-child.pid, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        time.sleep(0.02)  # what git started, winding down
    if signal_group(signal.SIGKILL):
        child.wait()
    try:
        child.communicate(timeout=grace)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


# --- Remote and branch for badges (issue 3) ---------------------------------------------------------
# Read straight from the files under .git: `nb2post check` folds them into the settings fingerprint and
# must not start a process for that.


def git_dir(root: Path) -> Path | None:
    """The repository's git folder: ``.git`` itself, or where a ``.git`` file (worktree, submodule) points."""
    dot_git = Path(root) / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:") :].strip())
    return (dot_git.parent / target).resolve() if not target.is_absolute() else target


def _common_dir(folder: Path) -> Path:
    """A worktree keeps HEAD to itself but shares config and refs with the main repository."""
    try:
        common = (folder / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return folder
    return (folder / common).resolve()


def read_config(folder: Path) -> dict[str, dict[str, str]]:
    """``.git/config`` as {'remote "origin"': {'url': ...}, ...}; the last value of a key wins."""
    sections: dict[str, dict[str, str]] = {}
    try:
        text = (_common_dir(folder) / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return sections
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            header = line[1 : line.find("]")] if "]" in line else line[1:]
            name, _, sub = header.strip().partition(" ")
            key = name.lower() + (f' "{sub.strip().strip(chr(34))}"' if sub else "")
            current = sections.setdefault(key, {})
            continue
        if current is None or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        current[key.strip().lower()] = value
    return sections


def current_branch(folder: Path) -> str | None:
    """The checked-out branch from ``HEAD``; None when HEAD is detached."""
    try:
        head = (folder / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    prefix = "ref: refs/heads/"
    return head[len(prefix) :] if head.startswith(prefix) else None


def remote_and_branch(path: Path) -> tuple[str | None, str | None]:
    """(remote URL, branch on that remote) for the repository holding ``path``.

    The remote is the one the current branch tracks, else ``origin``, else the first one. The branch is
    the remote branch it tracks (``branch.<name>.merge``), else its own name. A detached HEAD (CI checking
    out a pull request) falls back to ``GITHUB_HEAD_REF`` / ``GITHUB_REF_NAME``, then the remote's default
    branch (``refs/remotes/<remote>/HEAD``). Either part is None when it cannot be known.
    """
    root = find_root(path)
    return remote_and_branch_of(git_dir(root) if root else None)


def remote_and_branch_of(folder: Path | None) -> tuple[str | None, str | None]:
    """``remote_and_branch`` from the repository's git folder (``git_dir``), when it is known already."""
    if folder is None:
        return None, None
    config = read_config(folder)
    branch = current_branch(folder)
    tracking = config.get(f'branch "{branch}"', {}) if branch else {}
    remotes = [key[len('remote "') : -1] for key in config if key.startswith('remote "')]
    remote = tracking.get("remote") if tracking.get("remote") in remotes else None
    remote = remote or ("origin" if "origin" in remotes else (remotes[0] if remotes else None))
    url = config.get(f'remote "{remote}"', {}).get("url") if remote else None
    merge = tracking.get("merge", "")
    if branch and merge.startswith("refs/heads/"):
        branch = merge[len("refs/heads/") :]
    if branch is None:
        branch = os.environ.get("GITHUB_HEAD_REF") or os.environ.get("GITHUB_REF_NAME") or None
    if branch is None and remote:
        try:
            head = (_common_dir(folder) / "refs" / "remotes" / remote / "HEAD").read_text(encoding="utf-8").strip()
        except OSError:
            head = ""
        prefix = f"ref: refs/remotes/{remote}/"
        branch = head[len(prefix) :] if head.startswith(prefix) else None
    return url, branch


# --- publishing: commit exactly nb2post's files, push without force ------------------------------------
# Queries run git through GitPython's command wrapper (``repo.git``); the commit (``commit_paths``, ``git
# commit --only``) and the push run through ``run_stoppable``. GitPython's own index writer never touches a
# user's index.

PUSH_TIMEOUT_SECONDS = 300
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s'\"]+)@")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``scheme://user:token@host`` -> ``scheme://***@host``; and every known secret string -> ``***``."""
    text = str(text)
    for secret in secrets:  # first: a decoded password may hold an '@' that would end the userinfo early
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return _URL_USERINFO.sub(lambda m: m.group("scheme") + "***@", text)


def url_secrets(url: str) -> tuple[str, ...]:
    """The credential parts of a URL (user and password), to scrub from any text git hands back."""
    match = _URL_USERINFO.search(url or "")
    if not match:
        return ()
    from urllib.parse import unquote

    user, _, password = match.group("userinfo").partition(":")
    # A server may echo a credential decoded (p%40ss as p@ss): scrub both spellings, the longer first.
    parts = [form for part in (password, user) if part for form in (part, unquote(part))]
    return tuple(sorted(dict.fromkeys(parts), key=len, reverse=True))


def open_repo(root: Path):
    import git

    repo = git.Repo(root)
    if not os.isatty(0):
        # Never hang on a credential prompt nobody can answer.
        repo.git.update_environment(GIT_TERMINAL_PROMPT="0")
    return repo


def _run(repo, *args, **kwargs) -> tuple[int, str, str]:
    """(status, stdout, stderr) of ``git args``; never raises for a non-zero status."""
    import git

    try:
        return repo.git.execute(
            ["git", *args], with_extended_output=True, with_exceptions=False, strip_newline_in_stdout=False, **kwargs
        )
    except git.GitCommandError as exc:  # timeouts and the like
        return 1, "", str(exc.stderr or exc)
    except OSError as exc:
        return 1, "", f"cannot run git: {exc}"


def operation_in_progress(repo) -> str | None:
    """'a merge', 'a rebase', ... when one is half done (committing now would tangle with it)."""
    git_dir = Path(repo.git_dir)
    for name, what in (
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase (or git am)"),
        ("MERGE_HEAD", "a merge"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
        ("BISECT_LOG", "a bisect"),
    ):
        if (git_dir / name).exists():
            return what
    return None


def identity_problem(repo) -> str | None:
    """Why git has no author/committer to commit with, or None. Only explicit settings count: a guessed
    ``root@hostname`` identity is not one a person chose."""

    def configured(key: str) -> bool:
        status, out, _ = _run(repo, "config", "--get", key)
        return status == 0 and bool(out.strip())

    name = any(os.environ.get(v) for v in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")) or any(
        configured(k) for k in ("user.name", "author.name", "committer.name")
    )
    email = any(os.environ.get(v) for v in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "EMAIL")) or any(
        configured(k) for k in ("user.email", "author.email", "committer.email")
    )
    if name and email:
        return None
    missing = " and ".join(w for w, ok in (("user.name", name), ("user.email", email)) if not ok)
    return (
        f"git has no {missing} to commit with; set it once with: "
        f'git config --global user.name "Your Name" && git config --global user.email you@example.com'
    )


@dataclass(frozen=True)
class PushTarget:
    remote: str
    branch: str  # on the remote
    local_branch: str
    url: str  # as configured: may hold credentials, never print it; use ``shown_url``

    @property
    def shown_url(self) -> str:
        return redact(self.url)

    @property
    def secrets(self) -> tuple[str, ...]:
        return url_secrets(self.url)

    @property
    def tracking_ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"

    @property
    def refspec(self) -> str:
        return f"refs/heads/{self.local_branch}:refs/heads/{self.branch}"


def push_target(repo, local_branch: str, remote: str | None = None, branch: str | None = None) -> PushTarget:
    """Where ``publish`` pushes: --remote/--branch, else the branch's upstream, else the only remote
    (or ``origin``) with the same branch name. Raises GitError when there is nowhere to push."""

    def config(key: str) -> str | None:
        status, out, _ = _run(repo, "config", "--get", key)
        return out.strip() if status == 0 and out.strip() else None

    status, out, _ = _run(repo, "remote")
    remotes = out.split() if status == 0 else []
    upstream_remote = config(f"branch.{local_branch}.remote")
    upstream_merge = config(f"branch.{local_branch}.merge")
    if remote is None:
        if upstream_remote and upstream_remote != ".":
            remote = upstream_remote
        elif len(remotes) == 1:
            remote = remotes[0]
        elif "origin" in remotes:
            remote = "origin"
        elif not remotes:
            raise GitError(
                "this repository has no remote to push to; add one with: git remote add origin URL "
                "(or publish with --no-push to commit only)"
            )
        else:
            raise GitError(
                f"branch {local_branch} has no upstream and there are several remotes ({', '.join(remotes)}); "
                "choose one with --remote NAME"
            )
    elif remote not in remotes:
        known = ", ".join(remotes) if remotes else "none"
        raise GitError(f"no remote named {remote!r} (remotes here: {known}); see: git remote -v")
    if branch is None:
        if remote == upstream_remote and upstream_merge and upstream_merge.startswith("refs/heads/"):
            branch = upstream_merge[len("refs/heads/") :]
        else:
            branch = local_branch
    url = config(f"remote.{remote}.pushurl") or config(f"remote.{remote}.url") or ""
    return PushTarget(remote, branch, local_branch, url)


def _head_blobs(repo, paths: list[str]) -> dict[str, str]:
    if head_commit(repo.working_tree_dir) is None:
        return {}
    status, out, _ = _run(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD", "--", *paths)
    blobs: dict[str, str] = {}
    for entry in out.split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            blobs[path] = meta.split()[2]
    return blobs


def changed_paths(repo, paths: list[str]) -> list[str]:
    """Of ``paths`` (relative to the work tree root), those whose file differs from HEAD: new, modified
    or deleted. Read-only: hashes without writing objects and never refreshes the index."""
    root = Path(repo.working_tree_dir)
    paths = list(dict.fromkeys(paths))
    in_head = _head_blobs(repo, paths)
    on_disk = [p for p in paths if (root / p).is_file()]
    hashes: dict[str, str] = {}
    if on_disk:
        # Without -w nothing is written; git applies each path's clean filters (autocrlf, LFS) as `add` would.
        status, out, err = _run(repo, "hash-object", "--", *on_disk)
        if status != 0:
            raise GitError(f"cannot read files to commit: {err.strip()}")
        hashes = dict(zip(on_disk, out.split()))
    changed = []
    for path in paths:
        if path in hashes:
            if in_head.get(path) != hashes[path]:
                changed.append(path)
        elif path in in_head:
            changed.append(path)
    return changed


def commits_not_on(repo, target: PushTarget) -> int | None:
    """How many commits of the local branch the remote-tracking branch lacks; None when unknown."""
    status, _, _ = _run(repo, "rev-parse", "--verify", "--quiet", target.tracking_ref)
    if status != 0 or head_commit(repo.working_tree_dir) is None:
        return None
    status, out, _ = _run(repo, "rev-list", "--count", f"{target.tracking_ref}..refs/heads/{target.local_branch}")
    return int(out.strip()) if status == 0 and out.strip().isdigit() else None


def paths_changed_since(repo, old: str | None, new: str) -> set[str]:
    """Files changed between the remote's old commit and ``new`` (all files of ``new`` when old is None)."""
    if old:
        status, out, _ = _run(repo, "diff", "--no-renames", "--name-only", "-z", old, new)
    else:
        status, out, _ = _run(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", new)
    return {p for p in out.split("\0") if p.strip()} if status == 0 else set()


def paths_on(repo, ref: str, paths: list[str]) -> set[str]:
    """Which of ``paths`` the commit ``ref`` holds (none when there is no such ref)."""
    if not paths:
        return set()
    status, out, _ = _run(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", ref, "--", *paths)
    return {p for p in out.split("\0") if p} if status == 0 else set()


def rev(repo, ref: str) -> str | None:
    status, out, _ = _run(repo, "rev-parse", "--verify", "--quiet", ref + "^{commit}")
    return out.strip() if status == 0 and out.strip() else None


@dataclass
class PushResult:
    ok: bool
    kind: str  # pushed | up to date | non-fast-forward | hook rejected | auth | network | pre-push hook | failed
    explanation: str = ""
    remote_lines: list[str] = field(default_factory=list)


_AUTH_SIGNS = (
    "authentication failed",
    "could not read username",
    "could not read password",
    "permission denied",
    "returned error: 401",
    "returned error: 403",
    "invalid username or password",
    "access denied",
    "http basic: access denied",
)
_NETWORK_SIGNS = (
    "could not resolve host",
    "failed to connect",
    "connection refused",
    "unable to connect",
    "couldn't connect",
    "connection timed out",
    "network is unreachable",
    "could not read from remote",
    "does not appear to be a git repository",
    "unable to access",
    "repository not found",
)


def _git_reason(lines: list[str]) -> str:
    """What git said went wrong, as one clause: its first ``fatal:``/``error:`` line without the prefix
    (its last line is often the tail of a paragraph of advice, such as "and the repository exists.")."""
    for line in lines:
        for prefix in ("fatal:", "error:"):
            if line.startswith(prefix):
                return line[len(prefix) :].strip().rstrip(".")
    return lines[-1].rstrip(".") if lines else ""


def push(repo, target: PushTarget) -> PushResult:
    """``git push --porcelain`` (never forced). Rejections don't raise: the porcelain status line and the
    server's ``remote:`` lines are parsed, so a pre-receive hook's message and a pre-push hook's output
    both reach the user (GitPython's ``Remote.push`` loses the latter)."""
    secrets = target.secrets
    status, out, err = run_stoppable(
        ["push", "--porcelain", target.remote, target.refspec],
        Path(repo.working_tree_dir),
        timeout=PUSH_TIMEOUT_SECONDS,
    )
    out, err = redact(out, secrets), redact(err, secrets)
    remote_lines = [line[len("remote:") :].strip() for line in err.splitlines() if line.startswith("remote:")]
    remote_lines = [
        line
        for line in remote_lines
        if line and not line.lower().startswith(("resolving deltas", "processing changes"))
    ]
    flag, summary = None, ""
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].endswith(f":refs/heads/{target.branch}"):
            flag, summary = parts[0], parts[2]
    where = f"{target.remote} ({target.shown_url})"
    if status == 0 and flag in (" ", "*", "="):
        return PushResult(True, "up to date" if flag == "=" else "pushed", remote_lines=remote_lines)
    if flag == "!" and "remote rejected" in summary:
        said = "; ".join(remote_lines[-5:]) or summary
        return PushResult(False, "hook rejected", f"{where} refused the push: {said}", remote_lines)
    if flag == "!" and ("non-fast-forward" in summary or "fetch first" in summary or "rejected" in summary):
        return PushResult(
            False,
            "non-fast-forward",
            f"{where} has commits that {target.local_branch} lacks (push rejected as non-fast-forward); "
            f"run git pull --rebase {target.remote} {target.branch}, then publish again",
            remote_lines,
        )
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    lowered = "\n".join(lines).lower()
    last = _git_reason(lines) or summary or "git push failed"
    if any(sign in lowered for sign in _AUTH_SIGNS):
        return PushResult(
            False,
            "auth",
            f"{where} did not accept the credentials ({last}); check your token or SSH key, then publish again",
            remote_lines,
        )
    if any(sign in lowered for sign in _NETWORK_SIGNS):
        return PushResult(
            False,
            "network",
            f"cannot reach {where}: {last}; check its URL with 'git remote -v' and your network, then publish again",
            remote_lines,
        )
    if flag is None and "failed to push some refs" in lowered:
        # No ref was even offered to the remote: a pre-push hook on this machine said no. Show what it said.
        hook_lines = [line for line in lines if "failed to push some refs" not in line][-5:]
        return PushResult(
            False, "pre-push hook", f"a pre-push hook stopped the push: {'; '.join(hook_lines) or last}", remote_lines
        )
    return PushResult(False, "failed", f"push to {where} failed: {last}", remote_lines)


# --- One publish at a time in a work tree -----------------------------------------------------------

LOCK_NAME = "nb2post-publish.lock"


class PublishLock:
    """An exclusive lock on ``<git dir>/nb2post-publish.lock`` for one ``publish`` from its first look at
    the repository to its last brief: a second one waits, then sees what the first did (it would otherwise
    commit or push the same posts at the same time and report the loser's race as a failure). It is an
    flock, which the kernel drops when its process dies: a killed publish never leaves a stale lock; the
    file is removed on release."""

    def __init__(self, root: Path):
        folder = git_dir(root)
        self.path = (folder or Path(root) / ".git") / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self, timeout: float, waiting=None) -> bool:
        """True once held; False after ``timeout`` seconds. ``waiting(pid)`` is called once if it must wait."""
        import time

        try:
            import fcntl
        except ImportError:  # no flock here (Windows): publishes are not serialised
            return True
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                handle = open(self.path, "a+", encoding="ascii")
            except OSError:  # a read-only git dir: nothing can be committed there either; git will say so
                return True
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told and waiting is not None:
                    waiting(self.holder())
                    told = True
                handle.close()
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.1)
                continue
            try:
                current = os.stat(self.path)
            except FileNotFoundError:
                current = None
            if current is not None and os.path.samestat(current, os.fstat(handle.fileno())):
                break
            handle.close()  # the holder removed the file as we opened it: lock the new one
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="ascii").strip() or "?"
        except OSError:
            return "?"

    def release(self) -> None:
        if self._handle is not None:
            try:
                os.unlink(self.path)  # while still held: a waiter then sees the file gone and retries
            except OSError:
                pass
            self._handle.close()  # closing drops the flock
            self._handle = None
