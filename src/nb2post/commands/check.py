"""``nb2post check``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    config_option,
    echo_err,
    epilog,
    fail,
    locate_site,
    quiet_option,
    relative,
    require_notebooks_folder,
    settings_errors,
    site_option,
    to_option,
    verbose_option,
)


def load_layout(site: Path | None, target: str | None, config_files: str | None = None, paths=()):
    """The site's layout for checking, or exit 2 naming what is wrong with its configuration."""
    from ..check import layout

    with settings_errors():
        return layout(locate_site(site, paths), target, config_files)


@click.command(
    "check",
    short_help="Report notebooks whose post is missing, stale or edited by hand (fast; for hooks and CI).",
    epilog=epilog(
        [
            ("nb2post check", "every notebook of the site you are in"),
            ("nb2post check docs/_notebooks/x.ipynb", "one notebook"),
            ("nb2post check -q || nb2post convert", "in a script: convert only when needed"),
        ],
        "1: some post is missing, stale, edited by hand or without its notebook (each is listed with the "
        "command that fixes it); 2: as 'nb2post convert' would (no notebooks folder, a notebook named does not "
        "exist).",
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@site_option
@to_option
@config_option
@quiet_option("Print nothing when every post is current.")
@verbose_option("Also list the notebooks whose posts are current.")
def command(paths, site, target, config_files, quiet, verbose):
    """Check that every notebook's post is current, without converting anything.

    Compares a hash of each notebook and the site's settings with the one recorded in its post, so a
    fresh checkout (new file times) is not stale, and a hash of each post with the one it records, so a
    hand edit anywhere in it is reported at once. Writes nothing but nb2post's stat cache
    (.git/nb2post-cache, or .nb2post-cache outside git), which spares re-reading unchanged notebooks, and
    the record of a run that found nothing stale (~/.cache/nb2post/runs), which answers the same check
    until something it looked at changes.
    Without PATHS: every notebook below the site's notebooks folder (the 'nb2post: notebooks_dir:'
    setting, default _notebooks), plus posts whose notebook is gone.
    """
    from ..check import check, describe
    from ..convert import find_notebooks
    from ..diagnostics import Reporter

    place = load_layout(site, target, config_files, paths)
    cwd = Path.cwd()
    notebooks = None
    skipped: list[str] = []
    if paths:
        notebooks, problems = find_notebooks(paths, skipped)
        if problems:
            fail("; ".join(problems), EXIT_USAGE)
    else:
        require_notebooks_folder(place.site / place.notebooks_dir, cwd)
    report = check(place, notebooks)
    said = Reporter(quiet, verbose, cwd)
    for message in skipped + report.skipped:
        said.warning(message)
    site_arg = str(site) if site is not None else None
    for line in describe(report, cwd, site_arg, target, config_files):
        click.echo(line)
    if verbose and not quiet:
        for post in report.current_posts:
            echo_err(f"current: {relative(post, cwd)}")
    if report.ok:
        if not quiet:
            if report.checked == 0:
                where = (
                    ", ".join(relative(p, cwd) for p in paths)
                    if paths
                    else relative(place.site / place.notebooks_dir, cwd)
                )
                said.warning(f"no notebooks found in {where}; nothing to check")
            else:
                echo_err(
                    f"all {report.checked} notebooks have current posts"
                    if report.checked != 1
                    else "the notebook has a current post"
                )
        raise SystemExit(EXIT_OK)
    raise SystemExit(EXIT_FAILED)
