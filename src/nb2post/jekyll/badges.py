"""Open in Colab, Binder, GitHub and Deepnote badges, built from the repository the site lives in.

The repository comes from the real git remote (https, ssh and ``git@host:`` forms, GitHub Enterprise
hosts; a remote on any other host gets no badges: its pages are not GitHub's), the branch from what is checked out (never a hard-coded ``master``), the notebook path from its
place in the repository. Everything is read from files under ``.git`` (see :mod:`nb2post.gitrepo`).

Plain Jekyll sites get the badges as HTML at the top of the post (inline SVG: no image is fetched from a
third party). fastpages' layout draws its own badges from front matter, so there the post gets the real
``branch:`` and ``hide_<name>_badge`` keys instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..templates_text import fill

NAMES = ("github", "binder", "colab", "deepnote")  # fastpages' order
LABELS = {
    "github": "View on GitHub",
    "binder": "Launch Binder",
    "colab": "Open in Colab",
    "deepnote": "Launch in Deepnote",
}
COLORS = {"github": "#24292f", "binder": "#579aca", "colab": "#e37400", "deepnote": "#3793ef"}
# Colab and Deepnote open notebooks from github.com only.
GITHUB_COM_ONLY = ("colab", "deepnote")
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?(?P<host>[^/:]+):(?!//)(?P<path>[^\\]+)$")


@dataclass(frozen=True)
class Repository:
    host: str  # github.com, or a GitHub Enterprise host (with its port for http(s) remotes)
    owner: str
    name: str
    scheme: str = "https"  # an http remote's pages are served over http: a link must not turn it into https

    @property
    def on_github_com(self) -> bool:
        return self.host.lower() in ("github.com", "www.github.com")

    @property
    def on_github(self) -> bool:
        """github.com or a GitHub Enterprise host (named ``github.…`` as GitHub's guide has it, or
        ``<name>.ghe.com``): the hosts whose pages "View on GitHub" and Binder links can point at."""
        hostname = self.host.lower().split(":")[0]
        return self.on_github_com or hostname.split(".")[0].startswith("github") or hostname.endswith(".ghe.com")

    @property
    def web_url(self) -> str:
        # encoded: a remote such as `o{{w}}n/repo` must not put Liquid (or HTML) into a post
        return f"{self.scheme}://{quote(self.host, safe=':')}/{quote(self.owner, safe='')}/{quote(self.name, safe='')}"


def parse_remote(url: str | None) -> Repository | None:
    """owner/name on a host from any remote URL form; None for local paths and unknown shapes.

    User names and tokens in the URL are dropped here, so they can never reach a post or a message.
    """
    if not url:
        return None
    url = url.strip()
    scheme = "https"
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git") or not parts.hostname:
            return None
        host = parts.hostname
        if parts.scheme.lower() in ("http", "https"):
            scheme = parts.scheme.lower()
            if parts.port:
                host = f"{host}:{parts.port}"
        path = parts.path
    else:
        match = _SCP_LIKE.match(url)
        if not match or len(match.group("host")) == 1:  # C:\repo is a Windows path, not a host
            return None
        host, path = match.group("host"), match.group("path")
    segments = [s for s in path.strip("/").split("/") if s]
    if len(segments) < 2:
        return None
    name = segments[-1][:-4] if segments[-1].endswith(".git") else segments[-1]
    if not name:
        return None
    return Repository(host=host, owner=segments[-2], name=name, scheme=scheme)


def _path(text: str) -> str:
    """URL-encode each segment of a path (spaces, non-ASCII, '#', '?'), keeping the slashes."""
    return "/".join(quote(segment, safe="") for segment in text.split("/"))


def urls(repo: Repository, branch: str, nb_path: str) -> dict[str, str]:
    """Badge name -> link, for the badges this host supports (none off GitHub)."""
    if not repo.on_github:
        return {}
    blob = f"{repo.web_url}/blob/{_path(branch)}/{_path(nb_path)}"
    found = {"github": blob}
    labpath = quote(nb_path, safe="")
    if repo.on_github_com:
        owner, name = quote(repo.owner, safe=""), quote(repo.name, safe="")
        found["binder"] = f"https://mybinder.org/v2/gh/{owner}/{name}/{quote(branch, safe='')}?labpath={labpath}"
        found["colab"] = (
            f"https://colab.research.google.com/github/{owner}/{name}/blob/{_path(branch)}/{_path(nb_path)}"
        )
        found["deepnote"] = f"https://deepnote.com/launch?url={quote(blob, safe='')}"
    else:
        clone = quote(f"{repo.web_url}.git", safe="")
        found["binder"] = f"https://mybinder.org/v2/git/{clone}/{quote(branch, safe='')}?labpath={labpath}"
    return found


# Links by which a notebook carries its own badge (Colab's "Open in Colab" cell, a Binder button).
_OWN_BADGE = {
    "colab": re.compile(r"https?://colab\.research\.google\.com/", re.I),
    "binder": re.compile(r"https?://(?:[\w-]+\.)?mybinder\.org/v2/", re.I),
    "deepnote": re.compile(r"https?://deepnote\.com/launch", re.I),
}
OWN_BADGE_CELLS = 3  # where notebooks put them: the first cells, before the content


def carried_by(cells: list[dict]) -> list[str]:
    """The badges a notebook already shows in its first markdown/raw cells (so it gets no second one)."""
    from ..notebook.reader import cell_source

    text = "\n".join(
        cell_source(cell) for cell in cells[:OWN_BADGE_CELLS] if cell.get("cell_type") in ("markdown", "raw")
    )
    return [name for name, link in _OWN_BADGE.items() if link.search(text)]


def fingerprint_input(url: str | None, branch: str | None) -> str:
    """What badges depend on besides the notebook: the repository and branch (no credentials), from
    ``gitrepo.remote_and_branch``."""
    repo = parse_remote(url)
    where = f"{'http://' if repo.scheme == 'http' else ''}{repo.host}/{repo.owner}/{repo.name}" if repo else ""
    return f"{where}@{branch or ''}"


def _wanted(values: dict, enabled: tuple[str, ...]) -> list[str]:
    """The badges a post shows: the post's own keys win over the site's, the more specific over the general.

    Order, most specific first: the post's ``hide_<name>_badge`` (``false`` shows that badge even when the
    site switched it off), the site's per-badge switches, the post's ``badges`` (``true`` brings back the
    badges a site switched off altogether; ``false`` hides them all), the site's ``badges``.
    """
    switch = values.get("badges")
    if switch is False:
        return []
    base = NAMES if switch is True and not enabled else enabled
    shown = []
    for name in NAMES:
        hide = values.get(f"hide_{name}_badge")
        if hide is False or (hide is not True and name in base):
            shown.append(name)
    return shown


def badge_html(name: str, href: str) -> str:
    label = LABELS[name]
    width = 12 + 7 * len(label)
    return fill(
        "badge.html",
        badge=name,
        href=href.replace("&", "&amp;").replace('"', "%22"),
        label=label,
        width=width,
        middle=width // 2,
        color=COLORS[name],
    ).strip("\n")


def for_html(
    values: dict, enabled: tuple[str, ...], site: Path, nb_path: str, repository: tuple[str | None, str | None]
) -> tuple[str, list[str], list[str]]:
    """Badges as HTML for the top of a plain Jekyll post; consumes the badge keys of ``values``.
    ``repository``: (remote URL, branch) of the site's repository (``config.SiteFacts``).
    (html, warnings, notes): a repository with no hosted remote is a fact of the site, not a fault (a note)."""
    wanted = _wanted(values, enabled)
    values.pop("badges", None)
    for name in NAMES:
        values.pop(f"hide_{name}_badge", None)
    if not wanted:
        return "", [], []
    url, branch = repository
    repo = parse_remote(url)
    if repo is None:
        why = "has no git remote" if url is None else "has a remote that is not a hosted repository"
        return (
            "",
            [],
            [
                f"the repository of {site} {why}; no Colab/Binder/GitHub badges. "
                "Add one with 'git remote add origin URL' or set 'nb2post: badges: false'"
            ],
        )
    if branch is None:
        return "", [f"cannot tell which branch {site} is on (detached HEAD); no badges. Check out a branch"], []
    links = urls(repo, branch, nb_path)
    if not links:
        return (
            "",
            [
                f"the remote of {site} is on {repo.host}, which is not GitHub (github.com or a GitHub Enterprise host "
                "named github.… or ….ghe.com); no Colab/Binder/GitHub badges. Set 'nb2post: badges: false' to want none"
            ],
            [],
        )
    warnings = []
    skipped = [name for name in wanted if name not in links]
    if skipped:
        warnings.append(
            f"{', '.join(skipped)} badge(s) left out: they open github.com repositories only, not {repo.host}"
        )
    pieces = [badge_html(name, links[name]) for name in wanted if name in links]
    return fill("badges.html", links="\n".join(pieces)).strip("\n"), warnings, []


def for_front_matter(
    values: dict, enabled: tuple[str, ...], site: Path, site_config: dict, repository: tuple[str | None, str | None]
) -> tuple[list[str], list[str]]:
    """fastpages: its layout draws the badges; give it the real branch and the site-wide switches.
    ``repository``: as for ``for_html``. (warnings, notes): a repository with no hosted remote whose badges
    use _config.yml's github_username and github_repo is a fact of the site (a note); with neither, the
    badges may point nowhere (a warning)."""
    wanted = _wanted(values, enabled)
    if not wanted:
        values["badges"] = False
        return [], []
    for name in NAMES:
        if name not in wanted:
            values[f"hide_{name}_badge"] = True
    url, branch = repository
    defaults = site_config.get("default_badges")
    shown = isinstance(defaults, dict) and any(defaults.get(name) is True for name in NAMES)
    warnings = []
    if branch and "branch" not in values:
        values["branch"] = branch
    elif branch is None and shown and "branch" not in values:
        warnings.append(f"cannot tell which branch {site} is on; fastpages' badges will link to 'master'")
    repo = parse_remote(url)
    user, name = site_config.get("github_username"), site_config.get("github_repo")
    if shown and repo and user and name and (str(user), str(name)) != (repo.owner, repo.name):
        warnings.append(
            f"_config.yml says github_username/github_repo {user}/{name} but the git remote is "
            f"{repo.owner}/{repo.name}; fastpages' badges use the _config.yml values"
        )
    elif shown and repo is None:
        why = "has no git remote" if url is None else "has a remote that is not a hosted repository"
        if user and name:
            return warnings, [
                f"the repository of {site} {why}; fastpages' badges use github_username/github_repo "
                f"of _config.yml ({user}/{name})"
            ]
        warnings.append(f"the repository of {site} {why}; fastpages' badges may point nowhere")
    return warnings, []
