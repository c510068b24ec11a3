"""``nb2post convert``."""
from __future__ import annotations

from pathlib import Path

import click

from .common import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, config_option, echo_err, fail, find_site, relative, site_option,
                     to_option, warn)


def run_convert(paths, site, target, force, dry_run, jobs, quiet, verbose, config_files=None):
    """Convert and report; returns (outcomes, exit code). Shared with ``publish``."""
    from ..config import ConfigError, load
    from ..convert import convert

    site = Path(site) if site else find_site(Path.cwd())
    if not paths:
        paths = [site / "_notebooks"] if (site / "_notebooks").is_dir() else []
        if not paths:
            fail("no notebooks named and the site has no _notebooks/ folder; name notebooks or folders", EXIT_USAGE)
    try:
        settings = load(site, target, config_files)
    except (ConfigError, ValueError) as exc:
        fail(str(exc), EXIT_USAGE)
    for message in settings.warnings:
        warn(message, quiet)

    from ..urls import UrlError, post_warnings_for, site_jekyll, site_warnings

    try:
        jekyll, why = site_jekyll(site, settings.site_config, settings.target)
    except UrlError as exc:
        fail(str(exc).replace("_config.yml", str(site / "_config.yml"), 1), EXIT_USAGE)
    for message in site_warnings(settings.site_config, jekyll, why, str(site / "_config.yml")):
        warn(message, quiet)  # once per batch: they are about the site, not one notebook

    engine = str(settings.site_config.get("markdown", "kramdown"))
    if engine.lower() != "kramdown":
        warn(f"{site / '_config.yml'}: 'markdown: {engine}' — nb2post writes kramdown (Jekyll's default); "
             "raw HTML outputs and math may not render with another engine", quiet)

    def progress(outcome, done, total):
        if outcome.status == "failed":
            return
        if outcome.status == "unchanged" and not verbose:
            return
        if not quiet:
            where = relative(outcome.post_path, site) if outcome.post_path else "-"
            echo_err(f"[{done}/{total}] {outcome.status}: {where}  (from {relative(outcome.notebook, Path.cwd())})")

    skipped: list[str] = []
    outcomes, problems = convert(paths, settings, force=force, dry_run=dry_run, jobs=jobs, progress=progress, skipped=skipped)
    for problem in problems:
        echo_err(f"error: {problem}")
    for message in skipped:
        warn(message, quiet)
    counts: dict[str, int] = {}
    said: set[str] = set()
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.post is not None and outcome.post_path is not None:
            outcome.warnings.extend(post_warnings_for(site, outcome.post_path, outcome.post.front_matter, settings.site_config, jekyll))
        for message in outcome.warnings:
            if message not in said:  # a warning about the whole site comes once, not once per notebook
                said.add(message)
                warn(message, quiet)
        if outcome.error and outcome.error not in said:  # a folder linked out of the site fails every post alike
            said.add(outcome.error)
            echo_err(f"error: {outcome.error}")
        if dry_run and outcome.status == "would write" and not quiet:
            for path in outcome.written:
                click.echo(f"would write {relative(path, site)}")
            for path in outcome.removed:
                click.echo(f"would remove {relative(path, site)}")
    if not outcomes and not problems:
        warn(f"no notebooks found in {', '.join(str(p) for p in paths)}", quiet)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing converted"
    if not quiet:
        echo_err(summary)
    failed = counts.get("failed", 0) or problems
    return outcomes, (EXIT_FAILED if failed else EXIT_OK)


@click.command(
    "convert",
    epilog="Exit status: 0 all converted (or already up to date), 1 a notebook failed or a hand-edited "
    "post was kept, 2 wrong usage or a broken site configuration.",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@site_option
@to_option
@config_option
@click.option("--force", is_flag=True, help="Rewrite posts even when unchanged or edited by hand.")
@click.option("--dry-run", "-n", is_flag=True, help="List what would be written; write nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option("--verbose", "-v", is_flag=True, help="Also list notebooks that were already up to date.")
def command(paths, site, target, config_files, force, dry_run, jobs, quiet, verbose):
    """Convert notebooks (files or folders, searched recursively) into posts in SITE/_posts.

    Unchanged notebooks are skipped by content hash. A post edited by hand after nb2post wrote it is
    never overwritten without --force.
    """
    _, code = run_convert(paths, site, target, force, dry_run, jobs, quiet, verbose, config_files)
    raise SystemExit(code)
