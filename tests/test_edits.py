"""Hand edits to nb2post's posts are seen at once; no post takes a URL the site publishes already; a post
whose images were deleted is rewritten. (Issue 20, items 2, 3 and 8: real git repositories, real sites.)"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import cell, jekyll_build, make_site, png, run_cli, write_notebook

NOTEBOOK = "_notebooks/2024-03-01-note.ipynb"
POST = "_posts/2024-03-01-note.md"


def blog(tmp_path: Path, extra_config: str = "", cells: list | None = None) -> Path:
    """A site in a git repository with one notebook converted and committed."""
    site = make_site(tmp_path / "blog", extra_config=extra_config)
    write_notebook(site / NOTEBOOK, cells or [cell("markdown", "# Note\n> About it\n\nSome prose."),
                                              cell("code", "print(1)")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    run_cli("convert", "-q", cwd=site, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "posts"], cwd=site, check=True)
    return site


def edit_middle(post: Path) -> str:
    text = post.read_text(encoding="utf-8").replace("Some prose.", "Some prose, with a typo fixed.")
    post.write_text(text, encoding="utf-8")
    return text


def append_line(post: Path) -> str:
    text = post.read_text(encoding="utf-8") + "\nA footer added by hand.\n"
    post.write_text(text, encoding="utf-8")
    return text


EDITS = {"in the middle": edit_middle, "after the marker": append_line}


def test_a_hand_edit_anywhere_is_seen_at_once_refused_and_replaced_by_force(tmp_path):
    for where, edit in EDITS.items():
        site = blog(tmp_path / where.replace(" ", "-"))
        post = site / POST
        for _ in range(3):  # the first fills the stat cache, the second records, the third is answered from it
            assert run_cli("check", cwd=site).returncode == 0
        edited = edit(post)

        checked = run_cli("check", cwd=site)
        assert checked.returncode == 1, (where, checked.stdout, checked.stderr)
        assert f"edited:  {POST} was edited by hand since nb2post wrote it from {NOTEBOOK}" in checked.stdout, where
        assert f"Fix: nb2post convert --force {NOTEBOOK}" in checked.stdout, where
        assert "missing:" not in checked.stdout, where

        refused = run_cli("convert", cwd=site)
        assert refused.returncode == 1, (where, refused.stderr)
        errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
        assert errors == [f"error: {site / POST}: was edited by hand; not overwritten. Move your changes into "
                          f"{NOTEBOOK} or run again with --force to replace the post"], (where, refused.stderr)
        assert post.read_text(encoding="utf-8") == edited, where

        forced = run_cli("convert", "--force", cwd=site)
        assert forced.returncode == 0, (where, forced.stderr)
        assert "by hand" not in post.read_text(encoding="utf-8") and "typo" not in post.read_text(encoding="utf-8")
        after = run_cli("check", cwd=site)
        assert after.returncode == 0, (where, after.stdout)


def test_whitespace_after_the_marker_is_no_edit(tmp_path):
    site = blog(tmp_path)
    post = site / POST
    post.write_text(post.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # an editor's trailing newline
    assert run_cli("check", cwd=site).returncode == 0
    assert run_cli("convert", cwd=site).returncode == 0


MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32  # a real MP4's first box


def test_a_post_whose_images_or_videos_were_deleted_is_stale_and_written_again(tmp_path):
    import base64

    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode(png()).decode(), "text/plain": "<Figure>"}}
    (tmp_path / "blog" / "_notebooks").mkdir(parents=True)
    (tmp_path / "blog" / "_notebooks" / "clip.mp4").write_bytes(MP4)  # a local video the notebook shows
    site = blog(tmp_path, cells=[cell("markdown", "# Note\n\n![a clip](clip.mp4)"),
                                 cell("code", "plot()", outputs=[image])])
    post = site / POST
    files = sorted(p.relative_to(site).as_posix() for p in (site / "assets").rglob("*") if p.is_file())
    assert len(files) == 2 and any(f.endswith(".mp4") for f in files) and any(f.endswith(".png") for f in files), files
    written = post.read_bytes()
    for _ in range(3):  # the third is answered from the record of the second (nb2post.replay): so is the next
        assert run_cli("check", cwd=site).returncode == 0
    for deleted in files:
        (site / deleted).unlink()
        checked = run_cli("check", cwd=site)
        assert checked.returncode == 1, (deleted, checked.stdout, checked.stderr)
        assert (f"stale:   {POST} links {deleted}, deleted since it was written from {NOTEBOOK}"
                in checked.stdout), checked.stdout
        assert f"Fix: nb2post convert {NOTEBOOK}" in checked.stdout, checked.stdout

        converted = run_cli("convert", cwd=site)
        assert converted.returncode == 0, converted.stderr
        assert (site / deleted).is_file() and post.read_bytes() == written, deleted
        assert run_cli("check", cwd=site).returncode == 0
    subprocess.run(["git", "diff", "--exit-code"], cwd=site, check=True)  # the very files committed before


def owner_blog(tmp_path: Path) -> Path:
    """A blog under `permalink: /:categories/:title/` with the owner's post, page and redirect, in git."""
    site = make_site(tmp_path / "blog", extra_config="permalink: /:categories/:title/\n")
    (site / "_posts").mkdir()
    (site / "_posts" / "2020-01-05-bernoulli.md").write_text(
        "---\nlayout: post\ntitle: Bernoulli\ncategories: [ml]\n---\nBernoulli, by the owner.\n", encoding="utf-8")
    (site / "about.md").write_text("---\nlayout: post\ntitle: About\n---\nAbout, by the owner.\n", encoding="utf-8")
    (site / "old.md").write_text("---\nlayout: post\ntitle: Moved\nredirect_from: [/ml/moved/]\n---\nMoved here.\n",
                                 encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "the owner's blog"], cwd=site, check=True)
    return site


