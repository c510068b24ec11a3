"""Site facts are read once per run (config.SiteFacts): the repository root, the remote and branch, the
Jekyll version and the config files, however many notebooks or posts a run has and however many worker
processes convert them.

The reads are counted in every process of the real command: a ``sitecustomize`` on PYTHONPATH (which
the workers of the pool import too, whatever their start method) logs each file opened through Python's
audit hook, each ``git`` process started, and each walk up for the repository root (``gitrepo.find_root``,
a stat-only walk that no audit event shows).
"""
from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

from conftest import write_notebook
from site_kits import git, init_repo

SITECUSTOMIZE = '''
import os, sys

_LOG = os.environ["NB2POST_READS_LOG"]
_WATCHED = tuple(os.environ["NB2POST_READS_WATCHED"].split(os.pathsep))


def _note(kind, what):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()}\\t{kind}\\t{what}\\n")


def _hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path in _WATCHED:
            _note("open", path)
        elif path.endswith(".ipynb"):
            _note("notebook", path)  # which processes converted notebooks
    elif event == "subprocess.Popen" and args[1] and os.path.basename(os.fsdecode(args[1][0])) == "git":
        _note("git", os.fsdecode(args[1][1]) if len(args[1]) > 1 else "")


sys.addaudithook(_hook)

import nb2post.gitrepo as _gitrepo  # (stdlib imports only)

_find_root = _gitrepo.find_root


def _counted_find_root(path):
    _note("find_root", path)
    return _find_root(path)


_gitrepo.find_root = _counted_find_root
'''


def _blog(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with a remote and a build workflow, and a Jekyll site in its ``blog/`` folder with a
    Gemfile: every fact has a file to be read from."""
    repo = init_repo(tmp_path / "repo", remote="https://github.com/octo/blog.git")
    site = repo / "blog"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "pages.yml").write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bundle exec jekyll build\n",
        encoding="utf-8")
    site.mkdir()
    (site / "_config.yml").write_text("title: Facts\nurl: https://octo.github.io\nbaseurl: /blog\n", encoding="utf-8")
    (site / "Gemfile").write_text('source "https://rubygems.org"\ngem "jekyll", "~> 4.3"\n', encoding="utf-8")
    for day in range(1, 7):
        write_notebook(site / "_notebooks" / f"2024-03-0{day}-post-{day}.ipynb",
                       [{"cell_type": "markdown", "metadata": {}, "source": f"# Post {day}\n\nSome words, $x^{day}$."},
                        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1)",
                         "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]}])
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "blog")
    return repo, site


FACT_FILES = {
    "the config file": ("blog/_config.yml",),
    "the remote and branch": (".git/config", ".git/HEAD"),
    "the Jekyll version": ("blog/Gemfile.lock", ".github/workflows/pages.yml"),
}


def _reads(tmp_path: Path, repo: Path, site: Path, *args: str) -> tuple[collections.Counter, set[int]]:
    """Run ``nb2post ARGS`` in the site; (what was read how often, across every process; the processes)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "reads.log"
    log.unlink(missing_ok=True)
    watched = [str((repo / name).resolve()) for names in FACT_FILES.values() for name in names]
    env = {**os.environ, "NB2POST_READS_LOG": str(log), "NB2POST_READS_WATCHED": os.pathsep.join(watched),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "nb2post.cli", *args], cwd=site, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    counts: collections.Counter = collections.Counter()
    for _, kind, what in rows:
        if kind == "open":
            what = Path(what).relative_to(repo.resolve()).as_posix()
        if kind != "notebook":
            counts[(kind, what if kind != "find_root" else "the repository root")] += 1
    return counts, {int(pid) for pid, kind, _ in rows if kind == "notebook"}


def _assert_each_fact_read_once(counts: collections.Counter) -> None:
    read_twice = {f"{name} ({kind})": n for (kind, name), n in counts.items() if n > 1}
    assert read_twice == {}, f"read more than once in one run: {read_twice}"
    for fact, names in FACT_FILES.items():
        for name in names:
            assert counts[("open", name)] == 1, f"{fact}: {name} was read {counts[('open', name)]} times"
    assert counts[("find_root", "the repository root")] == 1


def test_a_six_notebook_convert_reads_each_site_fact_once(tmp_path):
    repo, site = _blog(tmp_path)
    counts, processes = _reads(tmp_path, repo, site, "convert", "--jobs", "2")
    assert len(list((site / "_posts").glob("*.md"))) == 6
    assert len(processes) >= 2  # workers converted them: the facts reached them without their reading anything
    badge = (site / "_posts" / "2024-03-01-post-1.md").read_text(encoding="utf-8")
    assert "https://colab.research.google.com/github/octo/blog/blob/main/blog/_notebooks/2024-03-01-post-1.ipynb" in badge
    _assert_each_fact_read_once(counts)
    assert not [kind for kind, _ in counts if kind == "git"]  # (dated notebooks: no history asked for)


def test_a_three_post_brief_reads_each_site_fact_once(tmp_path):
    repo, site = _blog(tmp_path)
    subprocess.run([sys.executable, "-m", "nb2post.cli", "convert"], cwd=site, check=True, capture_output=True,
                   timeout=300)
    counts, _ = _reads(tmp_path, repo, site, "brief", "_posts/2024-03-01-post-1.md", "_posts/2024-03-02-post-2.md",
                       "_notebooks/2024-03-03-post-3.ipynb")
    assert len(list((site / "_briefs").glob("*.json"))) == 3
    brief = (site / "_briefs" / "post-3.json").read_text(encoding="utf-8")
    assert '"notebook": "blog/_notebooks/2024-03-03-post-3.ipynb"' in brief
    _assert_each_fact_read_once(counts)
    assert not [kind for kind, _ in counts if kind == "git"]


def test_a_config_file_read_once_is_still_refused_in_one_line_when_it_is_not_utf8(tmp_path):
    import pytest

    from nb2post.jekyll.config import ConfigError, load

    (tmp_path / "_config.yml").write_bytes(b"\xef\xbb\xbftitle: caf\xe9\n")
    with pytest.raises(ConfigError) as refused:
        load(tmp_path)
    assert str(refused.value) == f"{tmp_path / '_config.yml'}: not UTF-8 text (invalid continuation byte at byte 10)"
    (tmp_path / "_config.yml").write_bytes(b"title: Caf\xc3\xa9\r\nnb2post:\r\n  jekyll: 3\r\n")
    settings = load(tmp_path)
    assert settings.facts.config_texts == ("title: Café\nnb2post:\n  jekyll: 3\n",)  # as read_text gives it
    assert settings.facts.jekyll_build()[0] == 3 and settings.site_config["title"] == "Café"
