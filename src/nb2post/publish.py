"""What ``nb2post publish`` commits and says: pure decisions over the conversion's outcomes.

The git work itself is in ``gitrepo``; the command (``commands/publish.py``) runs the steps and reports.
Only files nb2post owns are ever committed: what this run wrote or removed, the posts (and their images)
an earlier conversion wrote that are still exactly as nb2post left them, and the notebooks on request.
"""

from __future__ import annotations

import importlib.util
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from .convert import Outcome
from .diagnostics import Nb2postError
from .post import edited_by_hand

PLACEHOLDERS = ("subject", "titles", "count", "list")
SUBJECT_LIMIT = 72


class PublishError(Nb2postError):
    """Publish stopped: the message, and the exit status (1 nothing committed, 2 usage, 3 git refused)."""

    def __init__(self, message: str, code: int):
        super().__init__(message, code=code)


class Interrupted(KeyboardInterrupt):
    """A signal that stops a publish the way Ctrl-C does (SIGTERM from a supervisor, a CI runner)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def interruption(exc: KeyboardInterrupt) -> tuple[str, int]:
    """(the signal's name, the exit status: 128 + its number, as a shell reports it)."""
    import signal

    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    return signal.Signals(signum).name, 128 + int(signum)


@dataclass
class Plan:
    """The files of each post this run could commit, relative to the repository root."""

    by_outcome: list[tuple[Outcome, list[str]]] = field(default_factory=list)
    hand_edited: list[str] = field(default_factory=list)  # posts a person changed: never committed by us
    # Images read from the links of a post this run did not render: the link alone does not prove nb2post
    # made the file (a post may link the site's own image), so ``confirm`` checks them when they changed.
    guessed: dict[str, Outcome] = field(default_factory=dict)

    @property
    def paths(self) -> list[str]:
        return list(dict.fromkeys(p for _, paths in self.by_outcome for p in paths))


def repository_root(site: Path, cwd: Path, facts) -> Path:
    """The work tree holding the site (``facts``: the run's ``config.SiteFacts``, which found it); a clear
    error when the site is outside every repository."""
    from . import gitrepo

    if facts.root is not None:
        return facts.root
    here = gitrepo.find_root(cwd)
    if here is not None:
        raise PublishError(
            f"the site folder {site} is outside the git repository {here}; pass --site a folder inside it "
            f"(or run nb2post from the site's own repository)",
            1,
        )
    raise PublishError(f"{site} is not inside a git repository; run 'git init' there (or clone your blog) first", 1)


def _referenced_assets(text: str, site: Path, images_dir: str) -> list[Path]:
    """Files under the images folder that a post links (however the link is written: a ``relative_url``
    filter or a baseurl-prefixed path)."""
    found = re.findall(re.escape(images_dir.strip("/")) + r"/[^\s\"'()<>{}|\\]+", text)
    return [site / link for link in dict.fromkeys(found) if (site / link).is_file()]


def post_files(outcome: Outcome, site: Path, images_dir: str) -> tuple[list[Path], list[Path]]:
    """(the files the post needs that nb2post produced, images it links that may be its own).

    A post rendered in this run knows its images exactly (``outcome.post.assets``), including those an
    earlier convert wrote and this run found in place: they belong in the commit with the post, not left
    untracked. A post written earlier only has its links to go by.
    """
    files: list[Path] = [outcome.post_path] if outcome.post_path is not None else []
    if outcome.post is not None:
        return files + [site / name for name in outcome.post.assets], []
    if outcome.post_path is None or not outcome.post_path.is_file():
        return files, []
    text = outcome.post_path.read_text(encoding="utf-8", errors="replace")
    return files, _referenced_assets(text, site, images_dir)


def plan(outcomes: list[Outcome], site: Path, images_dir: str, root: Path, include_notebooks: bool) -> Plan:
    """Which files belong to each converted post. Raises PublishError for a file outside the repository."""
    result = Plan()
    root = root.resolve()
    for outcome in outcomes:
        if outcome.status == "failed":
            continue
        files: list[Path] = [*outcome.written, *outcome.removed]
        post_path = outcome.post_path
        hand_edited = (
            post_path is not None
            and post_path not in files
            and post_path.is_file()
            and edited_by_hand(post_path.read_text(encoding="utf-8", errors="replace"))
        )
        if hand_edited:
            result.hand_edited.append(inside_repo(post_path, root))
        else:
            own, linked = post_files(outcome, site, images_dir)
            files.extend(own)
            for path in linked:
                if path not in files:
                    files.append(path)
                    result.guessed.setdefault(inside_repo(path, root), outcome)
        if include_notebooks:
            files.append(outcome.notebook)
        # The post first, then its images: the order the commit message lists them in.
        files.sort(key=lambda f: f != post_path)
        result.by_outcome.append((outcome, list(dict.fromkeys(inside_repo(f, root) for f in files))))
    return result


def confirm(result: Plan, changed: list[str], settings, root: Path) -> list[str]:
    """``changed`` without the guessed images that the post's notebook does not produce.

    Only posts with a changed (say, still untracked) linked image are rendered again — in memory, nothing is
    written — so a site's own image that a post merely links is never committed by nb2post.
    """
    from .convert import build_post, notebook_key

    doubtful: dict[int, list[str]] = {}
    for path in changed:
        if path in result.guessed:
            doubtful.setdefault(id(result.guessed[path]), []).append(path)
    if not doubtful:
        return changed
    dropped: set[str] = set()
    outcomes = {id(o): o for o in result.guessed.values()}
    for key, paths in doubtful.items():
        outcome = outcomes[key]
        try:
            post = build_post(
                outcome.notebook,
                settings,
                notebook_key(outcome.notebook, settings.site, settings.facts),
                "",
                outcome.post_path,
            )
            made = {inside_repo(Path(settings.site) / name, root.resolve()) for name in post.assets}
        except Exception:  # cannot tell: commit only what is known to be nb2post's
            made = set()
        dropped.update(p for p in paths if p not in made)
    return [p for p in changed if p not in dropped]


def inside_repo(path: Path, root: Path) -> str:
    """``path`` relative to the repository root (POSIX); PublishError when it lies outside."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        raise PublishError(
            f"{path} is outside the git repository {root}; keep the site (and with --include-notebooks the "
            f"notebooks) inside the repository you publish from",
            1,
        ) from None


def post_title(outcome: Outcome) -> str:
    if outcome.post is not None and outcome.post.front_matter.get("title"):
        return str(outcome.post.front_matter["title"])
    if outcome.post_path is not None and outcome.post_path.is_file():
        match = re.search(r"^title:\s*(.+)$", outcome.post_path.read_text(encoding="utf-8", errors="replace"), re.M)
        if match:
            return match.group(1).strip().strip("'\"")
    return (outcome.post_path or outcome.notebook).stem


def check_template(template: str, where: str) -> None:
    """Fail early (before anything is converted) on a message template git would not want."""
    try:
        filled = string.Template(template).substitute({name: "x" for name in PLACEHOLDERS})
    except KeyError as exc:
        raise PublishError(
            f"{where}: unknown placeholder ${exc.args[0]}; use {', '.join('$' + p for p in PLACEHOLDERS)} "
            f"(write $$ for a literal $)",
            2,
        ) from None
    except ValueError:
        raise PublishError(f"{where}: a lone '$' in the message; write $$ for a literal $", 2) from None
    if not filled.strip():
        raise PublishError(f"{where}: the commit message is empty", 2)


def commit_message(template: str, posts: list[tuple[Outcome, list[str]]]) -> str:
    titles = [post_title(outcome) for outcome, _ in posts]
    if len(titles) == 1:
        subject = titles[0]
    else:
        subject = f"{len(titles)} posts: {', '.join(titles)}"
    if len(subject) > SUBJECT_LIMIT:
        subject = subject[: SUBJECT_LIMIT - 3].rstrip(" ,") + "..."
    lines = []
    for (_outcome, paths), title in zip(posts, titles):
        lines.append(f"- {title}")
        lines.extend(f"  {path}" for path in paths)
    values = {"subject": subject, "titles": ", ".join(titles), "count": str(len(titles)), "list": "\n".join(lines)}
    return string.Template(template).substitute(values).strip() + "\n"


def write_briefs(site: Path, post_paths: list[Path], settings=None) -> tuple[list[Path], list[str]]:
    """The share brief of each published post, when ``nb2post.share.brief`` is installed. (paths, problems).
    ``settings``: the run's (with its --config files)."""
    if importlib.util.find_spec("nb2post.share.brief") is None:
        return [], []
    from .share.brief import write_brief

    written: list[Path] = []
    problems: list[str] = []
    for post_path in post_paths:
        try:
            written.extend(write_brief(site, post_path, settings))
        except Exception as exc:  # the push already succeeded: a brief problem must not turn it into a failure
            problems.append(f"{post_path.name}: no share brief ({type(exc).__name__}: {exc})")
    return written, problems


# Posts pushed whose brief is not written yet: a publish killed after its push (or whose push finished
# behind its back) leaves them here, and the next publish writes them.
PENDING_BRIEFS = "nb2post-briefs-pending"


def pending_briefs(git_dir: Path | None) -> list[str]:
    if git_dir is None:
        return []
    try:
        text = (Path(git_dir) / PENDING_BRIEFS).read_text(encoding="utf-8")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()]


def set_pending_briefs(git_dir: Path | None, posts: list[str]) -> None:
    """Record the posts (relative to the repository root) whose briefs are still to be written."""
    if git_dir is None:
        return
    path = Path(git_dir) / PENDING_BRIEFS
    if not posts:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text("".join(f"{post}\n" for post in dict.fromkeys(posts)), encoding="utf-8")
    os.replace(temporary, path)
