"""Locating self-intersections by edge."""

from __future__ import annotations

import pytest

from lode_zoning.domain.topology import RingCrossing, boundary_contacts, ring_crossings

SQUARE = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]


def test_a_simple_ring_has_no_crossing() -> None:
    assert ring_crossings(SQUARE) == []
    assert ring_crossings([]) == []
    assert ring_crossings([(1.0, 1.0)] * 4) == []
    assert ring_crossings(SQUARE[:-1]) == []  # unclosed input is closed first


def test_a_bowtie_crosses_once_between_opposite_edges() -> None:
    bowtie = [(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)]
    assert ring_crossings(bowtie) == [RingCrossing(0, 2, (1.0, 1.0))]


def test_edges_keep_the_indices_of_the_ring_as_given() -> None:
    # a repeated point (index 1) does not shift the edge numbers of what follows
    bowtie = [(0.0, 0.0), (0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)]
    (crossing,) = ring_crossings(bowtie)
    assert (crossing.edge_a, crossing.edge_b) == (1, 3)
    assert crossing.location == (1.0, 1.0)


def test_the_closing_edge_is_numbered_from_the_last_point() -> None:
    ring = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (2.0, -1.0)]  # unclosed; edge 3 closes it
    crossings = ring_crossings(ring)
    assert {(c.edge_a, c.edge_b) for c in crossings} == {(0, 2)}


def test_a_ring_touching_itself_at_a_vertex_is_reported() -> None:
    figure_eight = [
        (0.0, 0.0),
        (2.0, 0.0),
        (1.0, 1.0),
        (2.0, 2.0),
        (0.0, 2.0),
        (1.0, 1.0),
        (0.0, 0.0),
    ]
    crossings = ring_crossings(figure_eight)
    assert [c.location for c in crossings] == [(1.0, 1.0)]


def test_a_spike_going_back_over_its_edge_is_reported() -> None:
    spike = [(0.0, 0.0), (4.0, 0.0), (6.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 0.0)]
    assert ring_crossings(spike)


def test_the_number_reported_is_limited() -> None:
    comb = [(float(i), 0.0 if i % 2 else 10.0) for i in range(40)] + [(39.0, 5.0), (-1.0, 5.0)]
    assert len(ring_crossings(comb)) == 20
    assert len(ring_crossings(comb, limit=3)) == 3


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ([(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0)], []),
        ([(3.0, 1.0), (5.0, 1.0), (5.0, 2.0), (3.0, 1.0)], [(4.0, 1.0), (4.0, 1.5)]),
    ],
)
def test_boundary_contacts(
    other: list[tuple[float, float]], expected: list[tuple[float, float]]
) -> None:
    assert sorted(boundary_contacts(SQUARE, other)) == expected
