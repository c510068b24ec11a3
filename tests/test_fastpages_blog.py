"""A fastpages blog is a fastpages blog: with no target set, a site with fastpages' real _config.yml gets
the posts fastpages' layouts read, and a post whose target changes says so and takes the images the old
target wrote for it away. Checked on what real Jekyll builds."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import frontmatter

from conftest import CORPUS, cell, jekyll_build, png, run_cli, write_notebook
from site_kits import built_page, fastpages_site, init_repo

ICON = CORPUS / "fastai__fastpages" / "my_icons" / "fastai_logo.png"


def _blog(tmp_path: Path, extra_config: str = "") -> Path:
    site = init_repo(fastpages_site(tmp_path / "site"), remote="https://github.com/octo-org/nb-blog.git")
    if extra_config:
        with open(site / "_config.yml", "a", encoding="utf-8") as config:
            config.write(extra_config)
    (site / "_notebooks" / "my_icons").mkdir(parents=True)
    (site / "_notebooks" / "my_icons" / "fastai_logo.png").write_bytes(ICON.read_bytes())
    plot = {"output_type": "display_data", "metadata": {}, "data": {"image/png": base64.b64encode(png((5, 6, 7))).decode()}}
    write_notebook(site / "_notebooks" / "2024-08-01-plots.ipynb", [
        cell("markdown", "# Plots\n> Two figures\n\n- image: my_icons/fastai_logo.png"),
        cell("markdown", "The icon: ![the icon](my_icons/fastai_logo.png)"),
        cell("code", "plot()", outputs=[plot]),
    ])
    return site


def _build(site: Path) -> str:
    out = jekyll_build(site, "--config", f"{site / '_config.yml'},{site / '_config_test.yml'}")
    page = built_page(out, "plots")
    for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', page):
        assert (out / src.lstrip("/")).is_file(), f"{src} is not a file of the built site"
    return page


def _images(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for folder in ("images", "assets") if (site / folder).is_dir()
                  for p in (site / folder).rglob("*") if p.is_file())


def test_a_fastpages_blog_gets_fastpages_posts_when_no_target_is_set(tmp_path):
    site = _blog(tmp_path)
    run_cli("convert", cwd=site, check=True)
    post = frontmatter.loads((site / "_posts" / "2024-08-01-plots.md").read_text(encoding="utf-8"))
    assert (post["layout"], post["nb_path"]) == ("notebook", "_notebooks/2024-08-01-plots.ipynb")
    assert _images(site) == ["images/copied_from_nb/2024-08-01-plots/cell3-output1.png",
                             "images/copied_from_nb/my_icons/fastai_logo.png"]
    page = _build(site)
    assert 'class="badge-colab"' in page, "fastpages' layout draws the badges from the front matter"
    check = run_cli("check", cwd=site)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_fastpages_blog_on_another_theme_gets_plain_jekyll_posts(tmp_path):
    site = _blog(tmp_path, "nb2post:\n  theme: minima\n")
    (site / "_layouts" / "notebook.html").unlink()
    run_cli("convert", cwd=site, check=True)
    post = frontmatter.loads((site / "_posts" / "2024-08-01-plots.md").read_text(encoding="utf-8"))
    assert "nb_path" not in post.metadata and post.get("layout") != "notebook"
    assert run_cli("check", cwd=site).returncode == 0


def test_changing_a_posts_target_says_so_and_removes_the_old_targets_images(tmp_path):
    site = _blog(tmp_path)
    run_cli("convert", cwd=site, check=True)
    dry = run_cli("convert", "--to", "jekyll", "--dry-run", cwd=site, check=True)
    assert ("_posts/2024-08-01-plots.md: would be written for --to jekyll, was --to fastpages; would remove the 1 image "
            "it wrote for that target") in dry.stdout, dry.stdout  # a dry run's results are its output
    assert "would remove images/copied_from_nb/2024-08-01-plots/cell3-output1.png" in dry.stdout, dry.stdout
    done = run_cli("convert", "--to", "jekyll", cwd=site, check=True)
    assert ("_posts/2024-08-01-plots.md: now written for --to jekyll, no longer --to fastpages; removed the 1 image it "
            "wrote for that target") in done.stderr, done.stderr
    # the shared copy of a local image may serve other fastpages posts: it stays
    assert _images(site) == ["assets/images/2024-08-01-plots/cell3-output1.png",
                             "assets/images/2024-08-01-plots/my_icons/fastai_logo.png",
                             "images/copied_from_nb/my_icons/fastai_logo.png"]
    _build(site)
    back = run_cli("convert", cwd=site, check=True)
    assert "now written for --to fastpages, no longer --to jekyll; removed the 2 images" in back.stderr, back.stderr
    assert _images(site) == ["images/copied_from_nb/2024-08-01-plots/cell3-output1.png",
                             "images/copied_from_nb/my_icons/fastai_logo.png"]
    _build(site)
    again = run_cli("convert", "--force", cwd=site, check=True)
    assert "written for" not in again.stderr, "the same target again: nothing to say"
