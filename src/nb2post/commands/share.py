"""``nb2post share``."""
from __future__ import annotations

from pathlib import Path

import click

from .common import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, echo_err, epilog, fail, locate_site, site_option,
                     verbose_option)


@click.command(
    "share",
    short_help="Post a post to Mastodon and Bluesky once it is live, once, and record where.",
    epilog=epilog(
        [
            ("nb2post share _posts/2024-05-01-x.md --dry-run", "show what each channel would get"),
            ("nb2post share _notebooks/2024-05-01-x.ipynb", "wait for the page, post, record in _briefs/"),
        ],
        "Settings: nb2post: share: {mastodon: {instance: URL}, bluesky: {handle: H, service: URL}} in "
        "_config.yml; secrets from NB2POST_MASTODON_TOKEN and NB2POST_BLUESKY_APP_PASSWORD only.\n\n"
        "0: also when posted before, as the brief's ledger says; 1: a channel failed, a text is over its "
        "limit, or the page never went live (the channels that worked are recorded).",
    ),
)
@click.argument("targets", nargs=-1, required=True, metavar="POST_OR_NOTEBOOK...", type=click.Path(path_type=Path))
@site_option
@click.option("--dry-run", is_flag=True,
              help="Print what each channel would receive, counted against its limit; post nothing.")
@click.option("--wait", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Seconds to wait for the post's page to answer HTTP 200 with its og: tags.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for each answer of Mastodon or Bluesky.")
@verbose_option("Also print notes (e.g. a Bluesky post an interrupted run made, found and recorded).")
def command(targets, site, dry_run, wait, timeout, verbose):
    """Post each post (or the post made from each notebook) to the channels in nb2post: share:, with
    the text its brief wrote for each; skip a channel its brief's ledger already records, and record
    each new post's link and time there (in _briefs/<slug>.md and .json)."""
    from ..share.brief import BriefError
    from ..jekyll.config import ConfigError, load
    from ..share.post import share
    from ..share.settings import accounts
    from ..site import Site
    from .brief import resolve_post

    site = locate_site(site, targets)
    try:
        settings = load(site)
        chosen = accounts(settings.raw, str(site / "_config.yml"))
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    if not chosen:
        fail(f"{site / '_config.yml'} names no account to share to: add nb2post: share: mastodon: {{instance: "
             "https://mastodon.social}} and/or bluesky: {handle: you.bsky.social}", EXIT_USAGE)
    site_object = Site(settings)
    code = EXIT_OK
    for target in targets:
        try:
            post_path = resolve_post(target, site, site_object)
            done = share(site, post_path, chosen, dry_run=dry_run, wait=wait, timeout=timeout,
                         say=echo_err, show=click.echo, note=echo_err if verbose else lambda _: None)
        except (BriefError, OSError) as exc:
            echo_err(f"error: {exc}")
            done = False
        if not done:
            code = EXIT_FAILED
    raise SystemExit(code)
