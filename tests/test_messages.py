"""Every message nb2post can print, with its level, is in tests/messages.tsv: a new one cannot be added
without a row saying its level, and a row whose message is gone must go too. And each command, run on a
real small site, prints no `error:`/`warning:`/`note:` line that the table does not hold at that level.

The table is read from the source (tests/messages.tsv holds "level<TAB>template", `{}` for what is filled
in): the diagnostics the reporter is given (`.error/.warning/.note(...)`, `Diagnostic(LEVEL, ...)`), what
the CLI prints for an error raised (`fail(...)`, `raise` of an nb2post error class), the warnings and notes
the pipeline collects (`...warnings.append(...)`, `facts`/`..._notes`), and any text that spells its own
prefix (`"warning: ..."`). After adding a message, `python tests/test_messages.py --write` rewrites the
table: review its diff, which says the new message's level.
"""
from __future__ import annotations

import ast
import re
import shutil
import sys
from pathlib import Path

from conftest import ROOT, cell, make_site, run_cli, write_notebook

SOURCE = ROOT / "src" / "nb2post"
TABLE = Path(__file__).with_name("messages.tsv")
LEVELS = {"ERROR": "error", "WARNING": "warning", "NOTE": "note"}
REPORTERS = {"report", "said", "reporter"}
PREFIXED = re.compile(r"^ *(error|warning|note): ")
# Lists the pipeline collects notes in (Post.notes and what feeds it); Outcome.notes of nb2post.convert are
# adoption and URL lines printed without a level, and brief's card notes are sorted at print time.
NOTE_LISTS = {"facts", "site_notes", "theme_notes"}
NOTE_LIST_FILES = {"reader.py", "render.py", "visibility.py", "badges.py", "themes.py"}


def _template(node) -> str:
    """The text a message expression gives, with ``{}`` for each part filled in when it runs."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(_template(part) if isinstance(part, ast.Constant) else "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _template(node.left) + _template(node.right)
    if isinstance(node, ast.IfExp):
        return _template(node.body)  # (the other branch is its own row only when it is a message itself)
    return "{}"


def _literal(template: str) -> str:
    return template.replace("{}", "").replace("{{", "{").replace("}}", "}")


def _error_classes(trees) -> set[str]:
    """The names of nb2post's error classes: Nb2postError and every class derived from one, by name."""
    names = {"Nb2postError", "UsageError"}
    changed = True
    while changed:
        changed = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        (base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")) in names for base in node.bases):
                    names.add(node.name)
                    changed = True
    return names


def _name(node) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def scan() -> set[tuple[str, str]]:
    """(level, template) of every message the source can print."""
    files = sorted(SOURCE.rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    errors = _error_classes(trees.values())
    found: set[tuple[str, str]] = set()

    def add(level: str, node) -> None:
        template = node if isinstance(node, str) else _template(node)
        match = PREFIXED.match(template)
        if match:
            level, template = match.group(1), template[match.end():]
        if len(_literal(template).strip(" :;.,()")) >= 6:  # a relayed message ("{}") is a row where it is made
            found.add((level, template))

    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Constant, ast.JoinedStr)) and PREFIXED.match(_template(node)):
                add("", node)  # a text that spells its own level
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) in errors:
                args = node.exc.args
                if len(args) >= 2 and _template(args[0]) == "{}" and _template(args[1]) != "{}":
                    add("error", "{}: " + _template(args[1]))  # NotebookError(path, problem): "path: problem"
                elif args:
                    add("error", args[0])
            if not isinstance(node, ast.Call) or not node.args:
                continue
            function, first = node.func, node.args[0]
            if isinstance(function, ast.Name) and function.id == "fail":
                add("error", first)
            elif isinstance(function, ast.Name) and function.id == "Diagnostic" and len(node.args) >= 2:
                levels = {LEVELS.get(_name(n)) for n in ast.walk(first) if _name(n) in LEVELS}
                add("|".join(sorted(levels)) or "{}", node.args[1])
            elif isinstance(function, ast.Attribute) and function.attr in ("error", "warning", "note"):
                owner = function.value
                if _name(owner) in REPORTERS or isinstance(owner, ast.Call) and _name(owner.func) == "Reporter":
                    add(function.attr, first)
            elif isinstance(function, ast.Attribute) and function.attr in ("append", "extend"):
                owner = function.value
                targets = [_name(owner.body), _name(owner.orelse)] if isinstance(owner, ast.IfExp) else [_name(owner)]
                levels = {_list_level(target, path.name) for target in targets} - {None}
                items = first.elts if function.attr == "extend" and isinstance(first, (ast.List, ast.Tuple)) else [first]
                for item in items if levels else []:
                    add("|".join(sorted(levels)), item)
    return found


