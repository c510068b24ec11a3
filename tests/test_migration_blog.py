"""One owner's blog holds every case of a migration at once (issue 20, "How it is shown"), and the README's
steps run on it through the CLI: ``--dry-run``, plain convert, ``convert --adopt``, ``--replace-owner-text``,
``--new-posts`` and ``nb2post adopt``. Then the real site builds without a Jekyll "Conflict" and, in
Chromium, every heading and paragraph the owner wrote is on its page unless a run was told to replace it."""
from __future__ import annotations

import base64
import datetime as dt
import subprocess
from pathlib import Path

from conftest import cell, png, run_cli, write_notebook
from test_adopt_owner import EXPONENTIAL_LOST, ODD_FRONT_MATTER, git, owners_blog

FIGURE = {"output_type": "display_data", "metadata": {},
          "data": {"image/png": base64.b64encode(png((7, 8, 9))).decode()}}
# A post of each kind the owner has, as (file under _posts, front matter, body).
OWNER_POSTS = (
    # the owner's URL /ml/gradients/ which a notebook of another year would take under /:categories/:title/
    ("2019-04-01-gradients.md", "layout: post\ntitle: Gradients by hand\ncategories: [ml]", "Gradients, worked out by hand."),
    ("2020-02-22-vae.md", "title: VAE", "Variational autoencoders."),  # its notebook is dated two days earlier
    ("2020-04-04-Linear-Models.md", "title: Linear models", "Least squares."),  # from `Linear Models.ipynb`
    ("2019-01-01-a-liquid-post.md", "title: Liquid", '{% assign p = "liquid.ipynb" %}\nRead by a plugin.'),
    ("2019-02-02-included.md", "title: Included",  # the include shows the notebook, as the post now does
     '{% include notebook.html file="_notebooks/included.ipynb" %}\n\nShown by an include.'),
    ("2020-01-22-odd.md", ODD_FRONT_MATTER.rstrip("\n"), "Odd keys, plain words."),
)
NOTEBOOKS = {  # under _notebooks: the notebook's cells
    "2021-06-01-gradients.ipynb": [cell("markdown", "# Gradients with autograd\n> Autograd\n- categories: [ml]"),
                                   cell("markdown", "Autograd does it.")],
    "2020-02-20-vae.ipynb": [cell("markdown", "Variational autoencoders.")],
    "2020-04-04-Linear Models.ipynb": [cell("markdown", "Least squares.")],
    "liquid.ipynb": [cell("markdown", "Read by a plugin.")],
    "included.ipynb": [cell("markdown", "Shown by an include.")],
    "2020-01-22-odd.ipynb": [cell("markdown", "Odd keys, plain words.")],
    "2021-01-01-unpaired.ipynb": [cell("markdown", "No post yet."), cell("code", "show()", outputs=[FIGURE])],
    "_drafts/2021-02-02-wip.ipynb": [cell("markdown", "Unfinished.")],
    "draft/2021-02-03-later.ipynb": [cell("markdown", "Unfinished too.")],
}


def migration_blog(tmp_path: Path) -> Path:
    """The owners_blog (a post with a section and a typo fix only in it, a post equal to its notebook) under
    ``permalink: /:categories/:title/``, with a post of every other kind beside it, all in one commit."""
    site = owners_blog(tmp_path, extra_config="permalink: /:categories/:title/\n")
    for name, front, body in OWNER_POSTS:
        (site / "_posts" / name).write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    (site / "_includes").mkdir()
    (site / "_includes" / "notebook.html").write_text("<p>(from {{ include.file }})</p>\n", encoding="utf-8")
    for name, cells in NOTEBOOKS.items():
        write_notebook(site / "_notebooks" / name, cells)
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the rest of the blog")
    return site


def _readable(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split())


def _errors(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("error:")]


def _posts(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "_posts").iterdir())}


CLASH = ("error: {site}/_posts/2021-06-01-gradients.md: would be published at /ml/gradients/, where "
         "{site}/_posts/2019-04-01-gradients.md is published already (Jekyll keeps only one of them); not written. "
         "Give the post its own URL with 'slug:' or 'permalink:' in _notebooks/2021-06-01-gradients.ipynb, or make "
         "that post this notebook's: nb2post adopt {site}/_posts/2019-04-01-gradients.md "
         "_notebooks/2021-06-01-gradients.ipynb")
