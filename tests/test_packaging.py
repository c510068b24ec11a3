"""The distributions a user installs: built by `python -m build` from a copy of this project, offline
(the isolated build takes setuptools from the wheels virtualenv ships), and read back."""
from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from test_hook import copy_project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def distributions(tmp_path_factory) -> dict[str, Path]:
    import virtualenv

    project = copy_project(tmp_path_factory.mktemp("project") / "nb2post")
    out = tmp_path_factory.mktemp("dist")
    embedded = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(embedded)}
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(project)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "is deprecated" not in done.stdout + done.stderr, "the build warns about deprecated metadata"
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def test_wheel_ships_the_license_and_spdx_metadata(distributions):
    with zipfile.ZipFile(distributions["wheel"]) as wheel:
        names = wheel.namelist()
        metadata = email.message_from_string(wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
        license_file = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert wheel.read(license_file).decode() == (ROOT / "LICENSE").read_text()
        assert "nb2post/templates/workflow_pages.yml" in names and "nb2post/templates/workflow.yml" in names
    assert metadata["License-Expression"] == "MIT" and metadata["License-File"] == "LICENSE"
    assert metadata["License"] is None  # the deprecated free-text field is gone
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier")
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in range(10, 14)} <= set(classifiers)
    assert not any(c.startswith("License ::") for c in classifiers)  # SPDX expression instead
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL"))
    from nb2post.init import PROJECT_URL

    assert urls["Source"] == PROJECT_URL and urls["Issues"] == PROJECT_URL + "/issues"


def test_sdist_ships_the_license(distributions):
    with tarfile.open(distributions["sdist"]) as sdist:
        names = sdist.getnames()
        root = names[0].split("/")[0]
        assert f"{root}/LICENSE" in names
        assert "License-Expression: MIT" in sdist.extractfile(f"{root}/PKG-INFO").read().decode()


@pytest.mark.parametrize("minor", [10, 11, 12, 13])
def test_sources_compile_on_every_supported_python(minor, tmp_path):
    """requires-python >= 3.10: the code must not use syntax of a newer Python (pyenv has them all here)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python3.{minor}"), *map(str, sorted(pyenv.glob(f"3.{minor}.*/bin/python3.{minor}")))]
    working = [c for c in candidates if c and subprocess.run([c, "--version"], capture_output=True).returncode == 0]
    if not working:
        pytest.skip(f"python3.{minor} is not installed")
    python = working[0]
    script = ("import pathlib, sys\n"
              "for path in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
              "    compile(path.read_text(encoding='utf-8'), str(path), 'exec')\n")
    done = subprocess.run([python, "-c", script, str(ROOT / "src")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
