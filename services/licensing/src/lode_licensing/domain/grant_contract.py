"""The grant contract (出让合同) of a concluded grant: signed once the result's publicity has
ended (结果公示期满), with the instalments of the grant fee (出让收益), which sum to the
price exactly (矿产资源法 art. 17–21: a right is granted under a written contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .checks.result import fmt
from .errors import FieldError


@dataclass(frozen=True)
class Instalment:
    """One instalment of the grant fee (出让收益), due on ``due``."""

    due: date
    amount_cny_10k: Decimal


def contract_problems(
    *,
    signed_on: date,
    instalments: Sequence[Instalment],
    price: Decimal,
    publicity_until: date | None,
    today: date,
) -> list[FieldError]:
    """What is wrong with a grant contract (出让合同); empty when nothing is.

    Signed once the result's publicity has ended (结果公示期满), not in the future; the
    instalments non-empty, each amount above 0, due in order and not before signing, and
    summing to the price exactly."""
    errors: list[FieldError] = []
    if signed_on > today:
        errors.append(
            FieldError(
                "signed_on", f"签订日 {signed_on} 晚于今日 {today} / the signing is in the future"
            )
        )
    if publicity_until is not None and signed_on < publicity_until:
        errors.append(
            FieldError(
                "signed_on",
                f"结果公示期至 {publicity_until} 止，合同不得早于此日签订 / the result stands in "
                f"publicity until {publicity_until}; the contract is signed from then, not "
                f"on {signed_on}",
            )
        )
    if not instalments:
        errors.append(
            FieldError(
                "instalments", "须列明出让收益分期 / at least one instalment of the grant fee"
            )
        )
        return errors
    for n, item in enumerate(instalments):
        if item.amount_cny_10k <= 0:
            errors.append(
                FieldError(
                    f"instalments[{n}].amount_cny_10k",
                    f"分期金额须大于 0 / must be above 0, got {item.amount_cny_10k}",
                )
            )
        if item.due < signed_on:
            errors.append(
                FieldError(
                    f"instalments[{n}].due",
                    f"{item.due} 早于签订日 {signed_on} / due before the contract is signed",
                )
            )
        if n and item.due < instalments[n - 1].due:
            errors.append(
                FieldError(
                    f"instalments[{n}].due",
                    f"{item.due} 早于上一期 {instalments[n - 1].due} / list the instalments in "
                    "the order they fall due",
                )
            )
    total = sum((i.amount_cny_10k for i in instalments), Decimal(0))
    if total != price:
        summed, priced, gap = (fmt(v) for v in (total, price, total - price))
        errors.append(
            FieldError(
                "instalments",
                f"分期合计 {summed} 万元，成交价 {priced} 万元，相差 {gap} 万元 / the "
                f"instalments sum to {summed}, the price is {priced} (difference {gap})",
            )
        )
    return errors
