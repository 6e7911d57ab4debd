"""Neural-network building blocks over molecular graphs, shared by the model families.

The layer between :mod:`molgen.data` and :mod:`molgen.models`: nothing here knows a model
family. A model (the VAE's graph encoder today, a property predictor tomorrow) is assembled
from these blocks, each built from plain arguments:

- :mod:`molgen.nn.graph_batch`: :class:`GraphBatch`, many molecular graphs as one, and
  :func:`collate_graphs`, which builds it from :class:`~molgen.chem.graph.GraphCodes`;
- :mod:`molgen.nn.embedding`: :class:`CategoricalEmbedding` of atom or bond category codes;
- :mod:`molgen.nn.message_passing`: :class:`GINEStack`, GINE message passing over atoms and
  bonds (torch-geometric);
- :mod:`molgen.nn.directed`: :class:`DirectedMessagePassing`, D-MPNN message passing on
  directed bonds;
- :mod:`molgen.nn.readout`: :class:`SumMeanReadout` and :class:`AggregationReadout`, one
  vector per molecule from its atom states.
"""

from __future__ import annotations

from molgen.nn.directed import DirectedMessagePassing, reverse_edges
from molgen.nn.embedding import CategoricalEmbedding
from molgen.nn.graph_batch import GraphBatch, collate_graphs
from molgen.nn.message_passing import GINEStack
from molgen.nn.readout import AggregationReadout, SumMeanReadout

__all__ = [
    "AggregationReadout",
    "CategoricalEmbedding",
    "DirectedMessagePassing",
    "GINEStack",
    "GraphBatch",
    "SumMeanReadout",
    "collate_graphs",
    "reverse_edges",
]
