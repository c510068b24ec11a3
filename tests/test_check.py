"""`nb2post check`: content hashes decide staleness, every finding comes with the command that fixes it."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cell, jekyll_build, make_site, png, run_cli, write_notebook

from nb2post.jekyll import config
from nb2post.check import _simple_section, layout

HEAVY = ("nbconvert", "nbformat", "ruamel", "git", "requests", "regex", "nb2post.share.twitter_text", "nb2post.render", "nb2post.notebook.front_matter",
         "nb2post.render.prose", "nb2post.render.assets", "nb2post.render.outputs",
         "concurrent.futures.process", "multiprocessing", "watchdog", "nb2post.watch", "nb2post.preview")


def blog(tmp_path: Path, count: int = 3, extra_config: str = "") -> Path:
    site = make_site(tmp_path / "blog", extra_config=extra_config)
    for index in range(count):
        write_notebook(site / "_notebooks" / f"2024-03-0{index + 1}-note-{index}.ipynb",
                       [cell("markdown", f"# Note {index}\n> About {index}"), cell("code", f"print({index})")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    run_cli("convert", "-q", cwd=site, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "posts"], cwd=site, check=True)
    return site


def run_fix(done, cwd: Path) -> None:
    """Run the command the report says fixes things, exactly as printed."""
    fixes = [line.split("Fix: ", 1)[1] for line in done.stdout.splitlines() if "Fix: " in line]
    assert fixes, done.stdout
    for fix in fixes:
        for command in fix.split(" (or restore")[0].split(" && "):
            argv = shlex.split(command)
            if argv[0] == "nb2post":
                argv = [sys.executable, "-m", "nb2post.cli", *argv[1:]]
            subprocess.run(argv, cwd=cwd, check=True, capture_output=True)


def test_all_current_exits_0(tmp_path):
    site = blog(tmp_path)
    done = run_cli("check", cwd=site)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 3 notebooks have current posts" in done.stderr
    assert done.stdout == ""


def test_changed_notebook_is_stale_and_the_printed_fix_works(tmp_path):
    site = blog(tmp_path)
    notebook = site / "_notebooks" / "2024-03-02-note-1.ipynb"
    write_notebook(notebook, [cell("markdown", "# Note 1, revised\n> About 1")])
    done = run_cli("check", cwd=site)
    assert done.returncode == 1
    assert "stale:   _posts/2024-03-02-note-1.md is out of date with _notebooks/2024-03-02-note-1.ipynb" in done.stdout
    assert "Fix: nb2post convert _notebooks/2024-03-02-note-1.ipynb" in done.stdout
    run_fix(done, site)
    assert run_cli("check", cwd=site).returncode == 0


def test_file_times_do_not_matter_only_content(tmp_path):
    site = blog(tmp_path)
    for path in (site / "_notebooks").iterdir():
        os.utime(path, (1, 1))  # older than the posts: mtime-based tools would call them current...
    for path in (site / "_posts").iterdir():
        os.utime(path, (1, 1))  # ...and now stale; neither matters
    assert run_cli("check", cwd=site).returncode == 0
    clone = tmp_path / "copy"
    shutil.copytree(site, clone)  # a fresh checkout elsewhere: new times, same content
    assert run_cli("check", cwd=clone).returncode == 0


def test_missing_post_and_orphan_post_are_reported_with_fixes(tmp_path):
    site = blog(tmp_path)
    write_notebook(site / "_notebooks" / "2024-04-01-new.ipynb", [cell("markdown", "# New")])
    (site / "_notebooks" / "2024-03-01-note-0.ipynb").unlink()
    done = run_cli("check", cwd=site)
    assert done.returncode == 1
    assert "missing: _notebooks/2024-04-01-new.ipynb has no post yet" in done.stdout
    assert "orphan:  _posts/2024-03-01-note-0.md: its notebook _notebooks/2024-03-01-note-0.ipynb is gone" in done.stdout
    assert "Fix: git rm -q -- _posts/2024-03-01-note-0.md" in done.stdout
    run_fix(done, site)
    after = run_cli("check", cwd=site)
    assert after.returncode == 0, after.stdout


def test_a_broken_notebook_is_reported_as_unreadable_not_as_missing_a_post(tmp_path):
    site = blog(tmp_path)
    (site / "_notebooks" / "2024-04-01-broken.ipynb").write_text('{"cells": [,]}')
    done = run_cli("check", cwd=site)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "broken:  _notebooks/2024-04-01-broken.ipynb cannot be read: broken JSON at line 1, column 12: "
        "Expecting value; fix the file (or restore it from git)"
    ], done.stdout
    # after convert failed on it, its error is remembered: a notebook with a post says the same
    note = site / "_notebooks" / "2024-03-01-note-0.ipynb"
    note.write_text('{"cells": [')
    assert run_cli("convert", "-q", cwd=site).returncode == 1
    assert "broken:  _notebooks/2024-03-01-note-0.ipynb cannot be read: broken JSON" in run_cli("check", cwd=site).stdout


def _with_image(site: Path, name: str) -> Path:
    import base64

    from conftest import png

    data = {"image/png": base64.b64encode(png()).decode(), "text/plain": "<Figure>"}
    plot = cell("code", "plot()", outputs=[{"output_type": "display_data", "metadata": {}, "data": data}])
    return write_notebook(site / "_notebooks" / name, [cell("markdown", "# Plot"), plot])


@pytest.mark.parametrize("committed", [False, True])
def test_an_orphan_posts_fix_removes_it_and_its_images_committed_or_not(tmp_path, committed):
    site = blog(tmp_path)
    notebook = _with_image(site, "2024-04-01-plot.ipynb")
    run_cli("convert", "-q", str(notebook), cwd=site, check=True)
    image = site / "assets" / "images" / "2024-04-01-plot" / "cell2-output1.png"
    assert image.is_file()
    if committed:
        subprocess.run(["git", "add", "-A"], cwd=site, check=True)
        subprocess.run(["git", "commit", "-qm", "plot"], cwd=site, check=True)
    notebook.unlink()
    done = run_cli("check", cwd=site)
    assert done.returncode == 1
    assert ("orphan:  _posts/2024-04-01-plot.md: its notebook _notebooks/2024-04-01-plot.ipynb is gone "
            "(it links 1 image)") in done.stdout
    files = "-- _posts/2024-04-01-plot.md assets/images/2024-04-01-plot/cell2-output1.png"
    assert f"Fix: {'git rm -q' if committed else 'rm'} {files} (or restore the notebook)" in done.stdout, done.stdout
    run_fix(done, site)
    assert not image.exists() and not (site / "_posts" / "2024-04-01-plot.md").exists()
    after = run_cli("check", cwd=site)
    assert after.returncode == 0, after.stdout


def test_convert_reports_an_orphan_with_the_fix_check_gives(tmp_path):
    site = blog(tmp_path)
    (site / "_notebooks" / "2024-03-01-note-0.ipynb").unlink()
    done = run_cli("convert", cwd=site, check=True)
    [warning] = [line for line in done.stderr.splitlines() if "2024-03-01-note-0" in line]
    assert warning == ("warning: _posts/2024-03-01-note-0.md: its notebook _notebooks/2024-03-01-note-0.ipynb is gone; "
                       "remove the post: git rm -q -- _posts/2024-03-01-note-0.md (or restore the notebook)")
    subprocess.run(shlex.split(warning.split("remove the post: ")[1].split(" (or")[0]), cwd=site, check=True)
    assert run_cli("check", cwd=site).returncode == 0
    assert "is gone" not in run_cli("convert", cwd=site, check=True).stderr
    # a run of named notebooks does not look at the others
    (site / "_notebooks" / "2024-03-02-note-1.ipynb").unlink()
    assert "is gone" not in run_cli("convert", "_notebooks/2024-03-03-note-2.ipynb", cwd=site, check=True).stderr


def test_settings_change_makes_every_post_stale(tmp_path):
    site = blog(tmp_path, extra_config="nb2post:\n  liquid_in_prose: false\n")
    config_file = site / "_config.yml"
    config_file.write_text(config_file.read_text().replace("liquid_in_prose: false", "liquid_in_prose: true"))
    done = run_cli("check", cwd=site)
    assert done.returncode == 1
    assert done.stdout.count("stale:") == 3


def test_hand_edited_stale_post_says_force_is_needed(tmp_path):
    site = blog(tmp_path, count=1)
    post = site / "_posts" / "2024-03-01-note-0.md"
    post.write_text(post.read_text().replace("# Note 0", "# Note 0 (edited)") + "")
    text = post.read_text()
    post.write_text(text.replace("print(0)", "print(0)  # by hand"))
    write_notebook(site / "_notebooks" / "2024-03-01-note-0.ipynb", [cell("markdown", "# Note 0 v2")])
    done = run_cli("check", cwd=site)
    assert "(the post was also edited by hand)" in done.stdout
    assert "Fix: nb2post convert --force _notebooks/2024-03-01-note-0.ipynb" in done.stdout


def test_site_option_and_paths_from_elsewhere(tmp_path):
    site = blog(tmp_path, count=2)
    write_notebook(site / "_notebooks" / "2024-03-01-note-0.ipynb", [cell("markdown", "# changed")])
    done = run_cli("check", "--site", "blog", "blog/_notebooks/2024-03-02-note-1.ipynb", cwd=tmp_path)
    assert done.returncode == 0, done.stdout  # only the named notebook is looked at
    done = run_cli("check", "--site", "blog", cwd=tmp_path)
    assert "Fix: nb2post convert --site blog blog/_notebooks/2024-03-01-note-0.ipynb" in done.stdout
    run_fix(done, tmp_path)
    assert run_cli("check", "--site", "blog", cwd=tmp_path).returncode == 0


def test_missing_path_and_broken_config_are_usage_errors(tmp_path):
    site = blog(tmp_path, count=1)
    done = run_cli("check", "nope.ipynb", cwd=site)
    assert done.returncode == 2 and "nope.ipynb: no such file or folder" in done.stderr
    (site / "_config.yml").write_text("nb2post: {target: [oops\n")
    done = run_cli("check", cwd=site)
    assert done.returncode == 2
    assert "_config.yml: not valid YAML" in done.stderr


@pytest.mark.parametrize(
    "section",
    [
        "",
        "nb2post:\n  target: fastpages\n",
        "nb2post:   # settings\n  target: 'fastpages'  # quoted\n  posts_dir: /blog/_posts/\n  front_matter:\n    layout: post\n    target: jekyll\n",
        "nb2post: {target: fastpages, posts_dir: out}\n",
        "nb2post:\n    target: \"jekyll\"\n    posts_dir: 'a#b'\n",
    ],
)
def test_fast_settings_read_agrees_with_the_yaml_parser(tmp_path, section):
    site = make_site(tmp_path / "s", extra_config=section)
    settings = config.load(site)
    place = layout(site)
    assert (place.target, place.posts_dir) == (settings.target, settings.posts_dir)


def test_fast_read_hands_unusual_sections_to_the_parser():
    assert _simple_section("nb2post: {target: x}\n") is None
    assert _simple_section("nb2post:\n  target: &t jekyll\n") is None
    assert _simple_section("nb2post:\n  target: jekyll # c\n  front_matter:\n    a: 1\n") == {"target": "jekyll"}


def test_nothing_heavy_is_imported_when_nothing_is_stale(tmp_path):
    site = blog(tmp_path, count=2)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "nb2post.cli", "check"], cwd=site,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "nb2post.check" in imported
    heavy = sorted(name for name in imported if any(name == h or name.startswith(h + ".") for h in HEAVY))
    assert heavy == []


def test_a_deleted_notebook_is_an_orphan_even_beside_a_post_whose_image_was_deleted(tmp_path):
    """The hook's check (the notebooks pushed, ``gone`` the deleted ones): a post with a deleted image among
    the pushed ones does not hide the orphan (its list of missing files once took ``gone``'s name)."""
    import base64

    from nb2post.check import ORPHAN, STALE, check

    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode(png()).decode(), "text/plain": "<Figure>"}}
    site = make_site(tmp_path / "blog")
    pictured = write_notebook(site / "_notebooks" / "2024-03-01-plot.ipynb",
                              [cell("markdown", "# Plot"), cell("code", "plot()", outputs=[image])])
    deleted = write_notebook(site / "_notebooks" / "2024-03-02-note.ipynb", [cell("markdown", "# Note")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    run_cli("convert", "-q", cwd=site, check=True)
    [picture] = [p for p in (site / "assets").rglob("*.png")]
    picture.unlink()
    deleted.unlink()
    report = check(layout(site), notebooks=[pictured], gone=[deleted])
    kinds = sorted((finding.kind, finding.post.name) for finding in report.findings)
    assert kinds == sorted([(STALE, "2024-03-01-plot.md"), (ORPHAN, "2024-03-02-note.md")]), kinds


def test_a_post_whose_missing_local_files_appeared_is_stale_and_convert_writes_them_in(tmp_path):
    """A linked file (and a card `image:`) that was not there when the post was written: its appearance makes
    the post stale to check and makes convert write it again, with the files copied in (issue 20)."""
    site = make_site(tmp_path / "blog")
    notebook = write_notebook(site / "_notebooks" / "2024-03-01-plot.ipynb",
                              [cell("markdown", "# Plot\n\n- image: images/card.png"),
                               cell("markdown", "![diagram](images/diagram.png)")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    done = run_cli("convert", cwd=site, check=True)
    assert "'images/diagram.png' not found next to the notebook" in done.stderr
    [post] = (site / "_posts").glob("*.md")
    assert "](images/diagram.png)" in post.read_text(encoding="utf-8")
    assert run_cli("check", cwd=site).returncode == 0  # (nothing to do while the files are missing)
    [page] = jekyll_build(site).rglob("plot.html")  # the awaiting line is a comment to Jekyll's strict Liquid too
    assert "<!-- nb2post: awaiting _notebooks/images/diagram.png _notebooks/images/card.png -->" in page.read_text(encoding="utf-8")
    (notebook.parent / "images").mkdir()
    (notebook.parent / "images" / "diagram.png").write_bytes(png())
    done = run_cli("check", cwd=site)
    assert done.returncode == 1, done.stdout
    assert ("stale:   _posts/2024-03-01-plot.md links _notebooks/images/diagram.png, missing when it was written "
            "from _notebooks/2024-03-01-plot.ipynb and there now") in done.stdout
    run_fix(done, site)
    text = post.read_text(encoding="utf-8")
    assert '![diagram]({{ "/assets/images/2024-03-01-plot/images/diagram.png" | relative_url }})' in text
    assert run_cli("check", cwd=site).returncode == 0
    (notebook.parent / "images" / "card.png").write_bytes(png((0, 255, 0)))
    done = run_cli("check", cwd=site)
    assert "links _notebooks/images/card.png, missing when" in done.stdout, done.stdout
    done = run_cli("convert", cwd=site, check=True)
    assert "1 written" in done.stdout + done.stderr
    assert "image: /assets/images/2024-03-01-plot/images/card.png" in post.read_text(encoding="utf-8")
    assert "nb2post: awaiting" not in post.read_text(encoding="utf-8")
    assert run_cli("check", cwd=site).returncode == 0
