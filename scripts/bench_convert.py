#!/usr/bin/env python3
"""Benchmark: nb2post convert against its peers on the same notebooks, side by side in one run.

Medians over repeated runs of whole commands (what a user or CI waits for):

* nb2post, cold: every notebook converted into a fresh site (one process, workers across cores)
* nb2post, warm: the same site again; nothing changed, so every notebook is skipped by content hash
* nb2post, one notebook: a single small notebook (the pre-push / edit-loop case)
* jupyter nbconvert --to markdown: the same notebooks in one process, and the single small notebook
* pandoc -f ipynb -t gfm --extract-media: one process per notebook (pandoc takes one input at a time)

Usage: python3 scripts/bench_convert.py [--runs 5] [--corpus ../shared/corpus]
Needs the corpus beside the project; nbconvert comes with nb2post; pandoc is optional (apt install pandoc).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROKEN = {"notebook2_broken_json.ipynb", "02_showdoc_broken_json.ipynb", "test3_no_worksheets.ipynb",
          "jupyter_with_raw_cell_with_invalid_yaml.ipynb", "raw_cell_with_non_dict_yaml_content.ipynb",
          "empty-utf-16.ipynb", "invalid.ipynb", "test4plus.ipynb", "invalid_cell_id.ipynb", "test2.ipynb", "test3.ipynb"}
SMALL = "2020-02-21-introducing-fastpages.ipynb"


# As installed for real: bytecode cached (some machines set PYTHONDONTWRITEBYTECODE; no user pays that).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - start


def median_of(runs: int, make_command, prepare=None) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        if prepare:
            prepare()
        samples.append(timed(*make_command()))
    return statistics.median(samples), min(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="nb2post-bench-"))
    notebooks_dir = work / "notebooks"
    notebooks_dir.mkdir()
    # nbconvert stops at the first notebook it cannot read: give every tool the readable v4 notebooks only
    selected = [p for p in sorted(args.corpus.rglob("*.ipynb")) if p.name not in BROKEN]
    for index, path in enumerate(selected):
        shutil.copy(path, notebooks_dir / f"{index:02d}-{path.name.replace(' ', '_')}")
    notebooks = sorted(notebooks_dir.glob("*.ipynb"))
    small = next(p for p in notebooks if p.name.endswith(SMALL))
    size = sum(p.stat().st_size for p in notebooks) / 1e6
    print(f"{len(notebooks)} notebooks, {size:.1f} MB; {args.runs} runs each; {os.cpu_count()} cores\n")

    nb2post = [sys.executable, "-m", "nb2post.cli"]
    site = work / "site"
    out = work / "out"

    def fresh_site():
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir()
        (site / "_config.yml").write_text("title: bench\n")

    def fresh_out():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()

    rows = []
    rows.append(("nb2post convert, all (cold)", *median_of(args.runs, lambda: ([*nb2post, "convert", "-q", "--site", str(site), str(notebooks_dir)],), fresh_site)))
    rows.append(("nb2post convert, all (warm: unchanged)", *median_of(args.runs, lambda: ([*nb2post, "convert", "-q", "--site", str(site), str(notebooks_dir)],))))
    rows.append(("nb2post convert, one small notebook", *median_of(args.runs, lambda: ([*nb2post, "convert", "-q", "--site", str(site), str(small)],), fresh_site)))
    jupyter = shutil.which("jupyter")
    if jupyter:
        rows.append(("jupyter nbconvert --to markdown, all", *median_of(args.runs, lambda: ([jupyter, "nbconvert", "--to", "markdown", "--output-dir", str(out), *map(str, notebooks)],), fresh_out)))
        rows.append(("jupyter nbconvert --to markdown, one small", *median_of(args.runs, lambda: ([jupyter, "nbconvert", "--to", "markdown", "--output-dir", str(out), str(small)],), fresh_out)))
    else:
        print("jupyter not found: nbconvert rows skipped")
    pandoc = shutil.which("pandoc")
    if pandoc:
        script = " && ".join(
            f"{pandoc} -f ipynb -t gfm --extract-media={out}/m{i} -o {out}/{i}.md '{p}'" for i, p in enumerate(notebooks)
        )
        rows.append(("pandoc -f ipynb -t gfm, all (one process each)", *median_of(args.runs, lambda: (["bash", "-c", script],), fresh_out)))
        rows.append(("pandoc -f ipynb -t gfm, one small", *median_of(args.runs, lambda: ([pandoc, "-f", "ipynb", "-t", "gfm", f"--extract-media={out}/m", "-o", f"{out}/x.md", str(small)],), fresh_out)))
    else:
        print("pandoc not found (apt install pandoc): pandoc rows skipped")

    width = max(len(r[0]) for r in rows)
    print(f"{'command'.ljust(width)}  median s   best s")
    for name, median, best in rows:
        print(f"{name.ljust(width)}  {median:8.3f}  {best:7.3f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
