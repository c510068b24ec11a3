"""``nb2post new``: a dated notebook in the site's notebooks folder, front matter in the site's style,
that converts to a post a real ``jekyll build --strict_front_matter`` builds."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
from conftest import jekyll_build, make_site, run_cli
from site_kits import make_fastpages_site

from nb2post.notebook.front_matter import title_cell


def new(site: Path, *args: str):
    return run_cli("new", *args, cwd=site)


def test_minima_site_gets_a_yaml_cell_that_converts_and_builds(tmp_path):
    site = make_site(tmp_path / "site", strict=False, extra_config="nb2post:\n  badges: false\n")
    done = new(site, "Hello: a café, #1", "--date", "2024-05-01", "-d", "What: this is", "-c", "python", "-c", "C# tips")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "_notebooks/2024-05-01-hello-a-café-1.ipynb\n"
    path = site / done.stdout.strip()
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3" and notebook.metadata.kernelspec.language == "python"
    first = notebook.cells[0]
    assert first.cell_type == "raw" and first.source.startswith("---\ntitle: 'Hello: a café, #1'\n")
    run_cli("convert", cwd=site, check=True)
    out = jekyll_build(site)
    pages = [p for p in out.rglob("hello-a-café-1.html")]
    assert len(pages) == 1, sorted(out.rglob("*.html"))
    html = pages[0].read_text(encoding="utf-8")
    assert "Hello: a café, #1</h1>" in html
    assert 'content="What: this is"' in html  # the description, through jekyll-seo-tag


def test_fastpages_blog_gets_fastpages_title_cell_that_converts_and_builds(tmp_path):
    site = make_fastpages_site(tmp_path / "blog")
    done = new(site, "Plots: a first look", "--date", "2024-05-02", "-d", "Charts, quickly", "-c", "jupyter",
               "-c", "2024", "--toc")
    assert done.returncode == 0, done.stderr
    path = site / "_notebooks" / "2024-05-02-plots-a-first-look.ipynb"
    assert done.stdout.strip() == "_notebooks/2024-05-02-plots-a-first-look.ipynb"
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown"
    assert first.source.splitlines()[:2] == ["# Plots: a first look", "> Charts, quickly"]
    assert title_cell(first.source) == {"title": "Plots: a first look", "description": "Charts, quickly", "toc": True,
                                        "badges": True, "comments": False, "categories": ["jupyter", "2024"]}
    run_cli("convert", cwd=site, check=True)
    post = (site / "_posts" / "2024-05-02-plots-a-first-look.md").read_text(encoding="utf-8")
    assert "layout: notebook" in post and "title: 'Plots: a first look'" in post
    out = jekyll_build(site)
    pages = list(out.rglob("plots-a-first-look.html"))
    assert len(pages) == 1, sorted(out.rglob("*.html"))
    html = pages[0].read_text(encoding="utf-8")
    assert '<h1 class="post-title">Plots: a first look</h1>' in html
    assert '<p class="page-description">Charts, quickly</p>' in html


def test_never_overwrites_and_leaves_no_temporary_file(tmp_path):
    site = make_site(tmp_path / "site")
    first = new(site, "Same", "--date", "2024-05-01")
    assert first.returncode == 0, first.stderr
    path = site / "_notebooks" / "2024-05-01-same.ipynb"
    path.write_text("my own words", encoding="utf-8")
    again = new(site, "Same", "--date", "2024-05-01")
    assert again.returncode == 1
    assert again.stderr.startswith("error: _notebooks/2024-05-01-same.ipynb: exists already; not overwritten")
    assert len(again.stderr.strip().splitlines()) == 1
    assert again.stdout == ""
    assert path.read_text(encoding="utf-8") == "my own words"
    assert sorted(p.name for p in path.parent.iterdir()) == ["2024-05-01-same.ipynb"]


def test_date_defaults_to_today_and_a_bad_date_writes_nothing(tmp_path):
    site = make_site(tmp_path / "site")
    bad = new(site, "X", "--date", "2024-02-30")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    assert not (site / "_notebooks").exists()
    empty = new(site, "  ")
    assert empty.returncode == 2 and empty.stderr.startswith("error: the title is empty")
    done = new(site, "Today")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"_notebooks/{dt.date.today().isoformat()}-today.ipynb"


def test_notebooks_dir_setting_and_kernel(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  notebooks_dir: writing/nbs\n")
    done = new(site, "R things", "--date", "2024-05-01", "--kernel", "no-such-kernel-here")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "writing/nbs/2024-05-01-r-things.ipynb"
    assert done.stderr.startswith("warning: no Jupyter kernel named 'no-such-kernel-here' is installed here")
    data = json.loads((site / "writing" / "nbs" / "2024-05-01-r-things.ipynb").read_text(encoding="utf-8"))
    assert data["metadata"]["kernelspec"] == {"name": "no-such-kernel-here", "display_name": "no-such-kernel-here"}


def test_outside_a_site_is_a_usage_error(tmp_path):
    done = new(tmp_path, "X")
    assert done.returncode == 2 and done.stderr.startswith("error: no _config.yml")
    assert list(tmp_path.iterdir()) == []


TITLES = ["Learning C#", '"Quoted"', "'single'", "a: b # c", "100% sure, [really]", "Ünïcode ✓ 🎉", "- dash", "> arrow",
          "yes", "2024"]


def test_every_title_reads_back_from_both_styles():
    from nb2post.notebook.front_matter import load_yaml
    from nb2post.notebook.new import Draft, front_matter_cell

    for title in TITLES:
        draft = Draft(title, dt.date(2024, 5, 1), description=title, categories=["C# tips", "a, b", "yes", "2024"])
        values = title_cell(front_matter_cell(draft, fastpages=True)["source"])
        assert values is not None, title
        assert (values["title"], values["description"]) == (title, title)
        assert values["categories"] == ["C# tips", "a, b", "yes", "2024"]
        source = front_matter_cell(draft, fastpages=False)["source"]
        assert load_yaml(source.strip("-\n"), "cell") == {"title": title, "description": title,
                                                          "categories": draft.categories, "toc": False}
