"""``nb2post brief``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..diagnostics import ERROR, NOTE, WARNING, Diagnostic
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
    settings_errors,
    site_option,
    verbose_option,
)


def resolve_post(target: Path, site: Path, site_object) -> Path:
    """A post path as given, or the post made from a notebook (found through the posts' marker lines)."""
    from ..convert import notebook_key
    from ..share.brief import BriefError

    if target.suffix.lower() != ".ipynb":
        return target
    key = notebook_key(target, site, site_object.settings.facts)
    found = site_object.posts_by_source().get(key)
    if found is None:
        raise BriefError(
            f"{target}: no post in {site_object.posts_dir} was made from this notebook; "
            f"run 'nb2post convert {target}' first"
        )
    return found[0]


@click.command(
    "brief",
    short_help="Write a post's share brief: URL, description, where to share it.",
    epilog=epilog(
        [
            ("nb2post brief _notebooks/2024-05-01-x.ipynb", "the brief of the post made from it"),
            ("nb2post brief _posts/2024-05-01-x.md --check-live", "then wait for its URL to answer"),
        ],
        "1: a brief failed, a URL did not answer in time, or (with --strict-card) its preview card "
        "is broken: no og:title or twitter:card tag, or an og:image that does not answer.",
    ),
)
@click.argument("targets", nargs=-1, required=True, metavar="POST_OR_NOTEBOOK...", type=click.Path(path_type=Path))
@site_option
@config_option
@click.option(
    "--check-live",
    is_flag=True,
    help="Then poll each post's URL until it answers HTTP 200 and check its preview card: the og:/twitter: "
    "tags and that the og:image answers HTTP 200.",
)
@click.option(
    "--strict-card",
    is_flag=True,
    help="With --check-live, a broken preview card fails the command (exit 1) instead of a warning. A post that "
    "is live stays a success by default: a deploy job should not fail because a theme writes no og: tags.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds --check-live waits for each URL.",
)
@quiet_option("Print errors and the briefs' paths only.")
@verbose_option(
    "Also print each brief's notes (what to fix before sharing) and, with --check-live, what the card "
    "check found in order (its og:title, its og:image answering)."
)
def command(targets, site, config_files, check_live, strict_card, timeout, quiet, verbose):
    """Write the share brief of each post (or of the post made from each notebook): the post's URL, a
    description that fits X/Twitter, Mastodon and Bluesky, and a checklist of where to share it, as
    SITE/_briefs/<slug>.md and .json. What you recorded in the checklist is kept on rewrites.
    """
    from ..diagnostics import Reporter
    from ..jekyll.config import load
    from ..share.brief import BriefError, check_card, wait_until_live, write_brief
    from ..share.channels import NotebookFacts, choose
    from ..site import Site

    site = locate_site(site, targets)
    missing = [f"{target}: no such file" for target in targets if not target.exists()]
    if missing:  # a wrong name is a usage error, as for convert and check: no brief is written
        fail("; ".join(missing), EXIT_USAGE)
    with settings_errors():
        settings = load(site, config_files=config_files)
        choose(NotebookFacts(), settings.raw, str(site / "_config.yml"))  # a broken channel setting stops us early
    if check_live:
        from ..jekyll.urls import absolute_url

        if not absolute_url(settings.site_config, "/").startswith(("http://", "https://")):
            fail(
                f"--check-live needs the site's address: set 'url:' in {site / '_config.yml'} (e.g. "
                "https://you.github.io)",
                EXIT_USAGE,
            )
    site_object = Site(settings)
    said = Reporter(quiet, verbose)
    code = EXIT_OK
    urls: list[tuple[str, dict]] = []
    for target in targets:
        try:
            post_path = resolve_post(target, site, site_object)
            written = write_brief(site, post_path, settings)
        except (BriefError, OSError) as exc:  # that post failed; the others are briefed
            said.error(str(exc))
            code = EXIT_FAILED
            continue
        brief = json.loads(written[1].read_text(encoding="utf-8"))
        url = brief["url"]
        if not quiet:
            echo_err(f"wrote {', '.join(relative(p, site) for p in written)} for {url}")
        if verbose and not quiet:
            for note in brief.get("warnings", []):
                echo_err(f"  note: {note}")
        _card_messages(brief.get("card") or {}, relative(post_path, site), said)
        click.echo(relative(written[0], site))
        urls.append((url, brief.get("card") or {}))
    if check_live:
        for url, card in urls:
            if not quiet:
                echo_err(f"waiting up to {timeout:g} s for {url} ...")
            live, message = wait_until_live(url, timeout)
            if live:
                echo_err(message)
            else:
                said.error(message)
                code = EXIT_FAILED
                continue
            card_check = check_card(url, card)
            problem = ERROR if strict_card and not card_check.ok else WARNING
            for finding in card_check.findings:
                said.report(Diagnostic(problem, finding))
            for fact in card_check.facts:  # what is right with the card is worth knowing (-v), not worth a warning
                said.note(fact)
            if not card_check.ok and strict_card:
                code = EXIT_FAILED
    raise SystemExit(code)


def _card_messages(card: dict, post: str, said) -> None:
    """The preview card's notes: a warning each for a problem that leaves a channel without the image
    (the brief cannot be shared as is), a note each (with -v) for the rest, which are advice."""
    problems = card.get("problems") or []
    for text in card.get("notes") or []:
        said.report(Diagnostic(WARNING if text in problems else NOTE, f"{post}: preview card: {text}"))
