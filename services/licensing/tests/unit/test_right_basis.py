"""Reading what a new application rests on: ``grant_id`` (出让) or
``exploration_licence_no`` (探转采), one at most, each refused by name where it does not
belong."""

from __future__ import annotations

from typing import Any

import pytest

from lode_licensing.domain.errors import InvalidApplication

from .builders import (
    EXPLORATION_LICENCE,
    GRANT_ID,
    MINING_LICENCE,
    OTHER_CODE,
    application,
    exploration_body,
    mining_body,
)


def refused(body: dict[str, Any]) -> dict[str, str]:
    """The field errors of a refused body, by field."""
    with pytest.raises(InvalidApplication) as caught:
        application(body)
    return {e.field: e.message for e in caught.value.errors}


def test_a_new_mining_application_may_name_its_grant() -> None:
    app = application(mining_body(grant_id=GRANT_ID))
    assert app.grant_id == GRANT_ID
    assert app.exploration_licence_no is None
    assert app.granting is False


def test_a_new_exploration_application_may_name_its_grant() -> None:
    assert application(exploration_body(grant_id=GRANT_ID)).grant_id == GRANT_ID


def test_a_new_mining_application_may_convert_an_exploration_licence() -> None:
    app = application(mining_body(exploration_licence_no=EXPLORATION_LICENCE))
    assert app.exploration_licence_no == EXPLORATION_LICENCE
    assert app.grant_id is None


def test_neither_is_required_and_null_is_absent() -> None:
    app = application(mining_body(grant_id=None, exploration_licence_no=None))
    assert (app.grant_id, app.exploration_licence_no) == (None, None)
    assert application(mining_body()).grant_id is None


def test_both_at_once_is_refused_one_basis() -> None:
    errors = refused(mining_body(grant_id=GRANT_ID, exploration_licence_no=EXPLORATION_LICENCE))
    assert list(errors) == ["exploration_licence_no"]
    assert "one basis only" in errors["exploration_licence_no"]
    assert "grant_id" in errors["exploration_licence_no"]


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("renewal", {}),
        ("change", {"changes": ["area"]}),
        ("transfer", {"new_holder": {"name": "受让公司", "credit_code": OTHER_CODE}}),
        ("cancellation", {"closure_report": True, "restoration_status": "completed"}),
    ],
)
def test_only_a_new_application_rests_on_a_basis(kind: str, extra: dict[str, Any]) -> None:
    base = mining_body(kind=kind, licence_no=MINING_LICENCE, restoration_plan=None, **extra)
    on_grant = refused({**base, "grant_id": GRANT_ID})
    assert list(on_grant) == ["grant_id"]
    assert f"a {kind} names its licence" in on_grant["grant_id"]
    converting = refused({**base, "exploration_licence_no": EXPLORATION_LICENCE})
    assert list(converting) == ["exploration_licence_no"]
    assert f"a {kind} names its licence" in converting["exploration_licence_no"]


def test_an_exploration_application_converts_no_exploration_licence() -> None:
    errors = refused(exploration_body(exploration_licence_no=EXPLORATION_LICENCE))
    assert list(errors) == ["exploration_licence_no"]
    assert "only a new mining application" in errors["exploration_licence_no"]


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (MINING_LICENCE, "the number of a 采矿权 (mining) licence"),
        ("T123", "is not a licence number"),
        (12345, "expected an exploration licence number (text)"),
    ],
)
def test_the_exploration_licence_number_must_be_one(number: Any, words: str) -> None:
    errors = refused(mining_body(exploration_licence_no=number))
    assert list(errors) == ["exploration_licence_no"]
    assert words in errors["exploration_licence_no"]


@pytest.mark.parametrize(
    "grant_id",
    ["", "x" * 37, "a grant", "../grants", 7, True, ["g-1"], "g-1\u202e"],
)
def test_a_grant_id_must_read_as_an_id(grant_id: Any) -> None:
    errors = refused(mining_body(grant_id=grant_id))
    assert list(errors) == ["grant_id"]
