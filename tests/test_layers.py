"""The folder list is the pipeline: each stage imports only stages below it, and no two stages import
each other (README "Layout"). Read from the sources with ast, every import counted, those inside
functions too (a lazy import is still a dependency)."""
from __future__ import annotations

import ast
from pathlib import Path

import nb2post

PACKAGE = Path(nb2post.__file__).parent

# Lowest first. An entry names a module, or a package and everything in it.
LAYERS = (
    ("core", ("nb2post", "nb2post.paths", "nb2post.children", "nb2post.templates_text", "nb2post.liquid",
              "nb2post.post", "nb2post.gitrepo", "nb2post.statcache", "nb2post.diagnostics")),
    ("notebook", ("nb2post.notebook",)),
    ("jekyll", ("nb2post.jekyll",)),
    ("render", ("nb2post.render",)),
    ("convert", ("nb2post.convert", "nb2post.site", "nb2post.check", "nb2post.exporter")),
    ("share", ("nb2post.share",)),
    ("tasks", ("nb2post.publish", "nb2post.hook", "nb2post.init", "nb2post.preview", "nb2post.watch")),
    ("cli", ("nb2post.commands", "nb2post.cli", "nb2post.__main__", "nb2post.replay")),
)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("nb2post",) + path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer_of(module: str) -> int | None:
    for index, (_, entries) in enumerate(LAYERS):
        if any(module == entry or (entry != "nb2post" and module.startswith(entry + ".")) for entry in entries):
            return index
    return None


def imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The nb2post modules ``module`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "nb2post"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "nb2post":
                continue
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    return found - {module}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {module: imports(module, path, known) for module, path in known.items()}


def test_every_module_has_a_layer():
    unplaced = [module for module in modules() if layer_of(module) is None]
    assert unplaced == [], f"give these a stage in tests/test_layers.py LAYERS (and README 'Layout'): {unplaced}"


def test_no_stage_imports_a_stage_above_it():
    upward = [f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
              for module, targets in graph().items() for target in sorted(targets)
              if layer_of(module) is not None and layer_of(target) is not None and layer_of(target) > layer_of(module)]
    assert upward == []


def test_no_import_cycle_between_packages():
    """Stages as nodes: each package under nb2post, and each module beside them."""
    def node(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2]) if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else module

    edges: dict[str, set[str]] = {}
    for module, targets in graph().items():
        edges.setdefault(node(module), set()).update(node(t) for t in targets if node(t) != node(module))
    cycles = []

    def visit(start: str, here: str, trail: list[str]) -> None:
        for following in sorted(edges.get(here, ())):
            if following == start:
                cycles.append(" -> ".join(trail + [start]))
            elif following not in trail and following > start:  # each cycle once, from its smallest node
                visit(start, following, trail + [following])

    for start in sorted(edges):
        visit(start, start, [start])
    assert cycles == []


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The parser finds a lazy relative import inside a function (what a shortcut would add)."""
    source = tmp_path / "config.py"
    source.write_text("def load():\n    from ..render import prose\n    from .. import liquid\n", encoding="utf-8")
    known = {"nb2post.render.prose": source, "nb2post.liquid": source}
    assert imports("nb2post.jekyll.config", source, known) == {"nb2post.render.prose", "nb2post.liquid"}
    assert layer_of("nb2post.render.prose") > layer_of("nb2post.jekyll.config")
