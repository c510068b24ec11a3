#!/usr/bin/env python3
"""Benchmark: nb2post preview, from a notebook's save to its post written, beside Jekyll's rebuild.

For each notebook named (default: the corpus notebooks at the median, the 75th percentile and the top
of its sizes), a minima site is made in a temporary folder with that notebook in _notebooks/, and the
real ``nb2post preview`` is started on free ports (real ``jekyll serve --livereload``). Then, --runs
times, a markdown cell with a new word is added to the notebook and saved as Jupyter saves (a temporary
file renamed over it), and the clock reads:

* save -> post written: until the post file holds the new word (what nb2post costs: the watcher's
  notice, the debounce wait, reading, rendering and writing the post);
* post -> page served: from then until ``jekyll serve`` serves the page with the new word (Jekyll's
  watcher and rebuild: what the site costs), and Jekyll's own "done in" time for that rebuild.

--posts N gives the site N other posts first (a blog with history: Jekyll rebuilds them all, and
nb2post's site reads their markers). Medians over the runs; the first save of each preview is shown on
its own ("first"), as it may still wait for the renderer's imports. Timings depend on the machine; they
stay out of the tests.

    python3 scripts/bench_preview.py --runs 7 [--posts 300] [--json out.json] [NOTEBOOK ...]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_NOTEBOOKS = [
    "fastai__fastpages/2020-02-21-introducing-fastpages.ipynb",  # median size of the corpus (23 KB)
    "greglandrum__rdkit-blog-fastpages/2021-11-26-highlighting-changed-bonds-in-reactions.ipynb",  # 75th percentile (154 KB)
    "drscotthawley__blog_fastpages/2021-06-17-Contrasting-Contrastive-Loss.ipynb",  # the largest (4.2 MB)
]
CONFIG = "title: Bench\ntheme: minima\nplugins: [jekyll-feed, jekyll-seo-tag]\nnb2post:\n  badges: false\n"
DONE_IN = re.compile(r"\.\.\.done in ([0-9.]+) seconds")
WAIT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def until(found, seconds: float = WAIT, step: float = 0.002):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        value = found()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("waited too long")


class Preview:
    def __init__(self, site: Path):
        self.port, self.livereload = free_port(), free_port()
        self.lines: list[str] = []
        self.out: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nb2post.cli", "preview", "-v", "--port", str(self.port), "--livereload-port",
             str(self.livereload)], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, args=(self.process.stderr, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True).start()
        until(lambda: any(line.startswith("preview: ") for line in self.lines) or self.process.poll() is not None,
              step=0.05)
        if self.process.poll() is not None:
            raise SystemExit("nb2post preview did not start:\n" + "\n".join(self.lines))

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)


def save(path: Path, data: dict, word: str) -> None:
    data["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"The word is {word}."})
    temporary = path.with_name(".~" + path.name)
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)


OTHER_POST = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Another post\n\nSome words."}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


def bench(source: Path, runs: int, others: int = 0) -> dict:
    work = Path(tempfile.mkdtemp(prefix="nb2post-bench-preview-"))
    try:
        site = work / "site"
        (site / "_notebooks").mkdir(parents=True)
        (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
        notebook = site / "_notebooks" / "2024-05-01-bench.ipynb"
        shutil.copy(source, notebook)
        for index in range(others):  # a blog's other posts, converted before the preview starts
            other = site / "_notebooks" / f"2023-01-01-other-{index}.ipynb"
            other.write_text(json.dumps(OTHER_POST), encoding="utf-8")
        if others:
            subprocess.run([sys.executable, "-m", "nb2post.cli", "convert", "-q"], cwd=site, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = json.loads(notebook.read_text(encoding="utf-8"))
        post = site / "_posts" / "2024-05-01-bench.md"
        preview = Preview(site)
        try:
            written, served, jekyll = [], [], []
            for run in range(runs + 1):
                time.sleep(1.0)  # Jekyll idle again
                word = f"benchword{run}x{os.getpid()}"
                before = len(preview.lines)
                save(notebook, data, word)
                start = time.perf_counter()
                until(lambda: post.stat().st_size and word in post.read_text(encoding="utf-8"))
                at_post = time.perf_counter()
                if run == 0:  # the URL nb2post prints for the post (its permalink may hold categories)
                    url = until(lambda: next((line for line in preview.out if line.startswith("http://")), None))
                until(lambda: word in fetch(url), step=0.01)
                at_page = time.perf_counter()
                done = until(lambda: [float(m.group(1)) for line in preview.lines[before:]
                                      if (m := DONE_IN.search(line))], seconds=30, step=0.01)
                if run == 0:
                    first = at_post - start
                    continue
                written.append(at_post - start)
                served.append(at_page - at_post)
                jekyll.append(done[-1])
        finally:
            preview.stop()
        return {
            "site_posts": others + 1,
            "notebook": _shown(source),
            "bytes": source.stat().st_size,
            "cells": len(data["cells"]) - runs - 1,
            "save_to_post_s": statistics.median(written),
            "save_to_post_max_s": max(written),
            "first_save_to_post_s": first,
            "post_to_page_s": statistics.median(served),
            "jekyll_rebuild_s": statistics.median(jekyll),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _shown(source: Path) -> str:
    corpus = CORPUS.resolve()
    return str(source.resolve().relative_to(corpus) if source.resolve().is_relative_to(corpus) else source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="Notebooks to time (default: three of the corpus).")
    parser.add_argument("--runs", type=int, default=7, help="Saves timed per notebook (median; default 7).")
    parser.add_argument("--posts", type=int, default=0, help="Other posts the site has (small notebooks, converted first).")
    parser.add_argument("--json", type=Path, help="Also write the results as JSON here.")
    options = parser.parse_args()
    notebooks = options.notebooks or [CORPUS / name for name in DEFAULT_NOTEBOOKS]
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"nb2post preview, save to post, median of {options.runs} saves, on a site of {options.posts + 1} "
          f"posts ({machine})")
    print(f"{'notebook':58} {'KB':>6} {'cells':>5} {'first':>7} {'save→post':>10} {'(max)':>7} {'post→page':>10} "
          f"{'Jekyll':>7}")
    results = []
    for path in notebooks:
        result = bench(path, options.runs, options.posts)
        results.append(result)
        print(f"{result['notebook'][:58]:58} {result['bytes'] / 1024:6.0f} {result['cells']:5d} "
              f"{result['first_save_to_post_s']:6.3f}s {result['save_to_post_s']:9.3f}s {result['save_to_post_max_s']:6.3f}s {result['post_to_page_s']:9.3f}s "
              f"{result['jekyll_rebuild_s']:6.3f}s", flush=True)
    print("save→post: nb2post (watcher, debounce, convert, write); post→page: Jekyll's watcher and rebuild until "
          "the page is served; Jekyll: its own 'done in' for that rebuild")
    if options.json:
        options.json.write_text(json.dumps({"machine": machine, "runs": options.runs, "results": results}, indent=1))


if __name__ == "__main__":
    main()
