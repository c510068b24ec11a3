"""Open in Colab / Binder / GitHub / Deepnote badges from the real remote, branch and notebook path."""
from __future__ import annotations

import subprocess

import frontmatter
import pytest

from conftest import cell, git, jekyll_build, make_site, run_cli, write_notebook
from site_kits import built_page, init_repo, page_links

from nb2post.jekyll import badges
from nb2post import gitrepo
from nb2post.jekyll.config import settings_fingerprint

GH = ("github.com", "octo-org", "nb-blog")
GHE = ("github.example.com", "team", "notebooks")


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://github.com/octo-org/nb-blog.git", GH),
        ("https://github.com/octo-org/nb-blog", GH),
        ("https://x-access-token:ghp_SECRET123@github.com/octo-org/nb-blog.git", GH),
        ("http://github.com/octo-org/nb-blog/", GH),
        ("ssh://git@github.com/octo-org/nb-blog.git", GH),
        ("git@github.com:octo-org/nb-blog.git", GH),
        ("github.com:octo-org/nb-blog", GH),
        ("git@github.example.com:team/notebooks.git", GHE),
        ("ssh://git@github.example.com:2222/team/notebooks.git", GHE),
        ("https://github.example.com:8443/team/notebooks.git", ("github.example.com:8443", "team", "notebooks")),
        ("/srv/git/notebooks.git", None),
        ("file:///srv/git/notebooks.git", None),
        ("C:\\repos\\notebooks", None),
        ("", None),
    ],
)
def test_parse_remote(url, expected):
    repo = badges.parse_remote(url)
    assert (None if repo is None else (repo.host, repo.owner, repo.name)) == expected
    if repo is not None:
        assert "SECRET" not in repr(repo) and "SECRET" not in repo.web_url


def test_urls_encode_spaces_non_ascii_and_branch_slashes():
    repo = badges.Repository(*GH)
    links = badges.urls(repo, "feature/new plots", "_notebooks/2024-01-02-café notes #1.ipynb")
    path = "_notebooks/2024-01-02-caf%C3%A9%20notes%20%231.ipynb"
    assert links["github"] == f"https://github.com/octo-org/nb-blog/blob/feature/new%20plots/{path}"
    assert links["colab"] == f"https://colab.research.google.com/github/octo-org/nb-blog/blob/feature/new%20plots/{path}"
    assert links["binder"] == (
        "https://mybinder.org/v2/gh/octo-org/nb-blog/feature%2Fnew%20plots"
        "?labpath=_notebooks%2F2024-01-02-caf%C3%A9%20notes%20%231.ipynb"
    )
    assert links["deepnote"] == "https://deepnote.com/launch?url=" + (
        "https%3A%2F%2Fgithub.com%2Focto-org%2Fnb-blog%2Fblob%2Ffeature%2Fnew%2520plots%2F_notebooks%2F"
        "2024-01-02-caf%25C3%25A9%2520notes%2520%25231.ipynb"
    )


def test_github_enterprise_gets_github_and_binder_only():
    links = badges.urls(badges.Repository(*GHE), "main", "nb.ipynb")
    assert links["github"] == "https://github.example.com/team/notebooks/blob/main/nb.ipynb"
    assert links["binder"] == "https://mybinder.org/v2/git/https%3A%2F%2Fgithub.example.com%2Fteam%2Fnotebooks.git/main?labpath=nb.ipynb"
    assert set(links) == {"github", "binder"}


def test_an_http_remote_keeps_http_and_a_host_that_is_not_github_gets_no_badges():
    plain = badges.parse_remote("http://github.corp.example:8080/team/notebooks.git")
    assert plain.scheme == "http" and plain.on_github
    links = badges.urls(plain, "main", "nb.ipynb")
    assert links["github"] == "http://github.corp.example:8080/team/notebooks/blob/main/nb.ipynb"
    assert links["binder"] == "https://mybinder.org/v2/git/http%3A%2F%2Fgithub.corp.example%3A8080%2Fteam%2Fnotebooks.git/main?labpath=nb.ipynb"
    assert badges.parse_remote("https://octo.ghe.com/team/notebooks.git").on_github
    for url in ("http://git.example.org/team/notebooks.git", "https://gitlab.com/team/notebooks.git",
                "git@codeberg.org:team/notebooks.git", "https://mygithub.example.org/team/notebooks.git"):
        assert badges.urls(badges.parse_remote(url), "main", "nb.ipynb") == {}, url


