#!/usr/bin/env python3
"""Benchmark: `nb2post brief` of one post beside `nb2post --version`, in one run.

Builds a site of one notebook in a temporary git repository, converts it once, then times whole commands
as fresh processes (what a user or a deploy job waits for), the median of --runs runs each, interleaved so
that a busy machine slows both alike:

* nb2post --version: interpreter and CLI start-up, the floor of every command
* nb2post brief -q POST: the brief of one post (description counted for X, Mastodon and Bluesky, and the
  card), written again each run

Wall time and CPU time (user + system, from the kernel's accounting of each process: ``os.wait4``); CPU
time is the steadier figure on a shared machine. Prints a table with ratios to --version and writes JSON
with --json. Timings depend on the machine; they stay out of the unit tests.

    python3 scripts/bench_brief.py --runs 15 --json bench.json
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_convert import machine  # (scripts/ is this script's folder, first on sys.path)

# As installed for real: bytecode cached (some machines set PYTHONDONTWRITEBYTECODE; no user pays that).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update({"GIT_CONFIG_NOSYSTEM": "1"})

# A post as a brief meets it: a title, a description with a URL, a hashtag-worthy category, prose.
NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 4,
    "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
    "cells": [
        {"cell_type": "markdown", "metadata": {},
         "source": "# Fitting a line by least squares\n> How numpy.polyfit finds the line through noisy points, "
                   "and what https://numpy.org/doc/stable/ says about its conditioning.\n\n"
                   "- categories: [python, statistics]\n\nSome prose about the fit, with a link to example.com/fits."},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1 + 1)",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]},
    ],
}


def build_site(work: Path, nb2post: list[str]) -> tuple[Path, Path]:
    site = work / "site"
    (site / "_notebooks").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Bench\nurl: https://bench.example\nnb2post:\n  target: jekyll\n",
                                      encoding="utf-8")
    (site / "_notebooks" / "2024-01-02-least-squares.ipynb").write_text(json.dumps(NOTEBOOK, indent=1), encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(site)], check=True, env=ENV)
    subprocess.run([*nb2post, "convert", "-q", "--site", str(site)], check=True, env=ENV, cwd=site,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    [post] = (site / "_posts").glob("*.md")
    return site, post


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``command``."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {child.returncode}:\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def summary(samples: list[tuple[float, float]]) -> dict:
    walls, cpus = [s[0] for s in samples], [s[1] for s in samples]
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            "cpu_median_s": statistics.median(cpus), "runs": len(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    script = Path(sys.executable).parent / "nb2post"
    nb2post = [str(script)] if script.is_file() else [sys.executable, "-m", "nb2post.cli"]
    work = Path(tempfile.mkdtemp(prefix="nb2post-bench-brief-"))
    ENV["XDG_CACHE_HOME"] = str(work / "cache")  # nb2post's user cache: this run's own, removed with it
    try:
        site, post = build_site(work, nb2post)
        commands = {"version": [*nb2post, "--version"], "brief_one_post": [*nb2post, "brief", "-q", str(post)]}
        for command in commands.values():  # once each unmeasured: bytecode written, files in the page cache
            run(command, site)
        samples: dict[str, list] = {key: [] for key in commands}
        for _ in range(args.runs):
            for key, command in commands.items():
                samples[key].append(run(command, site))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = {key: summary(found) for key, found in samples.items()}
    info = machine()
    print(f"{args.runs} runs each; {info['nproc']} cores ({info['cpu']}); Python {info['python']}")
    labels = {"version": "nb2post --version (start-up)", "brief_one_post": "nb2post brief -q (one post)"}
    base = results["version"]
    print(f"\n{'command':32s} {'median s':>9s} {'min s':>7s} {'CPU s':>7s}  ratio (wall, CPU)")
    for key, row in results.items():
        ratio = "" if key == "version" else (f"{row['median_s'] / base['median_s']:4.1f}x, "
                                             f"{row['cpu_median_s'] / base['cpu_median_s']:4.1f}x start-up")
        print(f"{labels[key]:32s} {row['median_s']:9.3f} {row['min_s']:7.3f} {row['cpu_median_s']:7.3f}  {ratio}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
