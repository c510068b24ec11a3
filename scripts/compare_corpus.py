#!/usr/bin/env python3
"""Convert the shared corpus with both targets and compare the result byte for byte with a reference.

For a change that must not change behaviour (moving modules, say): save the output of the code before,
then compare the code after with it.

    python3 scripts/compare_corpus.py --save /tmp/corpus-before      # on the old code
    python3 scripts/compare_corpus.py --against /tmp/corpus-before   # on the new code: exit 0 when equal

Every notebook of the corpus (../shared/corpus, or --corpus) is copied into a scratch site's
``_notebooks`` folder, once per target (``jekyll``, ``fastpages``), and converted there by
``python -m nb2post.cli convert --to TARGET`` of the Python that runs this script (--python for another).
Compared: every file the conversion wrote (posts, images), and what the command said (exit status,
stdout, stderr, with the scratch folder's path written as ``<site>``). nb2post's stat cache is left out:
it records inode numbers and times. Exit status: 0 equal (or saved), 1 some file differs, 2 usage error.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("jekyll", "fastpages")
LEFT_OUT = {".nb2post-cache"}  # stat cache: inode numbers and times


def convert(corpus: Path, scratch: Path, target: str, python: str) -> Path:
    """The corpus converted into a new site under ``scratch``: a folder holding ``site/`` and ``said.txt``."""
    out = scratch / target
    site = out / "site"
    shutil.copytree(corpus, site / "_notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (site / "_config.yml").write_text("title: Corpus\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NB2POST_")}
    env["XDG_CACHE_HOME"] = str(scratch / "cache")  # no record of an earlier run answers this one
    done = subprocess.run([python, "-m", "nb2post.cli", "convert", "--site", str(site), "--to", target,
                           str(site / "_notebooks")], capture_output=True, text=True, env=env, cwd=out, timeout=3600)
    said = f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    (out / "said.txt").write_text(said.replace(str(site), "<site>"), encoding="utf-8")
    shutil.rmtree(site / "_notebooks")  # the input, as copied
    for name in LEFT_OUT:
        path = site / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return out


def differences(reference: Path, result: Path) -> list[str]:
    """Paths (relative) that are only on one side or differ in bytes."""
    found = []

    def walk(compared: filecmp.dircmp, prefix: str) -> None:
        found.extend(f"only in the reference: {prefix}{name}" for name in compared.left_only)
        found.extend(f"only in this run: {prefix}{name}" for name in compared.right_only)
        _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
        found.extend(f"differs: {prefix}{name}" for name in mismatch + errors)
        for name, sub in sorted(compared.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(reference, result, ignore=[]), "")
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, metavar="DIR", help="write the result to DIR (a new folder)")
    what.add_argument("--against", type=Path, metavar="DIR", help="compare the result with DIR (written by --save)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--python", default=sys.executable, help="the Python whose nb2post converts")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus}; give it with --corpus", file=sys.stderr)
        return 2
    if args.save and args.save.exists():
        print(f"error: {args.save} exists; name a new folder", file=sys.stderr)
        return 2
    if args.against and not all((args.against / t).is_dir() for t in TARGETS):
        print(f"error: {args.against} holds no saved result (write one with --save)", file=sys.stderr)
        return 2
    notebooks = sum(1 for p in args.corpus.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    with tempfile.TemporaryDirectory(prefix="nb2post-corpus-") as scratch:
        scratch = Path(scratch)
        results = {target: convert(args.corpus, scratch, target, args.python) for target in TARGETS}
        files = {t: sum(1 for p in (r / "site").rglob("*") if p.is_file()) for t, r in results.items()}
        if args.save:
            args.save.mkdir(parents=True)
            for target, result in results.items():
                shutil.copytree(result, args.save / target, symlinks=True)
            print(f"saved {notebooks} notebooks x {len(TARGETS)} targets "
                  f"({', '.join(f'{t}: {n} files' for t, n in files.items())}) to {args.save}")
            return 0
        found = [f"{t}/{line}" for t in TARGETS for line in differences(args.against / t, results[t])]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} differences from {args.against}", file=sys.stderr)
        return 1
    print(f"same: {notebooks} notebooks x {len(TARGETS)} targets "
          f"({', '.join(f'{t}: {n} files' for t, n in files.items())}), byte for byte, as {args.against}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
