"""The published schemas say what the readers accept. An application: every body the
reader takes is valid under its schema (as the model of its kind), and a body refused for
its shape (a field unknown, missing, of the wrong type or out of bounds) is invalid under
it too. A decision's days: the pattern takes exactly the days the reader takes."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest

from lode_licensing.api.application_body import APPLICATION_BODY
from lode_licensing.api.deps import DAY_PATTERN
from lode_licensing.domain.application import parse_application
from lode_licensing.domain.errors import FieldError, InvalidApplication
from lode_licensing.domain.fields import iso_date

from .builders import (
    APPLICANT_CODE,
    EXPLORATION_LICENCE,
    GRANT_ID,
    MINING_LICENCE,
    OTHER_CODE,
    exploration_body,
    gold_body,
    mining_body,
    real_rules,
)


def mine(**changes: Any) -> dict[str, Any]:
    """A valid new mining application with ``changes`` (``None`` sent as a JSON null)."""
    body = {**mining_body(), **changes}
    if body["kind"] != "new" and "restoration_plan" not in changes:
        del body["restoration_plan"]  # a new mine's (第五章第三节); a cancellation has none
    return body


SCHEMA = jsonschema_rs.validator_for(APPLICATION_BODY.json_schema())

ACCEPTED: dict[str, dict[str, Any]] = {
    "new mining": mine(),
    "new gold in t/d": gold_body(),
    "new exploration": exploration_body(),
    "corners with crs": mine(
        area={
            "corners": [[40500000, 4540000], [40501000, 4540000], [40500000, 4541000]],
            "crs": "EPSG:4528",
        }
    ),
    "corners as text": mine(area={"corners": "1,40500000,4540000", "crs": "EPSG:4528"}),
    "restoration plan": mine(
        restoration_plan=[
            {"year": 2022, "restored_area_ha": 1.5},
            {"year": 2023, "restored_area_ha": 3},
        ]
    ),
    "late renewal": mine(kind="renewal", licence_no=MINING_LICENCE, late=True),
    "change of area": mine(kind="change", licence_no=MINING_LICENCE, changes=["area"]),
    "transfer": mine(
        kind="transfer",
        licence_no=MINING_LICENCE,
        new_holder={"name": "受让公司", "credit_code": OTHER_CODE},
    ),
    "mine cancellation": mine(
        kind="cancellation",
        licence_no=MINING_LICENCE,
        closure_report=True,
        restoration_status="completed",
        area=None,
    ),
    "exploration cancellation": exploration_body(
        kind="cancellation", licence_no=EXPLORATION_LICENCE, area=None
    ),
    "nulls for what is optional": mine(
        reserves_10kt=None, development_plan=None, depth_m=None, late=None
    ),
    "new mining on a grant": mine(grant_id=GRANT_ID),
    "new exploration on a grant": exploration_body(grant_id=GRANT_ID),
    "new mining converting an exploration licence": mine(
        exploration_licence_no=EXPLORATION_LICENCE
    ),
    "no basis as nulls": mine(grant_id=None, exploration_licence_no=None),
}


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


REFUSED: dict[str, dict[str, Any]] = {
    "unknown field": mine(colour="red"),
    "no kind": without(mine(), "kind"),
    "unknown kind": mine(kind="extension"),
    "unknown right type": mine(right_type="quarrying"),
    "no applicant": without(mine(), "applicant"),
    "unknown applicant field": mine(
        applicant={"name": "某公司", "credit_code": APPLICANT_CODE, "phone": "1"}
    ),
    "blank applicant name": mine(applicant={"name": "  ", "credit_code": APPLICANT_CODE}),
    "short credit code": mine(applicant={"name": "某公司", "credit_code": "91130881"}),
    "no mineral": without(mine(), "mineral"),
    "mineral as a number": mine(mineral=7),
    "capacity as text": mine(capacity={"value": "12", "unit": "万吨/年"}),
    "capacity of zero": mine(capacity={"value": 0, "unit": "万吨/年"}),
    "capacity without unit field known": mine(
        capacity={"value": 12, "unit": "万吨/年", "per": "year"}
    ),
    "three depths": mine(depth_m=[650, 500, 420]),
    "depth below the deepest workings": mine(depth_m=[650, -20000]),
    "negative reserves": mine(reserves_10kt=-1),
    "a rate over 100": mine(development_plan={"mining_recovery_pct": 101}),
    "a boolean as text": mine(green_mine_plan="yes"),
    "a boolean as a number": mine(demonstration_report=1),
    "area without geometry or corners": mine(area={"crs": "EPSG:4528"}),
    "area as a list": mine(area=[1, 2]),
    "restoration year out of range": mine(restoration_plan=[{"year": 1900, "restored_area_ha": 1}]),
    "restoration milestone without area": mine(restoration_plan=[{"year": 2022}]),
    "a new application with a number": mine(licence_no=MINING_LICENCE),
    "a renewal without its number": mine(kind="renewal"),
    "a renewal of a made-up number": mine(kind="renewal", licence_no="C123"),
    "a change without its items": mine(kind="change", licence_no=MINING_LICENCE),
    "a change of an unknown item": mine(
        kind="change", licence_no=MINING_LICENCE, changes=["colour"]
    ),
    "a transfer without the new holder": mine(kind="transfer", licence_no=MINING_LICENCE),
    "an unknown restoration status": mine(restoration_status="abandoned"),
    "a grant id on a renewal": mine(kind="renewal", licence_no=MINING_LICENCE, grant_id=GRANT_ID),
    "an exploration licence on a change": mine(
        kind="change",
        licence_no=MINING_LICENCE,
        changes=["area"],
        exploration_licence_no=EXPLORATION_LICENCE,
    ),
    "a grant id that is no id": mine(grant_id="grant 1"),
    "a grant id too long": mine(grant_id="g" * 37),
    "an empty grant id": mine(grant_id=""),
    "a grant id as a number": mine(grant_id=7),
    "a mining licence to convert": mine(exploration_licence_no=MINING_LICENCE),
    "a made-up exploration licence": mine(exploration_licence_no="T123"),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_a_body_the_reader_accepts_is_valid_under_the_schema(case: str) -> None:
    body = ACCEPTED[case]
    app = parse_application(body, real_rules())
    assert SCHEMA.is_valid(body), list(SCHEMA.iter_errors(body))[:3]
    assert APPLICATION_BODY.validate_python(body).kind == app.kind  # the model of its kind


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_body_refused_for_its_shape_is_invalid_under_the_schema(case: str) -> None:
    body = REFUSED[case]
    with pytest.raises(InvalidApplication):
        parse_application(body, real_rules())
    assert not SCHEMA.is_valid(body)


def test_the_published_day_pattern_takes_the_days_the_reader_takes() -> None:
    pattern = re.compile(DAY_PATTERN)
    for year in range(1900, 2200):
        for text in (f"{year:04d}-01-01", f"{year:04d}-12-31"):
            errors: list[FieldError] = []
            taken = iso_date(text, "valid_to", errors) is not None
            assert bool(pattern.search(text)) == taken, text
    for text in (
        "2021-13-01",
        "2021-00-10",
        "2021-01-32",
        "2021-1-01",
        "20210101",
        "2021-01-01T00",
    ):
        assert not pattern.search(text), text
