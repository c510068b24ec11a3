#!/usr/bin/env python3
"""Benchmark: nb2post convert and check on an N-notebook site, beside its peers, in one run.

Builds a site of N notebooks in a temporary git repository from copies of the readable corpus notebooks
(each copy's bytes differ a little, so every content hash differs), then times whole commands (what a
user or CI waits for), the median of --runs runs each, and the peak resident memory of each run (from
the kernel's accounting of that process and the children it reaped: ``os.wait4``):

* nb2post --version: interpreter and CLI start-up, the floor of every command
* convert, cold: every notebook into an empty site (no posts, no stat cache)
* convert, nothing changed; convert with one notebook changed
* check, nothing stale; check with one notebook stale
* both with nothing to do and no record of an earlier such run (each run in full, as the first run
  after a change is; see nb2post.replay): the record of the run before is removed before each
* the same site with --broken notebooks added that nb2post cannot convert (copies of the corpus's broken
  ones: JSON, front matter, nbformat): convert and check with nothing else to do, with and without a
  record; each ratio is to the same run on the site without them (a failure is reported from the stat
  cache, not read again, and such a run is replayed too)
* peers on the same notebooks: nbconvert's MarkdownExporter in one process over all of them;
  ``jupyter nbconvert --to markdown`` and ``pandoc -f ipynb -t gfm`` one process per notebook on a
  sample (--sample, default 10), scaled to N in the ratio column

Between runs, the previous run's output is moved aside, not deleted: ext4 will not reuse an inode freed
in the last 60-360 s (``recently_deleted`` in fs/ext4/ialloc.c) and scans past each one, so creating
8,500 files right after deleting 8,500 spent a third of a cold run's CPU time in that kernel scan (perf)
and slowed every tool the more runs had gone before. What was set aside is deleted at the end.

Prints a table with ratios and writes JSON with --json. Timings depend on the machine (named in the
output); they stay out of the unit tests.

    python3 scripts/bench_convert.py --scale 1000 --runs 5 --json bench.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# nbconvert stops at a notebook it cannot read: every tool gets the readable nbformat-4 notebooks only
BROKEN = {"notebook2_broken_json.ipynb", "02_showdoc_broken_json.ipynb", "test3_no_worksheets.ipynb",
          "jupyter_with_raw_cell_with_invalid_yaml.ipynb", "raw_cell_with_non_dict_yaml_content.ipynb",
          "empty-utf-16.ipynb", "invalid.ipynb", "test4plus.ipynb", "invalid_cell_id.ipynb", "test2.ipynb", "test3.ipynb"}
# the ones of those nb2post cannot convert either (it reads the others, with warnings)
FAILING = ("notebook2_broken_json.ipynb", "02_showdoc_broken_json.ipynb", "test3_no_worksheets.ipynb",
           "jupyter_with_raw_cell_with_invalid_yaml.ipynb", "raw_cell_with_non_dict_yaml_content.ipynb")

# As installed for real: bytecode cached (some machines set PYTHONDONTWRITEBYTECODE; no user pays that).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update({"GIT_CONFIG_NOSYSTEM": "1"})
# In a virtual environment over a system Python, nbconvert's templates live under the base prefix.
ENV["JUPYTER_PATH"] = os.pathsep.join(filter(None, [ENV.get("JUPYTER_PATH"), os.path.join(sys.base_prefix, "share", "jupyter")]))

PEER_SCRIPT = """
import sys, pathlib
from nbconvert import MarkdownExporter
exporter = MarkdownExporter()
out = pathlib.Path(sys.argv[1])
failed = 0
for i, name in enumerate(sys.argv[2:]):
    try:
        body, resources = exporter.from_filename(name)
    except Exception:  # nbconvert gives up on some real notebooks (broken base64 outputs, ...)
        failed += 1
        continue
    (out / f"{i}.md").write_text(body, encoding="utf-8")
    for key, data in resources.get("outputs", {}).items():
        (out / f"{i}-{key}").write_bytes(data)
