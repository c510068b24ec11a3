"""Share briefs: channel checklist, merge of what a person recorded, kept out of Jekyll, --check-live."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
import time
from pathlib import Path

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook, free_port

from nb2post.share.brief import write_brief
from nb2post.jekyll.config import load
from nb2post.convert import convert

TF_CELLS = [
    cell("markdown", "# Tiny models on phones\n> Training a small Keras model and shipping it with TensorFlow Lite.\n- categories: [deep learning]"),
    cell("markdown", "We train a model, convert it and measure it on a phone."),
    cell("code", "%matplotlib inline\nimport tensorflow as tf\nimport numpy as np"),
    cell("code", "converter = tf.lite.TFLiteConverter.from_keras_model(model)\ntflite_model = converter.convert()"),
]


def _site(tmp_path: Path, extra: str = "") -> Path:
    return make_site(tmp_path / "site", extra_config="url: https://someone.github.io\n" + extra)


def _post_for(site: Path, name: str, cells: list[dict]) -> Path:
    notebook = write_notebook(site / "_notebooks" / name, cells)
    outcomes, problems = convert([notebook], load(site))
    assert not problems and outcomes[0].status == "written", outcomes[0].error
    return outcomes[0].post_path


def _brief_json(site: Path, slug: str) -> dict:
    return json.loads((site / "_briefs" / f"{slug}.json").read_text(encoding="utf-8"))


def _ids(brief: dict) -> set[str]:
    return {channel["id"] for channel in brief["channels"]}


def test_tensorflow_notebook_gets_the_tensorflow_lists(tmp_path):
    site = _site(tmp_path)
    notebook = site / "_notebooks" / "2024-02-03-tiny-tf.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    done = run_cli("brief", "--site", str(site), str(notebook), check=True)
    assert done.stdout.strip() == "_briefs/tiny-tf.md"
    brief = _brief_json(site, "tiny-tf")
    ids = _ids(brief)
    assert "tensorflow-forum" in ids
    assert not ids & {"pytorch-forums", "huggingface-papers", "made-with-ml", "papers-with-code", "tensorflow-discuss"}
    assert {"hacker-news", "r-machinelearning", "x", "mastodon", "bluesky", "threads", "lobsters", "fastai-forums",
            "kaggle-discussions", "huggingface-posts", "devto", "hashnode", "medium"} <= ids
    assert brief["imports"] == ["numpy", "tensorflow"]
    assert brief["url"] == "https://someone.github.io/deep%20learning/2024/02/03/tiny-tf.html"
    markdown = (site / "_briefs" / "tiny-tf.md").read_text(encoding="utf-8")
    assert brief["url"] in markdown and "| TensorFlow Forum |" in markdown and "imports tensorflow" in markdown
    assert all(channel["source"].startswith("https://") for channel in brief["channels"])


def test_pytorch_notebook_gets_the_pytorch_forums(tmp_path):
    site = _site(tmp_path)
    post = _post_for(site, "2024-02-04-torchy.ipynb", [cell("markdown", "# Torchy"), cell("code", "from torch import nn\nimport torchvision.models as models")])
    write_brief(site, post)
    ids = _ids(_brief_json(site, "torchy"))
    assert "pytorch-forums" in ids and "tensorflow-discuss" not in ids


def test_arxiv_citation_adds_the_hugging_face_paper_page(tmp_path):
    site = _site(tmp_path)
    cited = _post_for(
        site,
        "2024-02-05-attention.ipynb",
        [cell("markdown", "# Attention\nWe reproduce [the paper](https://arxiv.org/abs/1706.03762v5) and arXiv:2106.09685."), cell("code", "x = 1")],
    )
    plain = _post_for(site, "2024-02-06-plain.ipynb", [cell("markdown", "# Plain\nNo papers here."), cell("code", "x = 1")])
    write_brief(site, cited)
    write_brief(site, plain)
    brief = _brief_json(site, "attention")
    assert brief["arxiv"] == ["1706.03762", "2106.09685"]
    row = next(c for c in brief["channels"] if c["id"] == "huggingface-papers")
    assert "1706.03762" in row["why"] and row["share_link"] == "https://huggingface.co/papers/1706.03762"
    assert "https://arxiv.org/abs/1706.03762" in (site / "_briefs" / "attention.md").read_text(encoding="utf-8")
    assert "huggingface-papers" not in _ids(_brief_json(site, "plain"))


def test_site_config_adds_and_removes_channels(tmp_path):
    extra = (
        "nb2post:\n  channels:\n"
        "    add:\n      - {name: Lab Slack, where: '#papers', text: x}\n      - Our newsletter\n"
        "    remove: [facebook-groups, Reddit r/MachinesLearn]\n"
    )
    site = _site(tmp_path, extra)
    post = _post_for(site, "2024-02-07-configured.ipynb", TF_CELLS)
    write_brief(site, post)
    brief = _brief_json(site, "configured")
    ids = _ids(brief)
    assert {"lab-slack", "our-newsletter"} <= ids
    assert not ids & {"facebook-groups", "r-machineslearn"}
    slack = next(c for c in brief["channels"] if c["id"] == "lab-slack")
    assert slack["where"] == "#papers" and slack["text"] == "x"


def test_a_broken_channel_setting_is_a_clear_error_and_writes_nothing(tmp_path):
    site = _site(tmp_path, "nb2post:\n  channels:\n    add:\n      - {where: somewhere}\n")
    notebook = site / "_notebooks" / "2024-02-08-broken.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    done = run_cli("brief", "--site", str(site), str(notebook))
    assert done.returncode == 2
    assert "_config.yml" in done.stderr and "'name'" in done.stderr
    assert not (site / "_briefs").exists()


def test_a_notebook_without_a_post_is_a_clear_error(tmp_path):
    site = _site(tmp_path)
    notebook = write_notebook(site / "_notebooks" / "2024-02-09-never.ipynb", TF_CELLS)
    done = run_cli("brief", "--site", str(site), str(notebook))
    assert done.returncode == 1
    assert "nb2post convert" in done.stderr and "2024-02-09-never.ipynb" in done.stderr


def _fill_row(markdown: str, channel: str, where: str, when: str) -> str:
    lines = markdown.splitlines()
    start = lines.index("## Channel checklist")
    for index, line in enumerate(lines[start:], start):
        if line.startswith(f"| {channel} |"):
            cells = line.strip().strip("|").split(" | ")
            cells[-2:] = [where.replace("|", "\\|"), when]
            lines[index] = "| " + " | ".join(c.strip() for c in cells) + " |"
            return "\n".join(lines) + "\n"
    raise AssertionError(f"no row for {channel}")


def test_rewriting_keeps_what_was_recorded(tmp_path):
    site = _site(tmp_path)
    name = "2024-02-10-kept.ipynb"
    post = _post_for(site, name, TF_CELLS)
    markdown_path, json_path = write_brief(site, post)
    first = markdown_path.read_bytes()
    assert write_brief(site, post) == [markdown_path, json_path] and markdown_path.read_bytes() == first  # stable

    text = markdown_path.read_text(encoding="utf-8")
    text = _fill_row(text, "X/Twitter", "https://x.com/me/status/1", "2024-02-11 09:00")
    text = _fill_row(text, "TensorFlow Forum", "thread: tflite | perf", "2024-02-12")
    markdown_path.write_text(text, encoding="utf-8")

    # the notebook changes (new summary, no TensorFlow any more) and the brief is written again
    changed = [cell("markdown", "# Tiny models on phones\n> A new summary.\n- categories: [deep learning]"), cell("code", "import numpy as np")]
    post = _post_for(site, name, changed)
    write_brief(site, post)
    brief = json.loads(json_path.read_text(encoding="utf-8"))
    rows = {c["name"]: c for c in brief["channels"]}
    assert rows["X/Twitter"]["posted_where"] == "https://x.com/me/status/1"
    assert rows["X/Twitter"]["posted_when"] == "2024-02-11 09:00"
    assert rows["TensorFlow Forum"]["posted_where"] == "thread: tflite | perf"  # kept though no longer suggested
    assert rows["TensorFlow Forum"]["why"].startswith("kept")
    assert brief["description"]["text"] == "A new summary."
    rewritten = markdown_path.read_text(encoding="utf-8")
    assert "| https://x.com/me/status/1 | 2024-02-11 09:00 |" in rewritten
    assert "thread: tflite \\| perf" in rewritten


def test_two_posts_with_one_slug_get_separate_briefs(tmp_path):
    site = _site(tmp_path)
    first = _post_for(site, "2024-03-01-weekly.ipynb", [cell("markdown", "# Week one"), cell("code", "x = 1")])
    second = _post_for(site, "2024-03-08-weekly.ipynb", [cell("markdown", "# Week two"), cell("code", "x = 2")])
    assert write_brief(site, first)[0].name == "weekly.md"
    assert write_brief(site, second)[0].name == "2024-03-08-weekly.md"
    assert write_brief(site, first)[0].name == "weekly.md"  # each keeps its own
    assert _brief_json(site, "weekly")["title"] == "Week one"


def test_briefs_stay_out_of_the_jekyll_build(tmp_path):
    site = _site(tmp_path)
    post = _post_for(site, "2024-02-13-built.ipynb", TF_CELLS)
    written = write_brief(site, post)
    assert all(path.is_file() for path in written)
    out = jekyll_build(site)
    assert (out / "deep learning" / "2024" / "02" / "13" / "built.html").is_file()
    published = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in published if "brief" in p.relative_to(out).as_posix().lower()]
    assert not [p for p in published if "Share brief" in p.read_text(encoding="utf-8", errors="replace")]


# --- --check-live -----------------------------------------------------------------------------------



class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _serve_later(directory: Path, port: int, delay: float):
    """Serve ``directory`` on 127.0.0.1:port, starting only after ``delay`` seconds (like a deploy); the
    server is shut down when the block ends."""
    state: dict = {}

    def run():
        time.sleep(delay)
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        state["server"] = server
        server.serve_forever(poll_interval=0.1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(timeout=5)
        if "server" in state:
            state["server"].shutdown()
            state["server"].server_close()


def _png(width: int, height: int, noisy: bool = False) -> bytes:
    """A real PNG of that size: black, or (``noisy``) random pixels stored uncompressed, about
    width × height × 3 bytes."""
    import os
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + (os.urandom(width * 3) if noisy else b"\x00" * width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(rows, 0 if noisy else -1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_check_live_waits_for_a_server_that_starts_late_and_checks_the_card(tmp_path):
    port = free_port()
    site = make_site(tmp_path / "site", strict=False, extra_config=f"url: http://127.0.0.1:{port}\n")
    (site / "assets").mkdir()
    (site / "assets" / "card.png").write_bytes(_png(1200, 600))
    notebook = write_notebook(site / "_notebooks" / "2024-02-14-live.ipynb", TF_CELLS, nb2post={"image": "/assets/card.png"})
    outcomes, _ = convert([notebook], load(site))
    assert outcomes[0].status == "written", outcomes[0].error
    out = jekyll_build(site)
    with _serve_later(out, port, delay=1.5):
        done = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--timeout", "60")
        told = run_cli("brief", "-v", "--site", str(site), str(notebook), "--check-live", "--timeout", "10")
        (out / "assets" / "card.png").unlink()  # the deploy lost the image
        lenient = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--timeout", "10")
        broken = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--strict-card", "--timeout", "10")
    page = f"http://127.0.0.1:{port}/deep%20learning/2024/02/14/live.html"
    assert done.returncode == 0, done.stderr
    assert f"{page} is live" in done.stderr
    # what is right with the card is a note: shown with -v only, never as a warning
    assert "answers HTTP 200" not in done.stderr and "og:title is" not in done.stderr, done.stderr
    assert told.returncode == 0, told.stderr
    assert f"note: {page}: og:image http://127.0.0.1:{port}/assets/card.png answers HTTP 200" in told.stderr.splitlines()
    assert f"note: {page}: og:title is 'Tiny models on phones'" in told.stderr.splitlines()
    assert "warning:" not in told.stderr, told.stderr
    card = _brief_json(site, "live")["card"]
    assert (card["width"], card["height"]) == (1200, 600) and card["notes"] == []
    assert "(1200×600 px)" in (site / "_briefs" / "live.md").read_text(encoding="utf-8")
    assert lenient.returncode == 0 and "warning: " in lenient.stderr and "does not answer (HTTP 404)" in lenient.stderr
    assert "og:title is" not in lenient.stderr, "a broken card does not make its facts warnings"
    assert broken.returncode == 1
    assert "error: " in broken.stderr and "does not answer (HTTP 404)" in broken.stderr


def test_check_live_warns_of_a_page_without_card_tags_and_strict_card_fails_it(tmp_path):
    port = free_port()
    site = make_site(tmp_path / "site", extra_config=f"url: http://127.0.0.1:{port}\n")  # a bare layout: no tags
    notebook = site / "_notebooks" / "2024-02-17-bare.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    with _serve_later(jekyll_build(site), port, delay=0):
        lenient = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--timeout", "20")
        done = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--strict-card", "--timeout", "20")
    assert lenient.returncode == 0 and "warning: " in lenient.stderr and "no og:title tag" in lenient.stderr
    assert done.returncode == 1
    assert "is live" in done.stderr and "error: " in done.stderr and "no og:title tag" in done.stderr


def test_check_live_times_out_when_nothing_serves(tmp_path):
    port = free_port()
    site = make_site(tmp_path / "site", extra_config=f"url: http://127.0.0.1:{port}\n")
    notebook = site / "_notebooks" / "2024-02-15-dead.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    done = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--timeout", "2")
    assert done.returncode == 1
    assert "is not live after 2 s" in done.stderr and "connection refused" in done.stderr
    assert (site / "_briefs" / "dead.md").is_file()  # the brief itself was written


def test_check_live_needs_a_site_url(tmp_path):
    site = make_site(tmp_path / "site")
    notebook = site / "_notebooks" / "2024-02-16-nourl.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    done = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--timeout", "1")
    assert done.returncode == 2 and "url:" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and not (site / "_briefs").exists(), "refused before writing anything"


# --- one click per channel, in plain words ------------------------------------------------------------


def test_share_links_open_each_channel_with_the_text_filled_in(tmp_path):
    from urllib.parse import parse_qs, urlsplit

    site = _site(tmp_path, "nb2post:\n  mastodon_instance: https://sigmoid.social/\n")
    post = _post_for(site, "2024-02-18-shared.ipynb", TF_CELLS + [cell("code", "import pandas as pd")])
    write_brief(site, post)
    brief = _brief_json(site, "shared")
    rows = {c["id"]: c for c in brief["channels"]}
    url = brief["url"]
    variants = {v["channel"]: v["text"] for v in brief["description"]["variants"]}

    x = urlsplit(rows["x"]["share_link"])
    assert (x.scheme, x.netloc, x.path) == ("https", "x.com", "/intent/tweet")
    query = parse_qs(x.query)
    assert query["url"] == [url] and url not in query["text"][0]
    assert sorted(query["text"][0].split() + [url]) == sorted(variants["x"].split())  # the same words, URL aside
    assert parse_qs(urlsplit(rows["bluesky"]["share_link"]).query)["text"] == [variants["bluesky"]]
    assert rows["bluesky"]["share_link"].startswith("https://bsky.app/intent/compose?text=")
    assert rows["threads"]["share_link"].startswith("https://www.threads.net/intent/post?text=")
    assert rows["mastodon"]["share_link"].startswith("https://sigmoid.social/share?text=")
    assert parse_qs(urlsplit(rows["mastodon"]["share_link"]).query)["text"] == [variants["mastodon"]]
    hn = parse_qs(urlsplit(rows["hacker-news"]["share_link"]).query)
    assert hn == {"u": [url], "t": [variants["hacker_news"]]}
    reddit = parse_qs(urlsplit(rows["r-machinelearning"]["share_link"]).query)
    assert reddit == {"url": [url], "title": ["[P] " + variants["reddit"]]}
    assert "weekly" in rows["r-machinelearning"]["tip"] and "[P]" in rows["r-machinelearning"]["tip"]
    assert rows["linkedin"]["share_link"] == "https://www.linkedin.com/sharing/share-offsite/?url=" + url.replace(":", "%3A").replace("/", "%2F").replace("%20", "%2520")
    assert "invite" in rows["lobsters"]["tip"].lower() and "tag" in rows["lobsters"]["tip"]
    assert all("canonical" in rows[i]["paste"] + rows[i]["tip"] for i in ("devto", "hashnode", "medium"))

    # the Paste column says which text in words, never a network's name for another network
    for ident in ("facebook-groups", "fastai-forums", "kaggle-discussions"):
        assert rows[ident]["paste"] == "the long text (description, link and hashtags)"
    markdown = (site / "_briefs" / "shared.md").read_text(encoding="utf-8")
    assert "| Facebook groups | https://www.facebook.com/groups/ | the long text (description, link and hashtags) | [open](" in markdown
    assert "Paste: LinkedIn" not in markdown and "| LinkedIn (" not in markdown
    # pandas-dev is for pandas' own development; no channel for merely importing pandas
    assert not {"pandas-list", "made-with-ml", "papers-with-code", "xgboost-discuss"} & set(rows)


def test_mastodon_has_no_link_until_the_instance_is_set(tmp_path):
    site = _site(tmp_path, "nb2post:\n  mastodon_instance: 'not a host!'\n")
    post = _post_for(site, "2024-02-19-noinstance.ipynb", TF_CELLS)
    write_brief(site, post)
    brief = _brief_json(site, "noinstance")
    mastodon = next(c for c in brief["channels"] if c["id"] == "mastodon")
    assert mastodon["share_link"] == "" and "mastodon_instance" in mastodon["where"]
    assert any("mastodon_instance" in w and "not a host!" in w for w in brief["warnings"])


def test_a_site_channel_with_an_unknown_placeholder_is_a_clear_error(tmp_path):
    site = _site(tmp_path, "nb2post:\n  channels:\n    add:\n      - {name: Ours, share: 'https://ours.example/?q={body}'}\n")
    notebook = site / "_notebooks" / "2024-02-20-placeholder.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    done = run_cli("brief", "--site", str(site), str(notebook))
    assert done.returncode == 2 and "{body}" in done.stderr and "{text}" in done.stderr
    assert not (site / "_briefs").exists()


def test_what_was_recorded_in_an_old_brief_survives_the_new_layout(tmp_path):
    """A brief written before the Share column (six columns, Papers with Code still listed) is rewritten
    with its cells kept, including the row of a channel that is gone."""
    site = _site(tmp_path)
    post = _post_for(site, "2024-02-21-old.ipynb", TF_CELLS)
    (site / "_briefs").mkdir()
    (site / "_briefs" / "old.md").write_text(
        "# Share brief: old\n\n## Channel checklist\n\n"
        "| Channel | Where | Paste | Why | Posted where | Posted when |\n|---|---|---|---|---|---|\n"
        "| X/Twitter | https://x.com/compose/post | X/Twitter | always | https://x.com/me/status/9 | 2024-02-22 |\n"
        "| Papers with Code | https://paperswithcode.com/ | LinkedIn | cites arXiv | linked from the paper | 2024-02-23 |\n",
        encoding="utf-8",
    )
    markdown_path, json_path = write_brief(site, post)
    rows = {c["name"]: c for c in json.loads(json_path.read_text(encoding="utf-8"))["channels"]}
    assert (rows["X/Twitter"]["posted_where"], rows["X/Twitter"]["posted_when"]) == ("https://x.com/me/status/9", "2024-02-22")
    assert rows["Papers with Code"]["posted_where"] == "linked from the paper" and rows["Papers with Code"]["why"].startswith("kept")
    text = markdown_path.read_text(encoding="utf-8")
    assert "| https://x.com/me/status/9 | 2024-02-22 |" in text and "| linked from the paper | 2024-02-23 |" in text
    write_brief(site, post)  # and again: still there
    assert "| linked from the paper | 2024-02-23 |" in markdown_path.read_text(encoding="utf-8")


# --- the preview card -----------------------------------------------------------------------------------


def test_image_sizes_from_file_headers():
    import struct

    from nb2post.share.brief import image_size

    assert image_size(_png(640, 320)) == (640, 320)
    assert image_size(b"GIF89a" + struct.pack("<HH", 300, 157) + b"\x00" * 8) == (300, 157)
    jpeg = (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
            + b"\xff\xc2" + struct.pack(">HBHH", 17, 8, 627, 1200) + b"\x03" + b"\x00" * 9)
    assert image_size(jpeg) == (1200, 627)
    vp8x = b"RIFF" + b"\x00" * 4 + b"WEBPVP8X" + b"\x00" * 8 + (799).to_bytes(3, "little") + (399).to_bytes(3, "little")
    assert image_size(vp8x) == (800, 400)
    assert image_size(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


def test_the_brief_states_the_card_and_judges_its_image(tmp_path):
    site = _site(tmp_path, "baseurl: /blog\n")
    (site / "assets").mkdir()
    (site / "assets" / "small.png").write_bytes(_png(200, 200))
    notebook = write_notebook(site / "_notebooks" / "2024-02-24-card.ipynb", TF_CELLS, nb2post={"image": {"path": "/assets/small.png"}})
    outcomes, _ = convert([notebook], load(site))
    write_brief(site, outcomes[0].post_path)
    card = _brief_json(site, "card")["card"]
    assert card["image_url"] == "https://someone.github.io/blog/assets/small.png"
    assert (card["width"], card["height"]) == (200, 200)
    assert any("300×157" in note for note in card["notes"]) and any("401 px" in note for note in card["notes"])
    assert card["title"] == "Tiny models on phones" and card["description"].startswith("Training a small Keras model")
    markdown = (site / "_briefs" / "card.md").read_text(encoding="utf-8")
    assert "## Preview card" in markdown and "(200×200 px)" in markdown and "| X/Twitter | large image card" in markdown

    plain = _post_for(site, "2024-02-25-nocard.ipynb", TF_CELLS)
    write_brief(site, plain)
    card = _brief_json(site, "nocard")["card"]
    assert card["image_url"] == "" and any("no image" in note for note in card["notes"])
    assert "| X/Twitter | small summary card" in (site / "_briefs" / "nocard.md").read_text(encoding="utf-8")


def test_a_broken_site_url_is_a_warning(tmp_path):
    site = make_site(tmp_path / "site", extra_config="url: https://some one.github.io\n")
    post = _post_for(site, "2024-02-26-badurl.ipynb", TF_CELLS)
    write_brief(site, post)
    assert any("'https://some one.github.io' is no valid http(s) URL" in w for w in _brief_json(site, "badurl")["warnings"])


def test_brief_reads_the_config_files_named_with_config(tmp_path):
    site = _site(tmp_path)
    (site / "_config_dev.yml").write_text("url: http://localhost:4000\n", encoding="utf-8")
    post = _post_for(site, "2024-02-20-dev.ipynb", TF_CELLS)
    done = run_cli("brief", "--config", "_config.yml,_config_dev.yml", str(post.relative_to(site)), cwd=site)
    assert done.returncode == 0, done.stderr
    assert _brief_json(site, "dev")["url"] == "http://localhost:4000/deep%20learning/2024/02/20/dev.html"
    run_cli("brief", str(post.relative_to(site)), cwd=site, check=True)
    assert _brief_json(site, "dev")["url"] == "https://someone.github.io/deep%20learning/2024/02/20/dev.html", "_config.yml alone"


def test_brief_prints_the_cards_notes_and_warns_where_a_channel_shows_no_image(tmp_path):
    site = _site(tmp_path)
    (site / "assets").mkdir()
    (site / "assets" / "big.png").write_bytes(_png(2000, 1000, noisy=True))  # 2:1 as X wants, but over its 5 MB
    (site / "assets" / "small.png").write_bytes(_png(200, 200))
    big = write_notebook(site / "_notebooks" / "2024-03-01-big.ipynb", TF_CELLS, nb2post={"image": "/assets/big.png"})
    small = write_notebook(site / "_notebooks" / "2024-03-02-small.ipynb", TF_CELLS, nb2post={"image": "/assets/small.png"})
    outcomes, _ = convert([big, small], load(site))
    assert [o.status for o in outcomes] == ["written", "written"], [o.error for o in outcomes]

    plain = run_cli("brief", "--site", str(site), str(big), str(small))
    verbose = run_cli("brief", "--site", str(site), str(big), str(small), "-v")
    quiet = run_cli("brief", "--site", str(site), str(big), str(small), "-q")
    for done in (plain, verbose, quiet):
        assert done.returncode == 0, done.stderr
    too_big = "warning: _posts/2024-03-01-big.md: preview card: /assets/big.png is 5.7 MB: over X's 5 MB limit"
    assert [line for line in plain.stderr.splitlines() if line.startswith(("warning:", "note:"))] == [
        too_big + " for card images, so X shows no image; make it smaller"], plain.stderr
    assert too_big in verbose.stderr
    assert "note: _posts/2024-03-02-small.md: preview card: smaller than X's minimum for a large card" in verbose.stderr
    assert "note: _posts/2024-03-01-big.md: preview card: /assets/big.png" not in verbose.stderr  # a warning, not also a note
    assert "warning:" not in quiet.stderr and "note:" not in quiet.stderr
    card = _brief_json(site, "big")["card"]
    assert card["problems"] == [too_big.split("preview card: ", 1)[1] + " for card images, so X shows no image; make it smaller"]
    assert card["problems"][0] in card["notes"]


def test_the_channel_list_is_parsed_once_and_then_read_from_the_users_cache(tmp_path, monkeypatch):
    """templates/channels.yml as the cache keeps it (JSON, keyed by the file's text) is the list parsed
    from the YAML; a damaged cache file is parsed again and replaced; NB2POST_NO_CACHE writes none."""
    from nb2post.share import channels
    from nb2post.notebook.front_matter import load_yaml
    from nb2post.templates_text import template_text

    parsed = load_yaml(template_text("channels.yml"), "channels.yml")["channels"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("NB2POST_NO_CACHE", "1")
    channels._channel_data.cache_clear()
    assert channels._channel_data() == parsed and not (tmp_path / "cache").exists()
    monkeypatch.delenv("NB2POST_NO_CACHE")
    for _ in range(2):  # written, then read
        channels._channel_data.cache_clear()
        assert channels._channel_data() == parsed
    [kept] = (tmp_path / "cache" / "nb2post").glob("channels_*.json")
    assert json.loads(kept.read_text(encoding="utf-8")) == parsed
    kept.write_text('[{"id": "stale"', encoding="utf-8")
    channels._channel_data.cache_clear()
    assert channels._channel_data() == parsed and json.loads(kept.read_text(encoding="utf-8")) == parsed
    channels._channel_data.cache_clear()
