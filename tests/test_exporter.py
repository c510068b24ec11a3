"""`jupyter nbconvert --to jekyll|fastpages` through the nbconvert.exporters entry point: the same post
as `nb2post convert`, byte for byte."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from conftest import cell, make_site, run_cli, write_notebook
from site_kits import init_repo

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a3a0e90000000049454e44ae426082"
)
CELLS = [
    cell("markdown", "# Exported: the same post\n> Summary\n\n- categories: [x]"),
    cell("markdown", "## Part\n\n> Note: a callout\n\n![img](dot.png) and {{ liquid }}"),
    cell("code", "print(1)", outputs=[{"output_type": "display_data", "metadata": {},
                                       "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg+M/A8B8ABQACAeKjoOkAAAAASUVORK5CYII=", "text/plain": "<Figure>"}}]),
]


def nbconvert(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbconvert", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_entry_points_are_registered():
    names = {ep.name: ep.value for ep in entry_points(group="nbconvert.exporters")}
    assert names.get("jekyll") == "nb2post.exporter:JekyllExporter"
    assert names.get("fastpages") == "nb2post.exporter:FastpagesExporter"
    from nbconvert.exporters import get_exporter

    from nb2post.exporter import FastpagesExporter, JekyllExporter

    assert get_exporter("jekyll") is JekyllExporter and get_exporter("fastpages") is FastpagesExporter


def _site(tmp_path, target: str):
    repo = init_repo(tmp_path / "repo", "trunk", "https://github.com/octo-org/nb-blog.git")
    site = make_site(repo / "site", extra_config=f"nb2post:\n  target: {target}\n  toc: kramdown\n")
    nb = write_notebook(site / "_notebooks" / "2024-04-05-exported post.ipynb", CELLS)
    (site / "_notebooks" / "dot.png").write_bytes(PNG)
    return site, nb


def site_files(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def _same_post(tmp_path, target: str):
    """Inside the site, with no --output-dir: the post lands where `nb2post convert` writes it, byte for byte."""
    site, nb = _site(tmp_path, target)
    done = nbconvert("--to", target, "_notebooks/2024-04-05-exported post.ipynb", cwd=site)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (site / "_notebooks").iterdir() if p.suffix == ".md"] == [], "not beside the notebook"
    exported = site / "_posts" / "2024-04-05-exported-post.md"  # named like the post, not the notebook
    assert exported.is_file(), site_files(site)
    images = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.png") if "_notebooks" not in p.parts)
    assert len(images) == 2, images  # the local image and the output image, written into the site
    before = exported.read_bytes()
    converted = run_cli("convert", "-v", str(nb), cwd=site, check=True)
    assert converted.stdout == "" and "unchanged: _posts/2024-04-05-exported-post.md" in converted.stderr
    assert exported.read_bytes() == before
    return exported.read_text(encoding="utf-8")


def test_jekyll_exporter_gives_the_same_post_as_convert(tmp_path):
    text = _same_post(tmp_path, "jekyll")
    assert "nb2post-badge-colab" in text and "* TOC" in text and "/blob/trunk/site/_notebooks/2024-04-05-exported%20post.ipynb" in text


def test_fastpages_exporter_gives_the_same_post_as_convert(tmp_path):
    text = _same_post(tmp_path, "fastpages")
    assert "layout: notebook" in text and "branch: trunk" in text and "{% include note.html" in text


def test_output_dir_moves_the_post_and_its_images_together(tmp_path):
    site, nb = _site(tmp_path, "jekyll")
    untouched = site_files(site)
    out = tmp_path / "out"
    done = nbconvert("--to", "jekyll", str(nb), "--output-dir", str(out))
    assert done.returncode == 0, done.stderr
    assert site_files(site) == untouched, "nothing written into the site"
    moved = site_files(out)
    assert moved[0] == "2024-04-05-exported-post.md" and len(moved) == 3, moved
    post = (out / moved[0]).read_text(encoding="utf-8")
    for image in moved[1:]:
        assert image.startswith("assets/images/2024-04-05-exported-post/")
        assert f"/{image}" in post, "the post links to its images at the paths they have beside it"
    # the same post as `nb2post convert` writes into the site
    run_cli("convert", "--site", str(site), str(nb), check=True)
    assert (site / "_posts" / moved[0]).read_text(encoding="utf-8") == post
    assert [p.relative_to(site).as_posix() for p in (site / "assets").rglob("*.png")] != []


def test_stdout_writes_no_file_at_all(tmp_path):
    site, nb = _site(tmp_path, "jekyll")
    untouched = site_files(site)
    done = nbconvert("--to", "jekyll", "--stdout", "_notebooks/2024-04-05-exported post.ipynb", cwd=site)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("---\n") and "Exported: the same post" in done.stdout
    assert site_files(site) == untouched, "no post, no images"


def test_a_bad_notebook_fails_with_its_name(tmp_path):
    site = make_site(tmp_path / "site")
    nb = write_notebook(site / "_notebooks" / "2024-04-05-bad.ipynb", [cell("markdown", "# Bad\n- date: not a date")])
    done = nbconvert("--to", "jekyll", str(nb), "--output-dir", str(tmp_path / "out"))
    assert done.returncode != 0
    assert "2024-04-05-bad.ipynb" in done.stderr and "not a date" in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_hand_edited_or_foreign_post_is_not_overwritten_without_force(tmp_path):
    site, nb = _site(tmp_path, "jekyll")
    posts = site / "_posts"
    post = posts / "2024-04-05-exported-post.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text("---\ntitle: Mine\n---\nwritten by a person\n", encoding="utf-8")
    done = nbconvert("--to", "jekyll", str(nb), "--output-dir", str(posts))
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "Traceback" not in done.stderr
    assert str(post) in errors[0] and "not written by nb2post" in errors[0] and "--JekyllExporter.force=True" in errors[0]
    assert post.read_text(encoding="utf-8") == "---\ntitle: Mine\n---\nwritten by a person\n"
    assert not (site / "assets").exists(), "nothing written when refused, images included"
    # --stdout writes no file, so there is nothing to protect
    shown = nbconvert("--to", "jekyll", str(nb), "--stdout")
    assert shown.returncode == 0 and "Exported: the same post" in shown.stdout

    # force replaces it; the post is then nb2post's and a later export overwrites it freely
    assert nbconvert("--to", "jekyll", str(nb), "--output-dir", str(posts), "--JekyllExporter.force=True").returncode == 0
    fresh = post.read_text(encoding="utf-8")
    assert "written by a person" not in fresh and "<!-- nb2post: generated from" in fresh
    assert nbconvert("--to", "jekyll", str(nb), "--output-dir", str(posts)).returncode == 0
    assert post.read_text(encoding="utf-8") == fresh

    # an edit to nb2post's post is kept, in the fastpages exporter too
    post.write_text(fresh.replace("Exported: the same post", "Edited title"), encoding="utf-8")
    done = nbconvert("--to", "fastpages", str(nb), "--output-dir", str(posts))
    assert done.returncode == 1 and "edited by hand" in done.stderr and "--FastpagesExporter.force=True" in done.stderr
    assert "Edited title" in post.read_text(encoding="utf-8")


def test_the_sites_warnings_show_under_nbconvert_as_under_convert(tmp_path):
    """The warnings about the site itself (here a url ending in '/') reach `jupyter nbconvert` too, once,
    with the same words `nb2post convert` prints; its notes stay at INFO, out of nbconvert's default log."""
    site = make_site(tmp_path / "site", extra_config="url: \"https://example.org/\"\n")
    write_notebook(site / "_notebooks" / "2024-04-05-a.ipynb", [cell("markdown", "# A\n> Summary\n\n- slug: '--'")])
    converted = run_cli("convert", "--force", cwd=site, check=True)
    said = [line.split(": ", 1)[1] for line in converted.stderr.splitlines() if line.startswith("warning: ") and "ends in '/'" in line]
    assert len(said) == 1, converted.stderr
    done = nbconvert("--to", "jekyll", "_notebooks/2024-04-05-a.ipynb", cwd=site)
    assert done.returncode == 0, done.stderr
    logged = [line for line in done.stderr.splitlines() if "ends in '/'" in line]
    assert len(logged) == 1 and "WARNING" in logged[0], done.stderr
    assert logged[0].endswith(said[0]), (logged, said)
    # and the post's own: a slug that leaves the URL no name
    assert len([line for line in done.stderr.splitlines() if "leaves nothing for :title and :slug" in line]) == 1, done.stderr
    assert "has no git remote" not in done.stderr  # a note: at DEBUG only
    debug = nbconvert("--to", "jekyll", "--debug", "_notebooks/2024-04-05-a.ipynb", cwd=site)
    assert len([line for line in debug.stderr.splitlines() if "has no git remote" in line]) == 1, debug.stderr
