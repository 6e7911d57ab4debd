"""CategoricalEmbedding: one embedding per categorical column, summed."""

from __future__ import annotations

import torch

from molgen.chem.graph import ATOM_FEATURE_SIZES, graph_codes, one_hot_codes
from molgen.nn import CategoricalEmbedding


def test_it_is_a_linear_map_of_the_concatenated_one_hots() -> None:
    torch.manual_seed(0)
    embed = CategoricalEmbedding(ATOM_FEATURE_SIZES, 5)
    codes = graph_codes("CC(=O)Nc1ccc(O)cc1").atoms
    out = embed(torch.from_numpy(codes).long())
    one_hot = torch.from_numpy(one_hot_codes(codes, ATOM_FEATURE_SIZES))
    assert out.shape == (len(codes), 5)
    torch.testing.assert_close(out, one_hot @ embed.embedding.weight)


def test_gradients_reach_only_the_rows_used() -> None:
    embed = CategoricalEmbedding((3, 2), 4)
    embed(torch.tensor([[0, 1], [2, 1]])).sum().backward()
    used = embed.embedding.weight.grad.abs().sum(dim=1) > 0
    assert used.tolist() == [True, False, True, False, True]  # rows 0, 2 and 3 + 1
    assert "offsets" not in embed.state_dict()  # derived from the sizes, not stored
