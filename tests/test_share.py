"""nb2post share: posts once, to Bluesky's reference PDS (@atproto/dev-env, run by tests/pds_server.mjs)
and a Mastodon STUB (no Mastodon server installs here; tests/share_stubs.py), from a real converted site
built by Jekyll and served on 127.0.0.1; the ledger in the brief; failures contained to their channel
(a Bluesky STUB for the server faults a real PDS cannot be made to give); credentials never written or
printed."""
from __future__ import annotations

import functools
import http.server
import itertools
import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import cell, free_port, jekyll_build, make_site, run_cli, write_notebook
from share_stubs import TID, BlueskyStub, MastodonStub
from test_brief import _png

from nb2post.jekyll.config import load
from nb2post.convert import convert

MASTODON_TOKEN = "mtok-SECRET-5f1e2d3c4b5a69788796a5b4c3d2e1f0"
BLUESKY_PASSWORD = "bsky-SECRET-abcd-efgh-ijkl"
HANDLE = "me.bsky.social"
TITLE = "Café ☕ models: 日本語 notes 🚀"
CELLS = [
    cell("markdown", f"# {TITLE}\n> Training a naïve model, fast 😀 — and shipping it.\n"
                     "- categories: [deep learning, données]"),
    cell("code", "import numpy as np\nprint(np.arange(3))"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A minima site (jekyll-seo-tag writes the og: tags) with one post, built by Jekyll and served on
    127.0.0.1 for the whole module; plus a second, large card image beside the first."""
    port = free_port()
    site = make_site(tmp_path_factory.mktemp("share") / "site", strict=False,
                     extra_config=f"url: http://127.0.0.1:{port}\n")
    (site / "assets").mkdir()
    (site / "assets" / "card.png").write_bytes(_png(1200, 630))
    (site / "assets" / "huge.png").write_bytes(_png(2400, 1260, noisy=True))  # 9 MB of noise: no JPEG keeps it whole
    for name, image in (("2024-03-01-cafe.ipynb", "/assets/card.png"), ("2024-03-02-huge.ipynb", "/assets/huge.png")):
        notebook = write_notebook(site / "_notebooks" / name, CELLS, nb2post={"image": image})
        outcomes, problems = convert([notebook], load(site))
        assert not problems and outcomes[0].status == "written", outcomes[0].error
    out = jekyll_build(site)
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield site, port
    server.shutdown()
    server.server_close()


ATPROTO_DIR = Path(os.environ.get("NB2POST_ATPROTO_DIR") or Path.home() / ".cache" / "nb2post-tests" / "atproto")


class ReferencePds:
    """Bluesky's reference PDS and a PLC directory (@atproto/dev-env) in a node process of the test's own."""

    def __init__(self, process: subprocess.Popen, url: str):
        self.process, self.url, self.lines = process, url, queue.Queue()
        self.numbers = itertools.count(1)
        threading.Thread(target=lambda: [self.lines.put(line) for line in process.stdout], daemon=True).start()

    @staticmethod
    def start(log: Path) -> "ReferencePds":
        if shutil.which("node") is None or not (ATPROTO_DIR / "node_modules" / "@atproto" / "dev-env").is_dir():
            pytest.fail(f"Bluesky's reference PDS is not installed in {ATPROTO_DIR}: run the README's test command "
                        "(scripts/test.sh), which npm-installs @atproto/dev-env there")
        process = subprocess.Popen(
            ["node", str(Path(__file__).with_name("pds_server.mjs"))], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=log.open("wb"), text=True, env={**os.environ, "ATPROTO_DIR": str(ATPROTO_DIR)},
        )
        pds = ReferencePds(process, "")
        pds.url = pds._answer()["url"]
        return pds

    def _answer(self) -> dict:
        try:
            return json.loads(self.lines.get(timeout=120))
        except queue.Empty:
            pytest.fail("the reference PDS said nothing within 120 s")

    def account(self) -> dict:
        """A new account {did, handle, appPassword}: each test its own, as each posts the same URL."""
        self.process.stdin.write(f"share{next(self.numbers)}.test\n")
        self.process.stdin.flush()
        answer = self._answer()
        assert "error" not in answer, answer["error"]
        return answer

    def records(self, did: str) -> list[dict]:
        import requests

        answer = requests.get(f"{self.url}/xrpc/com.atproto.repo.listRecords",
                              params={"repo": did, "collection": "app.bsky.feed.post"}, timeout=30)
        answer.raise_for_status()
        return answer.json()["records"]

    def blob(self, did: str, cid: str) -> bytes:
        import requests

        answer = requests.get(f"{self.url}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid}, timeout=30)
        answer.raise_for_status()
        return answer.content

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def pds(tmp_path_factory):
    server = ReferencePds.start(tmp_path_factory.mktemp("pds") / "pds.log")
    yield server
    server.stop()


def _site(built, tmp_path: Path, mastodon: MastodonStub | None, bluesky: BlueskyStub | ReferencePds | None,
          handle: str = HANDLE) -> Path:
    """A copy of the built site whose nb2post: share: names the servers."""
    source, port = built
    site = tmp_path / "site"
    shutil.copytree(source, site, ignore=shutil.ignore_patterns("_site", ".jekyll-cache", "_briefs"))
    share = []
    if mastodon:
        share.append(f"    mastodon: {{instance: {mastodon.url}}}")
    if bluesky:
        share.append(f"    bluesky: {{handle: {handle}, service: {bluesky.url}}}")
    with (site / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("nb2post:\n  share:\n" + "\n".join(share) + "\n")
    return site


SECRETS = {"NB2POST_MASTODON_TOKEN": MASTODON_TOKEN, "NB2POST_BLUESKY_APP_PASSWORD": BLUESKY_PASSWORD}


def _share(site: Path, *args: str, env: dict | None = None):
    return run_cli("share", "--site", str(site), str(site / "_notebooks" / "2024-03-01-cafe.ipynb"), "--wait", "20",
                   *args, env=SECRETS if env is None else env)


def _ledger(site: Path, slug: str = "cafe") -> tuple[str, dict]:
    markdown = (site / "_briefs" / f"{slug}.md").read_text(encoding="utf-8")
    rows = {row["id"]: row for row in json.loads((site / "_briefs" / f"{slug}.json").read_text(encoding="utf-8"))["channels"]}
    return markdown, rows


def _assert_no_secret(site: Path, *outputs, secret: str = ""):
    """No credential in anything printed or in any file under the site (ledger, brief, temporaries)."""
    for secret in filter(None, (MASTODON_TOKEN, BLUESKY_PASSWORD, "SECRET", secret)):
        for output in outputs:
            assert secret not in output.stdout and secret not in output.stderr
        for path in site.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path


# --- facets and keys ------------------------------------------------------------------------------


def test_facets_sit_at_utf8_byte_offsets_after_accents_cjk_and_emoji():
    from nb2post.share.bluesky import facets

    text = "Café ☕ 日本語 😀👩‍💻: https://ex.org/p/é.html #DeepLearning #Données (#2024 is no tag)"
    found = facets(text)
    raw = text.encode("utf-8")
    spans = [(raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(), f["features"][0]) for f in found]
    assert spans == [
        ("https://ex.org/p/é.html", {"$type": "app.bsky.richtext.facet#link", "uri": "https://ex.org/p/é.html"}),
        ("#DeepLearning", {"$type": "app.bsky.richtext.facet#tag", "tag": "DeepLearning"}),
        ("#Données", {"$type": "app.bsky.richtext.facet#tag", "tag": "Données"}),
    ]
    assert found[0]["index"]["byteStart"] != text.index("https")  # character and byte offsets differ here


def test_the_record_key_is_a_tid_the_same_for_one_url_and_different_for_another():
    from nb2post.share.bluesky import record_key

    key = record_key("https://me.github.io/2024/03/01/cafe.html")
    assert TID.fullmatch(key) and key == record_key("https://me.github.io/2024/03/01/cafe.html")
    assert record_key("https://me.github.io/2024/03/02/other.html") != key


def test_idempotency_key_is_stable_per_post():
    from nb2post.share.mastodon import idempotency_key

    assert idempotency_key("https://a/x.html") == idempotency_key("https://a/x.html") != idempotency_key("https://a/y.html")


# --- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setting, message",
    [
        ("  share: {mastodon: {instance: mastodon.social}}", "mastodon: instance: 'mastodon.social' must be the server's address"),
        ("  share: {bluesky: {handle: 'not a handle'}}", "bluesky: handle: 'not a handle' is no Bluesky handle"),
        ("  share: {twitter: {}}", "may hold only 'mastodon:' and 'bluesky:'"),
        ("  share: [mastodon]", "nb2post: share: must be 'key: value' settings"),
        ("  badges: false", "names no account to share to"),
    ],
)
def test_a_broken_share_setting_is_one_line_and_exit_2(tmp_path, setting, message):
    site = make_site(tmp_path / "site", extra_config=f"url: https://me.github.io\nnb2post:\n{setting}\n")
    (site / "_posts").mkdir()
    post = site / "_posts" / "2024-01-01-x.md"
    post.write_text("---\ntitle: X\n---\nHello.\n", encoding="utf-8")
    done = run_cli("share", "--site", str(site), str(post), "--dry-run")
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert not (site / "_briefs").exists()


# --- dry run --------------------------------------------------------------------------------------


def test_dry_run_shows_each_channels_text_and_count_against_its_limit_and_posts_nothing(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN, max_characters=120) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        done = _share(site, "--dry-run", env={})  # no credentials needed to look
        brief = json.loads((site / "_briefs" / "cafe.json").read_text(encoding="utf-8"))  # built as brief would
    texts = {v["channel"]: v for v in brief["description"]["variants"]}
    assert done.returncode == 1, done.stderr  # the instance's 120 is less than the text: a real run would fail
    assert f"== Mastodon ({mastodon.url}): {texts['mastodon']['count']}/120 " in done.stdout
    assert "OVER THE LIMIT" in done.stdout
    assert f"== Bluesky (@{HANDLE} on {bluesky.url}): {texts['bluesky']['count']}/300 graphemes" in done.stdout
    assert texts["mastodon"]["text"] in done.stdout and texts["bluesky"]["text"] in done.stdout
    assert "#DeepLearning" in done.stdout and "/assets/card.png" in done.stdout
    assert mastodon.statuses == [] and bluesky.records == {} and bluesky.blobs == {}
    assert not [r for r in mastodon.requests if r["method"] == "POST"]


# --- end to end: posted once, recorded, never twice -------------------------------------------------


def test_share_posts_once_per_channel_records_it_and_a_second_run_skips(built, tmp_path, pds):
    account = pds.account()
    secrets = {**SECRETS, "NB2POST_BLUESKY_APP_PASSWORD": account["appPassword"]}
    with MastodonStub(MASTODON_TOKEN) as mastodon:
        site = _site(built, tmp_path, mastodon, pds, handle=account["handle"])
        first = _share(site, env=secrets)
        second = _share(site, env=secrets)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    records = pds.records(account["did"])
    assert len(mastodon.statuses) == 1 and len(records) == 1
    brief = json.loads((site / "_briefs" / "cafe.json").read_text(encoding="utf-8"))
    texts = {v["channel"]: v["text"] for v in brief["description"]["variants"]}
    url = brief["url"]
    status = mastodon.statuses[0]
    assert status["content"] == texts["mastodon"] and status["visibility"] == "public" and url in status["content"]
    record = records[0]["value"]
    key = records[0]["uri"].rsplit("/", 1)[1]
    assert TID.fullmatch(key) and record["text"] == texts["bluesky"] and record["createdAt"]
    raw = record["text"].encode("utf-8")
    spans = {raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(): f["features"][0] for f in record["facets"]}
    assert spans == {
        url: {"$type": "app.bsky.richtext.facet#link", "uri": url},
        "#DeepLearning": {"$type": "app.bsky.richtext.facet#tag", "tag": "DeepLearning"},
        "#données": {"$type": "app.bsky.richtext.facet#tag", "tag": "données"},
    }
    external = record["embed"]["external"]
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert external["uri"] == url and external["title"] == TITLE
    assert external["description"].startswith("Training a naïve model")
    assert external["thumb"]["mimeType"] == "image/png"
    assert pds.blob(account["did"], external["thumb"]["ref"]["$link"]) == (site / "assets" / "card.png").read_bytes()
    markdown, rows = _ledger(site)
    assert rows["mastodon"]["posted_where"] == status["url"] and rows["mastodon"]["posted_id"] == status["id"]
    assert rows["bluesky"]["posted_where"] == f"https://bsky.app/profile/{account['handle']}/post/{key}"
    assert rows["bluesky"]["posted_id"] == records[0]["uri"]
    for row in (rows["mastodon"], rows["bluesky"]):
        assert row["posted_when"].endswith("Z")
        assert f"| {row['posted_where']} | {row['posted_when']} |" in markdown
    assert f"posted to Mastodon: {status['url']}" in first.stderr
    assert "Mastodon: already posted" in second.stderr and "Bluesky: already posted" in second.stderr
    _assert_no_secret(site, first, second, secret=account["appPassword"])
    # brief, run again, keeps the ledger (in both files)
    run_cli("brief", "--site", str(site), str(site / "_notebooks" / "2024-03-01-cafe.ipynb"), check=True)
    markdown_after, rows_after = _ledger(site)
    assert rows_after["bluesky"]["posted_id"] == rows["bluesky"]["posted_id"]
    assert f"| {rows['mastodon']['posted_where']} |" in markdown_after


@pytest.mark.parametrize("channel", ["mastodon", "bluesky"])
def test_a_run_killed_between_posting_and_the_ledger_does_not_post_twice(built, tmp_path, pds, channel):
    account = pds.account()
    secrets = {**SECRETS, "NB2POST_BLUESKY_APP_PASSWORD": account["appPassword"]}
    with MastodonStub(MASTODON_TOKEN) as mastodon:
        site = _site(built, tmp_path, mastodon, pds, handle=account["handle"])
        killed = _share(site, env={**secrets, "NB2POST_TEST_KILL_AFTER_POST": channel})
        again = _share(site, "-v", env=secrets)
    assert killed.returncode == -9  # SIGKILL: no handler, no cleanup ran
    assert again.returncode == 0, again.stderr
    assert len(mastodon.statuses) == 1 and len(pds.records(account["did"])) == 1
    markdown, rows = _ledger(site)
    assert rows["mastodon"]["posted_where"] and rows["bluesky"]["posted_where"]
    if channel == "bluesky":
        assert "found the record an earlier run made" in again.stderr
    assert not list((site / "_briefs").glob(".nb2post-*"))  # no temporary file left behind


def test_a_person_recording_a_channel_by_hand_stops_nb2post_posting_there(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        run_cli("brief", "--site", str(site), str(site / "_notebooks" / "2024-03-01-cafe.ipynb"), check=True)
        path = site / "_briefs" / "cafe.md"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines = [line[: -len("|  |  |")] + "| by hand | 2024-03-01 |" if line.startswith("| Mastodon |") else line
                 for line in lines]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        done = _share(site)
    assert done.returncode == 0, done.stderr
    assert mastodon.statuses == [] and len(bluesky.records) == 1
    assert "Mastodon: already posted (by hand)" in done.stderr


# --- failures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, headers, says",
    [
        (401, {}, "the server refused the credentials (HTTP 401: The access token is invalid); set NB2POST_MASTODON_TOKEN"),
        (422, {}, "the server rejected the post (HTTP 422: Validation failed"),
        (429, {"Retry-After": "3600"}, "rate limited (HTTP 429); nothing recorded, run it again after 3600 s"),
        (503, {}, "server error (HTTP 503); nothing recorded, run it again later"),
    ],
)
def test_a_failing_mastodon_leaves_it_unrecorded_and_bluesky_still_posted(built, tmp_path, status, headers, says):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        body = {"error": "Validation failed: Text is rejected"} if status == 422 else {"error": "The access token is invalid"}
        mastodon.queue("/api/v1/statuses", status, body, headers)
        done = _share(site)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and f"Mastodon ({mastodon.url}): {says}" in errors[0], done.stderr
    assert mastodon.statuses == [] and len(bluesky.records) == 1
    _, rows = _ledger(site)
    assert rows["mastodon"]["posted_where"] == "" and rows["bluesky"]["posted_where"]
    _assert_no_secret(site, done)


def test_a_short_retry_after_is_waited_out(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, None)
        mastodon.queue("/api/v1/statuses", 429, {"error": "Too many requests"}, {"Retry-After": "1"})
        done = _share(site)
    assert done.returncode == 0, done.stderr
    assert len(mastodon.statuses) == 1 and bluesky.requests == []


def test_a_wrong_bluesky_password_and_a_slow_mastodon_fail_alone_each_in_one_line(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, "the-right-one") as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        mastodon.queue("/api/v1/statuses", 0, delay=3)  # answers only after --timeout
        done = _share(site, "--timeout", "1")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode == 1 and len(errors) == 2, done.stderr
    assert "Mastodon" in errors[0] and "no answer within 1 s; nothing recorded, run it again later" in errors[0]
    assert f"Bluesky ({HANDLE}): the server refused the credentials (HTTP 401" in errors[1]
    assert "set NB2POST_BLUESKY_APP_PASSWORD to an app password" in errors[1]
    assert bluesky.records == {}
    _assert_no_secret(site, done)


def test_missing_credentials_name_the_variable_and_post_nothing_there(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        done = _share(site, env={"NB2POST_BLUESKY_APP_PASSWORD": BLUESKY_PASSWORD, "NB2POST_MASTODON_TOKEN": ""})
    assert done.returncode == 1
    assert "Mastodon" in done.stderr and "NB2POST_MASTODON_TOKEN is not set" in done.stderr
    assert mastodon.statuses == [] and len(bluesky.records) == 1


def test_a_page_that_never_goes_live_is_one_line_and_nothing_is_posted(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        config = site / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(f":{built[1]}", f":{free_port()}"), encoding="utf-8")
        done = _share(site, "--wait", "1")
    assert done.returncode == 1
    assert done.stderr.count("error: ") == 1 and "is not live after 1 s" in done.stderr and "--wait" in done.stderr
    assert mastodon.statuses == [] and bluesky.requests == []
    _, rows = _ledger(site)
    assert not rows["mastodon"]["posted_where"] and not rows["bluesky"]["posted_where"]


def test_a_card_image_over_the_blob_limit_is_sent_as_a_jpeg_that_fits(built, tmp_path, pds):
    """A real 2400×1260 PNG of noise (9 MB): the reference PDS keeps a JPEG blob of at most 1,000,000 bytes,
    at most 2000 px a side in the card image's proportions, and the -v note says so."""
    import io

    from PIL import Image

    account = pds.account()
    site = _site(built, tmp_path, None, pds, handle=account["handle"])
    done = run_cli("share", "-v", "--site", str(site), str(site / "_notebooks" / "2024-03-02-huge.ipynb"), "--wait", "20",
                   env={"NB2POST_BLUESKY_APP_PASSWORD": account["appPassword"]})
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    assert "note: _posts/2024-03-02-huge.md: Bluesky: the card image" in done.stderr
    assert "was sent as a" in done.stderr and "-byte JPEG, to fit Bluesky's 1,000,000 bytes" in done.stderr
    [record] = pds.records(account["did"])
    thumb = record["value"]["embed"]["external"]["thumb"]
    blob = pds.blob(account["did"], thumb["ref"]["$link"])
    assert thumb["mimeType"] == "image/jpeg" and thumb["size"] == len(blob) <= 1_000_000
    with Image.open(io.BytesIO(blob)) as image:
        assert image.format == "JPEG" and max(image.size) <= 2000
        assert abs(image.width / image.height - 2400 / 1260) < 0.01


def test_fit_thumb_flattens_transparency_and_refuses_what_is_no_image():
    import io
    import os

    from PIL import Image

    from nb2post.share.bluesky import THUMB_MAX_BYTES, fit_thumb

    noise = Image.frombytes("RGBA", (1400, 1000), os.urandom(1400 * 1000 * 4))
    raw = io.BytesIO()
    noise.save(raw, "PNG", compress_level=0)
    assert raw.tell() > THUMB_MAX_BYTES
    data, problem = fit_thumb(raw.getvalue())
    assert not problem and len(data) <= THUMB_MAX_BYTES
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (1400, 1000)
    assert fit_thumb(b"\x89PNG not really" * 100_000) == (None, "cannot be read as an image (UnidentifiedImageError)")


def test_a_card_image_that_cannot_be_shrunk_is_left_out_with_a_warning(built, tmp_path):
    with BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, None, bluesky)
        # served beside the page's own image, as a PNG that is none, and named in the brief's card
        (built[0] / "_site" / "assets" / "broken.png").write_bytes(b"\x89PNG broken" * 100_000)
        post = site / "_posts" / "2024-03-02-huge.md"
        run_cli("brief", "--site", str(site), str(post), check=True)
        brief_path = site / "_briefs" / "huge.json"
        brief = json.loads(brief_path.read_text(encoding="utf-8"))
        brief["card"]["image_url"] = brief["card"]["image_url"].replace("huge.png", "broken.png")
        brief_path.write_text(json.dumps(brief), encoding="utf-8")
        done = run_cli("share", "--site", str(site), str(post), "--wait", "20", env=SECRETS)
    assert done.returncode == 0, done.stderr
    record = next(iter(bluesky.records.values()))
    assert "thumb" not in record["embed"]["external"] and bluesky.blobs == {}
    assert "warning: _posts/2024-03-02-huge.md: Bluesky: the card image" in done.stderr
    assert ("is over Bluesky's 1,000,000 bytes and cannot be read as an image (UnidentifiedImageError): the Bluesky "
            "card has no picture; set a smaller image:") in done.stderr


def test_a_live_page_without_og_tags_is_not_shared(tmp_path):
    """The page answers 200, but its layout writes no og: tags: the posts would have no card."""
    port = free_port()
    with MastodonStub(MASTODON_TOKEN) as mastodon:
        site = make_site(tmp_path / "site", extra_config=f"url: http://127.0.0.1:{port}\nnb2post:\n  share:\n"
                                                         f"    mastodon: {{instance: {mastodon.url}}}\n")
        notebook = write_notebook(site / "_notebooks" / "2024-03-03-bare.ipynb", CELLS)
        outcomes, _ = convert([notebook], load(site))
        assert outcomes[0].status == "written", outcomes[0].error
        handler = functools.partial(_Quiet, directory=str(jekyll_build(site)))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        try:
            done = run_cli("share", "--site", str(site), str(notebook), "--wait", "10", env=SECRETS)
        finally:
            server.shutdown()
            server.server_close()
    assert done.returncode == 1
    assert done.stderr.count("error: ") == 1 and "not shared:" in done.stderr and "no og:title tag" in done.stderr
    assert mastodon.statuses == []


def test_an_unreachable_instance_is_counted_against_mastodons_default_in_a_dry_run(built, tmp_path):
    site = _site(built, tmp_path, None, None)
    with (site / "_config.yml").open("a", encoding="utf-8") as config:
        config.write(f"    mastodon: {{instance: http://127.0.0.1:{free_port()}}}\n")
    done = _share(site, "--dry-run", env={})
    assert done.returncode == 0, done.stderr
    assert "/500 graphemes" in done.stdout and "counted against Mastodon's default 500" in done.stdout


def test_a_bluesky_server_error_leaves_mastodon_posted_and_the_next_run_posts_bluesky_once(built, tmp_path):
    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site = _site(built, tmp_path, mastodon, bluesky)
        bluesky.queue("/xrpc/com.atproto.repo.putRecord", 502, {"error": "UpstreamFailure"})
        failed = _share(site)
        _, rows = _ledger(site)
        again = _share(site)
    assert failed.returncode == 1
    assert f"error: _posts/2024-03-01-cafe.md: Bluesky ({HANDLE}): server error (HTTP 502); nothing recorded, run it again later" in failed.stderr
    assert rows["mastodon"]["posted_where"] and not rows["bluesky"]["posted_where"]
    assert again.returncode == 0, again.stderr
    assert "Mastodon: already posted" in again.stderr and "posted to Bluesky" in again.stderr
    assert len(mastodon.statuses) == 1 and len(bluesky.records) == 1 and bluesky.put_count == 1


# --- share --new: the posts commits added ---------------------------------------------------------


def _committed_site(built, tmp_path: Path, mastodon, bluesky) -> tuple[Path, dict[str, str]]:
    """The site as a git repository: a commit without posts, one adding the huge post, one adding café."""
    from test_hook import git

    site = _site(built, tmp_path, mastodon, bluesky)
    git(site, "init", "-q", "-b", "main")
    git(site, "config", "user.name", "t")
    git(site, "config", "user.email", "t@example.com")
    git(site, "add", "-A", "--", ".", ":(exclude)_posts")
    git(site, "commit", "-qm", "site")
    commits = {"site": git(site, "rev-parse", "HEAD").stdout.strip()}
    for name in ("huge", "cafe"):
        git(site, "add", f"_posts/2024-03-0{1 if name == 'cafe' else 2}-{name}.md")
        git(site, "commit", "-qm", f"post {name}")
        commits[name] = git(site, "rev-parse", "HEAD").stdout.strip()
    return site, commits


def test_share_new_posts_what_the_commits_added_once_and_only_that(built, tmp_path):
    from test_hook import git

    with MastodonStub(MASTODON_TOKEN) as mastodon, BlueskyStub(HANDLE, BLUESKY_PASSWORD) as bluesky:
        site, commits = _committed_site(built, tmp_path, mastodon, None)
        looked = run_cli("share", "--site", str(site), "--new", "--dry-run", env={})
        shared = run_cli("share", "--site", str(site), "--new", "--since", commits["huge"], "--wait", "20", env=SECRETS)
        # an edit of the older post (changed, not added) and a commit of the ledger: nothing new to post
        huge = site / "_posts" / "2024-03-02-huge.md"
        huge.write_text(huge.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        git(site, "add", "-A")
        git(site, "commit", "-qm", "edit huge, record the ledger")
        again = run_cli("share", "--site", str(site), "--new", "--since", commits["huge"], "--wait", "20", env=SECRETS)
        newest = run_cli("share", "--site", str(site), "--new", "--wait", "20", env=SECRETS)
        none_since = run_cli("share", "--site", str(site), "--new", "--since", "HEAD", env=SECRETS)
    assert looked.returncode == 0, looked.stderr
    assert looked.stdout.startswith("_posts/2024-03-01-cafe.md: ") and "huge" not in looked.stdout
    assert shared.returncode == 0, shared.stderr
    assert len(mastodon.statuses) == 1 and mastodon.statuses[0]["content"].count("/2024/03/01/cafe") == 1
    assert "posted to Mastodon" in shared.stderr and "huge" not in shared.stderr
    assert again.returncode == 0 and "Mastodon: already posted" in again.stderr and "huge" not in again.stderr
    assert newest.returncode == 0 and "cafe.md: Mastodon: already posted" in newest.stderr  # the newest adding commit
    assert none_since.returncode == 0 and "no new posts" in none_since.stderr and "since HEAD" in none_since.stderr
    assert len(mastodon.statuses) == 1 and bluesky.requests == []


@pytest.mark.parametrize(
    "args, says",
    [
        (["--new", "--since", "{site}", "--max-posts", "1"], "--new: 2 posts are new (2024-03-01-cafe.md, 2024-03-02-huge.md, ...), more than --max-posts 1"),
        (["--new", "--since", "no-such-rev"], "--new: no-such-rev is no commit of this repository (a shallow clone lacks it"),
        (["--new", "_posts/2024-03-01-cafe.md"], "name the posts to share, or pass --new"),
        ([], "name the posts to share, or pass --new"),
        (["--since", "HEAD", "_posts/2024-03-01-cafe.md"], "--since goes with --new"),
        (["_posts/2024-03-09-nothing.md"], "_posts/2024-03-09-nothing.md: no such file"),
    ],
)
def test_share_usage_errors_are_one_line_exit_2_and_post_nothing(built, tmp_path, args, says):
    with MastodonStub(MASTODON_TOKEN) as mastodon:
        site, commits = _committed_site(built, tmp_path, mastodon, None)
        args = [arg.format(**commits) for arg in args]
        done = run_cli("share", "--site", str(site), *args, cwd=site, env=SECRETS)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1 and says in done.stderr
    assert mastodon.requests == [] and not (site / "_briefs").exists()


def test_share_reads_the_config_files_named_and_writes_the_brief_with_them(built, tmp_path):
    """--config a.yml,b.yml as for jekyll build: the share settings and the site's URL from the later file."""
    with MastodonStub(MASTODON_TOKEN) as mastodon:
        site = _site(built, tmp_path, None, None)
        config = site / "_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("nb2post:\n  share:\n", ""), encoding="utf-8")
        (site / "_config_share.yml").write_text(f"url: http://localhost:{built[1]}\nnb2post:\n  share:\n"
                                                f"    mastodon: {{instance: {mastodon.url}}}\n", encoding="utf-8")
        alone = run_cli("share", "--site", str(site), "_posts/2024-03-01-cafe.md", "--dry-run", cwd=site, env={})
        both = run_cli("share", "--site", str(site), "--config", "_config.yml,_config_share.yml",
                       "_posts/2024-03-01-cafe.md", "--dry-run", cwd=site, env={})
    assert alone.returncode == 2 and "names no account to share to" in alone.stderr
    assert both.returncode == 0, both.stderr
    brief = json.loads((site / "_briefs" / "cafe.json").read_text(encoding="utf-8"))
    assert brief["url"].startswith(f"http://localhost:{built[1]}/") and brief["url"].endswith("/2024/03/01/cafe.html")
    assert both.stdout.startswith(f"_posts/2024-03-01-cafe.md: {brief['url']}\n")
    assert f"== Mastodon ({mastodon.url})" in both.stdout
