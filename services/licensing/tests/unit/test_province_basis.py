"""What a forwarded application tells the province platform of its basis: the grant with
its contract (never the reserve price), or the exploration licence it converts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lode_licensing.domain.province import forward_basis, grant_reference

from .builders import APPLICANT_CODE, EXPLORATION_LICENCE, GRANT_ID, grant_basis


def test_a_grant_is_forwarded_with_its_conclusion_and_contract() -> None:
    assert forward_basis(grant_basis(), None) == {
        "grant": {
            "grant_id": GRANT_ID,
            "method": "listing",
            "concluded_on": date(2026, 6, 30),
            "price_cny_10k": Decimal(1200),
            "winner": {"name": "平泉市某矿业有限公司", "credit_code": APPLICANT_CODE},
            "contract": {
                "signed_on": date(2026, 7, 20),
                "contract_ref": "平自然资出让〔2026〕5号",
                "instalments": [
                    {"due": date(2026, 8, 1), "amount_cny_10k": Decimal(600)},
                    {"due": date(2027, 8, 1), "amount_cny_10k": Decimal(600)},
                ],
            },
        }
    }


def test_the_grant_forwarded_names_no_reserve_price() -> None:
    shown = grant_reference(grant_basis())
    assert not any("reserve" in key for key in shown)
    assert "reserve" not in str(shown)


def test_a_conversion_is_forwarded_with_the_exploration_licence() -> None:
    assert forward_basis(None, EXPLORATION_LICENCE) == {
        "exploration_licence_no": EXPLORATION_LICENCE
    }


def test_without_a_basis_nothing_is_added() -> None:
    assert forward_basis(None, None) == {}


def test_a_grant_without_a_winner_or_contract_says_so() -> None:
    shown = grant_reference(
        grant_basis(winner=None, signed_on=None, contract_ref=None, instalments=())
    )
    assert shown["winner"] is None
    assert shown["contract"] == {"signed_on": None, "contract_ref": None, "instalments": []}
