"""Migrating a blog loses nothing (issue 20): any front matter an owner wrote survives adoption byte for
byte, a clone whose history cannot be read is said to be one, and the owner's words are compared with
what the notebook gives before their post is replaced."""
from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
from pathlib import Path

from conftest import cell, git, jekyll_build, make_site, run_cli, write_notebook

from nb2post.notebook import front_matter as fm

# Keys YAML reads as non-strings, an anchor and its alias, a merge key, comments and quoting of every kind.
ODD_FRONT_MATTER = """\
# the owner's own comment
layout: post
title:   "Exponential family"   # spaced and quoted as they like
1: one
2020-01-02: dated key
? [a, b]
: a pair as the key
[]: #classes: wide
when: 2020-01-22 10:00:00 +0100
flags: {draft: no, stars: 3, ratio: 0.5}
base: &shared
  x: 1
merged:
  <<: *shared
  y: 2
tags:
- maths
-   statistics
note: >-
  folded
  text
"""
# the lines of each key as written (comments go with the key above them)
KEPT_AS_WRITTEN = [
    "# the owner's own comment\nlayout: post\n",
    '1: one\n', '2020-01-02: dated key\n', '? [a, b]\n: a pair as the key\n', '[]: #classes: wide\n',
    'when: 2020-01-22 10:00:00 +0100\n', 'flags: {draft: no, stars: 3, ratio: 0.5}\n',
    'base: &shared\n  x: 1\n', 'tags:\n- maths\n-   statistics\n', 'note: >-\n  folded\n  text\n',
]


COLAB_BADGE = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
               "(https://colab.research.google.com/github/me/blog/blob/master/{nb})\n")


def committed(site: Path) -> Path:
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "the blog as it was")
    return site


def post_front_matter(post: Path) -> str:
    return post.read_text(encoding="utf-8").split("---\n", 2)[1]


def test_front_matter_entries_are_the_owners_lines_and_dump_writes_them_back_as_they_are():
    loaded = fm.load_yaml(ODD_FRONT_MATTER, "test")
    lines = fm.entries(ODD_FRONT_MATTER, loaded)
    assert (1 in lines and dt.date(2020, 1, 2) in lines and ("a", "b") in lines and () in lines)
    assert "merged" not in lines  # an alias of an anchor set in another key: not readable on its own
    assert "".join(lines[key] for key in lines if key != "title") == "".join(KEPT_AS_WRITTEN)

    verbatim = {key: (loaded[key], text) for key, text in lines.items()}
    written = fm.dump(loaded, verbatim)
    assert fm.same_value(fm.load_yaml(written, "written"), loaded)
    for text in KEPT_AS_WRITTEN:
        assert text in written
    assert "merged:\n  x: 1\n  'y': 2\n" in written  # written from its value: what Jekyll read

    changed = {**loaded, "title": "Another", "tags": ["maths"]}
    rewritten = fm.dump(changed, verbatim)
    assert "title: Another\n" in rewritten and "tags:\n- maths\n" in rewritten and "statistics" not in rewritten
    assert '1: one\n' in rewritten and fm.same_value(fm.load_yaml(rewritten, "rewritten"), changed)

    assert fm.entries("{a: 1, b: 2}\n", {"a": 1, "b": 2}) == {}  # a flow mapping: written from values
    assert fm.entries("a: 1\na: 2\n", {"a": 2}) == {}  # given twice: Jekyll reads the last
    assert not fm.same_value(1, True) and not fm.same_value({"a": 1}, {"a": 1.0})


