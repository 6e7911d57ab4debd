"""The run folder's layout is spelled in one place, :mod:`molgen.utils.run_layout`.

The guard fails when a file or folder name of that layout is written out anywhere else in
``molgen/`` or ``flows/``; build the path with ``RunLayout``, ``FamilyLayout`` or
``ModelLayout`` instead. Prose (docstrings, comments, help and error messages: any text
with a space) may name the files.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LAYOUT = ROOT / "molgen" / "utils" / "run_layout.py"

FILE_NAMES = frozenset(
    {
        "samples.parquet", "scores.parquet", "evaluation.json", "summary.json", "report.html",
        "checkpoint.pt", "last.pt", "best.pt", "vocabulary.json",
        "property_distributions.png", "top_novel_molecules.png", "training_curves.png",
    }
)  # fmt: skip
"""Names flagged in any string without spaces (as one ``/``-separated part of it)."""

FOLDER_NAMES = frozenset({"data", "model", "plots"})
"""Names flagged only where a path is built from them (``path / "model"``, ``Path("data")``):
as plain words they are dictionary keys, MLflow artifact folders and field names."""

MARKER_SUFFIX = ".done.json"


def layout_literals(source: str) -> list[tuple[int, str]]:
    """The layout names that ``source`` spells out, with their line numbers."""
    found: list[ast.Constant] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = node.value.split()
            if len(words) == 1 and _names_a_file(words[0]):
                found.append(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found += [side for side in (node.left, node.right) if _folder(side)]
        elif isinstance(node, ast.Call) and _callee(node.func) in {"Path", "joinpath"}:
            found += [arg for arg in node.args if _folder(arg)]
    return sorted((node.lineno, node.value) for node in found)


def _names_a_file(text: str) -> bool:
    return bool(FILE_NAMES & set(text.split("/"))) or text.endswith(MARKER_SUFFIX)


def _folder(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in FOLDER_NAMES


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def test_layout_names_appear_only_in_the_layout_module() -> None:
    files = sorted((ROOT / "molgen").rglob("*.py")) + sorted((ROOT / "flows").rglob("*.py"))
    assert len(files) > 50 and LAYOUT in files
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in files
        if path != LAYOUT
        for line, value in layout_literals(path.read_text(encoding="utf-8"))
    ]
    assert offending == [], "use molgen.utils.run_layout for these paths:\n" + "\n".join(offending)


def test_the_layout_module_spells_every_guarded_name() -> None:
    spelled = {value for _, value in layout_literals(LAYOUT.read_text(encoding="utf-8"))}
    assert spelled >= FILE_NAMES | FOLDER_NAMES
    assert any(value.endswith(MARKER_SUFFIX) for value in spelled)


def test_the_guard_tells_paths_from_prose_and_keys() -> None:
    source = '''
"""Writes ``DIR/<label>/scores.parquet`` and ``model/``."""
def write(out, stage, root, mlflow):
    """Docstrings may say summary.json."""
    (out / "scores.parquet").touch()
    root.glob("*/*/model/checkpoint.pt")
    marker = out / f".molgen-{stage}.done.json"
    model_dir = out / "model"
    data = Path("data")
    plots = out.joinpath("plots")
    result = {"model": "char_rnn", "data": 1}
    mlflow.log_artifact(str(out), "plots")
    raise ValueError("no checkpoint.pt, best.pt or last.pt in this directory")
    parser.add_argument("--resume", help="continue from DIR/last.pt")
'''
    assert layout_literals(source) == [
        (5, "scores.parquet"),
        (6, "*/*/model/checkpoint.pt"),
        (7, ".done.json"),
        (8, "model"),
        (9, "data"),
        (10, "plots"),
    ]