(out / "failed").write_text(str(failed))
"""


def readable_notebooks(corpus: Path) -> list[Path]:
    found = []
    for path in sorted(corpus.rglob("*.ipynb")):
        if path.name in BROKEN:
            continue
        try:
            if json.loads(path.read_bytes()).get("nbformat") == 4:
                found.append(path)
        except ValueError:
            continue
    return found


def build_site(work: Path, count: int, corpus: Path) -> tuple[Path, list[Path]]:
    """An N-notebook site in a git work tree; copy i of corpus notebook k carries ``bench_copy: i``."""
    site = work / "site"
    folder = site / "_notebooks"
    folder.mkdir(parents=True)
    (site / "_config.yml").write_text("title: bench\nnb2post:\n  target: jekyll\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(site)], check=True, env=ENV)
    sources = readable_notebooks(corpus)
    notebooks = []
    for index in range(count):
        source = sources[index % len(sources)]
        data = json.loads(source.read_bytes())
        data.setdefault("metadata", {})["bench_copy"] = index
        stem = "".join(c if c.isalnum() else "-" for c in source.stem.lower()).strip("-")[:40]
        path = folder / f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}-n{index:05d}-{stem}.ipynb"
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        notebooks.append(path)
    return site, notebooks


TIME = shutil.which("time", path="/usr/bin:/bin")  # GNU time: its child's peak RSS, without our own


def add_broken(folder: Path, count: int, corpus: Path) -> list[Path]:
    """``count`` notebooks nb2post cannot convert, copied from the corpus's (see FAILING) into ``folder``."""
    sources = [path for name in FAILING for path in sorted(corpus.rglob(name))[:1]]
    added = []
    for index in range(count):
        source = sources[index % len(sources)]
        path = folder / f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}-b{index:05d}-{source.stem.lower()[:40]}.ipynb"
        path.write_bytes(source.read_bytes())
        added.append(path)
    return added


def run(command: list[str], cwd: Path | None = None, expect: tuple = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one command (the largest of it and the children it reaped).

    The peak comes from GNU time's wait4(): a child forked from this process would also count the
    memory it inherited before exec (Linux keeps that high-water mark). Without GNU time: None."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        wrapped = [TIME, "-q", "-f", "%M", "-o", report.name, *command] if TIME else command
        start = time.perf_counter()
        done = subprocess.run(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        wall = time.perf_counter() - start
        if done.returncode not in expect:
            shown = " ".join(command)
            sys.exit(f"{shown[:300]}{' ...' if len(shown) > 300 else ''} exited {done.returncode}:\n"
                     f"{done.stderr.decode(errors='replace')[-2000:]}")
        text = report.read().strip().splitlines()
    return wall, (int(text[-1]) / 1024 if TIME and text else None)


def measure(runs: int, command, prepare=None, cwd=None, expect=(0,)) -> dict:
    walls, peaks = [], []
    for _ in range(runs):
        if prepare:
            prepare()
        wall, peak = run(command() if callable(command) else command, cwd, expect)
        walls.append(wall)
        peaks.append(peak)
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            "peak_rss_mb": max(peaks) if None not in peaks else None, "runs": runs}


def machine() -> dict:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(), "system": platform.platform()}


