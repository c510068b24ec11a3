"""``nb2post init``."""

from __future__ import annotations

from pathlib import Path

import click

from ..init import DEPLOY_CHOICES
from .common import (
    EXIT_OK,
    EXIT_USAGE,
    echo_err,
    epilog,
    fail,
    find_site,
    locate_site,
    quiet_option,
    relative,
    site_option,
    to_option,
    verbose_option,
)


@click.command(
    "init",
    short_help="Set up a site: the nb2post: settings, a GitHub workflow, optionally the hook.",
    epilog=epilog(
        [
            ("nb2post init", "in the site's folder"),
            ("nb2post init --deploy pages", "notebook push -> live post, in one workflow"),
            ("nb2post init --site docs --hook check", "a site in docs/, and the pre-push hook"),
            ("nb2post init --to fastpages --no-workflow", "settings only"),
        ],
        "1: a pre-push hook of your own is in the way.",
    ),
)
@site_option
@to_option
@click.option(
    "--notebooks",
    default="",
    help="Git pathspec glob of the notebooks the workflow converts, relative to the repository root. Default: <site>/_notebooks/**/*.ipynb.",
)
@click.option(
    "--action",
    default=None,
    metavar="OWNER/REPO@REF",
    help="The nb2post action the workflow uses (a fork or mirror; pin a full commit sha). Default: this nb2post's release, nb2post/nb2post@v<version>.",
)
@click.option(
    "--deploy",
    type=click.Choice(DEPLOY_CHOICES),
    default=None,
    help="Write a workflow that also builds the site with Jekyll and deploys it to GitHub Pages, then waits for the new posts to go live.",
)
@click.option(
    "--hook",
    "hook_mode",
    type=click.Choice(["check", "convert"]),
    default=None,
    help="Also install the git pre-push hook in this mode.",
)
@click.option(
    "--sharded",
    is_flag=True,
    help="Write the sharded workflow instead (templates/workflow_sharded.yml: "
    "'convert --shard K/N' as a job matrix, for a site of thousands of notebooks), for this site and branch.",
)
@click.option("--no-workflow", is_flag=True, help="Do not write .github/workflows/nb2post.yml.")
@quiet_option("Print errors only.")
@verbose_option("Also say which site and repository were set up.")
def command(site, target, notebooks, action, deploy, hook_mode, sharded, no_workflow, quiet, verbose):
    """Set up a site for nb2post: the 'nb2post:' section of _config.yml (your comments and key order are
    kept), a GitHub workflow that converts the site's notebooks on each push and commits the posts (with
    --deploy pages: and builds and deploys the site to GitHub Pages), and optionally the pre-push hook.
    Running it again changes nothing.
    """
    from ..diagnostics import Reporter, site_wide
    from ..gitrepo import find_root
    from ..init import check_action_reference, default_action, init

    # A site to set up may have no _config.yml yet: then it is the current folder.
    site = locate_site(site) if site is not None else (find_site(Path.cwd()) or Path.cwd())
    if action is not None and (problem := check_action_reference(action)):
        fail(problem, EXIT_USAGE)
    if (deploy or sharded) and no_workflow:
        fail(f"{'--deploy' if deploy else '--sharded'} writes a workflow: drop --no-workflow", EXIT_USAGE)
    if sharded and (deploy or action or notebooks):
        given = "--deploy" if deploy else "--action" if action else "--notebooks"
        fail(
            f"--sharded writes a workflow that installs nb2post with pip and converts the whole site: drop {given}",
            EXIT_USAGE,
        )
    root = find_root(site)
    if root is None and (hook_mode or not no_workflow):
        fail(
            f"{site} is not inside a git repository; run 'git init' there first (the workflow and hook live in it)",
            EXIT_USAGE,
        )
    result = init(
        site,
        root or site,
        target,
        notebooks,
        action or default_action(),
        hook_mode,
        not no_workflow,
        "sharded" if sharded else deploy,
    )
    for path in result.changed if not quiet else ():
        click.echo(f"wrote {relative(path, Path.cwd())}")
    for path, reason in result.kept if not quiet else ():
        click.echo(f"kept {relative(path, Path.cwd())}: {reason}")
    Reporter(quiet, verbose).report_all(site_wide(result.warnings))
    if deploy == "pages" and any(path.name == "nb2post.yml" for path in result.changed):
        echo_err(
            "next: in the repository's Settings > Pages, set 'Build and deployment' Source to 'GitHub Actions' (once)"
        )
    if verbose and not quiet:
        click.echo(f"site: {site}; repository: {root or 'none'}", err=True)
    raise SystemExit(EXIT_OK)