def odd_site(tmp_path: Path, name: str = "site") -> tuple[Path, Path, Path]:
    site = make_site(tmp_path / name, extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    post = site / "_posts" / "2020-01-22-exponential-family.md"
    post.write_text(f"---\n{ODD_FRONT_MATTER}---\nThe exponential family, in short.\n", encoding="utf-8")
    nb = write_notebook(site / "_notebooks" / "2020-01-22-exponential-family.ipynb",
                        [cell("markdown", "The exponential family, in short.")])
    return committed(site), nb, post


def test_odd_front_matter_never_crashes_dry_run_adopt_or_nb2post_adopt_and_is_kept_byte_for_byte(tmp_path):
    site, nb, post = odd_site(tmp_path)
    before = post.read_bytes()
    shown = run_cli("convert", "--site", str(site), "--dry-run")
    assert shown.returncode == 0, shown.stderr
    assert "internal error" not in shown.stderr + shown.stdout
    assert "1, 2020-01-02, [a, b], []" in shown.stdout and post.read_bytes() == before

    other = shutil.copytree(site, tmp_path / "other")
    done = run_cli("adopt", str(other / "_posts" / post.name), str(other / "_notebooks" / nb.name))
    assert done.returncode == 0, done.stderr

    for adopted in (post, other / "_posts" / post.name):
        if adopted == post:
            run_cli("convert", "--site", str(site), "--adopt", check=True)
        written = post_front_matter(adopted)
        for text in KEPT_AS_WRITTEN:
            assert text in written, (text, written)
        values = fm.load_yaml(written, "written")
        assert values["merged"] == {"x": 1, "y": 2} and values[("a", "b")] == "a pair as the key"
        assert {"1", "2020-01-02", "[a, b]", "[]", "merged"} <= set(values["nb2post_adopted"])

    # the notebook changes: a later convert keeps the owner's lines still
    data = json.loads(nb.read_text(encoding="utf-8"))
    data["cells"][0]["source"] = "The exponential family, in short. Now longer."
    nb.write_text(json.dumps(data), encoding="utf-8")
    run_cli("convert", "--site", str(site), check=True)
    written = post_front_matter(post)
    for text in KEPT_AS_WRITTEN:
        assert text in written
    assert "Now longer." in post.read_text(encoding="utf-8")
    assert run_cli("check", "--site", str(site)).returncode == 0
    out = jekyll_build(site)
    assert "Now longer." in (out / "2020/01/22/exponential-family.html").read_text(encoding="utf-8")


def broken_history(site: Path) -> None:
    """Remove the tree object of the first commit, as a clone with missing objects has it."""
    (site / "later.txt").write_text("later\n", encoding="utf-8")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "later")
    tree = git(site, "rev-parse", "HEAD~1^{tree}").strip()
    (site / ".git" / "objects" / tree[:2] / tree[2:]).unlink()


