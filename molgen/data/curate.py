"""The curate stage: sources -> standardised, filtered, deduplicated, split Parquet files.

Split rule. MOSES keeps its official split: its train set becomes ``train`` plus a
seeded ``valid_fraction`` of it as ``valid``; its test and scaffold-test sets stay
``test`` and ``test_scaffolds``. User files are pooled and split together by the config
(random, or by Bemis–Murcko scaffold so that no scaffold spans two splits), and each
part is appended to the split of the same name. Deduplication runs first, in source
order (for MOSES: train, test, test_scaffolds), keeping the first occurrence.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from molgen.data.config import CurateConfig
from molgen.data.dedup import InchiKeyIndex
from molgen.data.moses import (
    MOSES_SPLITS,
    count_rows,
    fetch_moses,
    iter_moses_chunks,
    moses_source,
)
from molgen.data.output import KeptParts, write_split
from molgen.data.process import ChunkResult, ChunkSettings, process_item
from molgen.data.readers import iter_source_chunks, source_format
from molgen.data.row_estimate import estimate_rows
from molgen.data.split import random_split, scaffold_split
from molgen.data.summary import ReasonCounter, describe
from molgen.utils.errors import ConfigError, InputError
from molgen.utils.parallel import parallel_map
from molgen.utils.run_layout import SUMMARY_FILE
from molgen.utils.scaleout import Mapper

__all__ = ["OUTPUT_FILES", "REJECT_SCHEMA", "SPLIT_RULE", "curate"]

logger = logging.getLogger(__name__)

OUTPUT_FILES = (
    "train.parquet",
    "valid.parquet",
    "test.parquet",
    "test_scaffolds.parquet",
    "rejects.parquet",
    SUMMARY_FILE,
)
REJECT_SCHEMA = pa.schema(
    [("source", pa.string()), ("row", pa.int64()), ("input", pa.string()), ("reason", pa.string())]
)
SPLIT_RULE = (
    "MOSES: train -> train + seeded valid_fraction as valid, test -> test, test_scaffolds -> "
    "test_scaffolds; user files: pooled, split by the config, appended to the same splits"
)
_USER = "user"


@dataclass(frozen=True)
class _Part:
    """One stream of input rows: its label (``source``), split group, chunks, settings
    and a count (or estimate) of its rows, for the progress bar."""

    label: str
    group: str
    chunks: Callable[[], Iterator[pd.DataFrame]]
    settings: ChunkSettings
    rows: Callable[[], int]


def _moses_rows(split: str, limit: int | None) -> int:
    """Rows curated from one MOSES split: its row count, or the subset size."""
    total = count_rows(fetch_moses()[split])
    return total if limit is None else min(limit, total)


def _plan(sources: Sequence[str], config: CurateConfig) -> list[_Part]:
    """The streams to curate, in order. Settings are validated, user files checked and
    the MOSES files fetched here, before any output is touched."""
    if not sources:
        raise ConfigError("curate: no sources given")
    plain = ChunkSettings.from_config(config)
    user = ChunkSettings.from_config(config, with_scaffold=config.split.method == "scaffold")
    parts: list[_Part] = []
    for source in dict.fromkeys(sources):
        if source == "moses":
            fetch_moses()
            for split in MOSES_SPLITS:
                limit = config.moses_max_train if split == "train" else config.moses_max_test
                seed, size = config.split.seed, config.chunk_size
                chunks = partial(iter_moses_chunks, split, limit, seed, size)
                rows = partial(_moses_rows, split, limit)
                parts.append(_Part(moses_source(split), moses_source(split), chunks, plain, rows))
            continue
        source_format(source)
        if not Path(source).is_file():
            raise InputError(source, "file not found")
        chunks = partial(iter_source_chunks, source, config.smiles_column, config.chunk_size)
        parts.append(_Part(source, _USER, chunks, user, partial(estimate_rows, source)))
    return parts


def _work_items(parts: list[_Part]) -> Iterator[tuple[pd.DataFrame, ChunkSettings]]:
    """Every chunk of every part with its settings, as one stream, so that one pool of
    workers (started while the main process is still small) serves the whole run."""
    for part in parts:
        for chunk in part.chunks():
            yield chunk, part.settings


def _labels(group: str, kept: KeptParts, config: CurateConfig) -> np.ndarray:
    """The split of each kept molecule of one group (see the module's split rule)."""
    split = config.split
    if group == moses_source("train"):
        return random_split(kept.size, split.valid_fraction, 0.0, split.seed)
    if group.startswith("moses:"):
        return np.full(kept.size, group.removeprefix("moses:"), dtype=object)
    if split.method == "scaffold":
        return scaffold_split(kept.scaffolds, split.valid_fraction, split.test_fraction, split.seed)
    return random_split(kept.size, split.valid_fraction, split.test_fraction, split.seed)


def _take(
    result: ChunkResult, index: InchiKeyIndex, reasons: ReasonCounter, writer: pq.ParquetWriter
) -> tuple[ChunkResult, int]:
    """Deduplicate one processed chunk and write its rejects; returns the kept part and
    the number of rejects."""
    kept = result.kept
    dups = index.check(kept["inchikey"].tolist(), kept["source"].tolist(), kept["row"].tolist())
    is_dup = np.array([d is not None for d in dups], dtype=bool)
    rejects = result.rejects
    if is_dup.any():
        dup_rows = kept.loc[is_dup, ["source", "row", "input"]].assign(
            reason=[d for d in dups if d is not None]
        )
        rejects = pd.concat([rejects, dup_rows], ignore_index=True)
        rejects = rejects.sort_values("row", kind="stable", ignore_index=True)
    if len(rejects):
        writer.write_table(pa.Table.from_pandas(rejects, REJECT_SCHEMA, preserve_index=False))
        reasons.add(rejects["reason"])
    keep = ~is_dup
    scaffolds = result.scaffolds
    taken = ChunkResult(
        source=result.source,
        kept=kept.loc[keep].drop(columns=["input"]).reset_index(drop=True),
        properties=result.properties.loc[keep].reset_index(drop=True),
        scaffolds=[s for s, k in zip(scaffolds, keep, strict=True) if k] if scaffolds else None,
        rejects=rejects,
    )
    return taken, len(rejects)


def _with_property_every(parts: list[_Part], every: int) -> list[_Part]:
    """The parts with their settings' ``property_every`` set to ``every``."""
    return [replace(p, settings=replace(p.settings, property_every=every)) for p in parts]


def _rows_bar(total_rows: int | None, progress: bool) -> tqdm:
    """A bar of rows curated out of every part's row count (estimated for text files)."""
    return tqdm(total=total_rows, desc="curate", unit="row", unit_scale=True, disable=not progress)


def _advance(bar: tqdm, rows: int) -> None:
    """Count ``rows`` more; an estimated total that proves too small grows to match."""
    bar.update(rows)
    if not bar.disable and bar.total is not None and bar.n > bar.total:
        bar.total = bar.n


def _finish(bar: tqdm) -> None:
    """Every row is done: the total is now known, whatever the estimate said."""
    if not bar.disable:
        bar.total = bar.n
        bar.refresh()


def curate(
    sources: Sequence[str],
    out_dir: str | Path,
    config: CurateConfig,
    progress: bool = False,
    mapper: Mapper | None = None,
) -> dict[str, Any]:
    """Curate ``sources`` into ``out_dir`` and return the summary (also ``summary.json``).

    Writes ``train``/``valid``/``test`` (and ``test_scaffolds`` with MOSES) Parquet files
    with ``smiles``, ``inchikey``, ``source``, ``row`` and the sources' other columns,
    ``rejects.parquet`` (``source``, ``row``, ``input``, ``reason``) and ``summary.json``.

    Args:
        sources: file paths (``.smi``, ``.csv``, ``.tsv``, ``.sdf``, ``.sdf.gz``,
            ``.parquet``) and/or ``"moses"``.
        out_dir: output folder (created; earlier outputs in it are replaced).
        config: standardisation, filters, split, chunking and parallelism.
        progress: show a progress bar of rows done out of the total (exact for Parquet
            and MOSES, estimated from the file size for text files).
        mapper: runs the per-chunk work (standardise, filter, InChIKey) and yields the
            results in chunk order; default :func:`~molgen.utils.parallel.parallel_map`
            over ``config.n_jobs`` local processes. Deduplication and splitting always run
            here on the combined results, so the output does not depend on the mapper.

    Raises:
        InputError: a source file is missing or unreadable.
        MolgenError: the MOSES files cannot be fetched.
    """
    started = time.perf_counter()
    parts = _plan(sources, config)
    sample = config.summary_sample
    total_rows = sum(part.rows() for part in parts) if progress or sample else None
    # The summary describes the properties of about `sample` molecules (all when 0 or more).
    every = max(total_rows // sample, 1) if sample and total_rows else 1
    if every > 1:
        parts = _with_property_every(parts, every)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    index, reasons = InchiKeyIndex(), ReasonCounter()
    groups = {part.group: KeptParts() for part in parts}
    group_of = {part.label: part.group for part in parts}
    per_source = {part.label: {"input": 0, "kept": 0, "rejected": 0} for part in parts}
    work = _work_items(parts)
    if mapper is None:
        mapper = partial(parallel_map, n_jobs=config.n_jobs)
    bar = _rows_bar(total_rows, progress)
    with bar, pq.ParquetWriter(out / "rejects.parquet", REJECT_SCHEMA) as writer:
        for result in mapper(process_item, work):
            taken, n_rejected = _take(result, index, reasons, writer)
            _advance(bar, len(taken.kept) + n_rejected)
            groups[group_of[result.source]].add(taken)
            counts = per_source[result.source]
            counts["kept"] += len(taken.kept)
            counts["rejected"] += n_rejected
            counts["input"] += len(taken.kept) + n_rejected
        _finish(bar)
    for label, counts in per_source.items():
        logger.info("%s: %d rows, %d kept, %d rejected", label, *counts.values())
    del index
    splits = ["train", "valid", "test"] + (["test_scaffolds"] if "moses" in sources else [])
    labels = {group: _labels(group, kept, config) for group, kept in groups.items()}
    split_counts = {
        split: write_split(out / f"{split}.parquet", groups, labels, split) for split in splits
    }
    summary = _summary(config, per_source, split_counts, reasons, groups, every)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2))
    logger.info(
        "curated %d rows: %d kept, %d rejected; splits %s -> %s",
        summary["input"], summary["kept"], summary["rejected"], split_counts, out,
    )  # fmt: skip
    return summary


