#!/usr/bin/env python3
"""How long `nb2post check` takes on a site of 40 notebooks with nothing stale (the pre-push case).

Builds the site in a temporary git repository, converts it once, then times each command as a fresh
process (wall clock, median of --runs), beside Python's own start-up and, for scale, one
`jupyter nbconvert --to markdown`. Not a test: timings depend on the machine.

    python3 scripts/bench_check.py [--notebooks 40] [--runs 15]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_notebook(index: int) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"# Post number {index}\n> What it shows\n\nSome prose with a [link](https://example.com)."}]
    for step in range(8):
        cells.append({
            "cell_type": "code", "metadata": {}, "execution_count": step + 1,
            "source": f"values = [i * {step} for i in range(10)]\nprint(sum(values))",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": f"{45 * step}\n"}],
        })
        cells.append({"cell_type": "markdown", "metadata": {}, "source": f"Step {step}: the sum grows."})
    return {"nbformat": 4, "nbformat_minor": 4, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}}


def build_site(root: Path, count: int) -> Path:
    site = root / "site"
    (site / "_notebooks").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Bench\n# the nb2post settings\nnb2post:\n  target: jekyll\n", encoding="utf-8")
    for index in range(count):
        path = site / "_notebooks" / f"2024-01-{index % 28 + 1:02d}-post-{index}.ipynb"
        path.write_text(json.dumps(make_notebook(index), indent=1), encoding="utf-8")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root)}
    subprocess.run(["git", "init", "-q", str(site)], check=True, env=env)
    subprocess.run([sys.executable, "-m", "nb2post.cli", "convert", "-q", "--site", str(site)], check=True, env=env, cwd=site)
    return site


# As installed for real: bytecode cached. (Some machines set PYTHONDONTWRITEBYTECODE, which makes every run
# compile nb2post's sources again: ~25 ms that no user pays.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path, runs: int, expect: int = 0) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run. CPU time is the steadier figure on a busy machine."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, env=ENV)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != expect:
            sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.decode()}")
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=40)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = build_site(Path(folder), args.notebooks)
        # The console script beside this interpreter (a version manager's shim on PATH would add its own start-up).
        script = Path(sys.executable).parent / "nb2post"
        nb2post = str(script) if script.is_file() else shutil.which("nb2post")
        rows = [
            ("python3 -c pass (interpreter start-up)", [sys.executable, "-c", "pass"], args.runs),
            ("python3 -m nb2post.cli check", [sys.executable, "-m", "nb2post.cli", "check", "-q"], args.runs),
        ]
        if nb2post:
            rows.append(("nb2post check (console script)", [nb2post, "check", "-q"], args.runs))
        one = next((site / "_notebooks").iterdir())
        if shutil.which("jupyter"):
            rows.append(("jupyter nbconvert --to markdown (1 notebook)",
                         ["jupyter", "nbconvert", "--to", "markdown", "--output-dir", folder, str(one)], 3))
        print(f"{args.notebooks} notebooks, nothing stale; seconds per run, median (min..max) of N runs")
        print(f"  {'command':48s} {'wall':>22s}  {'cpu (user+sys)':>14s}")
        for label, command, runs in rows:
            timed(command, site, 1)  # warm-up: writes the bytecode cache, fills the page cache
            walls, cpus = timed(command, site, runs)
            print(f"  {label:48s} {statistics.median(walls):.3f} ({min(walls):.3f}..{max(walls):.3f})"
                  f"  {statistics.median(cpus):14.3f}  N={runs}")


if __name__ == "__main__":
    main()