WOULD_ADOPT = [  # what --dry-run says of each look-alike: why it is one, and what adopting it keeps
    "would adopt _posts/2020-02-22-vae.md (has the same name, 2 days apart): URL /vae/ kept",
    "would adopt _posts/2020-04-04-Linear-Models.md (has the same date and name): URL /Linear-Models/ kept",
    "would adopt _posts/2019-01-01-a-liquid-post.md (names the notebook): URL /a-liquid-post/ kept",
    "would adopt _posts/2019-02-02-included.md (names the notebook): URL /included/ kept",
    "would adopt _posts/2020-03-01-bernoulli.md (names the notebook): URL /bernoulli/ kept",
    "would adopt _posts/2020-01-22-odd.md (has the same date and name): URL /odd/ kept, file name kept; title kept; "
    "11 keys kept (layout, 1, 2020-01-02, [a, b], [], when, flags, base, merged, tags, note)",
]
# the words of each page, as the owner wrote them (the exponential family's only until they ask to replace it)
OWNER_WORDS = {
    "exponential-family/index.html": ["The exponential family", "The exponential family covers the normal, "
                                      "Poisson and Bernoulli distributions.", "Theorem 1", "Theorem 2",
                                      "a section written after the notebook."],
    "bernoulli/index.html": ["Bernoulli embeddings", "It's a \"short\" introduction to Bernoulli embeddings.",
                             "The model", "print(sum([1, 0, 1]) / 3)", "0.6666666666666666"],
    "ml/gradients/index.html": ["Gradients by hand", "Gradients, worked out by hand."],
    "vae/index.html": ["VAE", "Variational autoencoders."],
    "Linear-Models/index.html": ["Linear models", "Least squares."],
    "a-liquid-post/index.html": ["Liquid", "Read by a plugin."],
    "included/index.html": ["Included", "Shown by an include."],
    "odd/index.html": ["Exponential family", "Odd keys, plain words."],
}


