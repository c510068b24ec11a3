"""The fastpages target names and shows what fastpages did: post file names with only spaces replaced,
no frozen progress bars from unsaved widgets, no outputs of code cells with an empty source."""
from __future__ import annotations

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import make_fastpages_site

LONG_NAME = "2020-05-01-Active Learning, Data Selection, Data Auto-Labeling, and Simulation in Autonomous Driving"
TQDM = "  0%|          | 0/6995 [00:00<?, ?it/s]"


def _cells():
    progress = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}, "text/plain": TQDM},
    }
    return [
        cell("markdown", "# Active learning\n> A summary"),
        cell("code", "for x in tqdm(data): pass", outputs=[progress, {"output_type": "stream", "name": "stdout", "text": "done training\n"}]),
        cell("code", "", outputs=[{"output_type": "stream", "name": "stdout", "text": "output of an empty cell\n"}]),
        cell("code", "#hide_input\n", outputs=[{"output_type": "stream", "name": "stdout", "text": "output of a hidden input\n"}]),
    ]


def test_fastpages_names_and_outputs_as_fastpages_did(tmp_path):
    site = make_fastpages_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / f"{LONG_NAME}.ipynb", _cells())
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    expected = "2020-05-01-Active-Learning,-Data-Selection,-Data-Auto-Labeling,-and-Simulation-in-Autonomous-Driving.md"
    assert [p.name for p in (site / "_posts").iterdir()] == [expected]
    post = (site / "_posts" / expected).read_text(encoding="utf-8")
    assert "0/6995" not in post and "output of an empty cell" not in post
    assert "done training" in post and "output of a hidden input" in post
    out = jekyll_build(site)
    pages = [p.relative_to(out).as_posix() for p in out.rglob("*Autonomous-Driving.html")]
    assert pages == ["2020/05/01/Active-Learning,-Data-Selection,-Data-Auto-Labeling,-and-Simulation-in-Autonomous-Driving.html"]


def test_jekyll_target_keeps_its_own_rules(tmp_path):
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / f"{LONG_NAME}.ipynb", _cells())
    run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    [post] = (site / "_posts").iterdir()
    assert post.name == "2020-05-01-Active-Learning-Data-Selection-Data-Auto-Labeling-and-Simulation-in-Autonomous-Driving.md"
    text = post.read_text(encoding="utf-8")
    assert "0/6995" in text and "output of an empty cell" in text, "Jupyter shows both"
