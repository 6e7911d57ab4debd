"""The ``python`` component: any function taking a list of SMILES, returning one number
per molecule (the hook for a team's own oracle: a docking wrapper, a QSAR model, ...)."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import field_validator

from molgen.scoring.components.base import ComponentContext, ComponentParams, register_component
from molgen.scoring.components.batch import MolBatch
from molgen.utils.errors import MolgenError

__all__ = ["PythonComponent", "PythonParams", "load_function"]

logger = logging.getLogger(__name__)


def load_function(reference: str) -> Callable[..., Any]:
    """The function ``module.path:name`` or ``path/to/file.py:name`` names.

    A file path is relative to the working directory.

    Raises:
        ValueError: malformed reference, module or file not importable, no such function.
    """
    target, sep, attr = reference.rpartition(":")
    if not sep or not target or not attr.isidentifier():
        raise ValueError(f"function {reference!r} is not 'module:function' or 'file.py:function'")
    try:
        if target.endswith(".py"):
            path = Path(target).resolve()
            if not path.is_file():
                raise ValueError(f"function {reference!r}: file {target} not found")
            module_name = f"molgen_user_{abs(hash(str(path)))}"
            module = sys.modules.get(module_name)
            if module is None:
                spec = importlib.util.spec_from_file_location(module_name, path)
                module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
                spec.loader.exec_module(module)  # type: ignore[union-attr]
                sys.modules[module_name] = module
        else:
            module = importlib.import_module(target)
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(f"function {reference!r}: cannot import {target} ({exc})") from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise ValueError(f"function {reference!r}: {target} has no function {attr!r}")
    return fn


class PythonParams(ComponentParams):
    """Parameters of ``python``.

    Attributes:
        function: ``module.path:function`` or ``path/to/file.py:function``; it is called
            with a list of canonical SMILES (the batch's valid molecules) and must return
            one number per SMILES (a list or array).
    """

    function: str

    @field_validator("function")
    @classmethod
    def _importable(cls, function: str) -> str:
        load_function(function)
        return function


@register_component("python", PythonParams)
class PythonComponent:
    """Your function of a list of SMILES: one number per molecule.

    When the function raises on a batch, it is called again one molecule at a time, so only
    the molecules it fails on get NaN; a warning names the component and the first error.
    A result of the wrong length is an error.
    """

    local: ClassVar[bool] = False

    def __init__(self, name: str, params: PythonParams, context: ComponentContext) -> None:
        self.name, self.reference = name, params.function
        self.function = load_function(params.function)

    def __call__(self, batch: MolBatch) -> np.ndarray:
        """The function's values for the valid molecules, NaN elsewhere.

        Raises:
            MolgenError: the function returned a number of values other than the number
                of SMILES it was given.
        """
        out = np.full(len(batch), np.nan)
        rows = np.flatnonzero(batch.valid)
        if not len(rows):
            return out
        smiles = [batch.canonical[i] for i in rows]
        try:
            values = np.asarray(self.function(smiles), dtype=float).ravel()
        except Exception:  # the user's code may raise anything
            values = self._one_by_one(smiles)
        if len(values) != len(smiles):
            raise MolgenError(
                f"component {self.name!r} (python {self.reference}) returned {len(values)} "
                f"values for {len(smiles)} molecules"
            )
        out[rows] = values
        return out

    def _one_by_one(self, smiles: list[str]) -> np.ndarray:
        """The function on each molecule alone; NaN where it raises."""
        values = np.full(len(smiles), np.nan)
        failures: list[str] = []
        for i, text in enumerate(smiles):
            try:
                values[i] = np.asarray(self.function([text]), dtype=float).ravel()[0]
            except Exception as exc:  # the user's code may raise anything
                failures.append(f"{type(exc).__name__}: {exc}")
        if failures:
            logger.warning(
                "component %r (python %s) failed on %d of %d molecules, e.g. %s",
                self.name, self.reference, len(failures), len(smiles), failures[0],
            )  # fmt: skip
        return values
