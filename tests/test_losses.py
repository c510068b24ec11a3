"""What an owner's post made with their own nbconvert template holds that is no loss (issue 20, item 1).

Found on a real blog (notebooks named with spaces, a Jinja template writing `**Input:**` / `**Output:**`
labels and `{% highlight %}` blocks, plots inlined as `<svg>` from HTML outputs, images linked as
`{{site.url}}/posts_assets/<notebook name>_files/…`): 15 of 17 pairs were refused for "losses" that were
the old converter's decoration, and 6 of those had nothing of the owner's to lose."""
from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

from conftest import cell, make_site, run_cli, write_notebook

from nb2post.render import losses


def tiny_png(shade: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(bytes([0, shade, shade, shade]))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">\n<defs>\n</defs>\n\n'
       '<polyline points="0,0 10,10 20,5" style="stroke:#e26f46"/>\n</svg>\n')
PROSE = ("Julia is a great language for gluing programs together. <!--more-->\n"
         "Randy Zwitch also wrote about this in 2014.")


def test_prompt_labels_an_old_template_wrote_are_no_loss_but_the_owners_words_are():
    new = "Some words of the notebook.\n\n```python\nx = 1\n```\n"
    owner = "**Input:**\n\n{% highlight python %}\nx = 1\n{% endhighlight %}\n\n**Output:**\n\n**In [3]:**\n\n" \
            "Out[3]:\n\nSome words of the notebook.\n"
    assert not losses.compare(owner, new)
    lost = losses.compare(owner + "\nA sentence only the owner wrote.\n", new)
    assert lost.items == [("paragraph", "A sentence only the owner wrote.")]


def test_an_html_comment_inside_a_paragraph_is_no_word_on_either_side():
    assert not losses.compare(PROSE + "\n", PROSE + "\n")


def test_an_image_whose_path_holds_spaces_is_an_image_not_a_paragraph():
    owner = "![png]({{site.url}}/posts_assets/my notes_files/plot.png)\n"
    lost = losses.compare(owner, "Nothing here.\n")
    assert lost.items == [("image", "{{site.url}}/posts_assets/my notes_files/plot.png")]
    assert not losses.compare(owner, "Nothing here.\n", same_image=lambda src: src.endswith("my notes_files/plot.png"))
    titled = losses.compare('![a plot](/my notes/plot.png "The plot")\n', "")
    assert titled.items == [("image", "/my notes/plot.png")]


def test_an_inline_svg_is_an_image_found_in_the_new_posts_html_and_nowhere_else():
    owner = '<?xml version="1.0" encoding="utf-8"?>\n' + SVG + "\nAfter the plot.\n"
    assert not losses.compare(owner, "<div>\n" + SVG.replace("\n", "\n  ") + "</div>\n\nAfter the plot.\n")
    lost = losses.compare(owner, "After the plot.\n")
    assert [kind for kind, _ in lost.items] == ["image"]  # the blank line inside it made no paragraph
    assert "an SVG written into the page" in lost.describe()
    assert not losses.compare(owner, "After the plot.\n", same_image=lambda src: src.startswith("<"))


def owners_template_site(tmp_path: Path, extra_owner_text: str = "") -> Path:
    site = make_site(tmp_path / "blog", extra_config="url: https://blog.example\n")
    png = tiny_png(200)
    write_notebook(site / "_notebooks" / "2020-01-05-my-notes.ipynb", [
        cell("markdown", "# My notes\n\n" + PROSE),
        cell("code", "plot()", outputs=[{"output_type": "display_data", "metadata": {},
                                         "data": {"image/png": base64.b64encode(png).decode(),
                                                  "text/plain": "<Figure>"}}]),
        cell("code", "svgplot()", outputs=[{"output_type": "display_data", "metadata": {},
                                            "data": {"text/html": '<?xml version="1.0" encoding="utf-8"?>\n' + SVG,
                                                     "text/plain": "Plot"}}]),
    ])
    assets = site / "posts_assets" / "my notes_files"
    assets.mkdir(parents=True)
    (assets / "plot.png").write_bytes(png)
    (site / "_posts").mkdir()
    (site / "_posts" / "2020-01-05-my-notes.md").write_text(
        '---\nlayout: post\ntitle: "My notes"\n---\n' + PROSE + "\n\n**Input:**\n\n{% highlight python %}\nplot()\n"
        "{% endhighlight %}\n\n**Output:**\n\n![png]({{site.url}}/posts_assets/my notes_files/plot.png)\n\n"
        "**Input:**\n\n{% highlight python %}\nsvgplot()\n{% endhighlight %}\n\n**Output:**\n\n"
        '<div class="jupyter-cell">\n<?xml version="1.0" encoding="utf-8"?>\n' + SVG + "</div>\n"
        + extra_owner_text, encoding="utf-8")
    return site


def test_a_post_from_the_owners_own_template_is_adopted_when_all_its_words_survive(tmp_path):
    site = owners_template_site(tmp_path)
    dry = run_cli("convert", "--dry-run", "--site", str(site), cwd=site)
    assert dry.returncode == 0, dry.stderr
    assert "would adopt _posts/2020-01-05-my-notes.md" in dry.stdout + dry.stderr
    assert "only in the post" not in dry.stdout + dry.stderr

    adopted = run_cli("convert", "--adopt", "--site", str(site), cwd=site)
    assert adopted.returncode == 0, adopted.stderr
    body = (site / "_posts" / "2020-01-05-my-notes.md").read_text(encoding="utf-8")
    assert "Randy Zwitch" in body and "<polyline" in body and "**Input:**" not in body


def test_the_owners_own_sentence_beside_the_template_is_still_refused(tmp_path):
    site = owners_template_site(tmp_path, "\nA sentence only the owner wrote.\n")
    done = run_cli("convert", "--adopt", "--site", str(site), cwd=site)
    assert done.returncode == 1
    assert "1 paragraph only in the post, e.g. 'A sentence only the owner wrote.'" in done.stderr
    assert "**Input:**" in (site / "_posts" / "2020-01-05-my-notes.md").read_text(encoding="utf-8")