def _list_level(target: str, file_name: str) -> str | None:
    """The level of what is collected in a list of that name (None: not a list of messages)."""
    if file_name == "reader.py" and target == "notes":
        return "warning"  # the reader's notes become Notebook.warnings; its facts, the notes
    if target.endswith("warnings"):
        return "warning"
    if target in NOTE_LISTS or target == "notes" and file_name in NOTE_LIST_FILES:
        return "note"
    return None


def read_table(by_hand: bool | None = None) -> set[tuple[str, str]]:
    """The table's (level, template) rows; ``by_hand``: only those marked 'by hand' (a message the scan
    cannot see, returned in a tuple or built in a variable), or only the others."""
    rows = set()
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            level, template, *mark = line.split("\t")
            if by_hand is None or by_hand == bool(mark):
                rows.add((level, template))
    return rows


def write_table() -> None:
    hand = read_table(by_hand=True) if TABLE.exists() else set()
    rows = sorted([(*row, "") for row in scan() - hand] + [(*row, "\tby hand") for row in hand],
                  key=lambda row: (row[1].lower(), row[0]))
    TABLE.write_text("# level<TAB>message template ({} for what is filled in)[<TAB>by hand]; written by "
                     "`python tests/test_messages.py --write` (it keeps the rows by hand), reviewed by hand\n"
                     + "".join(f"{level}\t{template}{mark}\n" for level, template, mark in rows), encoding="utf-8")


def test_every_message_in_the_source_is_in_the_table_with_its_level():
    found, table = scan(), read_table()
    missing = sorted(found - table)
    assert not missing, "messages with no row in tests/messages.tsv (python tests/test_messages.py --write):\n" + \
        "\n".join(f"{level}\t{template}" for level, template in missing)
    stale = sorted(read_table(by_hand=False) - found)
    assert not stale, "rows of tests/messages.tsv no code prints any more:\n" + "\n".join(map("\t".join, stale))
    assert len(table) > 150  # (the scan finds nb2post's messages at all)


def _patterns():
    """(compiled pattern, levels) per table row, most literal text first: the row a line comes from."""
    rows = []
    for level, template in read_table():
        parts = template.split("{}")
        pattern = ".*?".join(re.escape(_literal(part)) for part in parts)
        rows.append((len(_literal(template)), re.compile(pattern, re.S), set(level.split("|"))))
    return [(pattern, levels) for _, pattern, levels in sorted(rows, key=lambda row: -row[0])]


def _assert_levels(lines: list[str], patterns, what: str) -> int:
    """Each `level: message` line matches a row of the table at that level; the number of such lines."""
    checked = 0
    for line in lines:
        match = PREFIXED.match(line)
        if not match:
            continue
        level, message = match.group(1), line[match.end():]
        rows = [levels for pattern, levels in patterns if pattern.fullmatch(message)]
        assert rows, f"{what}: a line no row of tests/messages.tsv holds: {line}"
        assert any(level in levels for levels in rows), f"{what}: printed as {level}, the table says {rows[0]}: {line}"
        checked += 1
    return checked


def test_each_command_prints_every_line_at_the_level_the_table_gives(tmp_path, corpus):
    site = make_site(tmp_path / "site", strict=False, extra_config='url: "https://example.org/"\n')
    notebooks = site / "_notebooks"
    write_notebook(notebooks / "2024-05-01-a.ipynb", [cell("markdown", "# A\n> Summary\n\n![x](missing.png)")])
    write_notebook(notebooks / "2024-05-02-b.ipynb", [cell("markdown", "# B\n> Summary\n\nText.")])
    shutil.copyfile(corpus / "jupyter__nbformat" / "test3.ipynb", notebooks / "2024-05-03-v3.ipynb")
    (notebooks / "2024-05-04-broken.ipynb").write_text("{not json", encoding="utf-8")
    patterns = _patterns()
    checked = 0
    runs = [("convert",), ("convert", "--force", "-v"), ("check",), ("check", "-v"), ("convert", "-n", "-v"),
            ("brief", "-v", "_posts/2024-05-01-a.md"), ("new", "Later"),
            ("convert", "nosuch.ipynb"), ("hook", "install"), ("init", "--no-workflow", "-v"), ("adopt", "x.md", "y.ipynb"),
            ("publish", "--no-push"), ("share", "_posts/2024-05-01-a.md")]
    for args in runs:
        done = run_cli(*args, cwd=site)
        checked += _assert_levels(done.stderr.splitlines(), patterns, " ".join(args))
    assert checked >= 12, checked  # the runs said something to check at all


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    write_table()
