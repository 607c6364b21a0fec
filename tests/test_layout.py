"""The package's shape: imports flow one way between its parts, and nothing grows too long to
read. Every module is parsed with `ast`, so an import inside a function counts like any other."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mscqa"

# Lowest first: a module may import from its own layer and the layers before it, never after.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("mscqa", "mscqa.config", "mscqa.errors"),
    ("mscqa.text",),
    ("mscqa.corpus",),
    ("mscqa.index",),
    ("mscqa.search",),
    ("mscqa.answers",),
    ("mscqa.staff",),
    ("mscqa.engine", "mscqa.evaluate"),
    ("mscqa.web",),
    ("mscqa.cli", "mscqa.__main__", "mscqa.training"),
)
# Answer composition reads the library through `mscqa.search.library.Library`, not through the
# index's own loader, builder or status.
ANSWERS = "mscqa.answers"
NOT_FOR_ANSWERS = ("mscqa.index.load", "mscqa.index.build", "mscqa.index.status")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE) -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        yield module_name(path, root), path, ast.parse(path.read_text(encoding="utf-8"))


def is_module(name: str, root: Path = PACKAGE) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    folder = root / relative
    return folder.with_suffix(".py").is_file() or (folder / "__init__.py").is_file()


def imported(tree: ast.Module, root: Path = PACKAGE) -> Iterator[tuple[int, str, str]]:
    """(line, module, name) of every mscqa import, at the top or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mscqa":
                    yield node.lineno, alias.name, ""
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "mscqa":
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if is_module(submodule, root):
                    yield node.lineno, submodule, ""
                else:
                    yield node.lineno, node.module, alias.name


def layer(module: str) -> int:
    best, best_length = -1, -1
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and len(prefix) > best_length:
                best, best_length = number, len(prefix)
    return best


def import_problems(root: Path = PACKAGE) -> list[str]:
    problems = []
    for name, path, tree in modules(root):
        own = layer(name)
        if own < 0:
            problems.append(f"{path.name}: {name} belongs to no layer; add it to LAYERS")
            continue
        for line, target, imported_name in imported(tree, root):
            if layer(target) > own:
                problems.append(f"{name}:{line} imports {target}, a later layer")
            index_loader = target.startswith(NOT_FOR_ANSWERS) or imported_name == "LoadedIndex"
            if name.startswith(ANSWERS + ".") and index_loader:
                problems.append(f"{name}:{line} imports {target}; use search.library.Library")
    return problems


def length_problems(root: Path = PACKAGE) -> list[str]:
    problems = []
    for name, path, tree in modules(root):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            problems.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(
                        f"{name}:{first} {node.name}: {length} lines (at most {MAX_FUNCTION_LINES})"
                    )
    return problems


def test_every_module_is_parsed() -> None:
    names = {name for name, _, _ in modules()}
    assert {"mscqa.cli", "mscqa.engine", "mscqa.answers.quotes", "mscqa.web.app"} <= names


def test_imports_flow_one_way() -> None:
    assert import_problems() == []


def test_no_module_or_function_too_long() -> None:
    assert length_problems() == []


def test_a_backward_import_is_found(tmp_path: Path) -> None:
    root = tmp_path / "mscqa"
    (root / "corpus").mkdir(parents=True)
    (root / "answers").mkdir()
    for folder in (root, root / "corpus", root / "answers"):
        (folder / "__init__.py").write_text("")
    (root / "corpus" / "articles.py").write_text(
        "def load():\n    from mscqa.answers import quotes\n    return quotes\n"
    )
    (root / "answers" / "quotes.py").write_text("from mscqa.index.load import LoadedIndex\n")
    assert import_problems(root) == [
        "mscqa.answers.quotes:1 imports mscqa.index.load; use search.library.Library",
        "mscqa.corpus.articles:2 imports mscqa.answers.quotes, a later layer",
    ]


def test_a_long_function_is_found(tmp_path: Path) -> None:
    root = tmp_path / "mscqa"
    root.mkdir()
    body = "".join(f"    x{n} = {n}\n" for n in range(80))
    (root / "engine.py").write_text(f"@staticmethod\ndef long():\n{body}")
    assert length_problems(root) == ["mscqa.engine:1 long: 82 lines (at most 80)"]
