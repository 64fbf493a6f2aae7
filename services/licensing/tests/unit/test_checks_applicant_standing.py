"""The check ``applicant_standing`` (申请人信用状况) and the rules of rectification orders as
licensing enforces them (整改逾期: never backwards, what may be cited, what may be done)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lode_licensing.domain import rectification
from lode_licensing.domain.checks import verdict
from lode_licensing.domain.checks.applicant_standing import CLAUSE
from lode_licensing.domain.grant_periods import Standing

from .builders import (
    APPLICANT_CODE,
    GRANT_ID,
    MINING_LICENCE,
    based,
    cancellation_body,
    checks_by_id,
    context,
    grant_basis,
    mining_body,
)

ABNORMAL = Standing(
    "L-2026-001", "abnormal", "未按期公示年度信息", date(2026, 7, 1), until=date(2029, 7, 1)
)


def test_an_applicant_on_no_list_passes() -> None:
    result = checks_by_id(mining_body(grant_id=GRANT_ID), based(grant=grant_basis()))[
        "applicant_standing"
    ]
    assert result.outcome == "pass"
    assert result.details == {"credit_code": APPLICANT_CODE, "listing": None}


def test_a_listed_applicant_fails_citing_the_listing_and_the_clause() -> None:
    ctx = replace(based(grant=grant_basis()), listing=ABNORMAL)
    results = checks_by_id(mining_body(grant_id=GRANT_ID), ctx)
    result = results["applicant_standing"]
    assert result.outcome == "fail"
    assert verdict(results.values()) == "ineligible"
    for cited in ("异常名录", "未按期公示年度信息", "2026-07-01", "2029-07-01", "L-2026-001"):
        assert cited in result.message_zh
    assert "L-2026-001" in result.message_en
    assert result.details["listing"] == {
        "listing_id": "L-2026-001",
        "list": "abnormal",
        "reason": "未按期公示年度信息",
        "listed_on": "2026-07-01",
        "until": "2029-07-01",
    }
    assert result.clause == CLAUSE
    assert "自然资源部令第13号" in CLAUSE
    assert "unverified" in CLAUSE


def test_a_renewal_of_a_listed_holder_goes_to_review_and_a_cancellation_is_not_read() -> None:
    ctx = replace(context(), listing=ABNORMAL)
    renewal = checks_by_id(mining_body(kind="renewal", licence_no=MINING_LICENCE), ctx)
    assert renewal["applicant_standing"].outcome == "review"
    assert "applicant_standing" not in checks_by_id(cancellation_body(), ctx)


@pytest.mark.parametrize(
    ("current", "incoming", "after"),
    [
        ("ordered", "overdue", "overdue"),
        ("overdue", "ordered", "overdue"),
        ("done", "overdue", "done"),
        ("overdue", "done", "done"),
        ("ordered", "done", "done"),
        ("done", "ordered", "done"),
    ],
)
def test_an_order_never_moves_backwards(current: str, incoming: str, after: str) -> None:
    assert rectification.advanced(current, incoming) == after  # type: ignore[arg-type]


def test_only_an_overdue_order_of_the_same_licence_can_be_cited() -> None:
    order = rectification.CitedOrder("R-1", MINING_LICENCE, "overdue")
    assert rectification.citation_problem(order, "R-1", MINING_LICENCE) is None
    for cited, why in (
        (None, "没有整改通知"),
        (replace(order, licence_no="C1308812021017120000099"), "C1308812021017120000099"),
        (replace(order, status="ordered"), "尚未逾期"),
        (replace(order, status="done"), "已整改完成"),
    ):
        problem = rectification.citation_problem(cited, "R-1", MINING_LICENCE)
        assert problem is not None
        assert problem.field == "order_id"
        assert why in problem.message


def test_the_actions_open_on_an_order_follow_the_licence() -> None:
    assert rectification.allowed_actions("active", "open") == ["suspend", "revoke"]
    assert rectification.allowed_actions("suspended", "open") == ["revoke"]
    assert rectification.allowed_actions("revoked", "open") == []
    assert rectification.allowed_actions("active", "resolved") == []
    assert rectification.allowed_actions(None, "open") == []