def test_the_readme_steps_on_one_blog_with_every_case_lose_nothing_and_publish_nothing_twice(tmp_path):
    from playwright.sync_api import sync_playwright
    from site_kits import launch_chromium, serve_folder

    site = migration_blog(tmp_path)
    before = _posts(site)
    clash = CLASH.format(site=site)

    # --dry-run: every look-alike, the words only in a post, the URL clash; nothing written, no draft named
    shown = run_cli("convert", "--site", str(site), "--dry-run", cwd=site)
    assert shown.returncode == 1 and _errors(shown) == [clash], shown.stderr
    lines = shown.stdout.splitlines()
    assert f"{EXPONENTIAL_LOST}; adopting it needs --replace-owner-text" in lines
    for start in WOULD_ADOPT:
        assert [line for line in lines if line.startswith(start)], (start, shown.stdout)
    assert "would write _posts/2021-01-01-unpaired.md" in lines and "draft" not in shown.stdout + shown.stderr
    assert "_posts/2021-06-01-gradients.md" not in shown.stdout
    assert _posts(site) == before and git(site, "status", "--porcelain") == ""

    # plain convert: each look-alike refused with its pairing command, the clash refused, the new post written
    plain = run_cli("convert", "--site", str(site), cwd=site)
    assert plain.returncode == 1 and plain.stdout.splitlines() == ["_posts/2021-01-01-unpaired.md"]
    assert clash in _errors(plain) and len(_errors(plain)) == 8, plain.stderr
    assert any("2020-02-22-vae.md: was not written by nb2post; it has the same name, 2 days apart" in line
               and "'nb2post adopt _posts/2020-02-22-vae.md _notebooks/2020-02-20-vae.ipynb'" in line
               for line in _errors(plain))
    assert any("'nb2post adopt _posts/2020-04-04-Linear-Models.md \"_notebooks/2020-04-04-Linear Models.ipynb\"'"
               in line for line in _errors(plain))
    assert {k: v for k, v in _posts(site).items() if k in before} == before
    git(site, "clean", "-fdxq")  # back to the blog as its owner has it

    # nb2post adopt pairs one post by hand; convert --adopt takes the other look-alikes, refuses the post with
    # words only in it, lists the notebooks without a post and publishes none of them
    run_cli("adopt", str(site / "_posts/2020-04-04-Linear-Models.md"), str(site / "_notebooks/2020-04-04-Linear Models.ipynb"),
            cwd=site, check=True)
    adopted = run_cli("convert", "--site", str(site), "--adopt", cwd=site)
    assert adopted.returncode == 1, adopted.stderr
    assert _errors(adopted) == [f"error: {EXPONENTIAL_LOST}; not replaced. Copy them into the notebook, or run again "
                                "with --replace-owner-text to replace the post anyway"]
    assert ("2 notebooks have no post yet: _notebooks/2021-01-01-unpaired.ipynb, _notebooks/2021-06-01-gradients.ipynb; "
            "run again with --new-posts to publish them too") in adopted.stderr.splitlines()
    assert sorted(_posts(site)) == sorted(before) and "draft" not in adopted.stdout + adopted.stderr
    assert _posts(site)["2020-01-22-exponential-family.md"] == before["2020-01-22-exponential-family.md"]
    for name in before:
        if name not in ("2020-01-22-exponential-family.md", "2019-04-01-gradients.md"):
            assert b"<!-- nb2post:" in _posts(site)[name], name

    # --new-posts publishes the unpaired notebook; the one that would take /ml/gradients/ is refused
    new = run_cli("convert", "--site", str(site), "--adopt", "--new-posts", cwd=site)
    assert new.returncode == 1 and new.stdout.splitlines() == ["_posts/2021-01-01-unpaired.md"], new.stderr
    assert clash in _errors(new) and len(_errors(new)) == 2
    assert _posts(site)["2019-04-01-gradients.md"] == before["2019-04-01-gradients.md"]
    # pairing them would lose the owner's paragraph: nb2post adopt says so and refuses
    pair = (str(site / "_posts/2019-04-01-gradients.md"), str(site / "_notebooks/2021-06-01-gradients.ipynb"))
    assert ("_posts/2019-04-01-gradients.md: 1 paragraph only in the post, e.g. 'Gradients, worked out by hand.'; "
            "adopting it needs --replace-owner-text") in run_cli("adopt", "-n", *pair, cwd=site, check=True).stdout
    refused = run_cli("adopt", *pair, cwd=site)
    assert refused.returncode == 1 and len(_errors(refused)) == 1 and "--replace-owner-text" in _errors(refused)[0]
    assert _posts(site)["2019-04-01-gradients.md"] == before["2019-04-01-gradients.md"]
    # the fix the clash names: a slug of its own
    notebook = site / "_notebooks/2021-06-01-gradients.ipynb"
    write_notebook(notebook, [cell("markdown", "# Gradients with autograd\n> Autograd\n- categories: [ml]\n"
                                               "- slug: autograd"), cell("markdown", "Autograd does it.")])
    assert run_cli("convert", str(notebook), cwd=site, check=True).stdout.strip() == "_posts/2021-06-01-autograd.md"

    # deleted images: stale to check, put back by convert
    image = site / "assets/images/2021-01-01-unpaired/cell2-output1.png"
    image.unlink()
    stale = run_cli("check", "--site", str(site), cwd=site)
    assert stale.returncode == 1 and ("stale:   _posts/2021-01-01-unpaired.md links "
                                      "assets/images/2021-01-01-unpaired/cell2-output1.png, deleted since it was "
                                      "written from _notebooks/2021-01-01-unpaired.ipynb") in stale.stdout.splitlines()
    run_cli("convert", str(site / "_notebooks/2021-01-01-unpaired.ipynb"), cwd=site, check=True)
    assert image.read_bytes() == png((7, 8, 9))

    def built_words() -> dict[str, list[str]]:
        """The built site (no "Conflict"), each page of OWNER_WORDS as Chromium shows it: the words missing."""
        done = subprocess.run(["jekyll", "build", "-s", str(site), "-d", str(site / "_site"), "--strict_front_matter"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0 and "Conflict" not in done.stdout + done.stderr, done.stdout + done.stderr
        missing = {}
        with serve_folder(site / "_site") as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page()
                for path, texts in {**OWNER_WORDS, "ml/autograd/index.html": ["Autograd does it."]}.items():
                    response = page.goto(f"{base}/{path}", wait_until="load")
                    assert response is not None and response.ok, path
                    shown = _readable(page.title() + " " + page.inner_text("body"))
                    missing[path] = [text for text in texts if _readable(text) not in shown]
            finally:
                browser.close()
        return missing

    assert not any(built_words().values())

    # told to replace the owner's text, convert --adopt does so, and says so
    replaced = run_cli("convert", "--site", str(site), "--adopt", "--replace-owner-text", cwd=site, check=True)
    assert "_posts/2020-01-22-exponential-family.md: replaced although it had 1 heading" in replaced.stderr
    assert run_cli("check", "--site", str(site), cwd=site).returncode == 0
    missing = built_words()
    assert missing.pop("exponential-family/index.html") == [
        "The exponential family covers the normal, Poisson and Bernoulli distributions.", "Theorem 2",
        "a section written after the notebook."]
    assert not any(missing.values()), missing


# --- Any owner's blog: no URL taken, no word lost without a refusal ------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_adopt_owner import _KEYS, _SENTENCES, _VALUES, _yaml_text  # noqa: E402

# what decides a post's URL or whether it is one, and what the generated front matter sets itself
_SET_HERE = {"permalink", "slug", "date", "published", "categories", "category", "layout", "title"}
_OWNER_FRONT = st.tuples(st.dictionaries(_KEYS, _VALUES, max_size=4), st.integers(0, 2)).map(
    lambda drawn: _yaml_text({k: v for k, v in drawn[0].items() if str(k) not in _SET_HERE}, drawn[1]))
_SLUGS = ("vae", "gauss", "trees", "nets")
# per slug: what the owner has there (a post, a page with that permalink, nothing), how its notebook's date
# lies from the post's (same day, a look-alike days apart, another year: the same URL under /:title/, no
# notebook), and how the owner's body stands to the notebook's (equal, more words, other words)
_CASES = st.tuples(st.sampled_from(["post", "page", "none"]), st.sampled_from([0, 2, 400, None]),
                   st.sampled_from(["equal", "more", "other"]), _OWNER_FRONT,
                   st.lists(_SENTENCES, min_size=1, max_size=3), _SENTENCES)


def _owner_urls(site: Path) -> dict[str, list[str]]:
    """Under `permalink: /:title/`: each URL -> the files that publish it (worked out here, not by nb2post)."""
    import re

    found: dict[str, list[str]] = {}
    for path in sorted((site / "_posts").glob("*.md")):
        own = re.search(r"^permalink: (\S+)$", path.read_text(encoding="utf-8").split("\n---", 1)[0], re.M)
        found.setdefault(own.group(1) if own else f"/{path.stem[11:]}/", []).append(path.name)
    for path in sorted(site.glob("*.md")):
        found.setdefault(re.search(r"^permalink: (\S+)$", path.read_text(encoding="utf-8"), re.M).group(1),
                         []).append(path.name)
    return found


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_SLUGS), _CASES, min_size=1, max_size=4))
def test_no_run_writes_a_post_at_a_taken_url_or_loses_an_owners_word_without_a_refusal(cases):
    import tempfile

    from conftest import make_site

    with tempfile.TemporaryDirectory() as scratch:
        site = make_site(Path(scratch) / "blog", extra_config="permalink: /:title/\nnb2post:\n  badges: false\n")
        (site / "_posts").mkdir()
        (site / "_notebooks").mkdir()
        owner_words: dict[str, list[str]] = {}
        for slug, (kind, apart, body, front, sentences, extra) in cases.items():
            # (the owner's own sentence has a word of its own: a paragraph counts as kept wherever its words
            # appear in that order, also across a paragraph's end, see nb2post.render.losses)
            own = extra[:-1] + " zqowner."
            words = {"equal": sentences, "more": [*sentences, own], "other": [own]}[body]
            text = "\n\n".join(words) + "\n"
            if kind == "post":
                name = f"2020-03-01-{slug}.md"
                (site / "_posts" / name).write_text(f"---\nlayout: post\ntitle: {slug}\n{front}---\n{text}",
                                                    encoding="utf-8")
                owner_words[name] = words
            elif kind == "page":
                (site / f"{slug}.md").write_text(f"---\npermalink: /{slug}/\n---\n{text}", encoding="utf-8")
            if apart is not None:
                day = (dt.date(2020, 3, 1) + dt.timedelta(days=apart)).isoformat()
                write_notebook(site / "_notebooks" / f"{day}-{slug}.ipynb",
                               [cell("markdown", "\n\n".join(sentences))])
        git(site, "init", "-q")
        git(site, "add", "-A")
        git(site, "commit", "-qm", "the blog as it was")
        before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.md")}

        shown = run_cli("convert", "--site", str(site), "--dry-run", "--adopt", "--new-posts")
        assert shown.returncode in (0, 1) and "internal error" not in shown.stdout + shown.stderr, shown.stderr
        assert git(site, "status", "--porcelain") == ""
        for flags in ([], ["--adopt", "--new-posts"]):
            done = run_cli("convert", "--site", str(site), *flags)
            assert done.returncode in (0, 1) and "internal error" not in done.stderr, done.stderr
            assert "Traceback" not in done.stderr, done.stderr
            urls = _owner_urls(site)
            assert all(len(files) == 1 for files in urls.values()), (urls, done.stderr)
            for name, words in owner_words.items():
                now = (site / "_posts" / name).read_text(encoding="utf-8")
                kind, apart, body, *_ = cases[name[len("2020-03-01-"):-len(".md")]]
                if now.encode("utf-8") != before[f"_posts/{name}"]:
                    assert not [sentence for sentence in words if sentence not in now], (name, done.stderr)
                elif flags and apart in (0, 2) and body != "equal":  # its look-alike notebook lacks words of it
                    assert any(line.startswith("error:") and name in line and "--replace-owner-text" in line
                               for line in done.stderr.splitlines()), done.stderr
            for page in site.glob("*.md"):
                assert page.read_bytes() == before[page.name]


