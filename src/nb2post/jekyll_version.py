"""Which Jekyll builds the site: 4.x, or GitHub Pages' 3.10 — their URL rules differ (see ``urls``).

Read from the files that decide it, most specific first:

1. ``Gemfile.lock`` (the version Bundler installed) or ``Gemfile``: ``github-pages`` → 3.10 (that gem
   pins Jekyll 3.10); ``gem "jekyll", "~> 4.3"`` → 4; ``gem "jekyll"`` unpinned → 4 (the newest);
2. fastpages blogs (``_action_files/`` or its workflow) → 4 (fastpages builds with Jekyll 4 in Docker);
3. a workflow in ``.github/workflows`` that runs ``jekyll build`` → 4; one that uses GitHub's
   ``actions/jekyll-build-pages`` → 3.10 (that action runs the github-pages gem);
4. nothing of the above: GitHub Pages builds the branch itself, with Jekyll 3.10.

``nb2post: jekyll: 3|4`` in ``_config.yml`` overrides all of this (read in ``urls.version_of``).
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


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _roots(site: Path) -> list[Path]:
    """The site folder, then the folders above it up to the repository root (where .github lives)."""
    site = site.resolve()
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
        return Detected(4, f"{folder} is a fastpages blog (built with Jekyll 4)")
    workflows = folder / ".github" / "workflows"
    if not workflows.is_dir():
        return None
    texts = {path: _read(path) for path in sorted(workflows.glob("*.y*ml"))}
    for path, text in texts.items():
        if "fastai/fastpages" in text:
            return Detected(4, f"{path} builds with fastpages (Jekyll 4)")
    for path, text in texts.items():
        if re.search(r"\bjekyll build\b|jekyll-action", text):
            return Detected(4, f"{path} runs its own jekyll build (4.x)")
    for path, text in texts.items():
        if "actions/jekyll-build-pages" in text:
            return Detected(3, f"{path} uses actions/jekyll-build-pages (Jekyll 3.10)")
    return None


def detect(site: Path) -> Detected:
    roots = _roots(Path(site))
    for finder in (from_gemfile, from_workflows):
        for folder in roots:
            found = finder(folder)
            if found is not None:
                return found
    return Detected(3, "no Gemfile and no build workflow: GitHub Pages builds the site with Jekyll 3.10")
