"""Nothing of a notebook is reinterpreted on its way to the page: raw cells stay text, a code cell of only
whitespace keeps its outputs, tabs in code keep their columns, and an embed after a fence whose closing
backticks are indented is still an embed. Checked on what real Jekyll builds, for both targets."""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from conftest import cell, jekyll_build, make_site, run_cli, write_notebook
from site_kits import built_page, make_fastpages_site

# PowerShell in an untyped raw cell, as a real fastpages blog holds it: kramdown took the first lines for
# link definitions (gone), linked the later [Marshal] to them and paired the $ signs as math.
POWERSHELL = (
    "[System.Runtime.InteropServices.Marshal]::Copy($Buffer, 0, $Pointer, $Buffer.Length)\n"
    "[Marshal]: https://example.org/\n"
    "Then [Marshal] again and $Buffer twice $Buffer."
)
TABBED = "```\nname\tsize\nab\t1\n\tindented\tx\n```"
TABBED_SHOWN = "name    size\nab  1\n    indented    x"
VIDEO = "BfTMmoDFXyE"

CELLS = [
    cell("markdown", "Prose first."),
    cell("raw", POWERSHELL),
    cell("raw", "plain <b>text</b> with $x$", metadata={"raw_mimetype": "text/plain"}),
    cell("code", " \n", outputs=[{"output_type": "stream", "name": "stdout", "text": "from a cell of whitespace\n"}]),
    cell("markdown", TABBED),
    cell("markdown", f"```python\nx = 1\n   ```\n\n> youtube: https://www.youtube.com/watch?v={VIDEO}&list=PLx1&index=2"),
]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("written")
    env = {"HOME": str(tmp_path_factory.mktemp("home")), "GIT_CONFIG_NOSYSTEM": "1"}
    found = {}
    for target, site in (("jekyll", make_site(root / "jekyll")), ("fastpages", make_fastpages_site(root / "fastpages"))):
        write_notebook(site / "_notebooks" / "2024-04-01-written.ipynb", CELLS)
        run_cli("convert", "--site", str(site), "--to", target, check=True, env=env)
        found[target] = built_page(jekyll_build(site), "written")
    return found


class _Code(HTMLParser):
    """The text of each <pre> block, and every link's text."""

    def __init__(self, html_text: str):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.link_texts: list[str] = []
        self._pre = self._link = False
        self.feed(html_text)

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._pre = True
            self.blocks.append("")
        self._link = self._link or tag == "a"

    def handle_endtag(self, tag):
        self._pre = self._pre and tag != "pre"
        self._link = self._link and tag != "a"

    def handle_data(self, data):
        if self._pre:
            self.blocks[-1] += data
        if self._link:
            self.link_texts.append(data)


@pytest.mark.parametrize("target", ["jekyll", "fastpages"])
def test_an_untyped_or_plain_raw_cell_shows_its_text_as_written(pages, target):
    code = _Code(pages[target])
    assert POWERSHELL + "\n" in code.blocks, code.blocks
    assert "plain <b>text</b> with $x$\n" in code.blocks
    assert "Marshal" not in "".join(code.link_texts), "no link made of the raw cell's brackets"
    assert "\\(" not in pages[target] and "kdmath" not in pages[target], "no math made of the raw cell's $ signs"


@pytest.mark.parametrize("target", ["jekyll", "fastpages"])
def test_a_code_cell_of_only_whitespace_keeps_its_outputs(pages, target):
    assert "from a cell of whitespace\n" in _Code(pages[target]).blocks


@pytest.mark.parametrize("target", ["jekyll", "fastpages"])
def test_tabs_in_code_blocks_expand_to_the_next_tab_stop(pages, target):
    assert TABBED_SHOWN + "\n" in _Code(pages[target]).blocks


@pytest.mark.parametrize("target", ["jekyll", "fastpages"])
def test_an_embed_after_a_fence_closed_with_indented_backticks(pages, target):
    code = _Code(pages[target])
    assert "x = 1\n" in code.blocks, "the fence ends at its indented closing backticks"
    assert not any("youtube" in block for block in code.blocks)
    sources = [unescape(src) for src in re.findall(r'<iframe[^>]*\ssrc="([^"]+)"', pages[target])]
    assert len(sources) == 1 and re.fullmatch(rf"https://www\.youtube(-nocookie)?\.com/embed/{VIDEO}", sources[0]), sources
