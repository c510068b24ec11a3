"""Share one post: its brief's text per channel, counted against each channel's limit; with
``dry_run`` only shown, otherwise posted once the page is live, each channel on its own (one failing
leaves the others posted) and recorded in the ledger before the next."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .settings import Account
from .web import ShareError

# Test hook, for the end-to-end test only: kill the process (SIGKILL, nothing cleaned up) right after
# the named channel answered and before the ledger is written: the crash "never twice" must survive.
KILL_AFTER_POST = "NB2POST_TEST_KILL_AFTER_POST"


@dataclass
class Plan:
    account: Account
    text: str
    count: int
    limit: int
    counted_as: str
    notes: list
    recorded: dict | None  # the ledger's entry: posted already

    @property
    def fits(self) -> bool:
        return bool(self.text.strip()) and self.count <= self.limit


def load_brief(site: Path, post_path: Path, settings=None) -> tuple[dict, Path, Path]:
    """The post's brief (written first, as ``nb2post brief`` writes it, when there is none)."""
    from .brief import brief_paths, write_brief

    markdown_path, json_path = brief_paths(site, post_path)
    if not json_path.is_file():
        write_brief(site, post_path, settings)
    return json.loads(json_path.read_text(encoding="utf-8")), markdown_path, json_path


def plans(
    brief: dict, accounts: list[Account], markdown_path: Path, json_path: Path, session, timeout: float
) -> list[Plan]:
    from . import ledger, mastodon
    from .describe import BLUESKY, MASTODON

    variants = {variant["channel"]: variant for variant in brief["description"]["variants"]}
    recorded = ledger.Ledger(markdown_path, json_path).recorded
    found = []
    for account in accounts:
        variant = variants.get(account.channel) or {}
        text = str(variant.get("text") or brief["description"]["full"])
        notes: list[str] = []
        if account.channel == "mastodon":
            limit, note = mastodon.text_limit(session, account.server, timeout)
            notes += [note] if note else []
            count, counted_as = MASTODON.count(text), MASTODON.counted_as
        else:
            limit, count, counted_as = BLUESKY.limit, BLUESKY.count(text), BLUESKY.counted_as
        found.append(Plan(account, text, count, limit, counted_as, notes, recorded(account.channel)))
    return found


def describe_plan(plan: Plan, brief: dict) -> str:
    """What the channel would receive, for --dry-run."""
    account = plan.account
    where = account.server if account.channel == "mastodon" else f"@{account.handle} on {account.server}"
    verdict = "fits" if plan.fits else "OVER THE LIMIT: shorten the post's description"
    lines = [f"== {account.label} ({where}): {plan.count}/{plan.limit} {plan.counted_as}; {verdict}"]
    if plan.recorded:
        when = plan.recorded.get("posted_when") or "time not recorded"
        lines.append(f"   already posted: {plan.recorded['posted_where']} ({when}); skipped")
    lines.append(plan.text)
    card = brief.get("card") or {}
    if account.channel == "bluesky":
        from .bluesky import facets

        tags = [f["features"][0].get("tag") or f["features"][0].get("uri") for f in facets(plan.text)]
        lines.append(f"   links and tags: {', '.join(tags) or 'none'}")
        image = card.get("image_url") or "no image"
        lines.append(f"   link card: {card.get('title') or brief['url']!r}, {card.get('description') or ''!r}, {image}")
    else:
        lines.append("   link card: the instance's, from the page's og: tags")
    lines.extend(f"   note: {note}" for note in plan.notes)
    return "\n".join(lines)


def wait_for_page(url: str, card: dict, wait: float) -> str:
    """ "" once ``url`` answers 200 with its og: tags, else the line saying why not."""
    from .brief import check_card, wait_until_live

    live, message = wait_until_live(url, wait)
    if not live:
        return message.replace("with a longer --timeout", "with a longer --wait")
    card_check = check_card(url, card)
    return "; ".join(card_check.faults)


