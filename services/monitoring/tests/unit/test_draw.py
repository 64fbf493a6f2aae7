"""Random inspection draws (双随机): the documented algorithm, reproducible from the seed."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from lode_monitoring.domain.draw import (
    ALGORITHM,
    InvalidDraw,
    draw,
    eligible_inspectors,
    rank_key,
    sample_size,
)

POPULATION = [f"C13088120220171200000{n:02d}" for n in range(40)]
ROSTER = ["insp-a", "insp-b", "insp-c", "insp-d"]


def test_the_rank_is_sha256_of_seed_nul_parts() -> None:
    assert rank_key("lode", "C1") == hashlib.sha256(b"lode\x00C1").hexdigest()
    assert rank_key("lode", "C1", "i") == hashlib.sha256(b"lode\x00C1\x00i").hexdigest()


@pytest.mark.parametrize(
    ("n", "ratio", "size"),
    [(40, "5", 2), (41, "5", 3), (1, "5", 1), (10, "0.01", 1), (3, "100", 3), (0, "5", 0)],
)
def test_the_sample_is_the_ratio_rounded_up_at_least_one(n: int, ratio: str, size: int) -> None:
    assert sample_size(n, Decimal(ratio)) == size


def test_the_draw_takes_the_lowest_ranks_and_two_inspectors_each() -> None:
    eligible = {licence: ROSTER for licence in POPULATION}
    made = draw("seed-1", list(reversed(POPULATION)), Decimal(5), eligible)
    assert made.algorithm == ALGORITHM == "sha256-rank-v1"
    assert made.population == tuple(POPULATION)  # sorted: the order is canonical
    expected = sorted(POPULATION, key=lambda n: rank_key("seed-1", n))[:2]
    assert made.drawn == tuple(expected)
    for assignment in made.assignments:
        ranked = sorted(ROSTER, key=lambda i: rank_key("seed-1", assignment.licence_no, i))
        assert assignment.inspectors == tuple(ranked[:2])
    assert draw("seed-1", POPULATION, Decimal(5), eligible) == made  # the redraw
    assert draw("seed-2", POPULATION, Decimal(5), eligible).drawn != made.drawn


def test_related_inspectors_are_left_out_and_two_are_needed() -> None:
    related = {"insp-a": frozenset({"91130881MA0A000007"})}
    assert eligible_inspectors(ROSTER, related, "91130881MA0A000007") == ROSTER[1:]
    with pytest.raises(InvalidDraw) as refused:
        draw("s", POPULATION[:1], Decimal(5), {POPULATION[0]: ["insp-a"]})
    ((error),) = refused.value.errors
    assert error.field == "inspectors"
    assert POPULATION[0] in error.message
    with pytest.raises(InvalidDraw) as empty:
        draw("s", [], Decimal(5), {})
    assert empty.value.errors[0].field == "year"