def test_a_deleted_image_of_a_post_without_liquid_is_stale_and_put_back(tmp_path):
    """`render_with_liquid: false` posts link their images with the baseurl written in, not `relative_url`."""
    from conftest import jekyll_build, make_site

    site = make_site(tmp_path / "blog", extra_config="baseurl: /blog\n"
                                                     "defaults:\n  - scope: {path: ''}\n    values: {render_with_liquid: false}\n")
    notebook = write_notebook(site / "_notebooks" / "2021-01-01-plain.ipynb",
                              [cell("markdown", "Plain."), cell("code", "show()", outputs=[FIGURE])])
    git(site, "init", "-q")
    run_cli("convert", cwd=site, check=True)
    post = site / "_posts" / "2021-01-01-plain.md"
    assert '"/blog/assets/images/2021-01-01-plain/cell2-output1.png"' in post.read_text(encoding="utf-8").replace(
        "(", '"').replace(")", '"')
    image = site / "assets/images/2021-01-01-plain/cell2-output1.png"
    image.unlink()
    stale = run_cli("check", cwd=site)
    assert stale.returncode == 1 and ("stale:   _posts/2021-01-01-plain.md links "
                                      "assets/images/2021-01-01-plain/cell2-output1.png, deleted since it was written "
                                      "from _notebooks/2021-01-01-plain.ipynb") in stale.stdout.splitlines(), stale.stdout
    assert run_cli("convert", cwd=site, check=True).stdout.strip() == "_posts/2021-01-01-plain.md"
    assert image.read_bytes() == png((7, 8, 9)) and run_cli("check", cwd=site).returncode == 0
    assert (jekyll_build(site) / "2021/01/01/plain.html").is_file() and notebook.is_file()