def test_unreadable_history_is_said_to_be_so_and_an_adopted_post_gives_the_date(tmp_path):
    site = make_site(tmp_path / "site", extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    post = site / "_posts" / "2019-05-01-gradients.md"
    post.write_text("---\ntitle: Gradients\n---\nGradients, step by step.\n\n" + COLAB_BADGE.format(nb="_notebooks/gradients.ipynb"),
                    encoding="utf-8")
    write_notebook(site / "_notebooks" / "gradients.ipynb", [cell("markdown", "Gradients, step by step.")])
    write_notebook(site / "_notebooks" / "undated.ipynb", [cell("markdown", "No post yet.")])
    broken_history(committed(site))

    shown = run_cli("convert", "--site", str(site), "--dry-run")
    assert shown.returncode == 0, shown.stderr
    undated = [line for line in shown.stderr.splitlines() if "undated.ipynb" in line]
    assert len(undated) == 1 and "git cannot read the repository's history (fatal: unable to read tree" in undated[0]
    assert "not committed yet" not in shown.stderr
    assert "would adopt _posts/2019-05-01-gradients.md" in shown.stdout
    assert not [line for line in shown.stderr.splitlines() if "gradients.ipynb" in line and "dated" in line]

    run_cli("convert", "--site", str(site), "--adopt", str(site / "_notebooks" / "gradients.ipynb"), check=True)
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2019-05-01-gradients.md"]
    assert "Gradients, step by step." in post.read_text(encoding="utf-8")


# --- The owner's words: compared before their post is replaced (nb2post.render.losses) ------------------------

NOTEBOOK_MARKDOWN = """It's a "short" introduction to Bernoulli embeddings, with *emphasis* and a snake_case name.

## The model

The likelihood is $p(x) = \\theta^x (1-\\theta)^{1-x}$, and [the paper](https://example.org/paper.pdf) says why.

$$
\\mathcal{L} = \\sum_i \\log p(x_i)
$$
"""
# The same text as an owner published it: a Colab badge, reflowed lines, typographic quotes, escapes,
# kramdown's TOC and attribute lists, other spacing in the formulas, an HTML comment, an excerpt mark.
OWNER_COPY = """[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/x.ipynb)

* TOC
{:toc}

It’s a “short” introduction to
Bernoulli embeddings, with _emphasis_ and a snake\\_case name.
<!--more-->

## The model {#model}

The likelihood is $p(x)=\\theta^x(1-\\theta)^{1-x}$, and [the paper](https://example.org/paper.pdf) says why.

$$\\mathcal{L} = \\sum_i \\log p(x_i)$$

```python
import numpy as np
```

    0.5
"""
NEW_BODY = (
    '<a href="https://colab.research.google.com/github/me/blog/blob/main/x.ipynb"><img src="badge.svg"></a>\n\n'
    + NOTEBOOK_MARKDOWN.replace("$p(x)", "$$p(x)").replace("{1-x}$", "{1-x}$$")
    + '\n```python\nimport numpy as np\n```\n\n<pre>0.5</pre>\n\n![png]({{ "/images/2020/cell3.png" | relative_url }})\n'
)


def test_what_nb2post_adds_or_reflows_is_no_loss():
    from nb2post.render import losses

    assert not losses.compare(OWNER_COPY, NEW_BODY)
    assert not losses.compare(NEW_BODY, NEW_BODY) and not losses.compare("", NEW_BODY)


def test_text_only_in_the_owners_post_is_found_counted_and_shown_first_to_last():
    from nb2post.render import losses

    owner = OWNER_COPY.replace("short", "brief") + (
        "\n## Theorem 2\n\nA section written later, with $\\nabla A(\\eta)$.\n\n"
        "```python\nprint('added later')\n```\n\n![a figure](/images/figure.png)\n\n"
        "See [my other post](/2019/01/01/other.html).\n"
    )
    lost = losses.compare(owner, NEW_BODY)
    assert lost.counts() == {"heading": 1, "paragraph": 3, "formula": 1, "code line": 1, "image": 1, "link": 1}
    assert [text for _, text in lost.items][:2] == [
        "It’s a “brief” introduction to\nBernoulli embeddings, with _emphasis_ and a snake\\_case name.", "## Theorem 2"]
    assert lost.describe() == (
        "1 heading, 3 paragraphs, 1 formula, 1 code line, 1 image, 1 link only in the post, "
        "e.g. 'It’s a “brief” introduction to Bernoulli embeddings, with _…', '## Theorem 2'")
    # an image is the new post's when the caller finds its bytes there
    kept = losses.compare(owner, NEW_BODY, same_image=lambda src: src == "/images/figure.png")
    assert "image" not in kept.counts()
    # a setext heading, an HTML heading's words and a fenced block of another kind are read too
    assert losses.compare("Theorem 3\n=========\n", NEW_BODY).items == [("heading", "Theorem 3")]
    assert losses.compare("~~~\nx = 1\n~~~\n", "x = 1\n").items == []



EXPONENTIAL_OWNER = """---
layout: post
title: "The exponential family"
---
The exponential family covers the normal, Poisson and Bernoulli distributions.

## Theorem 1

Every member has the form $p(x) = h(x) \\exp(\\eta T(x) - A(\\eta))$.

## Theorem 2

The sufficient statistic has mean $\\nabla A(\\eta)$, a section written after the notebook.
"""
EXPONENTIAL_NOTEBOOK = [  # the notebook as it was: a typo the owner fixed in the post, no Theorem 2
    cell("markdown", "The exponential family covers teh normal, Poisson and Bernoulli distributions."),
    cell("markdown", "## Theorem 1\n\nEvery member has the form $p(x) = h(x) \\exp(\\eta T(x) - A(\\eta))$."),
]
BERNOULLI_OWNER = """---
layout: post
title: Bernoulli embeddings
---
[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/me/blog/blob/master/_notebooks/bernoulli.ipynb)

It’s a “short” introduction to
Bernoulli embeddings.

## The model

The likelihood is $p(x)=\\theta^x (1-\\theta)^{1-x}$.

```python
print(sum([1, 0, 1]) / 3)
```

    0.6666666666666666
"""
BERNOULLI_NOTEBOOK = [
    cell("markdown", "It's a \"short\" introduction to Bernoulli embeddings.\n\n## The model\n\n"
                     "The likelihood is $p(x) = \\theta^x (1-\\theta)^{1-x}$."),
    cell("code", "print(sum([1, 0, 1]) / 3)",
         outputs=[{"output_type": "stream", "name": "stdout", "text": "0.6666666666666666\n"}]),
]
EXPONENTIAL_LOST = ("_posts/2020-01-22-exponential-family.md: 1 heading, 2 paragraphs, 1 formula only in the post, "
                    "e.g. 'The exponential family covers the normal, Poisson and Berno…', '## Theorem 2'")


def owners_blog(tmp_path: Path, extra_config: str = "") -> Path:
    """A blog in git: a post with a section and a typo fix only in it, and a post equal to its notebook."""
    site = make_site(tmp_path / "blog", extra_config="nb2post:\n  badges: false\n" + extra_config)
    (site / "_posts").mkdir()
    (site / "_posts" / "2020-01-22-exponential-family.md").write_text(EXPONENTIAL_OWNER, encoding="utf-8")
    (site / "_posts" / "2020-03-01-bernoulli.md").write_text(BERNOULLI_OWNER, encoding="utf-8")
    write_notebook(site / "_notebooks" / "2020-01-22-exponential-family.ipynb", EXPONENTIAL_NOTEBOOK)
    write_notebook(site / "_notebooks" / "bernoulli.ipynb", BERNOULLI_NOTEBOOK)
    return committed(site)


def test_a_post_with_words_only_in_it_is_reported_refused_and_replaced_only_when_asked(tmp_path):
    site = owners_blog(tmp_path)
    exponential = site / "_posts" / "2020-01-22-exponential-family.md"
    bernoulli = site / "_posts" / "2020-03-01-bernoulli.md"

    shown = run_cli("convert", "--site", str(site), "--dry-run", check=True)
    assert f"{EXPONENTIAL_LOST}; adopting it needs --replace-owner-text" in shown.stdout.splitlines()
    assert "bernoulli.md:" not in shown.stdout.replace("would adopt _posts/2020-03-01-bernoulli.md", "")

    done = run_cli("convert", "--site", str(site), "--adopt")
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {EXPONENTIAL_LOST}; not replaced. Copy them into the notebook, or run again "
                      "with --replace-owner-text to replace the post anyway"]
    assert not [line for line in done.stderr.splitlines() if line.startswith("warning:") and "bernoulli" in line]
    assert exponential.read_text(encoding="utf-8") == EXPONENTIAL_OWNER  # untouched
    assert "<!-- nb2post:" in bernoulli.read_text(encoding="utf-8")  # all its words survive: adopted silently
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2020-01-22-exponential-family.md",
                                                                   "2020-03-01-bernoulli.md"]
    page = (jekyll_build(site) / "2020/01/22/exponential-family.html").read_text(encoding="utf-8")
    assert "Theorem 2</h2>" in page and "covers the normal" in page and "written after the notebook" in page

    replaced = run_cli("convert", "--site", str(site), "--adopt", "--replace-owner-text", check=True)
    assert any(line.startswith("warning: _posts/2020-01-22-exponential-family.md: replaced although it had 1 heading")
               for line in replaced.stderr.splitlines()), replaced.stderr  # a warning, through the reporter
    assert "covers teh normal" in exponential.read_text(encoding="utf-8")
    assert run_cli("check", "--site", str(site)).returncode == 0
    page = (jekyll_build(site) / "2020/01/22/exponential-family.html").read_text(encoding="utf-8")
    assert "Theorem 2" not in page and "Theorem 1</h2>" in page


