"""The years a plan has figures for, in the OpenAPI document: what the routes accept.

A route's ``year`` is bounded at the edge by what any date can hold (1949–2100); the plan
in force narrows it (indicators, output and reserves: the baseline year to the end of the
period; the annual report and the year's grants: the period), and a year outside it is a 422
naming ``year``. The plan is data that arrives by event, so the document can only say so
when it is built: for the plan the deployment follows as it is bundled (what zoning
publishes on its first start), the document's bounds are that plan's years, so that a client
generated from it, and schemathesis, send only years the service accepts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi import FastAPI

from lode_common.plan.document import PlanMeta

FROM_BASELINE: Final = (
    "/reporting/v1/indicators",
    "/reporting/v1/indicators/{indicator_id}/sources",
    "/reporting/v1/output",
    "/reporting/v1/reserves",
)
"""Routes answering for the baseline year and every year of the period."""
IN_PERIOD: Final = ("/reporting/v1/annual-report/{year}", "/reporting/v1/grants")
"""Routes answering for a year of the period."""


def _narrow(operation: Mapping[str, Any], first: int, last: int, what: str) -> None:
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "year":
            parameter["schema"].update(minimum=first, maximum=last)
            parameter["description"] = f"a year of the plan's {what}, {first}–{last}"


def document_plan_years(app: FastAPI, plan: PlanMeta) -> None:
    """Make ``app``'s OpenAPI document bound ``year`` by ``plan``'s years."""
    generate = app.openapi
    first, last = plan.period

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        document = generate()
        if fresh:
            paths = document.get("paths", {})
            for path in FROM_BASELINE:
                _narrow(paths[path]["get"], plan.base_year, last, "baseline and period")
            for path in IN_PERIOD:
                _narrow(paths[path]["get"], first, last, "period")
        return document

    app.openapi = openapi  # type: ignore[method-assign]
