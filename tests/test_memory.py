"""Peak memory of converting a big notebook: at most twice its size plus 100 MB.

A notebook was held as bytes, as text and as parsed JSON all at once (over three times its size); now
each form is dropped once the next exists. Measured by GNU time around the real command (a child forked
from this test process would also count the memory it inherited)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import make_site


def test_peak_memory_of_a_120_mb_notebook(tmp_path, corpus):
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time is None:
        pytest.skip("GNU time (/usr/bin/time) is needed to measure a command's own peak memory")
    source = json.loads((corpus / "ageron__handson-ml2" / "09_unsupervised_learning.ipynb").read_bytes())
    with_images = [c for c in source["cells"] if c["cell_type"] == "code"
                   and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    site = make_site(tmp_path / "blog")
    path = site / "_notebooks" / "2024-01-01-big.ipynb"
    path.parent.mkdir()
    cells, size, index = [], 0, 0
    while size < 120e6:  # the corpus's image cells again and again, each with its own first line
        cell = dict(with_images[index % len(with_images)], source=f"# copy {index}\n")
        cells.append(cell)
        size += len(json.dumps(cell))
        index += 1
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": source["metadata"], "cells": cells},
                               indent=1))
    del cells, source, with_images
    size = path.stat().st_size
    report = tmp_path / "rss"
    command = [gnu_time, "-f", "%M", "-o", str(report), sys.executable, "-m", "nb2post.cli", "convert", "-q", str(path)]
    done = subprocess.run(command, cwd=site, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(list((site / "assets" / "images").rglob("*.png"))) > 100
    peak = int(report.read_text().split()[-1]) * 1024
    assert peak <= 2 * size + 100e6, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB notebook"


def test_peak_memory_of_a_batch_stays_near_its_largest_notebook(tmp_path, corpus):
    """A batch used to keep every post's images until the end (and `pool.map` let finished posts pile
    up): 1,000 notebooks peaked at ~460 MB. Now the bound is the largest notebook, not the sum."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time is None:
        pytest.skip("GNU time (/usr/bin/time) is needed to measure a command's own peak memory")
    source = json.loads((corpus / "ageron__handson-ml2" / "09_unsupervised_learning.ipynb").read_bytes())
    site = make_site(tmp_path / "blog")
    folder = site / "_notebooks"
    folder.mkdir()
    for index in range(40):  # 40 x ~4 MB, mostly PNG outputs
        source["metadata"]["copy"] = index
        (folder / f"2024-01-{index % 28 + 1:02d}-copy-{index}.ipynb").write_text(json.dumps(source))
    largest = max(p.stat().st_size for p in folder.iterdir())
    total = sum(p.stat().st_size for p in folder.iterdir())
    report = tmp_path / "rss"
    command = [gnu_time, "-f", "%M", "-o", str(report), sys.executable, "-m", "nb2post.cli", "convert", "-q", "-j", "2"]
    done = subprocess.run(command, cwd=site, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(list((site / "_posts").iterdir())) == 40
    peak = int(report.read_text().split()[-1]) * 1024
    assert peak <= 2 * largest + 100e6, f"peak {peak / 1e6:.0f} MB; largest notebook {largest / 1e6:.0f} MB, all {total / 1e6:.0f} MB"


def test_writes_resolve_each_folder_once_and_still_never_leave_the_site(tmp_path):
    """write_all checks a post's image folder once (not once per image): a link in a file's place is
    replaced (never written through) and a linked folder is refused; no write lands outside the site."""
    from nb2post.site import write_all

    site = tmp_path / "site"
    outside = tmp_path / "outside"
    (site / "assets" / "images").mkdir(parents=True)
    outside.mkdir()
    (outside / "victim.png").write_bytes(b"keep")
    write_all({site / "assets" / "images" / "p" / f"{i}.png": bytes([i]) for i in range(5)}, inside=site)
    assert sorted(p.name for p in (site / "assets" / "images" / "p").iterdir()) == [f"{i}.png" for i in range(5)]

    (site / "assets" / "images" / "p" / "3.png").unlink()
    (site / "assets" / "images" / "p" / "3.png").symlink_to(outside / "victim.png")
    write_all({site / "assets" / "images" / "p" / "2.png": b"new", site / "assets" / "images" / "p" / "3.png": b"x"},
              inside=site)
    assert (outside / "victim.png").read_bytes() == b"keep"
    assert not (site / "assets" / "images" / "p" / "3.png").is_symlink()
    assert (site / "assets" / "images" / "p" / "3.png").read_bytes() == b"x"
    assert (site / "assets" / "images" / "p" / "2.png").read_bytes() == b"new"

    (site / "assets" / "images" / "q").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="outside the site"):
        write_all({site / "assets" / "images" / "q" / "new" / "a.png": b"x"}, inside=site)
    assert sorted(p.name for p in outside.iterdir()) == ["victim.png"]
    assert not list(site.rglob(".nb2post-*.tmp"))