def test_nb2post_adopt_refuses_a_post_with_words_only_in_it_and_says_which_flag_replaces_it(tmp_path):
    site = owners_blog(tmp_path)
    post, nb = site / "_posts" / "2020-01-22-exponential-family.md", site / "_notebooks" / "2020-01-22-exponential-family.ipynb"
    shown = run_cli("adopt", "-n", str(post), str(nb), check=True)
    assert f"{EXPONENTIAL_LOST}; adopting it needs --replace-owner-text" in shown.stdout
    refused = run_cli("adopt", str(post), str(nb))
    assert refused.returncode == 1 and post.read_text(encoding="utf-8") == EXPONENTIAL_OWNER
    assert [line for line in refused.stderr.splitlines() if line.startswith("error:")][0].startswith(f"error: {EXPONENTIAL_LOST}")
    run_cli("adopt", "--replace-owner-text", str(post), str(nb), check=True)
    assert "<!-- nb2post:" in post.read_text(encoding="utf-8")
    for command in ("convert", "adopt"):
        assert "--replace-owner-text" in run_cli(command, "--help", check=True).stdout


def test_an_adopted_post_keeps_its_title_description_and_image_and_gets_badges_only_when_asked(tmp_path):
    """A site that never set nb2post's badges: new posts get them, adopted ones only when their front
    matter asks; the owner's title, description and card image stay although the notebook has its own."""
    from conftest import png

    site = make_site(tmp_path / "blog")
    (site / "_posts").mkdir()
    (site / "images").mkdir()
    (site / "images" / "owner-card.png").write_bytes(png((1, 2, 3)))
    body = "Bernoulli embeddings, in short.\n"
    (site / "_posts" / "2020-03-01-bernoulli.md").write_text(
        "---\ntitle: 'Bernoulli Embeddings, explained'\ndescription: The owner's own summary.\n"
        "image: /images/owner-card.png\n---\n" + body, encoding="utf-8")
    (site / "_posts" / "2020-03-02-asks.md").write_text("---\ntitle: Asks\nbadges: true\n---\nAsks for badges.\n",
                                                       encoding="utf-8")
    figure = {"output_type": "display_data", "metadata": {},
              "data": {"image/png": __import__("base64").b64encode(png((9, 9, 9))).decode()}}
    write_notebook(site / "_notebooks" / "2020-03-01-bernoulli.ipynb", [
        cell("raw", "---\ndescription: The notebook's summary.\n---"),
        cell("markdown", "# Bernoulli embeddings\n\n" + body), cell("code", "show()", outputs=[figure])])
    write_notebook(site / "_notebooks" / "2020-03-02-asks.ipynb", [cell("markdown", "Asks for badges.")])
    write_notebook(site / "_notebooks" / "2020-04-01-new.ipynb", [cell("markdown", "A new post.")])
    committed(site)
    git(site, "remote", "add", "origin", "https://github.com/me/blog.git")

    shown = run_cli("convert", "--site", str(site), "--dry-run", check=True)
    assert ("_posts/2020-03-01-bernoulli.md (has the same date and name): URL /2020/03/01/bernoulli.html kept, "
            "file name kept; title kept (the notebook's is 'Bernoulli embeddings'; --notebook-title takes it); "
            "2 keys kept (description, image); 1 key from the notebook (layout)") in shown.stdout

    run_cli("convert", "--site", str(site), "--adopt", "--new-posts", check=True)
    adopted = (site / "_posts" / "2020-03-01-bernoulli.md").read_text(encoding="utf-8")
    assert "title: 'Bernoulli Embeddings, explained'\n" in adopted
    assert "description: The owner's own summary.\n" in adopted and "image: /images/owner-card.png\n" in adopted
    assert "Open in Colab" not in adopted
    assert "Open in Colab" in (site / "_posts" / "2020-03-02-asks.md").read_text(encoding="utf-8")
    assert "Open in Colab" in (site / "_posts" / "2020-04-01-new.md").read_text(encoding="utf-8")
    page = (jekyll_build(site) / "2020/03/01/bernoulli.html").read_text(encoding="utf-8")
    assert "<title>Bernoulli Embeddings, explained</title>" in page and "Bernoulli embeddings, in short." in page


