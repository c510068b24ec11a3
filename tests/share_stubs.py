"""STUBS of the two networks' HTTP APIs, for tests/test_share.py, on 127.0.0.1 in a thread.

No Mastodon server can be installed here; Bluesky's reference PDS runs (tests/pds_server.mjs) but cannot
be made to fail on cue. So each stub answers the documented endpoints nb2post share uses, the way the
real servers do, checks what it is sent, and gives the faults a test queues:

- MastodonStub: GET /api/v1/instance (configuration.statuses.max_characters), POST /api/v1/statuses
  with a Bearer token, honouring Idempotency-Key (a repeated key returns the first status, as Mastodon
  does), and answers queued by a test (401, 422, 429 with Retry-After, 5xx, a slow answer).
- BlueskyStub (a PDS's XRPC): com.atproto.server.createSession, com.atproto.repo.getRecord,
  uploadBlob and putRecord; putRecord validates the app.bsky.feed.post record as the PDS's lexicon
  does (TID record key, text <= 300 graphemes / 3000 bytes, each facet's byte range naming exactly its
  link or #tag, the external embed, a thumb that is a blob uploaded before, <= 1,000,000 bytes).
"""
from __future__ import annotations

import hashlib
import http.server
import json
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

import regex

TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


class _Stub:
    """A server in a thread; ``queued`` holds (status, headers, body, delay) answers to give first."""

    def __init__(self):
        self.queued: list[tuple[int, dict, dict, float]] = []
        self.requests: list[dict] = []  # every request: path, headers, body (for the secret grep)
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                stub.requests.append({"method": method, "path": parts.path, "headers": dict(self.headers), "body": body})
                if stub.queued and parts.path in stub.queued_paths:
                    status, headers, answer, delay = stub.queued.pop(0)
                    time.sleep(delay)
                    if status:
                        return self._answer(status, answer, headers)
                status, answer, *headers = stub.route(method, parts.path, parse_qs(parts.query), self.headers, body)
                self._answer(status, answer, headers[0] if headers else None)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.queued_paths: tuple = ()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def queue(self, path: str, status: int, body: dict | None = None, headers: dict | None = None, delay: float = 0.0):
        """Answer the next request to ``path`` so (status 0: only the delay, then the normal answer)."""
        self.queued_paths = (*self.queued_paths, path)
        self.queued.append((status, headers or {}, body or {}, delay))


class MastodonStub(_Stub):
    def __init__(self, token: str, max_characters: int = 500):
        super().__init__()
        self.token, self.max_characters = token, max_characters
        self.statuses: list[dict] = []
        self.by_key: dict[str, dict] = {}

    def route(self, method, path, query, headers, body):
        if method == "GET" and path == "/api/v1/instance":
            return 200, {"uri": "stub", "configuration": {"statuses": {"max_characters": self.max_characters}}}
        if method == "POST" and path == "/api/v1/statuses":
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": "The access token is invalid"}
            key = headers.get("Idempotency-Key")
            if key and key in self.by_key:
                return 200, self.by_key[key]
            text = parse_qs(body.decode("utf-8"))["status"][0]
            if len(text) > self.max_characters:
                return 422, {"error": "Validation failed: Text character limit of 500 exceeded"}
            status = {"id": str(100 + len(self.statuses)), "url": f"{self.url}/@me/{100 + len(self.statuses)}",
                      "content": text, "visibility": parse_qs(body.decode())["visibility"][0]}
            self.statuses.append(status)
            if key:
                self.by_key[key] = status
            return 200, status
        return 404, {"error": "Record not found"}