def touch_content(path: Path, value: int) -> None:
    """Change a notebook's bytes (same size class, different hash)."""
    data = json.loads(path.read_bytes())
    data["metadata"]["bench_edit"] = value
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=0, help="notebooks in the site (default: each readable corpus notebook once)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=10, help="notebooks the one-process-per-notebook peers convert")
    parser.add_argument("--jobs", type=int, default=None, help="nb2post convert --jobs (default: all cores)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site (its path is printed)")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--broken", type=int, default=None,
                        help="notebooks nb2post cannot convert added for the last rows (default: a tenth of --scale, "
                             "at least 5; 0 leaves those rows out)")
    parser.add_argument("--delete-between-runs", action="store_true",
                        help="delete each run's output before the next instead of setting it aside (see above: "
                             "ext4 then slows every tool's file creation; how this script measured before)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    count = args.scale or len(readable_notebooks(args.corpus))
    work = Path(tempfile.mkdtemp(prefix="nb2post-bench-"))
    # nb2post's records of runs with nothing to do (nb2post.replay) and its compiled schema live in the
    # user's cache folder: this run's own, beside the site, starts empty and is removed with it
    ENV["XDG_CACHE_HOME"] = str(work / "cache")
    # a killed run still removes its site (a gigabyte at --scale 1000)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return benchmark(args, count, work)
    finally:
        for aside in work.glob("aside-*") if args.keep else [work]:
            shutil.rmtree(aside, ignore_errors=True)


def set_aside(work: Path, delete: bool, *paths: Path) -> None:
    """Move a run's output out of the way for the next run (see the module's note on ext4); ``delete``:
    delete it instead (--delete-between-runs)."""
    if delete:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
        return
    aside = Path(tempfile.mkdtemp(prefix="aside-", dir=work))
    for number, path in enumerate(paths):
        if path.exists():
            path.rename(aside / str(number))


def benchmark(args, count: int, work: Path) -> int:
    site, notebooks = build_site(work, count, args.corpus)
    size = sum(p.stat().st_size for p in notebooks)
    largest = max(p.stat().st_size for p in notebooks)
    info = machine()
    print(f"{count} notebooks, {size / 1e6:.0f} MB (largest {largest / 1e6:.1f} MB); {args.runs} runs each; "
          f"{info['nproc']} cores ({info['cpu']}); Python {info['python']}; "
          f"outputs {'deleted' if args.delete_between_runs else 'set aside'} between runs")
    if args.keep:
        print(f"site: {site}")

    script = Path(sys.executable).parent / "nb2post"
    nb2post = [str(script)] if script.is_file() else [sys.executable, "-m", "nb2post.cli"]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    convert = [*nb2post, "convert", "-q", *jobs, "--site", str(site), str(site / "_notebooks")]
    check = [*nb2post, "check", "-q", "--site", str(site)]

    def empty_site():
        set_aside(work, args.delete_between_runs, site / "_posts", site / "assets")
        for cache in (site / ".nb2post-cache", site / ".git" / "nb2post-cache"):
            cache.unlink(missing_ok=True)
        for leftover in (site / ".git").glob("nb2post-cache*"):
            leftover.unlink()

    edits = iter(range(10**6))
    changed = notebooks[len(notebooks) // 2]
    results: dict[str, dict] = {}
    results["version"] = measure(args.runs, [*nb2post, "--version"])
    results["convert_cold"] = measure(args.runs, convert, empty_site)
    if (os.cpu_count() or 1) > 1 and not args.jobs:
        one_worker = [*nb2post, "convert", "-q", "--jobs", "1", "--site", str(site), str(site / "_notebooks")]
        results["convert_cold_one_worker"] = measure(args.runs, one_worker, empty_site)
    run(convert)  # the cache of a cold run holds entries too new to trust (racy); a second run settles it

    def no_records():  # each run finds no record of an earlier one: it runs in full, and records
        shutil.rmtree(work / "cache" / "nb2post" / "runs", ignore_errors=True)

    results["convert_nothing_changed_unrecorded"] = measure(args.runs, convert, no_records)
    results["convert_nothing_changed"] = measure(args.runs, convert)
    results["convert_one_changed"] = measure(args.runs, convert, lambda: touch_content(changed, next(edits)))
    results["check_nothing_stale_unrecorded"] = measure(args.runs, check, no_records)
    results["check_nothing_stale"] = measure(args.runs, check)
    touch_content(changed, -1)
    run(check, expect=(1,))
    results["check_one_stale"] = measure(args.runs, check, expect=(1,))

    broken = max(5, count // 10) if args.broken is None else args.broken
    if broken:
        run(convert)  # the stale one: the site is current again, as in the rows above
        add_broken(site / "_notebooks", broken, args.corpus)
        time.sleep(0.05)  # past the clock tick of the copies (see nb2post.statcache's racy rule)
        run(convert, expect=(1,))  # reads them and remembers how each failed
        failing = {"expect": (1,)}
        results["convert_broken_unrecorded"] = measure(args.runs, convert, no_records, **failing)
        results["convert_broken"] = measure(args.runs, convert, **failing)
        results["check_broken_unrecorded"] = measure(args.runs, check, no_records, **failing)
        results["check_broken"] = measure(args.runs, check, **failing)
        for key in ("convert_broken_unrecorded", "convert_broken", "check_broken_unrecorded", "check_broken"):
            results[key]["broken"] = broken

    peers_note = []
    sample = notebooks[:: max(1, len(notebooks) // args.sample)][: args.sample]
    out = work / "out"

    def fresh_out():
        set_aside(work, args.delete_between_runs, out)
        out.mkdir()

    if not args.skip_peers:
        results["nbconvert_markdown_exporter_one_process"] = measure(
            args.runs, [sys.executable, "-c", PEER_SCRIPT, str(out), *map(str, notebooks)], fresh_out)
        failed = int((out / "failed").read_text())
        if failed:
            peers_note.append(f"nbconvert's MarkdownExporter gave up on {failed} of the {count} notebooks (timed all the same)")
        # the peers that take one process per notebook, on the sample (a peer failing on one goes on)
        per_notebook = {
            "jupyter_nbconvert_per_notebook_sample": (
                "jupyter", "{exe} nbconvert --to markdown --output-dir {out}/j{i} {path} >/dev/null 2>&1",
                "jupyter not found: its row is skipped"),
            "pandoc_per_notebook_sample": (
                "pandoc", "{exe} -f ipynb -t gfm --extract-media={out}/m{i} -o {out}/{i}.md {path}",
                "pandoc not found (apt-get install -y pandoc): its row is skipped"),
        }
        for name, (program, command, missing) in per_notebook.items():
            exe = shutil.which(program)
            if exe is None:
                peers_note.append(missing)
                continue
            line = "; ".join(command.format(exe=exe, out=out, i=i, path=shlex.quote(str(p)))
                             for i, p in enumerate(sample)) + "; true"
            results[name] = measure(args.runs, ["bash", "-c", line], fresh_out)
            results[name]["notebooks"] = len(sample)
        sample_nb2post = [*nb2post, "convert", "-q", "--site", str(site), *map(str, sample)]
        results["convert_sample_cold"] = measure(args.runs, sample_nb2post, empty_site)
        results["convert_sample_cold"]["notebooks"] = len(sample)

    base = results["version"]["median_s"]
    labels = {
        "version": "nb2post --version (start-up)",
        "convert_cold": f"nb2post convert, {count} notebooks, cold",
        "convert_cold_one_worker": "nb2post convert, cold, --jobs 1",
        "convert_nothing_changed_unrecorded": "nb2post convert, nothing changed, no record yet",
        "convert_nothing_changed": "nb2post convert, nothing changed",
        "convert_one_changed": "nb2post convert, one notebook changed",
        "check_nothing_stale_unrecorded": "nb2post check, nothing stale, no record yet",
        "check_nothing_stale": "nb2post check, nothing stale",
        "check_one_stale": "nb2post check, one stale",
        "convert_broken_unrecorded": f"  with {broken} broken: convert, nothing else, no record yet",
        "convert_broken": f"  with {broken} broken: convert, nothing else",
        "check_broken_unrecorded": f"  with {broken} broken: check, nothing else, no record yet",
        "check_broken": f"  with {broken} broken: check, nothing else",
        "nbconvert_markdown_exporter_one_process": f"nbconvert MarkdownExporter, one process, {count} notebooks",
        "convert_sample_cold": f"nb2post convert, sample of {len(sample)}, cold",
        "jupyter_nbconvert_per_notebook_sample": f"jupyter nbconvert --to markdown, {len(sample)} processes",
        "pandoc_per_notebook_sample": f"pandoc -f ipynb -t gfm, {len(sample)} processes",
    }
    print(f"\n{'command':58s} {'median s':>9s} {'min s':>7s} {'peak MB':>8s}  ratio")
    for key, row in results.items():
        ratio = f"{row['median_s'] / base:5.1f}x start-up" if key.startswith(("convert_nothing", "check_")) else ""
        if key == "convert_cold" and "nbconvert_markdown_exporter_one_process" in results:
            ratio = f"{row['median_s'] / results['nbconvert_markdown_exporter_one_process']['median_s']:.2f}x nbconvert (one process)"
        without = {"convert_broken_unrecorded": "convert_nothing_changed_unrecorded", "convert_broken": "convert_nothing_changed",
                   "check_broken_unrecorded": "check_nothing_stale_unrecorded", "check_broken": "check_nothing_stale"}.get(key)
        if without:
            ratio = f"{row['median_s'] / results[without]['median_s']:5.2f}x without the broken ones"
        if key == "convert_cold_one_worker":
            ratio = f"{row['median_s'] / results['convert_cold']['median_s']:.2f}x the cold run with all cores"
        if key in ("jupyter_nbconvert_per_notebook_sample", "pandoc_per_notebook_sample") and "convert_sample_cold" in results:
            ratio = f"{row['median_s'] / results['convert_sample_cold']['median_s']:.1f}x nb2post on the sample"
        peak = f"{row['peak_rss_mb']:8.0f}" if row["peak_rss_mb"] is not None else "       -"
        print(f"{labels.get(key, key):58s} {row['median_s']:9.3f} {row['min_s']:7.3f} {peak}  {ratio}")
    for note in peers_note:
        print(note)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "notebooks": count, "bytes": size, "largest_bytes": largest,
                                         "runs": args.runs, "outputs_between_runs": "deleted" if args.delete_between_runs else "set aside",
                                         "results": results, "notes": peers_note}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
