"""Mastodon: the instance's own text limit (``GET /api/v1/instance``) and one status per post
(``POST /api/v1/statuses``, https://docs.joinmastodon.org/methods/statuses/#create). The card is the
instance's: it reads the page's og: tags, so the status carries only the text (with the link)."""

from __future__ import annotations

import hashlib

from .web import ShareError, request

DEFAULT_LIMIT = 500  # Mastodon's own default, for an instance that does not say


def idempotency_key(post_url: str) -> str:
    """The same for every run that shares this post: Mastodon answers a repeated key with the status it
    made the first time (for about an hour), so a crash before the ledger is written cannot post twice."""
    return hashlib.sha256(f"nb2post\0mastodon\0{post_url}".encode()).hexdigest()


def text_limit(session, instance: str, timeout: float) -> tuple[int, str]:
    """(the instance's max characters per status, a note when it could not tell)."""
    try:
        answer = request(
            session, "GET", f"{instance}/api/v1/instance", label=f"Mastodon ({instance})", fix_auth="", timeout=timeout
        )
        limit = answer.json()["configuration"]["statuses"]["max_characters"]
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            return limit, ""
    except (ShareError, ValueError, KeyError, TypeError) as exc:
        reason = str(exc) if isinstance(exc, ShareError) else "no configuration.statuses.max_characters in its answer"
        return DEFAULT_LIMIT, f"{reason}; counted against Mastodon's default {DEFAULT_LIMIT}"
    return DEFAULT_LIMIT, f"Mastodon ({instance}) names no text limit; counted against the default {DEFAULT_LIMIT}"


def post_status(session, instance: str, token: str, text: str, post_url: str, timeout: float) -> dict:
    """Post ``text`` as a public status: {"url", "id"}. ShareError (one line) when it fails."""
    answer = request(
        session,
        "POST",
        f"{instance}/api/v1/statuses",
        label=f"Mastodon ({instance})",
        fix_auth="set NB2POST_MASTODON_TOKEN to an access token of that account with the write:statuses scope "
        "(Preferences > Development > New application)",
        timeout=timeout,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": idempotency_key(post_url)},
        data={"status": text, "visibility": "public"},
    )
    try:
        status = answer.json()
        return {"url": str(status.get("url") or status.get("uri") or ""), "id": str(status["id"])}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ShareError(
            f"Mastodon ({instance}): the answer to the post names no status id; look at the account "
            "before running it again"
        ) from None