def test_a_post_on_a_remote_that_is_not_github_gets_no_badges_and_a_warning(tmp_path):
    repo, site = _site_in_repo(tmp_path, remote="http://git.example.org:8080/team/blog.git")
    nb = write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain\n\nText")])
    done = run_cli("convert", "--site", str(site), str(nb), check=True)
    assert _badge_links(built_page(jekyll_build(site), "plain")) == {}
    assert "git.example.org" not in (site / "_posts" / "2024-01-02-plain.md").read_text(encoding="utf-8")
    assert ("the remote of " in done.stderr and "is on git.example.org:8080, which is not GitHub" in done.stderr
            and "no Colab/Binder/GitHub badges" in done.stderr), done.stderr


def test_remote_and_branch_from_real_repositories(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_HEAD_REF", raising=False)
    monkeypatch.delenv("GITHUB_REF_NAME", raising=False)
    repo = init_repo(tmp_path / "repo", "trunk", "git@github.com:octo-org/nb-blog.git")
    git(repo, "remote", "add", "backup", "https://example.org/other/repo.git")
    (repo / "sub").mkdir()
    assert gitrepo.remote_and_branch(repo / "sub") == ("git@github.com:octo-org/nb-blog.git", "trunk")
    # a local branch that tracks a differently named branch of another remote
    git(repo, "checkout", "-q", "-b", "local-work")
    git(repo, "config", "branch.local-work.remote", "backup")
    git(repo, "config", "branch.local-work.merge", "refs/heads/published")
    assert gitrepo.remote_and_branch(repo) == ("https://example.org/other/repo.git", "published")
    # a detached HEAD (CI checking out a pull request)
    (repo / "f.txt").write_text("x")
    git(repo, "add", "f.txt")
    git(repo, "commit", "-q", "-m", "one")
    git(repo, "checkout", "-q", "--detach")
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/default-branch")
    assert gitrepo.remote_and_branch(repo) == ("git@github.com:octo-org/nb-blog.git", "default-branch")
    monkeypatch.setenv("GITHUB_HEAD_REF", "pr-branch")
    assert gitrepo.remote_and_branch(repo)[1] == "pr-branch"
    # a linked worktree: its own HEAD, the main repository's config
    git(repo, "worktree", "add", "-q", "-b", "wt-branch", str(tmp_path / "wt"))
    assert gitrepo.remote_and_branch(tmp_path / "wt") == ("git@github.com:octo-org/nb-blog.git", "wt-branch")
    assert gitrepo.remote_and_branch(tmp_path) == (None, None)


def _site_in_repo(tmp_path, extra="", remote="git@github.com:octo-org/nb-blog.git", branch="trunk"):
    repo = init_repo(tmp_path / "repo", branch, remote)
    site = make_site(repo / "blog", extra_config=extra)
    return repo, site


def _badge_links(html_text: str) -> dict[str, str]:
    found = {}
    for href, marks in page_links(html_text).links:
        for name in badges.NAMES:
            if any(f"nb2post-badge-{name}" in m.split() for m in marks):
                found[name] = href
    return found


def test_jekyll_post_badges_point_at_repository_branch_and_path(tmp_path):
    repo, site = _site_in_repo(tmp_path)
    nb = write_notebook(site / "_notebooks" / "2024-01-02-café notes.ipynb", [cell("markdown", "# Café\n\nText")])
    done = run_cli("convert", "--site", str(site), str(nb), check=True)
    assert "warning" not in done.stderr
    links = _badge_links(built_page(jekyll_build(site), "café-notes"))
    path = "blog/_notebooks/2024-01-02-caf%C3%A9%20notes.ipynb"
    assert links == {
        "github": f"https://github.com/octo-org/nb-blog/blob/trunk/{path}",
        "binder": "https://mybinder.org/v2/gh/octo-org/nb-blog/trunk?labpath=" + path.replace("/", "%2F"),
        "colab": f"https://colab.research.google.com/github/octo-org/nb-blog/blob/trunk/{path}",
        "deepnote": "https://deepnote.com/launch?url="
        + f"https://github.com/octo-org/nb-blog/blob/trunk/{path}".replace("%", "%25").replace(":", "%3A").replace("/", "%2F"),
    }


def test_site_and_post_switches(tmp_path):
    repo, site = _site_in_repo(tmp_path, extra="nb2post:\n  badges: {colab: false, deepnote: false}\n")
    plain = write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain")])
    hidden = write_notebook(site / "_notebooks" / "2024-01-03-hidden.ipynb", [cell("markdown", "# Hidden\n- hide_binder_badge: true")])
    none = write_notebook(site / "_notebooks" / "2024-01-04-none.ipynb", [cell("markdown", "# None\n- badges: false")])
    run_cli("convert", "--site", str(site), str(plain), str(hidden), str(none), check=True)
    built = jekyll_build(site)
    assert set(_badge_links(built_page(built, "plain"))) == {"github", "binder"}
    assert set(_badge_links(built_page(built, "hidden"))) == {"github"}
    assert _badge_links(built_page(built, "none")) == {}
    meta = frontmatter.loads((site / "_posts" / "2024-01-03-hidden.md").read_text(encoding="utf-8")).metadata
    assert "hide_binder_badge" not in meta and "badges" not in meta, "switches are consumed, not left for the theme"


def test_badges_off_site_wide(tmp_path):
    repo, site = _site_in_repo(tmp_path, extra="nb2post:\n  badges: false\n")
    nb = write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain")])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    assert "nb2post-badge" not in (site / "_posts" / "2024-01-02-plain.md").read_text(encoding="utf-8")


def test_a_post_switches_back_on_what_the_site_switched_off(tmp_path):
    """Post over site, specific over general: hide_<name>_badge > site per badge > post badges > site badges."""
    repo, site = _site_in_repo(tmp_path, extra="nb2post:\n  badges: false\n")
    notes = {
        "all": "# All\n- badges: true",
        "colab": "# Colab\n- hide_colab_badge: false",
        "some": "# Some\n- badges: true\n- hide_deepnote_badge: true",
        "plain": "# Plain",
    }
    paths = [write_notebook(site / "_notebooks" / f"2024-01-0{i}-{slug}.ipynb", [cell("markdown", text)])
             for i, (slug, text) in enumerate(notes.items(), 1)]
    run_cli("convert", "--site", str(site), *map(str, paths), check=True)
    built = jekyll_build(site)
    assert set(_badge_links(built_page(built, "all"))) == set(badges.NAMES)
    assert set(_badge_links(built_page(built, "colab"))) == {"colab"}
    assert set(_badge_links(built_page(built, "some"))) == {"github", "binder", "colab"}
    assert _badge_links(built_page(built, "plain")) == {}
    assert _badge_links(built_page(built, "all"))["colab"].endswith("/blob/trunk/blog/_notebooks/2024-01-01-all.ipynb")


def test_post_badge_keys_over_per_badge_site_switches(tmp_path):
    repo, site = _site_in_repo(tmp_path, extra="nb2post:\n  badges: {colab: false, deepnote: false}\n")
    back = write_notebook(site / "_notebooks" / "2024-01-02-back.ipynb", [cell("markdown", "# Back\n- hide_colab_badge: false")])
    general = write_notebook(site / "_notebooks" / "2024-01-03-general.ipynb", [cell("markdown", "# General\n- badges: true")])
    run_cli("convert", "--site", str(site), str(back), str(general), check=True)
    built = jekyll_build(site)
    assert set(_badge_links(built_page(built, "back"))) == {"github", "binder", "colab"}
    # a general 'badges: true' (fastpages' notebook template has it) keeps the site's per-badge choice
    assert set(_badge_links(built_page(built, "general"))) == {"github", "binder"}


def test_bad_badges_setting_is_a_clear_error(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: {kaggle: true}\n")
    nb = write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain")])
    done = run_cli("convert", "--site", str(site), str(nb))
    assert done.returncode == 2 and "_config.yml" in done.stderr and "kaggle" in done.stderr


def test_no_remote_no_badges_and_a_note(tmp_path):
    repo = init_repo(tmp_path / "repo", "main")
    site = make_site(repo / "site")
    write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain\n\n## Body")])
    write_notebook(site / "_notebooks" / "2024-01-03-other.ipynb", [cell("markdown", "# Other")])
    done = run_cli("convert", "-v", "--site", str(site), str(site / "_notebooks"), check=True)
    assert done.stderr.count("no git remote") == 1, "said once for the batch, not once per notebook"
    assert f"note: the repository of {site} has no git remote" in done.stderr, done.stderr
    assert "nb2post-badge" not in (site / "_posts" / "2024-01-02-plain.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("remote, says", [(None, "has no git remote"), ("/srv/git/blog.git", "has a remote that is not a hosted repository")])
def test_fastpages_badges_name_the_remote_as_it_is(tmp_path, remote, says):
    site = init_repo(tmp_path / "repo", "main", remote)
    shown = {"default_badges": {"github": True}}
    repository = gitrepo.remote_and_branch(site)  # as the run's SiteFacts read it
    [warning], notes = badges.for_front_matter({}, badges.NAMES, site, shown, repository)
    assert warning.startswith(f"the repository of {site} {says}; fastpages' badges may point nowhere"), warning
    assert notes == []
    named = {**shown, "github_username": "octo", "github_repo": "blog"}
    warnings, [note] = badges.for_front_matter({}, badges.NAMES, site, named, repository)
    # the badges link where _config.yml says: a fact of the site (issue 23: a note), not a fault
    assert warnings == [] and note.startswith(f"the repository of {site} {says}; "), note
    assert note.endswith("fastpages' badges use github_username/github_repo of _config.yml (octo/blog)"), note


def test_tokens_in_the_remote_never_reach_post_or_output(tmp_path):
    repo, site = _site_in_repo(tmp_path, remote="https://x-access-token:ghp_SECRET123@github.com/octo-org/nb-blog.git")
    nb = write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain")])
    done = run_cli("convert", "--site", str(site), str(nb), check=True)
    text = (site / "_posts" / "2024-01-02-plain.md").read_text(encoding="utf-8")
    assert "https://github.com/octo-org/nb-blog/blob/main/" not in text  # branch is trunk here
    assert "github.com/octo-org/nb-blog/blob/trunk/blog/_notebooks/2024-01-02-plain.ipynb" in text
    assert "SECRET" not in text + done.stdout + done.stderr


def test_a_branch_switch_makes_posts_stale_without_starting_git(tmp_path, monkeypatch):
    repo, site = _site_in_repo(tmp_path)
    nb = write_notebook(site / "_notebooks" / "2024-01-02-plain.ipynb", [cell("markdown", "# Plain")])
    run_cli("convert", "--site", str(site), str(nb), check=True)
    post = site / "_posts" / "2024-01-02-plain.md"
    assert "/blob/trunk/" in post.read_text(encoding="utf-8")
    assert "unchanged" in run_cli("convert", "-v", "--site", str(site), str(nb), check=True).stderr
    before = settings_fingerprint(site, "jekyll")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/gh-pages")

    def no_process(*args, **kwargs):
        raise AssertionError("the fingerprint must come from file reads, not from running git")

    with monkeypatch.context() as patched:
        patched.setattr(subprocess, "Popen", no_process)
        after = settings_fingerprint(site, "jekyll")
    assert after != before
    done = run_cli("convert", "--site", str(site), str(nb), check=True)
    assert "written" in done.stderr
    text = post.read_text(encoding="utf-8")
    assert "/blob/gh-pages/" in text and "/blob/trunk/" not in text


def test_with_badges_off_a_branch_switch_changes_nothing(tmp_path):
    repo, site = _site_in_repo(tmp_path, extra="nb2post:\n  badges: false\n")
    before = settings_fingerprint(site, "jekyll")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/elsewhere")
    assert settings_fingerprint(site, "jekyll") == before


COLAB_CELL = (
    '<a href="https://colab.research.google.com/github/octo-org/nb-blog/blob/main/_notebooks/x.ipynb" target="_parent">'
    '<img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>'
)


def test_a_notebook_with_its_own_colab_or_binder_badge_gets_no_second_one(tmp_path):
    from site_kits import make_fastpages_site

    site = make_site(tmp_path / "site")
    init_repo(site, remote="https://github.com/octo-org/nb-blog.git")
    folder = site / "_notebooks"
    write_notebook(folder / "2024-01-01-own-colab.ipynb", [cell("markdown", COLAB_CELL), cell("markdown", "# T\n\nText")])
    write_notebook(folder / "2024-01-02-own-binder.ipynb", [cell("markdown", "# T\n\n[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/o/r/main)")])
    write_notebook(folder / "2024-01-03-asks-anyway.ipynb", [cell("markdown", "# T\n- hide_colab_badge: false"), cell("markdown", COLAB_CELL)])
    write_notebook(folder / "2024-01-04-later-link.ipynb", [cell("markdown", "# T"), *[cell("markdown", "x")] * 3, cell("markdown", COLAB_CELL)])
    run_cli("convert", "--site", str(site), str(folder), check=True)
    out = jekyll_build(site)

    def colab_links(slug):
        return [href for href, _ in page_links(built_page(out, slug)).links if "colab.research.google.com" in href]

    assert len(colab_links("own-colab")) == 1, "the notebook's own badge only"
    assert "nb2post-badge-binder" in built_page(out, "own-colab"), "the badges it does not carry are still added"
    own_binder = built_page(out, "own-binder")
    assert "nb2post-badge-binder" not in own_binder and "nb2post-badge-colab" in own_binder
    assert len(colab_links("asks-anyway")) == 2, "hide_colab_badge: false in the post wins"
    assert len(colab_links("later-link")) == 2, "a link further down is content, not the notebook's badge"

    fp = make_fastpages_site(tmp_path / "fastpages")
    init_repo(fp, remote="https://github.com/octo-org/nb-blog.git")
    write_notebook(fp / "_notebooks" / "2024-01-01-own-colab.ipynb", [cell("markdown", "# T\n> s"), cell("markdown", COLAB_CELL)])
    run_cli("convert", "--site", str(fp), str(fp / "_notebooks"), check=True)
    assert frontmatter.load(fp / "_posts" / "2024-01-01-own-colab.md")["hide_colab_badge"] is True
    assert 'class="badge-colab"' not in built_page(jekyll_build(fp), "own-colab")
