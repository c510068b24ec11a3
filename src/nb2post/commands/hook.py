"""``nb2post hook install | uninstall | run``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, echo_err, fail, find_site, relative, site_option, to_option

MODE_HELP = "check: stop a push whose notebooks have stale posts; convert: convert, commit the posts, and stop the push so the next one carries them."


def _repository(site: Path) -> Path:
    from ..gitrepo import find_root

    root = find_root(site)
    if root is None:
        fail(f"{site} is not inside a git repository; run 'git init' there (or clone your blog) first", EXIT_USAGE)
    return root


@click.group("hook")
def command():
    """The git pre-push hook that keeps posts in step with their notebooks."""


@command.command("install")
@site_option
@click.option("--mode", type=click.Choice(["check", "convert"]), default="check", show_default=True, help=MODE_HELP)
@click.option("--force", is_flag=True, help="Replace a pre-push hook that nb2post did not write.")
def install_command(site, mode, force):
    """Write .git/hooks/pre-push (running this again with the same options changes nothing)."""
    from ..hook import HookError, install

    site = site if site is not None else find_site(Path.cwd())
    try:
        path, changed = install(_repository(site), site, mode, force)
    except HookError as exc:
        fail(str(exc))
    click.echo(f"{'installed' if changed else 'already installed'}: {relative(path, Path.cwd())} ({mode} mode)")


@command.command("uninstall")
@site_option
def uninstall_command(site):
    """Remove the pre-push hook if nb2post wrote it (a hook of your own is left alone)."""
    from ..hook import HookError, uninstall

    site = site if site is not None else find_site(Path.cwd())
    try:
        path = uninstall(_repository(site))
    except HookError as exc:
        fail(str(exc))
    click.echo(f"removed {relative(path, Path.cwd())}" if path else "no nb2post pre-push hook installed; nothing to remove")


@command.command(
    "run",
    epilog="Exit status: 0 the push may go on, 1 it is stopped (the reason and the fix are printed), 2 wrong usage.",
)
@click.argument("remote", required=False)
@click.argument("url", required=False)
@site_option
@to_option
@click.option("--mode", type=click.Choice(["check", "convert"]), default="check", show_default=True, help=MODE_HELP)
@click.option("--from-ref", envvar="PRE_COMMIT_FROM_REF", default=None, help="The remote's commit before the push (pre-commit framework; read from PRE_COMMIT_FROM_REF).")
@click.option("--to-ref", envvar="PRE_COMMIT_TO_REF", default=None, help="The commit being pushed (pre-commit framework; read from PRE_COMMIT_TO_REF). Without it the refs are read from stdin as git gives them.")
def run_command(remote, url, site, target, mode, from_ref, to_ref):
    """What the pre-push hook runs: check (or convert) the notebooks changed by the pushed commits."""
    import os

    from ..gitrepo import GitError
    from ..hook import HookError, parse_push_lines, ref_from_range, run
    from .check import load_layout

    remote = remote or os.environ.get("PRE_COMMIT_REMOTE_NAME")
    if to_ref is None and os.environ.get("PRE_COMMIT_LOCAL_BRANCH"):
        # pre-commit gives no refs when the push carries the root commit (its "all files" case) and has
        # already consumed git's stdin: the pushed branch against what the remote has is the same question.
        to_ref = os.environ["PRE_COMMIT_LOCAL_BRANCH"]
    place = load_layout(site, target)
    root = _repository(place.site)
    try:
        refs = [ref_from_range(from_ref, to_ref)] if to_ref else parse_push_lines(sys.stdin.read())
        code, lines = run(root, place, refs, remote, mode, Path.cwd())
    except HookError as exc:
        fail(str(exc), EXIT_USAGE)
    except GitError as exc:
        fail(f"nb2post pre-push hook: {exc}; push stopped (skip the check once with git push --no-verify)")
    for line in lines:
        echo_err(line)
    raise SystemExit(EXIT_OK if code == 0 else EXIT_FAILED)
