"""Searching the candidate store: plain filters and sorting in SQL, substructure and
similarity screened per backend and verified exactly.

- :mod:`~molgen.store.search.execute` runs a :class:`~molgen.store.query.CandidateQuery`
  (the public entry points, re-exported here);
- :mod:`~molgen.store.search.filters` turns a query into SQL conditions and orderings;
- :mod:`~molgen.store.search.structure` pages substructure and similarity searches;
- :mod:`~molgen.store.search.sqlite` and :mod:`~molgen.store.search.postgres` hold each
  backend's screens;
- :mod:`~molgen.store.search.core` is the chemistry and the limits shared by both.
"""

from __future__ import annotations

from molgen.store.search.core import QueryError, SearchLimits
from molgen.store.search.execute import (
    Found,
    bounded,
    fetch_rows,
    row_from,
    rows_select,
    search,
    search_range,
)

__all__ = [
    "Found",
    "QueryError",
    "SearchLimits",
    "bounded",
    "fetch_rows",
    "row_from",
    "rows_select",
    "search",
    "search_range",
]
