"""The offline wheelhouse (tests/wheelhouse.py) from which the action and pre-commit tests install nb2post
when the environment they make lacks its dependencies (the suite run from the built wheel,
scripts/wheel_suite.sh). From a checkout those environments find everything in the base Python and
never ask the wheelhouse, so this test uses it on its own, in every run."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import cell, make_site, write_notebook
from test_hook import copy_project


def test_nb2post_installs_offline_from_the_wheelhouse_alone_and_converts(tmp_path, offline_pip):
    project = copy_project(tmp_path / "nb2post")
    venv = tmp_path / "venv"
    # no --system-site-packages: every dependency must come from the wheelhouse
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    env = {**os.environ, **offline_pip, "PIP_CACHE_DIR": str(tmp_path / "pip-cache")}
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(project)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import nb2post, nbconvert; print(nb2post.__file__, nbconvert.__file__)"],
                           capture_output=True, text=True, check=True, env={**os.environ, "PYTHONNOUSERSITE": "1"})
    assert all(path.startswith(str(venv)) for path in where.stdout.split()), where.stdout

    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-03-01-offline.ipynb",
                   [cell("markdown", "# Offline\n> Installed from local wheels"), cell("code", "print(1 + 1)", outputs=[
                       {"output_type": "stream", "name": "stdout", "text": "2\n"}])])
    converted = subprocess.run([str(venv / "bin" / "nb2post"), "convert", "-q"], cwd=site, capture_output=True, text=True, timeout=300)
    assert converted.returncode == 0, converted.stderr
    post = (site / "_posts" / "2024-03-01-offline.md").read_text(encoding="utf-8")
    assert "title: Offline" in post and "print(1 + 1)" in post
