"""One table maps every directive spelling onto one visibility model.

Three notations say the same things:

* comment flags (fastpages / nbdev 1): a line that is only ``#hide``, ``# collapse-show`` ...
* ``#|`` cell options (Quarto / nbdev 2): ``#| echo: false``, ``#| code-fold: true``, ``#|hide`` ...
* cell tags (nbconvert / Jupyter Book): ``remove-input``, ``hide-output`` ...

Spellings are normalised (lower case, ``-`` becomes ``_``, no spaces) before the table is consulted, so
``#collapse-hide`` and ``#collapse_hide`` are one row. Note that the same word may mean different things
in two notations: the tag ``hide-input`` (Jupyter Book) folds the input away behind a toggle, while the
comment flag ``#hide-input`` (fastpages) removes it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace


class Show(enum.Enum):
    SHOWN = "shown"
    HIDDEN = "hidden"
    COLLAPSED = "collapsed"  # behind a closed <details>
    EXPANDED = "expanded"  # inside an open <details>


@dataclass(frozen=True)
class Visibility:
    cell: Show = Show.SHOWN
    input: Show = Show.SHOWN
    output: Show = Show.SHOWN


CELL, INPUT, OUTPUT = "cell", "input", "output"
FLAG, OPTION, TAG = "flag", "option", "tag"

# (notation, normalised spelling) -> (part of the cell, how it is shown).
DIRECTIVES: dict[tuple[str, str], tuple[str, Show]] = {
    # fastpages / nbdev 1 comment flags
    (FLAG, "hide"): (CELL, Show.HIDDEN),
    (FLAG, "hide_input"): (INPUT, Show.HIDDEN),
    (FLAG, "hide_output"): (OUTPUT, Show.HIDDEN),
    (FLAG, "collapse"): (INPUT, Show.COLLAPSED),
    (FLAG, "collapse_hide"): (INPUT, Show.COLLAPSED),
    (FLAG, "collapse_input"): (INPUT, Show.COLLAPSED),
    (FLAG, "collapse_show"): (INPUT, Show.EXPANDED),
    (FLAG, "collapse_output"): (OUTPUT, Show.COLLAPSED),
    # Quarto / nbdev 2 options
    (OPTION, "include:false"): (CELL, Show.HIDDEN),
    (OPTION, "include:true"): (CELL, Show.SHOWN),
    (OPTION, "hide"): (CELL, Show.HIDDEN),
    (OPTION, "hide_input"): (INPUT, Show.HIDDEN),
    (OPTION, "hide_output"): (OUTPUT, Show.HIDDEN),
    (OPTION, "echo:false"): (INPUT, Show.HIDDEN),
    (OPTION, "echo:true"): (INPUT, Show.SHOWN),
    (OPTION, "output:false"): (OUTPUT, Show.HIDDEN),
    (OPTION, "output:true"): (OUTPUT, Show.SHOWN),
    (OPTION, "code_fold:true"): (INPUT, Show.COLLAPSED),
    (OPTION, "code_fold:show"): (INPUT, Show.EXPANDED),
    (OPTION, "code_fold:false"): (INPUT, Show.SHOWN),
    (OPTION, "collapse"): (INPUT, Show.COLLAPSED),
    (OPTION, "collapse_hide"): (INPUT, Show.COLLAPSED),
    (OPTION, "collapse_show"): (INPUT, Show.EXPANDED),
    (OPTION, "collapse_output"): (OUTPUT, Show.COLLAPSED),
    # nbconvert TagRemovePreprocessor conventions and Jupyter Book tags
    (TAG, "remove_cell"): (CELL, Show.HIDDEN),
    (TAG, "remove_input"): (INPUT, Show.HIDDEN),
    (TAG, "remove_output"): (OUTPUT, Show.HIDDEN),
    (TAG, "hide"): (CELL, Show.HIDDEN),
    (TAG, "hide_cell"): (INPUT, Show.COLLAPSED),
    (TAG, "hide_input"): (INPUT, Show.COLLAPSED),
    (TAG, "hide_output"): (OUTPUT, Show.COLLAPSED),
}
# hide-cell folds the outputs too; a second row for the same tag.
_EXTRA_TAG_EFFECTS = {"hide_cell": (OUTPUT, Show.COLLAPSED)}

# Words that make an unknown single-word comment look like a mistyped directive (``#show-collapse``).
_DIRECTIVE_WORDS = {"hide", "collapse", "show", "remove", "input", "output", "echo", "fold"}

_FLAG_LINE = re.compile(r"^\s*#\s*([A-Za-z][A-Za-z_-]*)\s*$")
_OPTION_LINE = re.compile(r"^\s*#\|\s*([A-Za-z][\w-]*)\s*(?::\s*(.*?))?\s*$")
_OPTION_ITEM = re.compile(r"^\s*#\|\s+-\s*(.*?)\s*$")  # `#|   - "b"`: an item of the option above's list


def normalise(spelling: str) -> str:
    return re.sub(r"\s+", "", spelling).lower().replace("-", "_")


@dataclass
class Directives:
    """What the directives of one cell decided, and the source with directive lines removed."""

    visibility: Visibility
    source: str
    warnings: list[str] = field(default_factory=list)
    # the `#|` options' values by normalised name (`fig_cap`): text, or a list for a YAML list of lines
    options: dict[str, str | list[str]] = field(default_factory=dict)


def _apply(vis: Visibility, effect: tuple[str, Show]) -> Visibility:
    part, show = effect
    return replace(vis, **{part: show})


def from_tags(tags) -> Visibility:
    vis = Visibility()
    for tag in tags or []:
        key = normalise(str(tag))
        if (TAG, key) in DIRECTIVES:
            vis = _apply(vis, DIRECTIVES[(TAG, key)])
        if key in _EXTRA_TAG_EFFECTS:
            vis = _apply(vis, _EXTRA_TAG_EFFECTS[key])
    return vis


def parse_cell(source: str, tags=(), code: bool = True) -> Directives:
    """Read every directive of a cell.

    ``#|`` options count only in the leading block of the cell (as in Quarto) and are always removed from
    the shown source, known or not (``#| export`` means nothing to a reader). Comment flags count on any
    line that holds the flag alone (as in fastpages); only recognised flags are removed, so an ordinary
    first-line comment survives. In markdown cells only ``#hide`` is read, and only on the first line.
    """
    vis = from_tags(tags)
    notes: list[str] = []
    options: dict[str, str | list[str]] = {}
    listing: str | None = None  # the option whose value is a list of the `#| - item` lines below it
    lines = source.split("\n")
    kept: list[str] = []
    leading = True
    for number, line in enumerate(lines):
        if not code:
            if number == 0 and normalise(line) in ("#hide", "<!--#hide-->"):
                vis = _apply(vis, DIRECTIVES[(FLAG, "hide")])
                continue
            kept.append(line)
            continue
        item = _OPTION_ITEM.match(line) if leading and listing is not None else None
        if item:
            listed = options[listing]
            assert isinstance(listed, list)  # (made a list when the option opened)
            listed.append(_unquoted(item.group(1)))
            continue
        option = _OPTION_LINE.match(line) if leading else None
        if option:
            key = normalise(option.group(1))
            value = option.group(2)
            options[key] = _unquoted(value or "")
            if value in (None, ""):
                listing, options[key] = key, []
            else:
                listing = None
            spelled = key if value in (None, "") else f"{key}:{normalise(value.strip(chr(34) + chr(39)))}"
            if (OPTION, spelled) in DIRECTIVES:
                vis = _apply(vis, DIRECTIVES[(OPTION, spelled)])
            continue
        if leading and line.strip() == "" and kept == []:
            continue
        leading = False
        flag = _FLAG_LINE.match(line)
        if flag:
            key = normalise(flag.group(1))
            if (FLAG, key) in DIRECTIVES:
                vis = _apply(vis, DIRECTIVES[(FLAG, key)])
                continue
            words = set(re.split(r"[_]", key))
            if len(words) > 1 and words & _DIRECTIVE_WORDS:
                notes.append(f"'{line.strip()}' looks like a directive but is not one; kept as a comment")
        kept.append(line)
    return Directives(visibility=vis, source="\n".join(kept).strip("\n"), warnings=notes, options=options)


def _unquoted(value: str) -> str:
    """A YAML scalar as written on one line: quotes around it removed (`"a: b"` is the text a: b)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value