def test_a_notebook_named_in_a_drafts_folder_is_refused_with_the_fix_and_nothing_is_written(tmp_path):
    from conftest import make_site

    site = make_site(tmp_path / "blog")
    for folder in ("_drafts", "draft", "drafts"):
        write_notebook(site / "_notebooks" / folder / f"2021-02-02-{folder.strip('_')}.ipynb", [cell("markdown", "Wip.")])
    ready = write_notebook(site / "_notebooks" / "2021-02-01-ready.ipynb", [cell("markdown", "Ready.")])
    git(site, "init", "-q")
    for named in (["_notebooks/drafts/2021-02-02-drafts.ipynb"], ["_notebooks/_drafts"], ["--dry-run", "_notebooks/draft"]):
        done = run_cli("convert", *named, cwd=site)
        folder = named[-1].split("/")[1]
        assert done.returncode == 1 and done.stdout == "", done.stderr
        assert _errors(done) == [f"error: _notebooks/{folder}/2021-02-02-{folder.strip('_')}.ipynb: is in the drafts "
                                 f"folder _notebooks/{folder}/, and drafts are never posts; not converted. Move it out "
                                 f"of _notebooks/{folder}/ to publish it"], done.stderr
        assert not (site / "_posts").exists() and not (site / "assets").exists()
    both = run_cli("convert", "_notebooks/draft/2021-02-02-draft.ipynb", str(ready), cwd=site)
    assert both.returncode == 1 and both.stdout.splitlines() == ["_posts/2021-02-01-ready.md"]
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2021-02-01-ready.md"]