class BlueskyStub(_Stub):
    def __init__(self, handle: str, password: str):
        super().__init__()
        self.handle, self.password = handle, password
        self.did = "did:plc:stubstubstubstub"
        self.jwt = "stub-access-jwt-" + hashlib.sha256(password.encode()).hexdigest()[:16]
        self.records: dict[str, dict] = {}
        self.blobs: dict[str, dict] = {}
        self.put_count = 0

    def _authorised(self, headers) -> bool:
        return headers.get("Authorization") == f"Bearer {self.jwt}"

    def route(self, method, path, query, headers, body):
        name = path.removeprefix("/xrpc/")
        if name == "com.atproto.server.createSession":
            data = json.loads(body)
            if data.get("identifier") != self.handle or data.get("password") != self.password:
                return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            return 200, {"accessJwt": self.jwt, "refreshJwt": "r", "did": self.did, "handle": self.handle}
        if name == "com.atproto.repo.getRecord":
            key = query.get("rkey", [""])[0]
            if query.get("repo", [""])[0] != self.did or key not in self.records:
                return 400, {"error": "RecordNotFound", "message": "Could not locate record"}
            return 200, {"uri": self._uri(key), "cid": "bafystub", "value": self.records[key]}
        if not self._authorised(headers):
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
        if name == "com.atproto.repo.uploadBlob":
            if len(body) > 1_000_000:
                return 400, {"error": "BlobTooLarge", "message": "This file is too large"}
            cid = "bafkrei" + hashlib.sha256(body).hexdigest()[:40]
            blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": headers.get("Content-Type"), "size": len(body)}
            self.blobs[cid] = {"blob": blob, "data": body}
            return 200, {"blob": blob}
        if name == "com.atproto.repo.putRecord":
            data = json.loads(body)
            problem = self.invalid(data)
            if problem:
                return 400, {"error": "InvalidRecord", "message": problem}
            self.put_count += 1
            self.records[data["rkey"]] = data["record"]
            return 200, {"uri": self._uri(data["rkey"]), "cid": "bafystub"}
        return 501, {"error": "MethodNotImplemented"}

    def _uri(self, key: str) -> str:
        return f"at://{self.did}/app.bsky.feed.post/{key}"

    def invalid(self, data: dict) -> str:
        """What the PDS's lexicon validation would reject in a putRecord, or ""."""
        if data.get("repo") != self.did or data.get("collection") != "app.bsky.feed.post":
            return "wrong repo or collection"
        if not TID.fullmatch(str(data.get("rkey"))):
            return f"Invalid TID: {data.get('rkey')}"
        record = data.get("record") or {}
        text = record.get("text")
        if record.get("$type") != "app.bsky.feed.post" or not isinstance(text, str) or not record.get("createdAt"):
            return "Record/$type, text and createdAt are required"
        if len(regex.findall(r"\X", text)) > 300 or len(text.encode()) > 3000:
            return "Record/text must not be longer than 300 graphemes"
        raw = text.encode("utf-8")
        for facet in record.get("facets") or []:
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if not 0 <= start < end <= len(raw):
                return f"facet out of range: {facet}"
            try:
                piece = raw[start:end].decode("utf-8")
            except UnicodeDecodeError:
                return f"facet cuts a character: {facet}"
            feature = facet["features"][0]
            kind = feature.get("$type")
            if kind == "app.bsky.richtext.facet#link" and piece != feature.get("uri"):
                return f"link facet spans {piece!r}, not {feature.get('uri')!r}"
            if kind == "app.bsky.richtext.facet#tag" and piece != "#" + str(feature.get("tag")):
                return f"tag facet spans {piece!r}, not #{feature.get('tag')}"
            if kind not in ("app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"):
                return f"unknown facet feature {kind}"
        embed = record.get("embed")
        if embed is not None:
            external = embed.get("external") or {}
            if embed.get("$type") != "app.bsky.embed.external" or not all(
                isinstance(external.get(k), str) for k in ("uri", "title", "description")
            ):
                return "Record/embed/external must have uri, title and description"
            thumb = external.get("thumb")
            if thumb is not None:
                link = (thumb.get("ref") or {}).get("$link")
                if thumb.get("$type") != "blob" or link not in self.blobs or thumb.get("size", 0) > 1_000_000:
                    return "Record/embed/external/thumb must be a blob uploaded first, at most 1000000 bytes"
        return ""
