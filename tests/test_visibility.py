import pytest

from nb2post.notebook.visibility import Show, Visibility, parse_cell

H, C, E, S = Show.HIDDEN, Show.COLLAPSED, Show.EXPANDED, Show.SHOWN


@pytest.mark.parametrize(
    "line,expected",
    [
        ("#hide", Visibility(cell=H)),
        ("# hide", Visibility(cell=H)),
        ("#hide_input", Visibility(input=H)),
        ("#hide-input", Visibility(input=H)),
        ("#hide_output", Visibility(output=H)),
        ("#hide-output", Visibility(output=H)),
        ("#collapse", Visibility(input=C)),
        ("#collapse_hide", Visibility(input=C)),
        ("#collapse-hide", Visibility(input=C)),
        ("#collapse_show", Visibility(input=E)),
        ("#collapse-show", Visibility(input=E)),
        ("#collapse_output", Visibility(output=C)),
        ("#collapse-output", Visibility(output=C)),
        ("#| include: false", Visibility(cell=H)),
        ("#|hide", Visibility(cell=H)),
        ("#| echo: false", Visibility(input=H)),
        ("#|echo: false", Visibility(input=H)),
        ("#| output: false", Visibility(output=H)),
        ("#| code-fold: true", Visibility(input=C)),
        ("#| code-fold: show", Visibility(input=E)),
        ("#| echo: true", Visibility()),
        ("#| export", Visibility()),
    ],
)
def test_directive_lines(line, expected):
    parsed = parse_cell(f"{line}\nx = 1", [])
    assert parsed.visibility == expected
    assert parsed.source == "x = 1", "the directive line is removed"


@pytest.mark.parametrize(
    "tag,expected",
    [
        ("remove_cell", Visibility(cell=H)),
        ("remove-cell", Visibility(cell=H)),
        ("remove_input", Visibility(input=H)),
        ("remove-input", Visibility(input=H)),
        ("remove_output", Visibility(output=H)),
        ("remove-output", Visibility(output=H)),
        ("hide-input", Visibility(input=C)),
        ("hide-output", Visibility(output=C)),
        ("hide-cell", Visibility(input=C, output=C)),
    ],
)
def test_tags(tag, expected):
    assert parse_cell("x = 1", [tag]).visibility == expected


def test_ordinary_first_line_comment_is_kept():
    parsed = parse_cell("# Load the data\nx = 1", [])
    assert parsed.visibility == Visibility()
    assert parsed.source.startswith("# Load the data")


def test_flag_anywhere_in_cell_is_honoured_and_removed():
    parsed = parse_cell("import os\n#hide_input\nx = 1", [])
    assert parsed.visibility.input is H
    assert "#hide_input" not in parsed.source


def test_unknown_directive_like_flag_warns_and_is_kept():
    parsed = parse_cell("#show-collapse\nx = 1", [])
    assert parsed.visibility == Visibility()
    assert "#show-collapse" in parsed.source
    assert parsed.warnings and "looks like a directive" in parsed.warnings[0]


def test_quarto_options_only_in_leading_block():
    parsed = parse_cell("x = 1\n#| echo: false", [])
    assert parsed.visibility == Visibility()


def test_markdown_hide():
    assert parse_cell("#hide\nsome text", [], code=False).visibility.cell is H
    assert parse_cell("# A heading", [], code=False).visibility == Visibility()
