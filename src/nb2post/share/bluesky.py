"""Bluesky: one ``app.bsky.feed.post`` record per post, through the account's PDS (XRPC over HTTP,
https://docs.bsky.app/docs/advanced-guides/posts): link and hashtag facets at UTF-8 byte offsets, and an
``app.bsky.embed.external`` card (Bluesky shows no card the sender does not build) with the page's
title, description and image uploaded as a blob.

The record key is derived from the post's URL, so a second run finds the first run's record
(``getRecord``) and a retry after a crash writes the same record again (``putRecord``), never a second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from .web import ShareError, request

COLLECTION = "app.bsky.feed.post"
THUMB_MAX_BYTES = 1_000_000  # app.bsky.embed.external#external thumb: maxSize 1000000
THUMB_MAX_SIDE = 2000  # pixels: a larger card image is sent smaller (Bluesky's app uploads at most this)
FETCH_MAX_BYTES = 50_000_000  # a card image larger than this is not fetched at all (GitHub warns at 50 MB)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
# Record keys of posts are TIDs: 53 bits of microseconds since 1970 and a 10-bit clock id. Ours take
# their time from the URL's hash within 2023 (a time in the past, which no server questions).
_TID_EPOCH_US = int(dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc).timestamp() * 1_000_000)
_TID_SPAN_US = 365 * 24 * 3600 * 1_000_000
_URL = re.compile(r"https?://[^\s<>\"]+")
_TAG = re.compile(r"(?:^|(?<=\s))[#＃]([^\s#＃]+)")
_TRAILING = ".,;:!?)]}\"'"
NO_PICTURE = "the Bluesky card has no picture"


def record_key(post_url: str) -> str:
    """A TID-shaped record key that is the same on every run sharing ``post_url``."""
    digest = int.from_bytes(hashlib.sha256(f"nb2post\0bluesky\0{post_url}".encode()).digest()[:8], "big")
    micros = _TID_EPOCH_US + (digest >> 10) % _TID_SPAN_US
    value = (micros << 10) | (digest & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def facets(text: str) -> list[dict]:
    """Link facets for each URL and tag facets for each #hashtag, at UTF-8 byte offsets (what the
    network counts in; a character index is wrong after the first é or emoji)."""
    found = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        start = match.start()
        found.append(_facet(text, start, start + len(url), {"$type": "app.bsky.richtext.facet#link", "uri": url}))
    for match in _TAG.finditer(text):
        tag = match.group(1).rstrip(_TRAILING)
        if not tag or tag.isdigit() or len(tag) > 64:
            continue
        start = match.start()
        found.append(_facet(text, start, start + 1 + len(tag), {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    return sorted(found, key=lambda facet: facet["index"]["byteStart"])


def _facet(text: str, start: int, end: int, feature: dict) -> dict:
    index = {"byteStart": _byte_offset(text, start), "byteEnd": _byte_offset(text, end)}
    return {"index": index, "features": [feature]}


def build_record(text: str, card: dict, post_url: str, thumb: dict | None, created_at: str) -> dict:
    external = {"uri": post_url, "title": card.get("title") or post_url, "description": card.get("description") or ""}
    if thumb:
        external["thumb"] = thumb
    return {
        "$type": COLLECTION,
        "text": text,
        "facets": facets(text),
        "embed": {"$type": "app.bsky.embed.external", "external": external},
        "langs": [],
        "createdAt": created_at,
    }


def post_url(handle: str, key: str) -> str:
    return f"https://bsky.app/profile/{handle}/post/{key}"


class Client:
    """One account on one PDS, for one run."""

    def __init__(self, session, service: str, handle: str, timeout: float):
        self.session, self.service, self.handle, self.timeout = session, service, handle, timeout
        self.label = f"Bluesky ({handle})"
        self.did = ""

    def _call(self, method: str, name: str, **options):
        return request(
            self.session,
            method,
            f"{self.service}/xrpc/{name}",
            label=self.label,
            timeout=self.timeout,
            fix_auth="set NB2POST_BLUESKY_APP_PASSWORD to an app password of that account (Settings > Privacy "
            "and security > App passwords) and check the handle in _config.yml",
            **options,
        )

    def log_in(self, password: str) -> None:
        answer = self._call(
            "POST", "com.atproto.server.createSession", json={"identifier": self.handle, "password": password}
        )
        try:
            session = answer.json()
            token, self.did = session["accessJwt"], session["did"]
        except (ValueError, KeyError, TypeError):
            raise ShareError(
                f"{self.label}: the server's answer to the log-in holds no session; check "
                "nb2post: share: bluesky: service: in _config.yml"
            ) from None
        self.session.headers["Authorization"] = f"Bearer {token}"

    def existing(self, key: str) -> dict | None:
        """The record an earlier run wrote under ``key`` ({"uri", "cid", "value"}), or None."""
        answer = self._call(
            "GET",
            "com.atproto.repo.getRecord",
            allow=(400, 404),
            params={"repo": self.did, "collection": COLLECTION, "rkey": key},
        )
        if answer.status_code != 200:
            return None
        try:
            return answer.json()
        except ValueError:
            return None

    def upload_thumb(self, data: bytes, mime: str) -> dict:
        answer = self._call("POST", "com.atproto.repo.uploadBlob", data=data, headers={"Content-Type": mime})
        try:
            return answer.json()["blob"]
        except (ValueError, KeyError, TypeError):
            raise ShareError(f"{self.label}: the answer to the image upload holds no blob") from None

    def put(self, key: str, record: dict) -> dict:
        answer = self._call(
            "POST",
            "com.atproto.repo.putRecord",
            json={"repo": self.did, "collection": COLLECTION, "rkey": key, "record": record},
        )
        try:
            return answer.json()
        except ValueError:
            return {}


def fetch_thumb(image_url: str, timeout: float) -> tuple[bytes | None, str, str, str]:
    """(the card image's bytes, its type, a warning when it is left out, a note when it was resized) from
    the live site. A request of its own: the account's session carries its token, which the blog's server
    must never see. An image over the blob limit is made a JPEG that fits (``fit_thumb``)."""
    import requests

    if not image_url:
        return None, "", "", ""
    try:
        answer = requests.get(image_url, timeout=timeout, stream=True)
        mime = answer.headers.get("Content-Type", "").split(";")[0].strip()
        data = answer.raw.read(FETCH_MAX_BYTES + 1, decode_content=True) if answer.status_code == 200 else b""
        answer.close()
    except requests.RequestException as exc:
        return None, "", f"the card image {image_url} could not be fetched ({type(exc).__name__}): {NO_PICTURE}", ""
    if not data:
        return None, "", f"the card image {image_url} does not answer (HTTP {answer.status_code}): {NO_PICTURE}", ""
    if not mime.startswith("image/"):
        return None, "", f"the card image {image_url} is served as {mime or 'no type'}, not an image: {NO_PICTURE}", ""
    if len(data) <= THUMB_MAX_BYTES:
        return data, mime, "", ""
    if len(data) > FETCH_MAX_BYTES:
        return (
            None,
            "",
            (
                f"the card image {image_url} is over {FETCH_MAX_BYTES:,} bytes: {NO_PICTURE}; set a "
                "smaller image: in the front matter"
            ),
            "",
        )
    fitted, problem = fit_thumb(data)
    if fitted is None:
        return (
            None,
            "",
            (
                f"the card image {image_url} is over Bluesky's {THUMB_MAX_BYTES:,} bytes and {problem}: "
                f"{NO_PICTURE}; set a smaller image: in the front matter"
            ),
            "",
        )
    return (
        fitted,
        "image/jpeg",
        "",
        (
            f"the card image {image_url} ({len(data):,} bytes) was sent as a "
            f"{len(fitted):,}-byte JPEG, to fit Bluesky's {THUMB_MAX_BYTES:,} bytes"
        ),
    )


def fit_thumb(data: bytes) -> tuple[bytes | None, str]:
    """``data`` (an image over THUMB_MAX_BYTES) as a JPEG within it: at most THUMB_MAX_SIDE pixels a side
    (what Bluesky's own app uploads), then lower qualities, then smaller sizes. (None, why) when the image
    cannot be read. Pillow is imported here only: no other command, and no smaller image, needs it."""
    import io
    import warnings

    try:
        from PIL import Image
    except ImportError:
        return None, "Pillow, which shrinks it, is not installed (pip install Pillow)"
    try:
        with warnings.catch_warnings():  # Pillow warns on stderr of a huge image: a reason to refuse it here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                opened.seek(0)  # an animation's first frame
                image = opened.convert("RGBA") if opened.mode in ("RGBA", "LA", "PA", "P") else opened.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return None, f"cannot be read as an image ({type(exc).__name__})"
    if image.mode == "RGBA":  # JPEG has no transparency: on white, as a card shows it
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    scale = min(1.0, THUMB_MAX_SIDE / max(image.size))
    while True:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        resized = image.resize(size, Image.Resampling.LANCZOS) if size != image.size else image
        for quality in (90, 80, 70, 60):
            out = io.BytesIO()
            resized.save(out, "JPEG", quality=quality, optimize=True)
            if out.tell() <= THUMB_MAX_BYTES:
                return out.getvalue(), ""
        if max(size) <= 64:  # pragma: no cover - no JPEG this small is a megabyte
            return None, "cannot be made small enough"
        scale *= 0.75
