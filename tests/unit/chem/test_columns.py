"""The schema module is the one place the scored table's columns are written out."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from molgen.chem import columns
from molgen.chem.columns import COLUMNS, OUTPUT_COLUMNS, column, is_extra_score

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_MODULE = ROOT / "molgen" / "chem" / "columns.py"
NAMES = frozenset(OUTPUT_COLUMNS)
MAX_RUN = 2  # two names side by side happen (e.g. "inchikey", "smiles"); three are a list


def _runs_in_python(source: str, where: str) -> list[str]:
    """Literal tuples/lists/sets (and dict keys) holding three or more column names in a row."""
    found = []
    for node in ast.walk(ast.parse(source, where)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = node.elts
        elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
            items = list(node.keys)  # a lookup table (values computed per name are code)
        else:
            continue
        run: list[str] = []
        for item in [*items, None]:
            if isinstance(item, ast.Constant) and item.value in NAMES:
                run.append(item.value)
                continue
            if len(run) > MAX_RUN:
                found.append(f"{where}:{node.lineno}: {run}")
            run = []
    return found


_QUOTED_RUN = re.compile(r"""(["'])(\w+)\1(?:\s*,\s*(["'])(\w+)\3){2,}""")


def _runs_in_text(source: str, where: str) -> list[str]:
    """Quoted lists of three or more column names in a template or script."""
    found = []
    for match in _QUOTED_RUN.finditer(source):
        names = re.findall(r"""["'](\w+)["']""", match.group(0))
        if sum(name in NAMES for name in names) > MAX_RUN:
            found.append(f"{where}: {match.group(0)}")
    return found


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_column_list_is_declared_outside_the_schema_module() -> None:
    python = [
        p for folder in ("molgen", "flows", "benchmarks") for p in (ROOT / folder).rglob("*.py")
    ]
    assert SCHEMA_MODULE in python
    # Migration scripts are frozen history: they must not follow later changes to the schema.
    frozen = ROOT / "molgen" / "store" / "migrations"
    python = [p for p in python if p != SCHEMA_MODULE and frozen not in p.parents]
    found = [hit for p in python for hit in _runs_in_python(p.read_text(), _relative(p))]
    web = ROOT / "molgen" / "server"
    for path in [*web.rglob("*.html"), *web.rglob("*.js")]:
        found += _runs_in_text(path.read_text(), _relative(path))
    assert found == [], "column lists re-declared outside molgen/chem/columns.py:\n" + "\n".join(
        found
    )


def test_the_scan_finds_a_redeclared_list() -> None:
    source = 'A = ("qed", "sa", "mw")\nB = ("smiles", "inchikey")\nC = {"mw": 1, "qed": 2, "sa": 3}'
    assert _runs_in_python(source, "probe.py") == [
        "probe.py:1: ['qed', 'sa', 'mw']",
        "probe.py:3: ['mw', 'qed', 'sa']",
    ]
    computed = 'def f(m):\n    return {"mw": m.w, "qed": m.q, "sa": m.s}\n'
    assert _runs_in_python(computed, "probe.py") == []  # values computed per name are code
    page = '{% for k in ("score", "qed", "mw") %}{% for k in ("a", "qed", "b") %}'
    assert _runs_in_text(page, "page.html") == ['page.html: "score", "qed", "mw"']


def test_declarations_are_consistent() -> None:
    assert len(NAMES) == len(COLUMNS)
    for declared in COLUMNS:
        assert declared.label and declared.description.endswith(".")
        pd.Series([], dtype=declared.dtype)  # a real pandas dtype
        assert (declared.sql is None) == (declared.table is None)
        if declared.filterable:
            assert declared.table == "molecules" and declared.sql in ("float", "integer")
    assert columns.FEATURED_PROPERTIES == ("qed", "mw", "logp", "sa", "tpsa")
    assert set(columns.FEATURED_PROPERTIES) <= set(columns.FILTER_PROPERTIES)
    assert set(columns.INT_PROPERTIES) == {"hbd", "hba", "rotb", "rings", "lipinski_violations"}


def test_derived_lists_keep_todays_table_layout() -> None:
    from molgen.chem.properties import PROPERTY_NAMES
    from molgen.scoring import OUTPUT_COLUMNS as SCORED
    from molgen.store.schema import PROPERTY_COLUMNS, Molecule

    assert SCORED == OUTPUT_COLUMNS
    assert OUTPUT_COLUMNS[:3] == ("smiles", "valid", "inchikey")
    assert OUTPUT_COLUMNS[-3:] == ("alerts", "novel", "score")
    assert (
        tuple(n for n in OUTPUT_COLUMNS if n not in {"valid", "novel", "score"}) == PROPERTY_NAMES
    )
    table = Molecule.__table__.columns
    for name in PROPERTY_COLUMNS:
        assert table[name].index and table[name].nullable
        kind = "integer" if column(name).sql == "integer" else "float"
        assert table[name].type.python_type is (int if kind == "integer" else float)


def test_column_lookup_names_the_known_ones() -> None:
    assert column("qed").label == "QED"
    with pytest.raises(KeyError, match="unknown column 'nope'; known: smiles, valid"):
        column("nope")


@pytest.mark.parametrize(
    ("name", "numeric", "kept"),
    [
        ("qed_raw", False, True),
        ("docking_desirability", True, True),
        ("activity", True, True),
        ("comment", False, False),
        ("qed", True, False),  # declared: never an extra score
        ("score", True, False),
    ],
)
def test_extra_score_rule(name: str, numeric: bool, kept: bool) -> None:
    assert is_extra_score(name, numeric) is kept
