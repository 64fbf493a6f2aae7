"""Every path and query parameter of every reporting route is bounded at the edge: a hostile
value (a year no date can hold, a 4,301-digit integer, a page of text, NUL, a bidirectional
override, a wrong type) is a 4xx problem naming the parameter, never a 500, on both
runtimes. The routes and their parameters are read from the app's OpenAPI document, so a
new route or parameter is covered without anyone remembering to."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from lode_common.limits import YEAR_MAX, YEAR_MIN
from lode_common.testing.apps import ServiceUnderTest
from services.reporting.tests.integration.events import plan_published, send

VALID: dict[str, str] = {
    "year": "2022",
    "plan_id": "pingquan-2021-2025",
    "indicator_id": "iron_concentrate_output",
    "format": "html",
    "right_type": "mining",
    "status": "active",
    "service": "zoning",
    "limit": "10",
    "offset": "0",
}
"""A value each parameter accepts, so that one hostile value at a time is what is judged."""

HOSTILE_INTEGERS = [
    "447572218761",  # the year schemathesis found: no date can hold it
    "9" * 4301,  # past Python's limit on int() of a string
    str(YEAR_MIN - 1),
    str(YEAR_MAX + 1),
    "-1",
    "0",
    "1e3",
    "2022.5",
    "NaN",
    "二〇二二",
    "",
]
HOSTILE_TEXTS = [
    "x" * 10_000,
    "pingquan\x00-2021-2025",
    "pingquan\u202e-2021-2025",
    "../../etc/passwd",
    "%",
    " ",
]
STREAMING = {"/reporting/v1/stream"}
"""Routes whose valid answer never ends; their headers are judged in test_stream_accept."""
COMMON = "/reporting/v1/admin/"
"""The operator routes every service gets from lode_common (tested there)."""
SIGN_IN = ("/reporting/v1/session", "/reporting/v1/accounts")
"""Staff sign-in and accounts (lode_reporting.accounts): a browser's session, the OIDC
provider's redirect and an admin's search, with parameters of their own kind (tested in
test_sessions, test_oidc and test_accounts)."""
NUL_FIELD = "url"
"""lode_common refuses a NUL anywhere in the address, naming the address itself."""


def _routes(service: ServiceUnderTest) -> list[tuple[str, list[dict[str, Any]]]]:
    document = service.app.openapi()
    routes = []
    for path, operations in document["paths"].items():
        if (
            path in STREAMING
            or path.startswith(COMMON)
            or path.startswith(SIGN_IN)
            or "get" not in operations
            or not path.startswith("/reporting/v1")
        ):
            continue
        parameters = [
            p for p in operations["get"].get("parameters", []) if p["in"] in {"path", "query"}
        ]
        routes.append((path, parameters))
    return routes


def _is_integer(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema", {})
    kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
    return "integer" in kinds


def _within_bounds(parameter: dict[str, Any], value: str) -> bool:
    """A value the parameter accepts (an offset of 0 is no hostile value): an integer within
    the bounds its schema declares."""
    schema = parameter.get("schema", {})
    bounds = [schema, *schema.get("anyOf", [])]
    low = next((b["minimum"] for b in bounds if "minimum" in b), None)
    high = next((b["maximum"] for b in bounds if "maximum" in b), None)
    if low is None or high is None or not value.lstrip("-").isdigit() or len(value) > 20:
        return False
    return bool(low <= int(value) <= high)


def _url(path: str, parameters: list[dict[str, Any]], name: str, value: str) -> str:
    query = []
    for parameter in parameters:
        chosen = value if parameter["name"] == name else VALID[parameter["name"]]
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", quote(chosen, safe=""))
        elif parameter["name"] == name or parameter.get("required"):
            query.append(f"{parameter['name']}={quote(chosen, safe='')}")
    return path + ("?" + "&".join(query) if query else "")


async def test_every_parameter_is_known_to_this_test(reporting: ServiceUnderTest) -> None:
    for path, parameters in _routes(reporting):
        for parameter in parameters:
            assert parameter["name"] in VALID, f"{path}: give {parameter['name']} a valid value"


async def test_no_hostile_parameter_is_a_500_and_each_names_its_parameter(
    reporting_both: ServiceUnderTest,
) -> None:
    service = reporting_both
    await send(service, plan_published())
    staff = service.auth("admin")  # every staff route, the audit anchors' among them
    checked = 0
    for path, parameters in _routes(service):
        baseline = await service.client.get(_url(path, parameters, "", ""), headers=staff)
        assert baseline.status_code == 200, (path, baseline.text)
        for parameter in parameters:
            name = parameter["name"]
            values = HOSTILE_INTEGERS if _is_integer(parameter) else HOSTILE_TEXTS
            for value in values:
                if parameter["in"] == "path" and value in {"", " "}:
                    continue  # an empty segment is another route, not this parameter
                if _within_bounds(parameter, value):
                    continue
                r = await service.client.get(_url(path, parameters, name, value), headers=staff)
                what = f"{path} {name}={value[:40]!r}"
                assert r.status_code in {404, 422}, (what, r.status_code, r.text[:300])
                assert r.headers["content-type"] == "application/problem+json", what
                problem = r.json()
                if r.status_code == 422:
                    fields = [e["field"] for e in problem["errors"]]
                    named = {name, NUL_FIELD} if "\x00" in value else {name}
                    assert any(f.split(".")[-1] in named for f in fields), (what, fields)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/reporting/v1/annual-report/447572218761", "year"),
        ("/reporting/v1/annual-report/1948", "year"),
        ("/reporting/v1/annual-report/2101", "year"),
        ("/reporting/v1/indicators?year=447572218761", "year"),
        ("/reporting/v1/output?year=447572218761", "year"),
        ("/reporting/v1/compliance?year=1900", "year"),
        ("/reporting/v1/indicators?year=2022&plan_id=" + "p" * 61, "plan_id"),
        ("/reporting/v1/indicators?year=2022&plan_id=pingquan%E2%80%AE2021", "plan_id"),
        ("/reporting/v1/indicators/iron%E2%80%AEoutput/sources?year=2022", "indicator_id"),
        ("/reporting/v1/indicators/" + "i" * 61 + "/trend", "indicator_id"),
    ],
)
async def test_years_and_identifiers_outside_their_bounds_are_422_naming_them(
    reporting: ServiceUnderTest, path: str, field: str
) -> None:
    await send(reporting, plan_published())
    r = await reporting.client.get(path, headers=reporting.auth("planner"))
    assert r.status_code == 422, r.text
    assert [e["field"].split(".")[-1] for e in r.json()["errors"]] == [field]


@pytest.mark.parametrize(
    "name", ["x" * 300, "x" * 5000, "..%2f..%2fapi%2fhome.py", "%E2%80%AE.js", "a%20b.js"]
)
async def test_a_static_file_name_that_cannot_exist_is_404(
    reporting: ServiceUnderTest, name: str
) -> None:
    for url in (f"/reporting/static/{name}", f"/reporting/static/js/{name}"):
        r = await reporting.client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert r.headers["content-type"] == "application/problem+json"
