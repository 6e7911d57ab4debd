"""The library's layering: each package imports only packages at or below its own layer.

Every import counts, at module level or not, including those under ``TYPE_CHECKING`` and
those inside functions, so a lazy import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "molgen"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"__init__", "utils"}),
    frozenset({"chem"}),
    frozenset({"data"}),
    frozenset({"nn"}),
    frozenset({"models"}),
    frozenset({"training", "sampling"}),
    frozenset({"predictors"}),
    frozenset({"scoring", "evaluation"}),
    frozenset({"design"}),
    frozenset({"store", "tracking"}),
    frozenset({"model_registry", "server"}),
    frozenset({"config"}),
    frozenset({"cli", "__main__"}),
)
"""Lowest first. A module under ``molgen/<name>`` (or ``molgen/<name>.py``) is in the layer
that lists ``<name>``; ``__init__`` is ``molgen/__init__.py`` (the version)."""

LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}


def _top(path: Path) -> str:
    """The first component under ``molgen/`` of a module path: its package (or module)."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def imported_modules(path: Path) -> list[str]:
    """Every absolute module name ``path`` imports, wherever the import statement sits."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
            if node.module == "molgen":  # from molgen import <subpackage or module>
                found.extend(
                    f"molgen.{alias.name}"
                    for alias in node.names
                    if (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").is_file()
                )
    return found


def molgen_targets(path: Path) -> set[str]:
    """The top-level molgen packages (or ``flows``) that ``path`` imports."""
    targets = set()
    for name in imported_modules(path):
        parts = name.split(".")
        if parts[0] == "flows":
            targets.add("flows")
        elif parts[0] == "molgen":
            targets.add(parts[1] if len(parts) > 1 else "__init__")
    return targets


def test_every_package_has_a_layer() -> None:
    tops = {_top(path) for path in PACKAGE.rglob("*.py")}
    assert tops <= set(LEVEL), f"add to LAYERS: {sorted(tops - set(LEVEL))}"


@pytest.mark.parametrize("layer", sorted(LEVEL))
def test_imports_point_down(layer: str) -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _top(path) != layer:
            continue
        for target in sorted(molgen_targets(path)):
            if target == "flows" and layer != "cli":
                upward.append(f"{path.relative_to(PACKAGE.parent)} imports flows")
            elif target != "flows" and LEVEL[target] > LEVEL[layer]:
                upward.append(f"{path.relative_to(PACKAGE.parent)} imports molgen.{target}")
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_models_never_import_training() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted((PACKAGE / "models").rglob("*.py"))
        if any(name.startswith("molgen.training") for name in imported_modules(path))
    ]
    assert not offenders, f"molgen.models imports molgen.training in {offenders}"


def test_the_checker_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from molgen.training.config import TrainConfig\n"
        "def fit():\n"
        "    import molgen.store.engine\n"
        "    from molgen import __version__, cli\n"
    )
    assert molgen_targets(module) == {"training", "store", "cli", "__init__"}
