"""Zoning's error policy: every error of its own answered in one place (``api.errors``)."""

from __future__ import annotations

import pytest

from lode_common.errors import Conflict, InvalidInput, NotFound
from lode_common.plan.issues import PlanDocumentInvalid
from lode_common.plan.types import PlanIssue
from lode_zoning.api.errors import ERRORS, FIELD_ERRORS_MAX, problem
from lode_zoning.domain.corners import CornerProblem, CornerProblemCode
from lode_zoning.domain.errors import CornerListInvalid, UnknownCrs, ZoningDomainError
from lode_zoning.handlers.plans import PlanMismatch
from lode_zoning.handlers.zones import InvalidZone, UnknownPlan, UnknownZone, ZoneConflict


def test_every_error_of_the_tree_is_handled() -> None:
    for kind in (ZoningDomainError, PlanDocumentInvalid, UnknownZone, PlanMismatch):
        assert any(issubclass(kind, handled) for handled in ERRORS.handled), kind
    assert ERRORS.problem is problem


def test_a_domain_error_is_422_naming_its_fields() -> None:
    answer = problem(UnknownCrs("EPSG:4326", ["EPSG:4490", "EPSG:4528"]))
    assert isinstance(answer, InvalidInput)
    assert answer.errors is not None
    assert [e["field"] for e in answer.errors] == ["crs"]
    assert answer.detail.endswith("Fix the fields listed and send it again.")


def test_an_invalid_plan_document_is_422_naming_the_paths() -> None:
    answer = problem(PlanDocumentInvalid([PlanIssue("region.adcode", "expected text")]))
    assert answer.status == 422
    assert answer.errors == [{"field": "region.adcode", "message": "expected text"}]


def test_a_long_list_of_problems_is_cut_and_says_so() -> None:
    faults = [
        CornerProblem(CornerProblemCode.NOT_A_LIST, "bad", "错", line=n, text="x")
        for n in range(1, FIELD_ERRORS_MAX + 51)
    ]
    answer = problem(CornerListInvalid(faults))
    assert answer.errors is not None
    assert len(answer.errors) == FIELD_ERRORS_MAX
    assert f"The first {FIELD_ERRORS_MAX} of {FIELD_ERRORS_MAX + 50} problems" in answer.detail


@pytest.mark.parametrize(
    ("error", "kind", "status"),
    [
        (UnknownPlan("there is no plan 'x'", "plan_id"), NotFound, 404),
        (UnknownZone("there is no zone 'z'"), NotFound, 404),
        (ZoneConflict("zone z is already retired"), Conflict, 409),
        (InvalidZone("a zone needs a code (编号)", "properties.code"), InvalidInput, 422),
    ],
)
def test_a_zone_commands_error_has_its_status(error: Exception, kind: type, status: int) -> None:
    answer = problem(error)
    assert isinstance(answer, kind)
    assert answer.status == status


def test_an_invalid_zone_names_its_field_or_the_properties() -> None:
    assert problem(InvalidZone("wrong", "properties.code")).errors == [
        {"field": "properties.code", "message": "wrong"}
    ]
    assert problem(InvalidZone("wrong")).errors == [{"field": "properties", "message": "wrong"}]


def test_a_document_at_another_plans_path_names_plan_id() -> None:
    answer = problem(PlanMismatch("the document's plan.id is 'a' but it is published at 'b'"))
    assert answer.errors is not None
    assert answer.errors[0]["field"] == "plan.id"


def test_an_error_that_is_not_zonings_is_not_answered_as_one() -> None:
    with pytest.raises(TypeError):
        problem(KeyError("bug"))
