"""``nb2post share``."""

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
    site_option,
    verbose_option,
)

MAX_NEW_POSTS = 5  # --new shares no more at once unless told: a first run over an imported blog would post them all


@click.command(
    "share",
    short_help="Post a post to Mastodon and Bluesky once it is live, once, and record where.",
    epilog=epilog(
        [
            ("nb2post share _posts/2024-05-01-x.md --dry-run", "show what each channel would get"),
            ("nb2post share _notebooks/2024-05-01-x.ipynb", "wait for the page, post, record in _briefs/"),
            ("nb2post share --new", "the posts of the newest commit that added posts (after nb2post publish)"),
            (
                "nb2post share --new --since origin/main@{1}",
                "the posts added after that commit (what a push published)",
            ),
        ],
        "Settings: nb2post: share: {mastodon: {instance: URL}, bluesky: {handle: H, service: URL}} in "
        "_config.yml; secrets from NB2POST_MASTODON_TOKEN and NB2POST_BLUESKY_APP_PASSWORD only.\n\n"
        "--new picks the posts by git history: posts added (not renamed, not edited) in the posts folder "
        "by the commits after --since REV, or without --since by the newest commit that added any; then, "
        "like a named post, each channel its ledger records already is skipped. The Pages workflow of "
        "nb2post init --deploy pages runs it with --since the push's previous commit.\n\n"
        "0: also when posted before, as the brief's ledger says, or when --new finds no post; 1: a channel "
        "failed, a text is over its limit, or the page never went live (the channels that worked are "
        "recorded); 2: bad settings, a post that does not exist, --since no commit, or more new posts "
        "than --max-posts (nothing posted).",
    ),
)
@click.argument("targets", nargs=-1, metavar="[POST_OR_NOTEBOOK...]", type=click.Path(path_type=Path))
@site_option
@config_option
@click.option(
    "--new", "new", is_flag=True, help="Share the posts that commits added (see below) instead of named ones."
)
@click.option(
    "--since", metavar="REV", help="With --new: share the posts added after this commit (e.g. a push's previous tip)."
)
@click.option(
    "--max-posts",
    type=click.IntRange(min=1),
    default=MAX_NEW_POSTS,
    show_default=True,
    help="With --new: when more posts are new than this, share none and say so (exit 2).",
)
@click.option(
    "--dry-run", is_flag=True, help="Print what each channel would receive, counted against its limit; post nothing."
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds to wait for the post's page to answer HTTP 200 with its og: tags.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each answer of Mastodon or Bluesky.",
)
@verbose_option("Also print notes (e.g. a Bluesky post an interrupted run made, found and recorded).")
def command(targets, site, config_files, new, since, max_posts, dry_run, wait, timeout, verbose):
    """Post each post (or the post made from each notebook), or with --new the posts commits added, to
    the channels in nb2post: share:, with the text its brief wrote for each; skip a channel its brief's
    ledger already records, and record each new post's link and time there (in _briefs/<slug>.md and
    .json)."""
    from ..diagnostics import Reporter
    from ..jekyll.config import load
    from ..share.brief import BriefError
    from ..share.post import share
    from ..share.settings import accounts
    from ..site import Site
    from .brief import resolve_post

    if bool(targets) == new:
        fail("name the posts to share, or pass --new for the posts commits added (not both)", EXIT_USAGE)
    if since is not None and not new:
        fail("--since goes with --new", EXIT_USAGE)
    site = locate_site(site, targets)
    missing = [f"{target}: no such file" for target in targets if not target.exists()]
    if missing:  # as brief: a wrong name is a usage error, and nothing is posted
        fail("; ".join(missing), EXIT_USAGE)
    settings = load(site, config_files=config_files)
    where = ", ".join(settings.config_files) or str(site / "_config.yml")
    chosen = accounts(settings.raw, where)
    if not chosen:
        fail(
            f"{where} names no account to share to: add nb2post: share: mastodon: {{instance: "
            "https://mastodon.social} and/or bluesky: {handle: you.bsky.social}",
            EXIT_USAGE,
        )
    site_object = Site(settings)
    said = Reporter()
    if new:
        targets = _new_posts(site_object.posts_dir, since, max_posts)
        if not targets:
            echo_err(
                f"no new posts in {site_object.posts_dir}" + (f" since {since}" if since else "") + ": nothing to share"
            )
            raise SystemExit(EXIT_OK)
    code = EXIT_OK
    for target in targets:
        try:
            post_path = resolve_post(target, site, site_object)
            done = share(
                site,
                post_path,
                chosen,
                dry_run=dry_run,
                wait=wait,
                timeout=timeout,
                say=echo_err,
                show=click.echo,
                note=echo_err if verbose else lambda _: None,
                settings=settings,
            )
        except (BriefError, OSError) as exc:  # that post failed; the others are shared
            said.error(str(exc))
            done = False
        if not done:
            code = EXIT_FAILED
    raise SystemExit(code)


def _new_posts(posts_dir: Path, since: str | None, max_posts: int) -> list[Path]:
    """The posts --new shares (those that still exist), or exit 2 with the reason."""
    from ..gitrepo import GitError, posts_added

    try:
        found = [path for path in posts_added(posts_dir, since) if path.is_file()]
    except GitError as exc:
        fix = " (a shallow clone lacks it: check out with fetch-depth: 0)" if since else ""
        fail(f"--new: {exc}{fix}; share named posts instead", EXIT_USAGE)
    if len(found) > max_posts:
        fail(
            f"--new: {len(found)} posts are new ({', '.join(p.name for p in found[:3])}, ...), more than "
            f"--max-posts {max_posts}: name the ones to share, or raise --max-posts",
            EXIT_USAGE,
        )
    return found
