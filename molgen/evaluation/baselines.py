"""Published MOSES baseline metrics, to show beside a run's own metrics for reference.

Source: Polykovskiy et al., "Molecular Sets (MOSES): A Benchmarking Platform for Molecular
Generation Models", Frontiers in Pharmacology 11:565644 (2020),
doi:10.3389/fphar.2020.565644; figures as tabulated in the metrics table of the MOSES
README (github.com/molecularsets/moses, README.md at commit
ffbc4dbad1afddc38b0bcd0a68801b56524c3ca9). Each model figure is the mean ± standard
deviation over the paper's three independent runs (30,000 samples each); the ``Train`` row
is the training set itself scored as if generated. Only the columns of that table are here:
the property distances (``logP``, ``SA``, ``QED``, ``weight``) are shown there only as
plots, and GuacaMol's ``kl_score``/``fcd_score`` are not part of MOSES, so they are absent
(:func:`baseline` gives None for them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASELINES", "BASELINE_METRICS", "CITATION", "Baseline", "baseline"]

CITATION = (
    "Polykovskiy et al., Molecular Sets (MOSES): A Benchmarking Platform for Molecular "
    "Generation Models, Front. Pharmacol. 11:565644 (2020), doi:10.3389/fphar.2020.565644 "
    "(metrics table of the MOSES README; mean ± std over 3 runs)"
)

BASELINE_METRICS = (
    "valid", "unique@1000", "unique@10000", "FCD/Test", "FCD/TestSF", "SNN/Test",
    "SNN/TestSF", "Frag/Test", "Frag/TestSF", "Scaf/Test", "Scaf/TestSF", "IntDiv",
    "IntDiv2", "Filters", "Novelty",
)  # fmt: skip
"""The MOSES metric names of the published table, in its column order."""

# Copied cell by cell from the README table, in BASELINE_METRICS order ("mean±std").
_TABLE = """
Train     1.0 1.0 1.0 0.008 0.4755 0.6419 0.5859 1.0 0.9986 0.9907 0.0 0.8567 0.8508 1.0 1.0
CharRNN   0.9748±0.0264 1.0±0.0 0.9994±0.0003 0.0732±0.0247 0.5204±0.0379 0.6015±0.0206
          0.5649±0.0142 0.9998±0.0002 0.9983±0.0003 0.9242±0.0058 0.1101±0.0081
          0.8562±0.0005 0.8503±0.0005 0.9943±0.0034 0.8419±0.0509
VAE       0.9767±0.0012 1.0±0.0 0.9984±0.0005 0.099±0.0125 0.567±0.0338 0.6257±0.0005
          0.5783±0.0008 0.9994±0.0001 0.9984±0.0003 0.9386±0.0021 0.0588±0.0095
          0.8558±0.0004 0.8498±0.0004 0.997±0.0002 0.6949±0.0069
AAE       0.9368±0.0341 1.0±0.0 0.9973±0.002 0.5555±0.2033 1.0572±0.2375 0.6081±0.0043
          0.5677±0.0045 0.991±0.0051 0.9905±0.0039 0.9022±0.0375 0.0789±0.009
          0.8557±0.0031 0.8499±0.003 0.996±0.0006 0.7931±0.0285
JTN-VAE   1.0±0.0 1.0±0.0 0.9996±0.0003 0.3954±0.0234 0.9382±0.0531 0.5477±0.0076
          0.5194±0.007 0.9965±0.0003 0.9947±0.0002 0.8964±0.0039 0.1009±0.0105
          0.8551±0.0034 0.8493±0.0035 0.976±0.0016 0.9143±0.0058
LatentGAN 0.8966±0.0029 1.0±0.0 0.9968±0.0002 0.2968±0.0087 0.8281±0.0117 0.5371±0.0004
          0.5132±0.0002 0.9986±0.0004 0.9972±0.0007 0.8867±0.0009 0.1072±0.0098
          0.8565±0.0007 0.8505±0.0006 0.9735±0.0006 0.9498±0.0006
"""


@dataclass(frozen=True)
class Baseline:
    """One published row: the model's name, and metric -> (mean, std or None)."""

    model: str
    metrics: dict[str, tuple[float, float | None]]


def _parse(table: str) -> dict[str, Baseline]:
    rows: dict[str, list[str]] = {}
    name = ""
    for line in table.strip().splitlines():
        if not line[0].isspace():
            name, line = line.split(maxsplit=1)
            rows[name] = []
        rows[name].extend(line.split())
    out = {}
    for model, cells in rows.items():
        if len(cells) != len(BASELINE_METRICS):
            raise ValueError(f"baseline {model}: {len(cells)} cells")
        values = {}
        for metric, cell in zip(BASELINE_METRICS, cells, strict=True):
            mean, _, std = cell.partition("±")
            values[metric] = (float(mean), float(std) if std else None)
        out[model] = Baseline(model, values)
    return out


BASELINES: dict[str, Baseline] = _parse(_TABLE)
"""Model name (``Train``, ``CharRNN``, ``VAE``, ``AAE``, ``JTN-VAE``, ``LatentGAN``) -> row."""


def baseline(model: str, metric: str) -> float | None:
    """The published mean of ``metric`` for ``model``; None when the table lacks it.

    Raises:
        KeyError: an unknown model, naming the known ones.
    """
    if model not in BASELINES:
        raise KeyError(f"unknown MOSES baseline {model!r}; known: {', '.join(BASELINES)}")
    value = BASELINES[model].metrics.get(metric)
    return None if value is None else value[0]