def post_to(
    plan: Plan, brief: dict, secret: str, timeout: float, say: Callable[[str], None], note: Callable[[str], None]
) -> dict:
    """Post to one channel: {"url", "id"}. ShareError when it fails."""
    name = brief.get("post") or brief["url"]
    import requests

    from . import bluesky, mastodon
    from .ledger import now

    account, url = plan.account, brief["url"]
    with requests.Session() as session:
        session.headers["User-Agent"] = "nb2post share"
        if account.channel == "mastodon":
            return mastodon.post_status(session, account.server, secret, plan.text, url, timeout)
        client = bluesky.Client(session, account.server, account.handle, timeout)
        client.log_in(secret)
        key = bluesky.record_key(url)
        earlier = client.existing(key)
        if earlier:
            note(
                f"note: {name}: {account.label}: found the record an earlier run made ({earlier.get('uri')}); recording it"
            )
            return {"url": bluesky.post_url(account.handle, key), "id": str(earlier.get("uri") or "")}
        card = brief.get("card") or {}
        data, mime, left_out, resized = bluesky.fetch_thumb(card.get("image_url") or "", timeout)
        if left_out:
            say(f"warning: {name}: {account.label}: {left_out}")
        if resized:
            note(f"note: {name}: {account.label}: {resized}")
        thumb = client.upload_thumb(data, mime) if data else None
        answer = client.put(key, bluesky.build_record(plan.text, card, url, thumb, now()))
        uri = answer.get("uri") or f"at://{client.did}/{bluesky.COLLECTION}/{key}"
        return {"url": bluesky.post_url(account.handle, key), "id": str(uri)}


def share(
    site: Path,
    post_path: Path,
    accounts: list[Account],
    *,
    dry_run: bool,
    wait: float,
    timeout: float,
    say: Callable[[str], None],
    show: Callable[[str], None],
    note: Callable[[str], None] = lambda _: None,
    environ=None,
    settings=None,
) -> bool:
    """Share one post; False when something failed (each failure said in one line through ``say``;
    ``show`` prints the dry run, ``note`` what -v adds)."""
    import requests

    from . import ledger

    environ = os.environ if environ is None else environ
    brief, markdown_path, json_path = load_brief(site, post_path, settings)
    name = brief.get("post") or str(post_path)
    with requests.Session() as session:
        found = plans(brief, accounts, markdown_path, json_path, session, timeout)
    if dry_run:
        show(f"{name}: {brief['url']}")
        for plan in found:
            show(describe_plan(plan, brief))
        return all(plan.fits or plan.recorded for plan in found)
    ok = True
    pending = []
    for plan in found:
        if plan.recorded:
            say(f"{name}: {plan.account.label}: already posted ({plan.recorded['posted_where']}); skipped")
        elif not plan.fits:
            say(
                f"error: {name}: {plan.account.label}: the text is {plan.count}/{plan.limit} {plan.counted_as}; "
                "shorten the post's description and write its brief again"
            )
            ok = False
        elif not environ.get(plan.account.token_variable):
            say(
                f"error: {name}: {plan.account.label}: {plan.account.token_variable} is not set; export it "
                "(a CI secret in a workflow) and run it again"
            )
            ok = False
        else:
            pending.append(plan)
    if not pending:
        return ok
    problem = wait_for_page(brief["url"], brief.get("card") or {}, wait)
    if problem:
        say(f"error: {name}: not shared: {problem}")
        return False
    for plan in pending:
        try:
            result = post_to(plan, brief, environ[plan.account.token_variable], timeout, say, note)
        except ShareError as exc:
            say(f"error: {name}: {exc}")
            ok = False
            continue
        if environ.get(KILL_AFTER_POST) == plan.account.channel:
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        try:
            ledger.record(
                site,
                markdown_path,
                json_path,
                plan.account.channel,
                plan.account.label,
                result["url"],
                result["id"],
                ledger.now(),
            )
        except (OSError, ValueError) as exc:
            say(
                f"error: {name}: posted to {plan.account.label} ({result['url']}) but could not record it in "
                f"{markdown_path.name} ({type(exc).__name__}): fill in its Posted where/when by hand"
            )
            ok = False
            continue
        say(f"{name}: posted to {plan.account.label}: {result['url']}")
    return ok
