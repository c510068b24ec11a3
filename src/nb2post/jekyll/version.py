"""Which Jekyll builds the site: 4.x, or GitHub Pages' 3.10 — their URL rules differ (see ``urls``).

Read from the files that decide it, most specific first:

1. builds that bring their own Jekyll, whatever the Gemfile says: fastpages blogs (``_action_files/``
   or its workflow; a Docker image with Jekyll 4) → 4; a workflow that uses GitHub's
   ``actions/jekyll-build-pages`` (and runs no ``jekyll build`` of its own) → 3.10 (it runs the
   github-pages gem);
2. ``Gemfile.lock`` (the version Bundler installed) or ``Gemfile``: ``github-pages`` → 3.10 (that gem
   pins Jekyll 3.10); ``gem "jekyll", "~> 4.3"`` → 4; ``gem "jekyll"`` unpinned → 4 (the newest);
3. a workflow in ``.github/workflows`` that runs ``jekyll build`` (without a Gemfile: the newest) → 4;
4. nothing of the above: GitHub Pages builds the branch itself, with Jekyll 3.10 (a site converted
   with the fastpages target is taken for a fastpages blog: 4).

``nb2post: jekyll: 3|4`` in ``_config.yml`` overrides all of this (``urls.site_jekyll``).
Only file reads: no YAML parser, no git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_LOCKED = re.compile(r"^ {4}(jekyll|github-pages) \((\d+)[.\d]*\)", re.M)
_GEM = re.compile(r"""^\s*gem\s+["'](jekyll|github-pages)["']\s*(?:,\s*["']\s*([~><=!]*)\s*(\d+))?""", re.M)


@dataclass(frozen=True)
class Detected:
    version: int  # 3 (GitHub Pages' 3.10) or 4
    reason: str  # which file said so, for messages
    guessed: bool = False  # True: no file said anything (GitHub Pages' own build is assumed)
    decisive: bool = False  # True: the build ignores the Gemfile (GitHub's Pages action, fastpages' Docker image)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


_FIND = object()  # detect(root=...): the repository root is not known yet


def _roots(site: Path, root=_FIND) -> list[Path]:
    """The site folder, then the folders above it up to the repository root (where .github lives).
    ``root``: that root when the caller knows it already (None: the site is in no repository)."""
    site = site.resolve()
    if root is not _FIND:
        parents = list(site.parents)
        return [site, *parents[: parents.index(root) + 1]] if root is not None and root in parents else [site]
    for depth, folder in enumerate([site, *site.parents]):
        if (folder / ".git").exists():
            return [site, *list(site.parents)[:depth]]
    return [site]


def from_gemfile(folder: Path) -> Detected | None:
    lock = _read(folder / "Gemfile.lock")
    found = dict((name, int(major)) for name, major in _LOCKED.findall(lock))
    if "github-pages" in found:
        return Detected(3, f"{folder / 'Gemfile.lock'} has github-pages (Jekyll 3.10)")
    if "jekyll" in found:
        return Detected(3 if found["jekyll"] < 4 else 4, f"{folder / 'Gemfile.lock'} locks jekyll {found['jekyll']}")
    gems = {name: (op, major) for name, op, major in _GEM.findall(_read(folder / "Gemfile"))}
    if "github-pages" in gems:
        return Detected(3, f"{folder / 'Gemfile'} uses github-pages (Jekyll 3.10)")
    if "jekyll" in gems:
        op, major = gems["jekyll"]
        if not major or (op.startswith(">") and int(major) <= 4):
            return Detected(4, f"{folder / 'Gemfile'} asks for jekyll without an upper bound (the newest, 4.x)")
        return Detected(3 if int(major) < 4 else 4, f"{folder / 'Gemfile'} pins jekyll {major}")
    return None


def from_workflows(folder: Path) -> Detected | None:
    if (folder / "_action_files").is_dir():
        return Detected(4, f"{folder} is a fastpages blog (built with Jekyll 4)", decisive=True)
    workflows = folder / ".github" / "workflows"
    if not workflows.is_dir():
        return None
    texts = {path: _read(path) for path in sorted(workflows.glob("*.y*ml"))}
    for path, text in texts.items():
        if "fastai/fastpages" in text:
            return Detected(4, f"{path} builds with fastpages (Jekyll 4)", decisive=True)
    for path, text in texts.items():
        if re.search(r"\bjekyll build\b|jekyll-action", text):
            return Detected(4, f"{path} runs its own jekyll build (4.x)")
    for path, text in texts.items():
        if "actions/jekyll-build-pages" in text:
            return Detected(3, f"{path} uses actions/jekyll-build-pages (Jekyll 3.10)", decisive=True)
    return None


def detect(site: Path, root=_FIND) -> Detected:
    """``root``: the site's repository root (``gitrepo.find_root``), when the caller found it already."""
    roots = _roots(Path(site), root)
    workflow = next(filter(None, map(from_workflows, roots)), None)
    if workflow is not None and workflow.decisive:
        return workflow  # these builds bring their own Jekyll, whatever the Gemfile says
    gemfile = next(filter(None, map(from_gemfile, roots)), None)
    return (
        gemfile
        or workflow
        or Detected(3, "no Gemfile and no build workflow: GitHub Pages builds the site with Jekyll 3.10", guessed=True)
    )
