"""Figures carry their words: Quarto's `#| fig-cap:` / `#| fig-alt:` (and the same keys in cell metadata
or tags, and MyST-NB's), become an output image's caption and alt text on the page real Jekyll builds;
a post with images that have none gets one note (shown with -v) naming the cells."""
from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest

from conftest import cell, jekyll_build, make_site, png, run_cli, write_notebook
from site_kits import built_page


def figure(source: str, count: int = 1, **extra) -> dict:
    outputs = [{"output_type": "display_data", "metadata": {},
                "data": {"image/png": base64.b64encode(png((n, 9, 9))).decode(), "text/plain": "<Figure>"}}
               for n in range(count)]
    return cell("code", source, outputs=outputs, **extra)


CELLS = [
    cell("markdown", "Some figures."),
    figure('#| label: fig-square\n#| fig-cap: "A red square, {{ not Liquid }}"\n#| fig-alt: \'A 1 by 1 "red" square\'\nplot()'),
    figure('#| fig-cap:\n#|   - "The first of two"\n#|   - "The second of two"\nplot(); plot()', count=2),
    figure("#| fig-alt: Only alt text [with brackets] and *stars*\nplot()"),
    figure("plot()", metadata={"fig-cap": "From the metadata"}),
    figure("plot()", metadata={"tags": ["fig-alt: From a tag"]}),
    figure("plot()", metadata={"mystnb": {"figure": {"caption": "From MyST-NB"}, "image": {"alt": "MyST-NB's alt"}}}),
    figure("plot()"),
    cell("markdown", "![](img.png) and ![a described image](img.png)"),
]


class _Figures(HTMLParser):
    """(alt text, caption or None) of every <img> in the page, in order."""

    def __init__(self, html_text: str):
        super().__init__(convert_charrefs=True)
        self.images: list[list] = []
        self._caption = None
        self.feed(html_text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append([dict(attrs).get("alt"), None])
        self._caption = "" if tag == "figcaption" else self._caption

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.images[-1][1], self._caption = self._caption, None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("figures") / "site")
    (site / "_notebooks").mkdir()
    (site / "_notebooks" / "img.png").write_bytes(png((1, 1, 1)))
    write_notebook(site / "_notebooks" / "2024-07-01-figures.ipynb", CELLS)
    write_notebook(site / "_notebooks" / "2024-07-02-described.ipynb", CELLS[:7])
    done = run_cli("convert", "-v", cwd=site, check=True)
    return done, built_page(jekyll_build(site), "figures")


def test_quarto_and_jupyter_book_figure_words_become_alt_text_and_captions(converted):
    _, page = converted
    assert _Figures(page).images == [
        ['A 1 by 1 "red" square', "A red square, {{ not Liquid }}"],
        ["The first of two", "The first of two"],
        ["The second of two", "The second of two"],
        ["Only alt text [with brackets] and *stars*", None],
        ["From the metadata", "From the metadata"],
        ["From a tag", None],
        ["MyST-NB's alt", "From MyST-NB"],
        ["output", None],
        ["", None],
        ["a described image", None],
    ]


def test_images_without_alt_text_get_one_note_naming_their_cells(converted, tmp_path):
    done, _ = converted
    notes = [line for line in done.stderr.splitlines() if line.startswith("note:") and "alt text" in line]
    assert notes == ["note: _notebooks/2024-07-01-figures.ipynb: images with no alt text in cells 8, 9; describe them "
                     "with '#| fig-alt: ...' in the code cell, or in the brackets of ![...](...)"], done.stderr
    assert "alt text" not in done.stderr.replace(notes[0], ""), "a post whose images all have words gets no note"
    assert "warning" not in notes[0]


def test_the_note_is_shown_only_with_verbose(tmp_path):
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-07-03-quiet.ipynb", [figure("plot()")])
    done = run_cli("convert", "--site", str(site), check=True)
    assert "alt text" not in done.stderr, done.stderr