# --- Posts that look like a notebook's are found, not duplicated ---------------------------------------

def test_look_alikes_are_found_by_name_date_title_and_nbconvert_folder():
    from nb2post.render import adopt

    posts = {
        Path("_posts/2020-02-22-vae.md"): "---\ntitle: VAE\n---\nx",
        Path("_posts/2020-06-22-vae.md"): "---\ntitle: Later\n---\nx",  # too far apart
        Path("_posts/2020-01-03-my-notebook.md"): "---\ntitle: x\n---\nx",
        Path("_posts/2021-06-01-pytorch-tensor.md"): "---\ntitle: 'PyTorch Tensors!'\n---\nx",
        Path("_posts/2019-08-08-figures.md"): "![png](/images/2019-07-07-figs_files/2019-07-07-figs_3_0.png)",
    }
    alikes = adopt.LookAlikes.of(posts)

    def found(key, slug, day, title=""):
        return adopt.LookAlikes.candidates(alikes, key, slug, dt.date.fromisoformat(day), title, posts)

    assert found("nb/2020-02-20-vae.ipynb", "vae", "2020-02-20") == [(Path("_posts/2020-02-22-vae.md"), "has the same name, 2 days apart")]
    assert found("nb/My Notebook.ipynb", "My-Notebook", "2020-01-03") == [
        (Path("_posts/2020-01-03-my-notebook.md"), "has the same name once case and punctuation are set aside")]
    assert found("nb/tensors.ipynb", "tensors", "2021-01-01", "PyTorch tensors") == [
        (Path("_posts/2021-06-01-pytorch-tensor.md"), "has the same title")]
    assert found("nb/2019-07-07-figs.ipynb", "figs", "2019-07-07") == [
        (Path("_posts/2019-08-08-figures.md"), "shows images from nbconvert's 2019-07-07-figs_files/ folder")]
    assert found("nb/other.ipynb", "other", "2020-02-20", "Other") == []
    assert found("nb/vae.ipynb", "vae", "2020-02-20", "vae") == [(Path("_posts/2020-02-22-vae.md"), "has the same name, 2 days apart")]
    # Liquid names a notebook as any text does
    assert adopt.named_notebooks('{% assign p = "liquid.ipynb" %}{% jupyter_notebook p %}') == {"liquid.ipynb"}
    assert adopt.named_notebooks('{% include notebook.html file="nbs/x.ipynb" %}') == {"x.ipynb"}


