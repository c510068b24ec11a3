"""``nb2post check``."""
from __future__ import annotations

from pathlib import Path

import click

from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, config_option, echo_err, fail, find_site, site_option, to_option, warn


def load_layout(site: Path | None, target: str | None, config_files: str | None = None):
    """The site's layout for checking, or exit 2 naming what is wrong with its configuration."""
    from ..check import layout
    from ..config import ConfigError

    try:
        return layout(site if site is not None else find_site(Path.cwd()), target, config_files)
    except (ConfigError, ValueError) as exc:
        fail(str(exc), EXIT_USAGE)


@click.command(
    "check",
    epilog="Exit status: 0 every post is current, 1 some post is missing, stale or without its notebook "
    "(each is listed with the command that fixes it), 2 wrong usage or a broken site configuration.",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@site_option
@to_option
@config_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when every post is current.")
def command(paths, site, target, config_files, quiet):
    """Check that every notebook's post is current, without converting anything.

    Compares a hash of each notebook and the site's settings with the one recorded in its post, so a
    fresh checkout (new file times) is not stale. Without PATHS: every notebook below the site's
    notebooks folder, plus posts whose notebook is gone.
    """
    from ..check import check, describe
    from ..convert import find_notebooks

    place = load_layout(site, target, config_files)
    notebooks = None
    skipped: list[str] = []
    if paths:
        notebooks, problems = find_notebooks(paths, skipped)
        if problems:
            fail("; ".join(problems), EXIT_USAGE)
    report = check(place, notebooks)
    for message in skipped + report.skipped:
        warn(message, quiet)
    site_arg = str(site) if site is not None else None
    for line in describe(report, Path.cwd(), site_arg, target, config_files):
        click.echo(line)
    if report.ok:
        if not quiet:
            echo_err(f"all {report.checked} notebook{'s' if report.checked != 1 else ''} have current posts")
        raise SystemExit(EXIT_OK)
    raise SystemExit(EXIT_FAILED)
