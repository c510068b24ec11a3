"""Share briefs: channel checklist, merge of what a person recorded, kept out of Jekyll, --check-live."""
from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from pathlib import Path

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook, free_port

from nb2post.brief import write_brief
from nb2post.config import load
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


def _serve_later(directory: Path, port: int, delay: float):
    """Serve ``directory`` on 127.0.0.1:port, starting only after ``delay`` seconds (like a deploy)."""
    state: dict = {}

    def run():
        time.sleep(delay)
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        state["server"] = server
        server.serve_forever(poll_interval=0.1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return state, thread


def test_check_live_waits_for_a_server_that_starts_late(tmp_path):
    port = free_port()
    site = make_site(tmp_path / "site", extra_config=f"url: http://127.0.0.1:{port}\n")
    notebook = site / "_notebooks" / "2024-02-14-live.ipynb"
    _post_for(site, notebook.name, TF_CELLS)
    out = jekyll_build(site)
    state, thread = _serve_later(out, port, delay=1.5)
    try:
        done = run_cli("brief", "--site", str(site), str(notebook), "--check-live", "--timeout", "60")
    finally:
        thread.join(timeout=5)
        if "server" in state:
            state["server"].shutdown()
            state["server"].server_close()
    assert done.returncode == 0, done.stderr
    assert f"http://127.0.0.1:{port}/deep%20learning/2024/02/14/live.html is live" in done.stderr


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