def test_no_post_takes_a_url_the_site_publishes_already(tmp_path):
    site = owner_blog(tmp_path)
    notebooks = site / "_notebooks"
    # each of these would be published where an owner's file is
    write_notebook(notebooks / "2024-05-01-bernoulli.ipynb",
                   [cell("markdown", "# Bernoulli\n> Coins\n- categories: [ml]"), cell("markdown", "New.")])
    write_notebook(notebooks / "2024-05-02-about.ipynb", [cell("markdown", "# About me\n\nNew.")])
    write_notebook(notebooks / "2024-05-03-moved.ipynb", [cell("markdown", "# Moved\n> Here\n- categories: [ml]"),
                                                           cell("markdown", "New.")])
    write_notebook(notebooks / "2024-05-04-fresh.ipynb", [cell("markdown", "# Fresh\n\nNew.")])  # its own URL
    bernoulli = f"{site}/_posts/2020-01-05-bernoulli.md"
    expected = {
        f"error: {site}/_posts/2024-05-01-bernoulli.md: would be published at /ml/bernoulli/, where {bernoulli} is "
        "published already (Jekyll keeps only one of them); not written. Give the post its own URL with 'slug:' or "
        "'permalink:' in _notebooks/2024-05-01-bernoulli.ipynb, or make that post this notebook's: "
        f"nb2post adopt {bernoulli} _notebooks/2024-05-01-bernoulli.ipynb",
        f"error: {site}/_posts/2024-05-02-about.md: would be published at /about/, where {site}/about.md is published "
        "already (Jekyll keeps only one of them); not written. Give the post its own URL with 'slug:' or "
        "'permalink:' in _notebooks/2024-05-02-about.ipynb",
        f"error: {site}/_posts/2024-05-03-moved.md: would be published at /ml/moved/, where {site}/old.md is published "
        "already (Jekyll keeps only one of them); not written. Give the post its own URL with 'slug:' or "
        "'permalink:' in _notebooks/2024-05-03-moved.ipynb",
    }
    for flags in (["--dry-run"], []):
        done = run_cli("convert", *flags, cwd=site)
        assert done.returncode == 1, done.stderr
        assert {line for line in done.stderr.splitlines() if line.startswith("error:")} == expected, done.stderr
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2020-01-05-bernoulli.md", "2024-05-04-fresh.md"]

    built = subprocess.run(["jekyll", "build", "-s", str(site), "-d", str(site / "_site"), "--strict_front_matter"],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0 and "Conflict" not in built.stdout + built.stderr, built.stdout + built.stderr
    out = jekyll_build(site)
    assert "Bernoulli, by the owner." in (out / "ml" / "bernoulli" / "index.html").read_text(encoding="utf-8")
    assert "About, by the owner." in (out / "about" / "index.html").read_text(encoding="utf-8")


def test_two_notebooks_of_one_run_never_share_a_url(tmp_path):
    """Under `/:title/` two notebooks of one title on different days would share one page; with workers
    converting them side by side, one is written and the other refused."""
    site = make_site(tmp_path / "blog", extra_config="permalink: /:title/\n")
    for day in range(1, 5):
        name = "weekly" if day in (1, 3) else f"other-{day}"
        write_notebook(site / "_notebooks" / f"2024-06-0{day}-{name}.ipynb",
                       [cell("markdown", f"# {name}\n\nDay {day}.")])
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    done = run_cli("convert", "--jobs", "2", cwd=site)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    written = [p.name for p in (site / "_posts").iterdir() if "weekly" in p.name]
    assert len(errors) == 1 and len(written) == 1, done.stderr
    other = f"_notebooks/{written[0].replace('.md', '.ipynb')}"
    # (a worker that starts after the other wrote its post finds that on disk; else it finds its claim)
    assert (f"would be published at /weekly/, where the post of {other} is written in this run (Jekyll keeps only "
            "one of them); not written." in errors[0]
            or f"would be published at /weekly/, where {site}/_posts/{written[0]} (nb2post's post of {other}) is "
            "published already (Jekyll keeps only one of them); not written." in errors[0]), errors[0]
    built = subprocess.run(["jekyll", "build", "-s", str(site), "-d", str(site / "_site"), "--strict_front_matter"],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0 and "Conflict" not in built.stdout + built.stderr, built.stdout + built.stderr


@pytest.mark.parametrize("permalink",
                         ["date", "pretty", "none", "/:categories/:title/", "/blog/:year/:title:output_ext"])
def test_the_destinations_nb2post_reads_are_the_pages_jekyll_writes(tmp_path, permalink):
    from nb2post.jekyll import published
    from nb2post.jekyll.config import load_site_config

    site = make_site(tmp_path / "site", extra_config=(
        # (exclude: Jekyll's File.fnmatch patterns, path prefixes, folders with a '/'; braces are no glob there)
        f"permalink: {permalink}\nexclude: [private, '*.bak.md', 'docs/old*', notes-archive/, arch, '{{one,two}}.md']\n"
        "collections:\n  recipes:\n    output: true\n  notes:\n    output: true\n    permalink: /n/:name/\n"
        "  hidden:\n    output: false\n"))
    files = {
        "_posts/2020-01-05-bernoulli.md": "---\ntitle: B\ncategories: [ml, Deep Nets]\n---\nx\n",
        "_posts/2020-01-06-own.md": "---\ntitle: O\npermalink: /mine/own.html\n---\nx\n",
        "_posts/2020-01-07-draft.md": "---\ntitle: D\npublished: false\n---\nx\n",
        "blog/_posts/2020-02-01-nested.md": "---\ntitle: N\n---\nx\n",
        "index.md": "---\ntitle: Home\n---\nx\n",
        "about.md": "---\ntitle: About\n---\nx\n",
        "docs/guide.markdown": "---\ntitle: Guide\n---\nx\n",
        "docs/index.html": "---\ntitle: Docs\n---\nx\n",
        "contact.html": "---\npermalink: /reach-me/\n---\nx\n",
        "empty.md": "---\n---\nx\n",
        "static/page.html": "<p>copied as it is</p>\n",
        "feed.xml": "---\n---\n<feed/>\n",
        "private/secret.md": "---\ntitle: S\n---\nx\n",
        "keep.bak.md": "---\n---\nx\n", "sub/deep.bak.md": "---\n---\nx\n", "sub/kept.md": "---\n---\nx\n",
        "docs/old-guide.md": "---\n---\nx\n", "docs/older/x.md": "---\n---\nx\n",
        "notes-archive/a.md": "---\n---\nx\n", "archive.md": "---\n---\nx\n", "one.md": "---\n---\nx\n",
        "_recipes/soup.md": "---\ntitle: Soup\n---\nx\n",
        "_recipes/dir/stew.md": "---\ntitle: Stew\n---\nx\n",
        "_notes/first.md": "---\ntitle: First\n---\nx\n",
        "_hidden/no.md": "---\ntitle: No\n---\nx\n",
        "_drafts/2020-03-01-later.md": "---\ntitle: L\n---\nx\n",
    }
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    out = jekyll_build(site)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix == ".html")
    found = published.destinations(site, load_site_config(site), 4)
    assert sorted(found) == written
    assert all(len(paths) == 1 for paths in found.values())
    # a file below an excluded folder is not published either (assets.published_path: copy, do not link it)
    config = load_site_config(site)
    assert [published.excluded_path(config, path) for path in (
        "notes-archive/a.png", "docs/older/x.png", "sub/kept.png", "one.png", "private/a/b.png")] == [
        True, True, False, False, True]


def test_force_never_replaces_a_post_nb2post_did_not_write(tmp_path):
    site = blog(tmp_path)
    mine = site / "_posts" / "2024-03-02-mine.md"
    mine.write_text("---\ntitle: Mine\n---\nWritten by hand.\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    subprocess.run(["git", "commit", "-qm", "mine"], cwd=site, check=True)
    # the notebook now names the hand-written post's date and slug: its post would land on that file
    write_notebook(site / NOTEBOOK, [cell("markdown", "# Note\n> About it\n- date: 2024-03-02\n- slug: mine"),
                                     cell("markdown", "Some prose.")])
    assert "which moves its published URL" in run_cli("convert", cwd=site).stderr  # (the rename is refused first)
    done = run_cli("convert", "--force", cwd=site)
    assert done.returncode == 1, done.stderr
    assert (f"error: {mine}: was not written by nb2post; not overwritten (--force replaces only posts nb2post "
            f"wrote). Rename one of them, or take the post over for this notebook: nb2post adopt {mine} "
            f"{NOTEBOOK}") in done.stderr, done.stderr
    assert mine.read_text(encoding="utf-8") == "---\ntitle: Mine\n---\nWritten by hand.\n"
    assert (site / POST).is_file()  # and the notebook's own post is still there
