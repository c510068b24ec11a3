"""``nb2post: share:`` in ``_config.yml``: which accounts ``nb2post share`` posts to.

    nb2post:
      share:
        mastodon: {instance: https://mastodon.social}
        bluesky: {handle: me.bsky.social, service: https://bsky.social}   # service: the account's PDS

Credentials never live here: they come from the environment (``TOKEN_VARIABLES``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_VARIABLES = {"mastodon": "NB2POST_MASTODON_TOKEN", "bluesky": "NB2POST_BLUESKY_APP_PASSWORD"}
BLUESKY_SERVICE = "https://bsky.social"
_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?/?")
_HANDLE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_KEYS = {"mastodon": {"instance"}, "bluesky": {"handle", "service"}}


@dataclass(frozen=True)
class Account:
    channel: str  # "mastodon" or "bluesky": the brief's channel id and text kind
    label: str  # as a person names it
    server: str  # the Mastodon instance or the Bluesky PDS, "https://host" without a trailing slash
    handle: str = ""  # Bluesky only

    @property
    def token_variable(self) -> str:
        return TOKEN_VARIABLES[self.channel]


def accounts(section: dict | None, where: str) -> list[Account]:
    """The accounts ``nb2post: share:`` names, checked; ConfigError (one line) for anything else."""
    from ..jekyll.config import ConfigError

    share = (section or {}).get("share")
    if share is None:
        return []
    prefix = f"{where}: nb2post: share:"
    if not isinstance(share, dict) or set(share) - set(_KEYS):
        raise ConfigError(
            f"{prefix} may hold only 'mastodon:' and 'bluesky:' (e.g. mastodon: {{instance: https://mastodon.social}})"
        )
    found = []
    for channel, allowed in _KEYS.items():
        entry = share.get(channel)
        if entry is None:
            continue
        if not isinstance(entry, dict) or set(entry) - allowed:
            raise ConfigError(f"{prefix} {channel}: may hold only {', '.join(sorted(allowed))}")
        if channel == "mastodon":
            instance = _server(entry.get("instance"), f"{prefix} mastodon: instance:")
            found.append(Account("mastodon", "Mastodon", instance))
        else:
            handle = str(entry.get("handle") or "").strip().lstrip("@")
            if not _HANDLE.fullmatch(handle):
                raise ConfigError(
                    f"{prefix} bluesky: handle: {entry.get('handle')!r} is no Bluesky handle (e.g. me.bsky.social)"
                )
            service = _server(entry.get("service") or BLUESKY_SERVICE, f"{prefix} bluesky: service:")
            found.append(Account("bluesky", "Bluesky", service, handle.lower()))
    return found


def _server(value, where: str) -> str:
    from ..jekyll.config import ConfigError

    text = str(value or "").strip()
    if not _HTTP_URL.fullmatch(text):
        raise ConfigError(f"{where} {value!r} must be the server's address, e.g. https://mastodon.social")
    return text.rstrip("/")
