"""Problem details (RFC 9457): the exception tree and its bodies."""

from __future__ import annotations

import json

import pytest
from fastapi.exceptions import RequestValidationError

from lode_common.errors import (
    PROBLEM_JSON,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Problem,
    Unauthorized,
    Unavailable,
    problem_response,
    validation_problem,
)


@pytest.mark.parametrize(
    ("cls", "status", "slug"),
    [
        (InvalidInput, 422, "invalid-input"),
        (Unauthorized, 401, "unauthorized"),
        (Forbidden, 403, "forbidden"),
        (NotFound, 404, "not-found"),
        (Conflict, 409, "conflict"),
        (PayloadTooLarge, 413, "payload-too-large"),
        (Unavailable, 503, "service-unavailable"),
    ],
)
def test_each_problem_has_its_status_and_type(cls: type[Problem], status: int, slug: str) -> None:
    problem = cls("what to do next")
    assert isinstance(problem, Problem)
    body = problem.body("/zoning/v1/zones")
    assert body == {
        "type": f"https://lode.example/problems/{slug}",
        "title": cls.title,
        "status": status,
        "detail": "what to do next",
        "instance": "/zoning/v1/zones",
    }


def test_field_errors_and_extra_members_are_in_the_body() -> None:
    problem = InvalidInput.field("depth_m", "top is below bottom")
    assert problem.body() == {
        "type": "https://lode.example/problems/invalid-input",
        "title": "Invalid input",
        "status": 422,
        "detail": "depth_m: top is below bottom",
        "errors": [{"field": "depth_m", "message": "top is below bottom"}],
    }
    conflict = Conflict("already decided", current_status="approved")
    assert conflict.body()["current_status"] == "approved"


def test_title_and_status_can_be_given() -> None:
    problem = Problem("teapot", status=418, title="I am a teapot")
    assert problem.body()["type"] == "https://lode.example/problems/i-am-a-teapot"
    assert problem.status == 418
    assert Problem.status == 400  # the class default is untouched


def test_unauthorized_and_unavailable_carry_their_headers() -> None:
    assert Unauthorized("x").headers == {"WWW-Authenticate": 'Bearer realm="lode"'}
    assert Unavailable("x", retry_after_s=30).headers == {"Retry-After": "30"}


def test_problem_response_is_problem_json() -> None:
    response = problem_response(Unavailable("the database is down", retry_after_s=7))
    assert response.status_code == 503
    assert response.media_type == PROBLEM_JSON
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "7"
    assert json.loads(bytes(response.body))["detail"] == "the database is down"


def test_validation_errors_name_the_fields() -> None:
    exc = RequestValidationError(
        [
            {"loc": ("body", "capacity", "value"), "msg": "Input should be a valid number"},
            {"loc": ("query", "limit"), "msg": "Input should be greater than 0"},
            {"loc": ("body",), "msg": "Field required"},
        ]
    )
    problem = validation_problem(exc)
    assert problem.status == 422
    assert problem.errors == [
        {"field": "capacity.value", "message": "Input should be a valid number"},
        {"field": "query.limit", "message": "Input should be greater than 0"},
        {"field": "body", "message": "Field required"},
    ]
    assert "capacity.value: Input should be a valid number" in problem.detail
    assert problem.detail.endswith("Fix the fields listed and retry.")
