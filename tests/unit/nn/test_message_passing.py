"""GINEStack: GINE message passing over atoms and bonds."""

from __future__ import annotations

import pytest
import torch

from molgen.chem.graph import BOND_FEATURE_SIZES, graph_codes
from molgen.nn import GINEStack, GraphBatch, collate_graphs

HIDDEN = 8


@pytest.fixture
def graphs() -> GraphBatch:
    codes = [graph_codes(s) for s in ("CC(=O)Nc1ccc(O)cc1", "CCO", "C")]
    return collate_graphs(codes, torch.device("cpu"))


def make(num_layers: int = 3, dropout: float = 0.0) -> GINEStack:
    torch.manual_seed(0)
    return GINEStack(HIDDEN, BOND_FEATURE_SIZES, num_layers, dropout)


def test_atom_states_keep_their_shape(graphs: GraphBatch) -> None:
    stack = make()
    atoms = torch.randn(len(graphs.batch), HIDDEN)
    out = stack(atoms, graphs.edge_index, graphs.bonds)
    assert out.shape == atoms.shape and torch.isfinite(out).all()
    assert len(stack.convs) == len(stack.bonds) == len(stack.norms) == 3


def test_gradients_reach_every_parameter_and_the_input(graphs: GraphBatch) -> None:
    stack = make()
    atoms = torch.randn(len(graphs.batch), HIDDEN, requires_grad=True)
    stack(atoms, graphs.edge_index, graphs.bonds).square().sum().backward()
    assert atoms.grad is not None and atoms.grad.abs().sum() > 0
    for name, parameter in stack.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_renumbering_the_atoms_renumbers_the_states(graphs: GraphBatch) -> None:
    stack = make().eval()  # batch statistics would not change, but use the running ones
    atoms = torch.randn(len(graphs.batch), HIDDEN)
    order = torch.randperm(len(atoms), generator=torch.Generator().manual_seed(1))
    position = torch.empty_like(order)
    position[order] = torch.arange(len(order))  # new index of each old atom
    with torch.no_grad():
        out = stack(atoms, graphs.edge_index, graphs.bonds)
        renumbered = stack(atoms[order], position[graphs.edge_index], graphs.bonds)
    torch.testing.assert_close(renumbered, out[order])


def test_an_atom_without_bonds_is_updated_from_itself_alone() -> None:
    stack = make(num_layers=1).eval()
    atoms = torch.randn(1, HIDDEN)
    no_edges = torch.zeros((2, 0), dtype=torch.long)
    no_bonds = torch.zeros((0, len(BOND_FEATURE_SIZES)), dtype=torch.long)
    with torch.no_grad():
        out = stack(atoms, no_edges, no_bonds)
        conv, norm = stack.convs[0], stack.norms[0]
        expected = atoms + torch.relu(norm(conv.nn((1 + conv.eps) * atoms)))
    torch.testing.assert_close(out, expected)
