"""SumMeanReadout: one vector per molecule, the sum and mean of its atom states."""

from __future__ import annotations

import torch

from molgen.nn import SumMeanReadout


def test_sums_then_means_per_molecule() -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    batch = torch.tensor([0, 0, 1])
    out = SumMeanReadout()(x, batch, num_graphs=3)
    assert out.shape == (3, SumMeanReadout().output_size(2)) == (3, 4)
    expected = [[4.0, 6.0, 2.0, 3.0], [5.0, 6.0, 5.0, 6.0], [0.0, 0.0, 0.0, 0.0]]
    torch.testing.assert_close(out, torch.tensor(expected))  # molecule 2 has no atoms


def test_the_order_of_atoms_does_not_matter() -> None:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(12, 5, generator=generator)
    batch = torch.tensor([0] * 5 + [1] * 4 + [2] * 3)
    order = torch.randperm(12, generator=generator)  # atoms shuffled across the batch too
    readout = SumMeanReadout()
    torch.testing.assert_close(readout(x[order], batch[order], 3), readout(x, batch, 3))


def test_gradients_reach_every_atom() -> None:
    x = torch.randn(6, 3, requires_grad=True)
    SumMeanReadout()(x, torch.tensor([0, 0, 0, 1, 1, 2]), 3).sum().backward()
    assert x.grad is not None and (x.grad > 0).all()
    assert list(SumMeanReadout().parameters()) == []