def look_alike_blog(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "blog", extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    for name, front, body in (
        ("2020-02-22-vae.md", "title: VAE", "Variational autoencoders."),  # the notebook is dated two days earlier
        ("2020-01-03-my-notebook.md", "title: Mine", "Mine."),  # from `My Notebook.ipynb`
        ("2019-01-01-a-liquid-post.md", "title: Liquid", '{% assign p = "liquid.ipynb" %}\nRead by a plugin.'),
        ("2021-03-01-first.md", "title: Twins", "Twins."),  # two posts look like one notebook
        ("2021-03-03-first.md", "title: Twins", "Twins."),
    ):
        (site / "_posts" / name).write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    write_notebook(site / "_notebooks" / "2020-02-20-vae.ipynb", [cell("markdown", "Variational autoencoders.")])
    write_notebook(site / "_notebooks" / "2020-01-01-My Notebook.ipynb", [cell("markdown", "Mine.")])
    write_notebook(site / "_notebooks" / "liquid.ipynb", [cell("markdown", "Read by a plugin.")])
    write_notebook(site / "_notebooks" / "2021-03-02-first.ipynb", [cell("markdown", "Twins.")])
    return committed(site)


def test_a_look_alike_is_named_with_the_pairing_command_adopted_by_adopt_and_never_published_twice(tmp_path):
    site = look_alike_blog(tmp_path)
    before = {p.name: p.read_bytes() for p in (site / "_posts").iterdir()}

    plain = run_cli("convert", "--site", str(site), cwd=site)
    assert plain.returncode == 1 and plain.stdout == ""
    errors = [line for line in plain.stderr.splitlines() if line.startswith("error:")]
    assert any("2020-02-22-vae.md: was not written by nb2post; it has the same name, 2 days apart" in line
               and "'nb2post adopt _posts/2020-02-22-vae.md _notebooks/2020-02-20-vae.ipynb'" in line for line in errors)
    assert any("'nb2post adopt _posts/2020-01-03-my-notebook.md \"_notebooks/2020-01-01-My Notebook.ipynb\"'" in line
               for line in errors)
    assert any("a-liquid-post.md: was not written by nb2post; it names the notebook" in line for line in errors)
    assert any(line.startswith("error: _notebooks/2021-03-02-first.ipynb: 2 posts nb2post did not write look like its post: "
                               "_posts/2021-03-01-first.md (has the same name, 1 day apart); _posts/2021-03-03-first.md")
               for line in errors)
    assert {p.name: p.read_bytes() for p in (site / "_posts").iterdir()} == before

    shown = run_cli("convert", "--site", str(site), "--dry-run", cwd=site)
    assert "would adopt _posts/2020-02-22-vae.md (has the same name, 2 days apart)" in shown.stdout
    assert "would write _posts/2020-02-20-vae.md" not in shown.stdout

    adopted = run_cli("convert", "--site", str(site), "--adopt", cwd=site)
    assert adopted.returncode == 1  # the twins still need the owner's choice
    assert sorted(p.name for p in (site / "_posts").iterdir()) == sorted(before)
    for name in ("2020-02-22-vae.md", "2020-01-03-my-notebook.md", "2019-01-01-a-liquid-post.md"):
        assert "<!-- nb2post:" in (site / "_posts" / name).read_text(encoding="utf-8"), name
    run_cli("adopt", str(site / "_posts" / "2021-03-03-first.md"), str(site / "_notebooks" / "2021-03-02-first.ipynb"),
            check=True)
    out = jekyll_build(site)
    assert len(list(out.rglob("*.html"))) == 5  # one page per post, no second copy

    forced = run_cli("convert", "--site", str(site), "--force", cwd=site, check=True)
    assert "internal error" not in forced.stderr


# --- A migration publishes only what was asked -------------------------------------------------------

def test_adopt_converts_only_what_it_pairs_lists_the_rest_and_drafts_are_never_posts(tmp_path):
    site = make_site(tmp_path / "blog", extra_config="nb2post:\n  badges: false\n")
    (site / "_posts").mkdir()
    (site / "_posts" / "2020-02-22-vae.md").write_text("---\ntitle: VAE\n---\nVariational autoencoders.\n", encoding="utf-8")
    write_notebook(site / "_notebooks" / "2020-02-22-vae.ipynb", [cell("markdown", "Variational autoencoders.")])
    for name in ("2021-01-01-one", "2021-01-02-two"):
        write_notebook(site / "_notebooks" / f"{name}.ipynb", [cell("markdown", f"{name} has no post yet.")])
    for folder in ("_drafts", "draft", "drafts"):
        write_notebook(site / "_notebooks" / folder / f"2021-02-02-{folder.strip('_')}.ipynb", [cell("markdown", "Not yet.")])
    committed(site)

    shown = run_cli("convert", "--site", str(site), "--adopt", "--dry-run", cwd=site, check=True)
    assert ("2 notebooks have no post yet: _notebooks/2021-01-01-one.ipynb, _notebooks/2021-01-02-two.ipynb; "
            "run again with --new-posts to publish them too") in shown.stdout
    assert "would write _posts/2021" not in shown.stdout and "draft" not in shown.stdout

    done = run_cli("convert", "--site", str(site), "--adopt", cwd=site, check=True)
    assert done.stdout.strip() == "_posts/2020-02-22-vae.md"
    assert "2 notebooks have no post yet" in done.stderr and done.stderr.splitlines()[-1] == "2 new, 1 written"
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2020-02-22-vae.md"]

    run_cli("convert", "--site", str(site), "--adopt", "--new-posts", cwd=site, check=True)
    assert sorted(p.name for p in (site / "_posts").iterdir()) == [
        "2020-02-22-vae.md", "2021-01-01-one.md", "2021-01-02-two.md"]

    fresh = make_site(tmp_path / "fresh")  # a site without posts: convert writes every notebook, as before
    for name in ("2021-01-01-one", "2021-01-02-two"):
        write_notebook(fresh / "_notebooks" / f"{name}.ipynb", [cell("markdown", "Hello.")])
    write_notebook(fresh / "_notebooks" / "drafts" / "2021-02-02-wip.ipynb", [cell("markdown", "Not yet.")])
    run_cli("convert", "--site", str(fresh), check=True)
    assert sorted(p.name for p in (fresh / "_posts").iterdir()) == ["2021-01-01-one.md", "2021-01-02-two.md"]
    assert run_cli("check", "--site", str(fresh)).returncode == 0  # a draft is no missing post


# --- Properties: any front matter, any body ------------------------------------------------------------

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), _WORDS,
                     st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
                     st.text(alphabet="ab :#'\"-[]{}&*!|>%@`,?", min_size=0, max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(_WORDS, inner, max_size=3)), max_leaves=6)
