"""Each service's OpenAPI document tells the truth, operation by operation, for the systems
that generate their clients from it: schemathesis generates requests from the document and
sends them to the four services (embedded, over HTTP) with the admin token, and

* data the schema allows is not refused as invalid (``positive_data_acceptance``: no 400/413/
  422 for a request the document says is well formed — 401/403/404/409 are the state's word,
  not the shape's);
* data the schema forbids is refused (``negative_data_rejection``: a 4xx, never a 2xx);
* no request is a 5xx (``not_a_server_error``), and every answer matches the documented
  schema for its status and content type (``response_schema_conformance``).

Besides, every JSON request body and 2xx answer must have a schema that declares its fields
(``test_the_operation_publishes_its_models``): a free-form one (``{}``, ``{"type": "object"}``)
gives a generated client an untyped dict, and lets any answer "conform".

The operations are read from the apps at collection, so a new route is covered without anyone
remembering to. Those known to break the contract today are in ``UNTYPED`` and
``MISMATCHED`` and marked ``xfail(strict=True)``: when a route gets its models and passes, its
xfail becomes a failure and its entry is removed. The run is small and derandomized
(``EXAMPLES`` per mode per operation, with schemathesis's constants taken from the whole
document turned off, so an operation's examples depend on its own schema only) so that it
stays under a minute and fails the same way every time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.feedback import NO_FEEDBACK

from lode.embedded import SERVICES, EmbeddedSystem
from lode_common.testing.apps import ADMIN_TOKEN

from .served import Served, served_system

pytestmark = pytest.mark.timeout(300)

EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 3}
CHECKS = (
    not_a_server_error,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
)
NEGATIVE_REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422"]
"""Schemathesis's statuses for refused invalid data, and 413 (a body past the limits is
refused by its size before its shape) — but not 5xx, which ``not_a_server_error`` forbids."""
STREAMS = {("GET", "/reporting/v1/stream")}
"""An endless event stream: a generated request to it never completes."""

Operation = tuple[str, str]  # (method, path)


def _documents_at_collection() -> dict[str, dict[str, Any]]:
    """The four OpenAPI documents, known before any test runs so each operation gets its id."""
    with tempfile.TemporaryDirectory(prefix="lode-openapi-operations-") as tmp:
        apps = EmbeddedSystem(data_dir=Path(tmp), demo=False, port=0).apps
        return {service: apps[service].openapi() for service in SERVICES}


DOCUMENTS = _documents_at_collection()
OPERATIONS = sorted(
    (service, (method.upper(), path))
    for service, document in DOCUMENTS.items()
    for path, operations in document["paths"].items()
    for method in operations
    if (method.upper(), path) not in STREAMS
)

_CHECK_CHARACTER = "credit_code has its pattern, but not its check character (GB 32100)"
_NUMBERS = (
    "a year after the current one (CST: it moves), 2021.0 as a year (JSON Schema's integer "
    "admits it), more than 15 significant digits or 4 decimal places (multipleOf on binary "
    "floats is not decided alike by validators)"
)
MISMATCHED: dict[Operation, str] = {
    # zoning: rules over several values, geometry and the query, which a schema cannot state
    ("PUT", "/zoning/v1/plans/{plan_id}"): "the document's cross-checks (base_year < period "
    "start <= target_year <= period end, known minerals, unique ids); besides, lode_common.plan's "
    "models do not yet state PLAN_NUMBER_MAX nor the text characters (statable: the lead's)",
    ("POST", "/zoning/v1/zones/import"): "a feature without plan_id or type is refused unless "
    "the query gives them (a body field required by a query parameter's absence); rings "
    "closed and simple",
    ("POST", "/zoning/v1/analysis"): "corners are metres in a projected CRS (crs required with "
    "corners, EPSG:4490 refused for them, degrees-looking values refused); rings closed",
    ("GET", "/zoning/v1/zones"): "bbox has its pattern; min before max cannot be stated",
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/approve"): "approved_on "
    "may not be after today (CST: it moves)",
    # licensing
    ("POST", "/licensing/v1/applications"): "the mineral must be in the plan's catalogue "
    "(data), the credit code's check character (GB 32100), and fields required by kind and "
    "right_type together (mining_method, capacity, area for a new mining application; a T… "
    "licence_no for exploration)",
    ("POST", "/licensing/v1/plan-impact"): "document is a whole plan document, checked as "
    "zoning checks one on publication (its cross-checks: see PUT /zoning/v1/plans/{plan_id})",
    ("POST", "/licensing/v1/grants"): "the mineral must be in the catalogue and the year in "
    "the plan's period or the next (data); term_years at most the right type's longest licence "
    "term (standards); capacity required for mining and refused for exploration; reserve price "
    "at least the starting price; the area as zoning reads it; " + _NUMBERS,
    ("POST", "/licensing/v1/grants/{grant_id}/bids"): "the bid's time within the trade window "
    "and not in the future, above the best bid (time, a rule over several values); " + _NUMBERS,
    ("POST", "/licensing/v1/grants/{grant_id}/contract"): "the instalments must sum to the "
    "price, fall due in order, not before signing, signing not before the publicity ends (rules "
    "over several values, time); " + _NUMBERS,
    # monitoring: data and time, and numbers as the readers count them
    ("POST", "/monitoring/v1/reports"): "a licence monitoring does not know is 422 on "
    "licence_no (API.md: data), a period that has not begun; " + _NUMBERS,
    ("POST", "/monitoring/v1/exploration-results"): "the mineral must be in the plan's "
    "catalogue (data); " + _NUMBERS,
    ("POST", "/monitoring/v1/projects/{project_id}/progress"): "project_id must be one of the "
    "plan's projects (data); " + _NUMBERS,
    ("GET", "/monitoring/v1/enterprises/{credit_code}/api-keys"): _CHECK_CHARACTER,
    ("POST", "/monitoring/v1/enterprises/{credit_code}/api-keys"): _CHECK_CHARACTER,
    ("POST", "/monitoring/v1/reserves-reports"): "a licence monitoring does not know is 422 "
    "on licence_no (API.md: data), the mineral must be the licence's or in the catalogue "
    "(data), the figures must balance (a rule over several values); " + _NUMBERS,
    ("POST", "/monitoring/v1/inspection-draws"): "a year with no licence in force, or too few "
    "eligible inspectors for a drawn licence, is 422 (data); " + _NUMBERS,
    ("POST", "/monitoring/v1/inspections"): "a licence monitoring does not know is 422 on "
    "licence_no, the inspectors must be on the roster, unrelated to the holder and the draw's "
    "assignment (data); a compliant result with an item not ok (a rule over several values); "
    + _NUMBERS,
    ("POST", "/monitoring/v1/inspectors/{inspector_id}/relations"): _CHECK_CHARACTER,
    ("POST", "/monitoring/v1/abnormal-list/{credit_code}/release"): _CHECK_CHARACTER,
    ("POST", "/monitoring/v1/serious-violations"): _CHECK_CHARACTER + "; an enterprise "
    "monitoring knows no licence of is 422 (data)",
    # reporting
    ("GET", "/public/v1/licences"): "the year must be one the plan governed: its period to "
    "this year while it stays in force (domain.public), which depends on the plan in force",
    ("GET", "/public/v1/licences/map"): "the year must be one the plan governed: its period to "
    "this year while it stays in force (domain.public), which depends on the plan in force",
    ("GET", "/reporting/v1/supervision"): "the year must be one the plan governed: its period "
    "and the years since, up to this one (data, time)",
    ("POST", "/monitoring/v1/rectifications"): "the licence must be one monitoring knows and "
    "the findings open ones of it (data); due after ordered_on, ordered_on not in the future "
    "(time, a rule over two values)",
}
"""Operations whose code refuses, as 422, data its document allows, each for what a JSON
Schema cannot state (data, time, check characters, rules over several values)."""

UNTYPED: dict[Operation, str] = {}
"""Operations whose JSON request body or 2xx answer is published without a model today: a
generated client gets an untyped dict there."""


def free_form(document: dict[str, Any]) -> dict[Operation, list[str]]:
    """Per operation, the JSON request bodies and 2xx answers whose schema declares no
    property at all (``{}``, ``{"type": "object"}``, ``additionalProperties: true`` alone):
    a generated client gets an untyped dict there."""
    components = document.get("components", {}).get("schemas", {})

    def untyped(schema: dict[str, Any]) -> bool:
        if "$ref" in schema:
            return untyped(components[schema["$ref"].split("/")[-1]])
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            return any(untyped(b) for b in branches if b.get("type") != "null")
        if schema.get("type") in (None, "object") and not schema.get("properties"):
            extra = schema.get("additionalProperties", True)
            return extra is True or extra == {}  # False: an empty body by design (Forward)
        return False

    found: dict[Operation, list[str]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            lacking = []
            body = operation.get("requestBody", {}).get("content", {})
            for media_type, content in body.items():
                if "json" in media_type and untyped(content.get("schema", {})):
                    lacking.append(f"request {media_type}")
            for status, answer in operation["responses"].items():
                for media_type, content in answer.get("content", {}).items():
                    json_answer = status.startswith("2") and "json" in media_type
                    if json_answer and untyped(content.get("schema", {})):
                        lacking.append(f"answer {status}")
            if lacking:
                found[(method.upper(), path)] = lacking
    return found


def _param(service: str, operation: Operation, known: dict[Operation, str]) -> Any:
    marks = []
    if operation in known:
        marks.append(pytest.mark.xfail(strict=True, reason=known[operation]))
    return pytest.param(service, operation, id=f"{operation[0]} {operation[1]}", marks=marks)


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served_system(tmp_path_factory.mktemp("lode-openapi-conformance")) as served:
        yield served


@pytest.fixture(scope="module")
def schemas(lode: Served) -> dict[str, Any]:
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"HTTPBearer": {"bearer": ADMIN_TOKEN}}},
            "checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE_REJECTED}},
        }
    )
    return {
        service: schemathesis.openapi.from_url(f"{lode.url}/{service}/openapi.json", config=config)
        for service in SERVICES
    }


def test_every_service_publishes_operations() -> None:
    for service in SERVICES:
        assert sum(1 for s, _ in OPERATIONS if s == service) >= 10, service
    published = {op for _, op in OPERATIONS}
    for name, table in (("MISMATCHED", MISMATCHED), ("UNTYPED", UNTYPED)):
        gone = [o for o in table if o not in published]
        assert not gone, f"{name} names operations no document publishes any more: {gone}"


@pytest.mark.parametrize(("service", "operation"), [_param(s, o, UNTYPED) for s, o in OPERATIONS])
def test_the_operation_publishes_its_models(service: str, operation: Operation) -> None:
    lacking = free_form(DOCUMENTS[service]).get(operation, [])
    assert not lacking, (
        f"{operation[0]} {operation[1]}: no model for {', '.join(lacking)} "
        "(a free-form schema: clients generated from the document get an untyped dict)"
    )


@pytest.mark.parametrize(
    ("service", "operation"), [_param(s, o, MISMATCHED) for s, o in OPERATIONS]
)
def test_the_document_tells_the_truth(
    lode: Served, schemas: dict[str, Any], service: str, operation: Operation
) -> None:
    method, path = operation
    api_operation = schemas[service][path][method]
    failures: list[str] = []
    for mode, examples in EXAMPLES.items():
        exercise(api_operation, mode, examples, lode, failures)
    assert not failures, f"{method} {path}: {len(failures)} failed checks:\n" + "\n".join(failures)


def exercise(
    api_operation: Any, mode: GenerationMode, examples: int, lode: Served, failures: list[str]
) -> None:
    """``examples`` requests of ``mode`` to the operation, each judged by every check; a failed
    check is kept with its request and answer."""

    @hypothesis.given(case=api_operation.as_strategy(generation_mode=mode, feedback=NO_FEEDBACK))
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send(case: schemathesis.Case[Any]) -> None:
        response = case.call(base_url=lode.url, timeout=30)
        for check in CHECKS:
            try:
                case.validate_response(response, checks=[check])
            except (AssertionError, FailureGroup) as failure:
                failures.append(
                    f"{mode.value} {check.__name__}: {response.status_code} {_gist(failure)}\n"
                    f"  request: {case.as_curl_command(headers=lode.admin)[:1200]}\n"
                    f"  answer: {response.text[:500]}"
                )

    try:
        send()
    except hypothesis.errors.Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:
            raise
        # no parameter and no body: there is nothing to make invalid


def _gist(failure: BaseException) -> str:
    """The failure's title and hint lines from schemathesis's report (the rest repeats the
    request and answer printed beside it)."""
    lines = [line.strip() for line in str(failure).splitlines()]
    kept = [line for line in lines if line.startswith(("- ", "Hint:"))]
    return " ".join(kept)[:600] or lines[0][:300]
