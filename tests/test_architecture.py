"""The layout shows the stages: each folder imports only the layers below it, never in a circle."""

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
# Lowest first. A module may import its own layer and the layers before it, nothing after.
LAYERS = ["base", "enrich", "extract", "ingest", "publish", "steward", "app"]
APP_MODULES = {"pipeline.run", "pipeline.run_batches", "pipeline.run_ledger", "pipeline.cli",
               "pipeline.cli_models", "pipeline.cli_releases"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PIPELINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    if module in APP_MODULES:
        return "app"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "base"   # models, config, lexicon, store, streams, csvsafe, terminal


def imports_of(path: Path) -> set[str]:
    """Every pipeline module the file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in ("pipeline", "flows"))
    return found


def all_imports() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in sorted(PIPELINE.rglob("*.py"))}


def test_pipeline_never_imports_flows():
    offenders = {module: sorted(name for name in names if name.startswith("flows"))
                 for module, names in all_imports().items()}
    assert {m: n for m, n in offenders.items() if n} == {}


def test_each_layer_imports_only_layers_below_it():
    upward = []
    for module, names in all_imports().items():
        for name in names:
            if name.startswith("pipeline") and \
                    LAYERS.index(layer_of(name)) > LAYERS.index(layer_of(module)):
                upward.append(f"{module} ({layer_of(module)}) -> {name} ({layer_of(name)})")
    assert upward == []


def test_stage_folders_are_the_documented_ones():
    folders = {p.name for p in PIPELINE.iterdir() if (p / "__init__.py").exists()}
    assert folders == {"ingest", "extract", "enrich", "publish", "steward", "lexicon"}


def find_circle(graph: dict[str, set[str]]) -> list[str]:
    """Return one import circle among the modules (depth-first), or [] when there is none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module], _ = "open", path.append(module)
        for name in sorted(graph.get(module, ())):
            if state.get(name) == "open":
                return path[path.index(name):] + [name]
            if name in graph and name not in state and (circle := visit(name)):
                return circle
        state[module], _ = "done", path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (circle := visit(module)):
            return circle
    return []


def test_no_two_modules_import_each_other_even_through_others():
    graph = {module: {name for name in names if name.startswith("pipeline")}
             for module, names in all_imports().items()}
    assert find_circle(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) == []
