"""Every request ``nb2post share`` makes, and what a failure says: one line naming the channel and
what to do. A credential is only ever in a request header: no message, exception or log line is
built from a header, a request body or an exception's text (which may quote the request)."""

from __future__ import annotations

import time

from ..diagnostics import Nb2postError

# Retry-After a server may ask for and still be waited out; longer, the channel fails with the time
RETRY_AFTER_BOUND = 60.0
RETRIES = 2


class ShareError(Nb2postError):
    """One channel of one post could not be posted; ``str()`` is the line to print (no secrets)."""


def _retry_after(answer) -> float | None:
    value = (answer.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    if value:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
    return None


def _server_says(answer) -> str:
    """The server's own reason from a JSON error body (Mastodon's ``error``, XRPC's ``message``), short."""
    try:
        body = answer.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    reason = str(body.get("error_description") or body.get("message") or body.get("error") or "")
    reason = " ".join(reason.split())
    return f": {reason[:200]}" if reason else ""


def request(session, method: str, url: str, *, label: str, fix_auth: str, timeout: float, allow=(), **options):
    """``session.request`` that returns a 2xx answer or raises ShareError with the line to print.

    ``label`` names the channel ("Mastodon (https://mastodon.social)"), ``fix_auth`` what to do
    about a 401/403; statuses in ``allow`` are returned as well. 429 and 503 with a Retry-After
    within RETRY_AFTER_BOUND are waited out."""
    import requests

    for attempt in range(RETRIES + 1):
        try:
            answer = session.request(method, url, timeout=timeout, **options)
        except requests.Timeout:
            raise ShareError(f"{label}: no answer within {timeout:g} s; nothing recorded, run it again later") from None
        except requests.RequestException as exc:
            raise ShareError(
                f"{label}: cannot reach the server ({type(exc).__name__}); check the address in _config.yml "
                "and the network, then run it again"
            ) from None
        status = answer.status_code
        if status < 300 or status in allow:
            return answer
        wait = _retry_after(answer) if status in (429, 503) else None
        if wait is not None and wait <= RETRY_AFTER_BOUND and attempt < RETRIES:
            time.sleep(wait)
            continue
        if status in (401, 403):
            says = _server_says(answer)
            raise ShareError(f"{label}: the server refused the credentials (HTTP {status}{says}); {fix_auth}")
        if status == 429:
            later = f"after {wait:.0f} s" if wait is not None else "later"
            raise ShareError(f"{label}: rate limited (HTTP 429); nothing recorded, run it again {later}")
        if status >= 500:
            raise ShareError(f"{label}: server error (HTTP {status}); nothing recorded, run it again later")
        raise ShareError(
            f"{label}: the server rejected the post (HTTP {status}{_server_says(answer)}); "
            "fix the text in the post's description and run it again"
        )
    raise AssertionError("unreachable")  # pragma: no cover