_KEYS = st.one_of(_WORDS, st.integers(0, 99), st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))


def _yaml_text(values: dict, style: int) -> str:
    """Front matter as an owner's tool may write it: nested collections in block or flow style (a top-level
    flow mapping is written from values, see front_matter.entries), with comments between keys."""
    import io

    from ruamel.yaml import YAML

    pieces = []
    for key, value in values.items():
        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = None if style == 1 and isinstance(value, (dict, list)) and value else False
        stream = io.StringIO()
        yaml.dump({key: value}, stream)
        pieces.append(stream.getvalue() + ("# a comment\n" if style == 2 else ""))
    return "".join(pieces)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=6), st.integers(0, 2), st.data())
def test_any_front_matter_is_written_back_as_it_was_where_it_is_unchanged(values, style, data):
    text = _yaml_text(values, style)
    try:
        loaded = fm.load_yaml(text, "generated")
    except fm.FrontMatterError:
        # ruamel's flow style writes some plain scalars no YAML reader takes back ('?>' as [?>]): no
        # owner's front matter, since Jekyll would refuse it as well
        assume(False)
    lines = fm.entries(text, loaded)
    assert set(lines) == set(loaded)  # every key of a block mapping reads alone
    changed_key = data.draw(st.sampled_from(sorted(loaded, key=repr)))
    new_values = {**loaded, changed_key: "changed"}
    written = fm.dump(new_values, {key: (loaded[key], text_of) for key, text_of in lines.items()})
    assert fm.same_value(fm.load_yaml(written, "written"), new_values)
    for key, text_of in lines.items():
        if key != changed_key:
            assert text_of in written


