"""``nb2post hook install | uninstall | run``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    echo_err,
    epilog,
    fail,
    locate_site,
    quiet_option,
    relative,
    site_option,
    to_option,
    verbose_option,
)

MODE_HELP = (
    "check: stop a push whose notebooks have stale posts; convert: convert, commit the posts, and stop the "
    "push so the next one carries them."
)


def _repository(site: Path) -> Path:
    from ..gitrepo import find_root

    root = find_root(site)
    if root is None:
        fail(f"{site} is not inside a git repository; run 'git init' there (or clone your blog) first", EXIT_USAGE)
    return root


@click.group(
    "hook",
    short_help="Install, remove or run the git pre-push hook.",
    epilog=epilog(
        [
            ("nb2post hook install", "stop pushes whose notebooks have stale posts"),
            ("nb2post hook install --mode convert", "convert and commit the posts instead"),
            ("nb2post hook uninstall", ""),
        ],
        "With pre-commit, use the hooks nb2post-check or nb2post-convert instead.",
    ),
)
def command():
    """The git pre-push hook that keeps posts in step with their notebooks."""


@command.command(
    "install",
    short_help="Write the pre-push hook into the repository.",
    epilog=epilog(
        [("nb2post hook install", ""), ("nb2post hook install --mode convert --site docs", "")],
        "1: a pre-push hook of your own is in the way.",
    ),
)
@site_option
@click.option("--mode", type=click.Choice(["check", "convert"]), default="check", show_default=True, help=MODE_HELP)
@click.option("--force", is_flag=True, help="Replace a pre-push hook that nb2post did not write.")
@quiet_option("Print errors only.")
@verbose_option("Also print the command the hook runs.")
def install_command(site, mode, force, quiet, verbose):
    """Write .git/hooks/pre-push, which runs 'nb2post hook run' on every push. Running this again with the
    same options changes nothing."""
    from ..hook import install

    site = locate_site(site)
    path, changed = install(_repository(site), site, mode, force)
    if not quiet:
        click.echo(f"{'installed' if changed else 'already installed'}: {relative(path, Path.cwd())} ({mode} mode)")
    if verbose and not quiet:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "hook run" in line:
                echo_err(f"it runs: {line.strip()}")


@command.command(
    "uninstall",
    short_help="Remove the pre-push hook nb2post wrote.",
    epilog=epilog([("nb2post hook uninstall", "")], "1: the pre-push hook is not nb2post's (it is left alone)."),
)
@site_option
@quiet_option("Print errors only.")
@verbose_option("Also say which repository was looked at.")
def uninstall_command(site, quiet, verbose):
    """Remove the pre-push hook if nb2post wrote it (a hook of your own is left alone)."""
    from ..hook import uninstall

    site = locate_site(site)
    if verbose and not quiet:
        echo_err(f"repository: {_repository(site)}")
    path = uninstall(_repository(site))
    if not quiet:
        click.echo(
            f"removed {relative(path, Path.cwd())}" if path else "no nb2post pre-push hook installed; nothing to remove"
        )


@command.command(
    "run",
    short_help="What the pre-push hook runs (git and pre-commit call it).",
    epilog=epilog(
        [
            ("git push", "runs it through the installed hook"),
            ("nb2post hook run origin < refs.txt", "by hand, with git's pre-push lines on stdin"),
        ],
        "0: the push may go on; 1: it is stopped (the reason and the fix are printed).",
    ),
)
@click.argument("remote", required=False)
@click.argument("url", required=False)
@site_option
@to_option
@click.option("--mode", type=click.Choice(["check", "convert"]), default="check", show_default=True, help=MODE_HELP)
@click.option(
    "--from-ref",
    envvar="PRE_COMMIT_FROM_REF",
    default=None,
    help="The remote's commit before the push (pre-commit framework; read from PRE_COMMIT_FROM_REF).",
)
@click.option(
    "--to-ref",
    envvar="PRE_COMMIT_TO_REF",
    default=None,
    help="The commit being pushed (pre-commit framework; read from PRE_COMMIT_TO_REF). Without it the refs are read from stdin as git gives them.",
)
@quiet_option("Print only why a push is stopped.")
@verbose_option("Also say when the push may go on.")
def run_command(remote, url, site, target, mode, from_ref, to_ref, quiet, verbose):
    """What the pre-push hook runs: check (or convert) the notebooks changed by the pushed commits."""
    import os

    from ..gitrepo import GitError
    from ..hook import parse_push_lines, ref_from_range, run, under_pre_commit
    from .check import load_layout

    remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
    if to_ref is None and os.environ.get("PRE_COMMIT_LOCAL_BRANCH"):
        # pre-commit gives no refs when the push carries the root commit (its "all files" case) and has
        # already consumed git's stdin: the pushed branch against what the remote has is the same question.
        to_ref = os.environ["PRE_COMMIT_LOCAL_BRANCH"]
    place = load_layout(site, target)
    root = _repository(place.site)
    try:
        refs = [ref_from_range(from_ref, to_ref)] if to_ref else parse_push_lines(_stdin_lines())
        # `pre-commit run --hook-stage pre-push --all-files` gives no refs at all: look at every notebook.
        everything = not refs and under_pre_commit()
        code, lines = run(root, place, refs, remote, mode, Path.cwd(), everything=everything)
    except GitError as exc:  # (a HookError, the input git gave, is a usage error: reported by the CLI)
        fail(f"nb2post pre-push hook: {exc}; push stopped (skip the check once with git push --no-verify)")
    for line in lines:
        echo_err(line)
    if code == 0 and verbose and not quiet:
        echo_err("nb2post: the posts of the notebooks in this push are current; push goes on")
    raise SystemExit(EXIT_OK if code == 0 else EXIT_FAILED)


def _stdin_lines() -> str:
    """git's pre-push lines; nothing when stdin is a terminal (run by hand), rather than waiting for input."""
    return "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