def _summary(
    config: CurateConfig,
    per_source: dict[str, dict[str, int]],
    split_counts: dict[str, int],
    reasons: ReasonCounter,
    groups: dict[str, KeptParts],
    property_every: int = 1,
) -> dict[str, Any]:
    """The JSON-serialisable summary of a curate run; its property distributions describe
    1 kept molecule in ``property_every`` (chosen by InChIKey)."""
    total = {k: sum(c[k] for c in per_source.values()) for k in ("input", "kept", "rejected")}
    assert total["kept"] + total["rejected"] == total["input"], total
    assert sum(split_counts.values()) == total["kept"], (split_counts, total)
    properties = pd.concat([kept.properties() for kept in groups.values()], ignore_index=True)
    if total["kept"] == 0:
        logger.warning("curate kept no molecules; see rejects.parquet for the reasons")
    return {
        **total,
        "splits": split_counts,
        "sources": per_source,
        "rejected_by_reason": reasons.top(),
        "properties": {name: describe(properties[name].to_numpy()) for name in properties},
        "properties_of": (
            "every kept molecule"
            if property_every == 1
            else f"1 in {property_every} kept molecules, chosen by InChIKey"
        ),
        "split_rule": SPLIT_RULE,
        "config": config.model_dump(mode="json"),
    }