_SENTENCES = st.lists(_WORDS, min_size=3, max_size=9).map(lambda words: " ".join(words).capitalize() + ".")


@settings(max_examples=150, deadline=None)
@given(st.lists(_SENTENCES, min_size=1, max_size=6), st.lists(_SENTENCES, min_size=0, max_size=3), st.randoms())
def test_what_only_the_owner_wrote_is_always_found_and_a_reflowed_copy_loses_nothing(shared, added, rnd):
    from nb2post.render import losses

    notebook = "\n\n".join(shared) + "\n"
    reflowed = "\n\n".join(sentence.replace(" ", rnd.choice([" ", "\n", "  "]), 2) for sentence in shared)
    assert not losses.compare(reflowed.replace("'", "’"), notebook)
    owner = reflowed + "\n\n" + "\n\n".join(f"{sentence} Zq{index}" for index, sentence in enumerate(added))
    lost = losses.compare(owner, notebook)
    assert lost.counts().get("paragraph", 0) == len(added)


# (one owner's blog with every case, as a reader sees it after the migration: tests/test_migration_blog.py)


def test_what_nbconvert_wrote_of_a_notebook_is_no_loss_where_nb2post_writes_it_its_own_way():
    """Measured on the shared corpus (nbconvert's Markdown of 37 notebooks against nb2post's posts): the
    notebook's `# Title` and fastpages' summary become front matter, cells a directive hides stay hidden,
    outputs and their images are nb2post's own, bare URLs become autolinks."""
    from nb2post.render import losses

    owner = (
        "# Simulating counts\n\n> A short summary\n- toc: true\n- author: <a href='https://twitter.com/x'>X</a>\n\n"
        "Inspired by https://example.org/a-question.html today.\n\n"
        "```python\n#hide\nfrom fastcore.test import *\n```\n\n```python\nprint(1)\n```\n\n    1\n\n"
        "![png](2021-07-06-simulating-counts_files/2021-07-06-simulating-counts_3_0.png)\n"
    )
    new = ("Inspired by <https://example.org/a-question.html> today.\n\n```python\nprint(1)\n```\n\n"
           "<pre>1</pre>\n\n![png](/assets/images/2021-07-06-simulating-counts/cell4-output1.png)\n")
    assert losses.compare(owner, new, shown=["Simulating counts", "A short summary"]).items == []
    assert [kind for kind, _ in losses.compare(owner, new).items] == ["heading", "paragraph"]


def test_check_reports_a_notebook_whose_post_convert_refuses_as_not_adopted_with_the_pairing_command(tmp_path):
    """check agrees with convert (issue 23): a notebook whose post is, or looks like, one nb2post did not write
    is not "missing" with a convert that refuses again, but "not adopted" with the adopt command that pairs them."""
    site = look_alike_blog(tmp_path)
    write_notebook(site / "_notebooks" / "2024-01-01-new.ipynb", [cell("markdown", "# New\n\nNew.")])
    done = run_cli("check", cwd=site)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert ("not adopted: _notebooks/2020-02-20-vae.ipynb looks like _posts/2020-02-22-vae.md (not written by "
            "nb2post: it has the same name, 2 days apart); pair them with: nb2post adopt _posts/2020-02-22-vae.md "
            "_notebooks/2020-02-20-vae.ipynb") in lines, done.stdout
    assert ("not adopted: _notebooks/liquid.ipynb looks like _posts/2019-01-01-a-liquid-post.md (not written by "
            "nb2post: it names the notebook); pair them with: nb2post adopt _posts/2019-01-01-a-liquid-post.md "
            "_notebooks/liquid.ipynb") in lines
    assert any(line.startswith("not adopted: _notebooks/2021-03-02-first.ipynb looks like 2 posts not written by "
                               "nb2post: _posts/2021-03-01-first.md (has the same name, 1 day apart); ")
               and line.endswith("pair it with one: nb2post adopt POST _notebooks/2021-03-02-first.ipynb") for line in lines)
    assert "missing: _notebooks/2024-01-01-new.ipynb has no post yet" in lines
    assert not any(line.startswith("missing:") and "vae" in line for line in lines)
    assert lines[-1] == "1 post to (re)write. Fix: nb2post convert _notebooks/2024-01-01-new.ipynb"
    pair = next(line for line in lines if "vae" in line).split("pair them with: ", 1)[1]
    run_cli(*shlex.split(pair)[1:], cwd=site, check=True)  # the printed command works
    assert not any("vae" in line for line in run_cli("check", cwd=site).stdout.splitlines())
