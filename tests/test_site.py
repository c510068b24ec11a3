"""Where the site writes, on the file systems people really have: symbolic links, FIFOs, folders named
like notebooks, killed conversions, moved notebooks."""
from __future__ import annotations

import base64

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"


def image_output():
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG, "text/plain": "<Figure>"}}


def tree(folder):
    """Every file below ``folder`` with its bytes (links as what they point to)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- symbolic links ----------------------------------------------------------------------------------


def test_a_post_that_is_a_symlink_is_refused_and_force_replaces_the_link_not_its_target(tmp_path):
    site = make_site(tmp_path / "site")
    config = (site / "_config.yml").read_bytes()
    (site / "_posts").mkdir()
    link = site / "_posts" / "2024-02-03-post.md"
    link.symlink_to("../_config.yml")
    write_notebook(site / "_notebooks" / "2024-02-03-post.ipynb", [cell("markdown", "# Linked\n\nText.")])

    refused = run_cli("convert", "_notebooks", cwd=site)
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert f"error: {link}: is a symbolic link (to ../_config.yml)" in refused.stderr
    assert "--force" in refused.stderr
    assert link.is_symlink() and (site / "_config.yml").read_bytes() == config

    forced = run_cli("convert", "--force", "_notebooks", cwd=site)
    assert forced.returncode == 0, forced.stderr
    assert (site / "_config.yml").read_bytes() == config  # the target is untouched
    assert not link.is_symlink() and "Linked" in link.read_text()
    out = jekyll_build(site)
    assert "Text." in (out / "2024/02/03/post.html").read_text()


def test_folders_linked_out_of_the_site_fail_their_posts_with_one_line_and_the_batch_goes_on(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    site = make_site(tmp_path / "site")
    (site / "assets").mkdir()
    (site / "assets" / "images").symlink_to(outside, target_is_directory=True)
    notebooks = site / "_notebooks"
    for name in ("2024-01-01-plot", "2024-01-02-more-plots"):
        write_notebook(notebooks / f"{name}.ipynb", [cell("code", "plot()", outputs=[image_output()])])
    write_notebook(notebooks / "2024-01-03-text.ipynb", [cell("markdown", "# Only words")])

    done = run_cli("convert", "-j", "1", "_notebooks", cwd=site)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert "assets/images is a link to" in errors[0] and str(outside) in errors[0]
    assert "2 failed" in done.stderr and "1 written" in done.stderr
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2024-01-03-text.md"]

    dry = run_cli("convert", "--dry-run", "_notebooks", cwd=site)
    assert dry.returncode == 1 and "assets/images is a link to" in dry.stderr

    # _posts itself linked out of the site: every post refused, one line, nothing written there.
    posts_outside = tmp_path / "posts-elsewhere"
    posts_outside.mkdir()
    (site / "assets" / "images").unlink()
    for post in (site / "_posts").iterdir():
        post.unlink()
    (site / "_posts").rmdir()
    (site / "_posts").symlink_to(posts_outside, target_is_directory=True)
    done = run_cli("convert", "_notebooks", cwd=site)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "_posts is a link to" in errors[0], done.stderr
    assert "3 failed" in done.stderr
    assert list(posts_outside.iterdir()) == []
