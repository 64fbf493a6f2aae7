"""Random inspection draws (双随机抽查): which licences are inspected in a year and by whom,
reproducible by anyone from the seed and the population kept with the draw.

The algorithm, ``sha256-rank-v1`` (no use of Python's ``random``, whose sequences may
change between versions):

1. The population is the licences in force in the year, sorted by licence number.
2. n = max(1, ⌈ratio_pct × N ÷ 100⌉), computed exactly (decimal), N the population size.
3. Each licence is ranked by ``SHA-256(seed_utf8 + b"\\x00" + licence_no_utf8)`` as lower-case
   hex, ascending (ties, impossible in practice, by licence number); the first n are drawn,
   in that order.
4. For each drawn licence the eligible inspectors (active, not recorded as related to the
   holder: 回避) are ranked by ``SHA-256(seed + "\\x00" + licence_no + "\\x00" +
   inspector_id)`` (UTF-8, hex ascending); the first two inspect it.

E.g. seed ``"lode"`` over ``["C1", "C2", "C3"]`` at 5 %: n = 1 and the licence with the
smallest ``sha256(b"lode\\x00C<k>")`` is drawn. The same seed, population and eligible
inspectors always give the same list (:func:`draw`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .errors import FieldError, InvalidInput

ALGORITHM: Final = "sha256-rank-v1"
INSPECTORS_PER_INSPECTION: Final = 2
"""Two inspectors per inspection (双随机: 随机选派执法检查人员, at least two law-enforcement
officers on site, 行政处罚法 第四十二条 — confidence: unverified)."""


class InvalidDraw(InvalidInput):
    """A draw that cannot be made: nothing in force that year, or a drawn licence with fewer
    than two eligible inspectors (the field names the licence)."""


@dataclass(frozen=True)
class Assignment:
    """A drawn licence and the inspectors drawn for it (in rank order)."""

    licence_no: str
    inspectors: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"licence_no": self.licence_no, "inspectors": list(self.inspectors)}


@dataclass(frozen=True)
class Draw:
    """What a draw gave: the licences drawn (in draw order) and their inspectors."""

    seed: str
    population: tuple[str, ...]
    sample_size: int
    drawn: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    algorithm: str = ALGORITHM


def rank_key(seed: str, *parts: str) -> str:
    """``SHA-256(seed + "\\x00" + part₁ + "\\x00" + part₂ …)`` (UTF-8) as lower-case hex."""
    joined = b"\x00".join([seed.encode(), *(part.encode() for part in parts)])
    return hashlib.sha256(joined).hexdigest()


def sample_size(population: int, ratio_pct: Decimal) -> int:
    """n = max(1, ⌈ratio_pct × population ÷ 100⌉), exact; 0 for an empty population."""
    if population == 0:
        return 0
    return max(1, math.ceil(ratio_pct * population / 100))


def pick_licences(seed: str, population: Sequence[str], n: int) -> tuple[str, ...]:
    """The first ``n`` licences of ``population`` by :func:`rank_key`."""
    ranked = sorted(population, key=lambda licence_no: (rank_key(seed, licence_no), licence_no))
    return tuple(ranked[:n])


def pick_inspectors(seed: str, licence_no: str, eligible: Sequence[str]) -> tuple[str, ...]:
    """The first two of ``eligible`` inspector ids for ``licence_no`` by :func:`rank_key`;
    InvalidDraw naming the licence when fewer than two are eligible."""
    unique = sorted(set(eligible))
    if len(unique) < INSPECTORS_PER_INSPECTION:
        raise InvalidDraw(
            [
                FieldError(
                    "inspectors",
                    f"许可证 {licence_no} 可选派的检查人员不足 {INSPECTORS_PER_INSPECTION} 名 — "
                    f"licence {licence_no} has {len(unique)} eligible inspector(s), "
                    f"{INSPECTORS_PER_INSPECTION} are needed: add active inspectors to the "
                    "roster who are not related to its holder (回避)",
                )
            ]
        )
    ranked = sorted(
        unique, key=lambda inspector: (rank_key(seed, licence_no, inspector), inspector)
    )
    return tuple(ranked[:INSPECTORS_PER_INSPECTION])


def draw(
    seed: str,
    population: Sequence[str],
    ratio_pct: Decimal,
    eligible: Mapping[str, Sequence[str]],
) -> Draw:
    """The draw of ``population`` (sorted here) at ``ratio_pct``; ``eligible`` gives each
    licence's eligible inspector ids (only the drawn ones are read). InvalidDraw when the
    population is empty or a drawn licence lacks two eligible inspectors."""
    ordered = tuple(sorted(set(population)))
    if not ordered:
        raise InvalidDraw(
            [
                FieldError(
                    "year",
                    "该年度没有有效的许可证可供抽查 — no licence was in force in that year: "
                    "there is nothing to draw from",
                )
            ]
        )
    n = sample_size(len(ordered), ratio_pct)
    drawn = pick_licences(seed, ordered, n)
    assignments = tuple(
        Assignment(licence_no, pick_inspectors(seed, licence_no, eligible.get(licence_no, ())))
        for licence_no in drawn
    )
    return Draw(
        seed=seed,
        population=ordered,
        sample_size=n,
        drawn=drawn,
        assignments=assignments,
    )


def eligible_inspectors(
    active: Sequence[str], related: Mapping[str, frozenset[str]], credit_code: str
) -> list[str]:
    """The ``active`` inspector ids not recorded as related to ``credit_code`` (回避);
    ``related`` maps an inspector id to the credit codes it must not inspect."""
    return sorted(i for i in active if credit_code not in related.get(i, frozenset()))
