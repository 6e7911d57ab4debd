"""Typed configuration of the pipeline's store stage (``[store]`` in a pipeline config)."""

from __future__ import annotations

from pydantic import Field

from molgen.utils.config import StrictModel

__all__ = ["StoreConfig"]


class StoreConfig(StrictModel):
    """Whether the pipeline ends by writing its candidates to the store, and which store."""

    enabled: bool = Field(default=True, description="Run the store stage at the end.")
    url: str | None = Field(
        default=None,
        description="Database URL or SQLite path; None uses $MOLGEN_DB_URL, else "
        "molgen-store.db in the working directory.",
    )
    n_jobs: int = Field(default=1, description="Fingerprint worker processes; 0 = all cores.")