def test_a_post_is_never_written_at_a_url_jekyll_redirect_from_serves(tmp_path):
    """With the real plugin (Debian's ruby-jekyll-redirect-from): its redirect page at the old URL and a post
    there share one file, and Jekyll does not even warn (Doctor#allow_used_permalink? exempts redirect pages):
    the post silently replaces the redirect. nb2post refuses the post, so the redirect stays."""
    import shutil

    from conftest import make_site

    site = make_site(tmp_path / "blog", extra_config="permalink: /:categories/:title/\nplugins: [jekyll-redirect-from]\n")
    (site / "_layouts" / "page.html").write_text("{{ content }}\n", encoding="utf-8")
    (site / "old.md").write_text("---\nlayout: page\ntitle: Moved\nredirect_from: [/ml/moved/]\n---\nMoved here.\n",
                                 encoding="utf-8")
    write_notebook(site / "_notebooks" / "2024-05-03-moved.ipynb",
                   [cell("markdown", "# Moved\n> Here\n- categories: [ml]"), cell("markdown", "New.")])
    git(site, "init", "-q")

    def build(folder: Path) -> str:
        done = subprocess.run(["jekyll", "build", "-s", str(folder), "-d", str(folder / "_site"), "--strict_front_matter"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    # the control: a post put there by hand takes the redirect's place, without a word from Jekyll
    by_hand = shutil.copytree(site, tmp_path / "by-hand")
    (by_hand / "_posts").mkdir()
    (by_hand / "_posts" / "2024-05-03-moved.md").write_text("---\ntitle: Moved\ncategories: [ml]\n---\nNew.\n",
                                                          encoding="utf-8")
    assert "Conflict" not in build(by_hand)
    assert (by_hand / "_site" / "ml" / "moved" / "index.html").read_text(encoding="utf-8") == "<p>New.</p>\n"

    for flags in (["--dry-run"], []):
        done = run_cli("convert", *flags, cwd=site)
        assert done.returncode == 1 and _errors(done) == [
            f"error: {site}/_posts/2024-05-03-moved.md: would be published at /ml/moved/, where {site}/old.md is "
            "published already (Jekyll keeps only one of them); not written. Give the post its own URL with 'slug:' "
            "or 'permalink:' in _notebooks/2024-05-03-moved.ipynb"], done.stderr
    assert not (site / "_posts").exists()
    assert "Conflict" not in build(site)
    redirect = (site / "_site" / "ml" / "moved" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=/old/"' in redirect and "New." not in redirect
