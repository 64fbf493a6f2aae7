"""``PUT /zoning/v1/plans/{plan_id}`` is strict in every section (issue 12, item 1): an
unknown key anywhere and a number given as text (``"12"``) or as ``true`` are a 422 naming
the path, in JSON and in YAML, on both runtimes; no version is stored."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
import yaml

from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plan_cases import (
    FORMERLY_OPEN_SECTIONS,
    FORMERLY_UNDECLARED_NUMBERS,
    UNKNOWN_KEY,
    with_unknown_key,
    with_value,
)

from .test_zoning_api import APPROVAL_REF, PLAN, problem

pytestmark = pytest.mark.timeout(300)


async def published(z: ServiceUnderTest) -> dict[str, Any]:
    r = await z.client.get(f"/zoning/v1/plans/{PLAN}/versions/1", headers=z.auth("planner"))
    assert r.status_code == 200, r.text
    document: dict[str, Any] = r.json()["document"]
    return document


async def versions(z: ServiceUnderTest) -> list[int]:
    r = await z.client.get(f"/zoning/v1/plans/{PLAN}/versions", headers=z.auth("viewer"))
    assert r.status_code == 200, r.text
    return [v["version"] for v in r.json()["items"]]


async def put(z: ServiceUnderTest, document: Any, content_type: str) -> httpx.Response:
    if content_type == "application/json":
        content = json.dumps(document, ensure_ascii=False).encode()
    else:
        content = yaml.safe_dump(document, allow_unicode=True).encode()
    return await z.client.put(
        f"/zoning/v1/plans/{PLAN}?approval_ref={APPROVAL_REF}",
        content=content,
        headers={**z.auth("planner"), "content-type": content_type},
    )


def fields(response: httpx.Response) -> list[str]:
    return [e["field"] for e in problem(response, 422).get("errors") or []]


@pytest.mark.parametrize("content_type", ["application/json", "application/yaml"])
async def test_an_unknown_key_in_any_section_is_422_naming_it_and_stores_nothing(
    zoning_both: ServiceUnderTest, content_type: str
) -> None:
    current = await published(zoning_both)
    for section in FORMERLY_OPEN_SECTIONS:
        r = await put(zoning_both, with_unknown_key(copy.deepcopy(current), section), content_type)
        assert fields(r) == [f"{section}.{UNKNOWN_KEY}"], (section, r.text)
    assert await versions(zoning_both) == [1]


@pytest.mark.parametrize("content_type", ["application/json", "application/yaml"])
async def test_a_figure_given_as_text_or_a_boolean_is_422_naming_it_and_stores_nothing(
    zoning_both: ServiceUnderTest, content_type: str
) -> None:
    current = await published(zoning_both)
    for path in FORMERLY_UNDECLARED_NUMBERS:
        for value in ("12", True):
            r = await put(
                zoning_both, with_value(copy.deepcopy(current), path, value), content_type
            )
            assert fields(r) == [path], (path, value, r.text)
    assert await versions(zoning_both) == [1]


async def test_the_published_document_is_accepted_again_with_the_same_figures(
    zoning: ServiceUnderTest,
) -> None:
    current = await published(zoning)
    r = await put(zoning, current, "application/json")
    assert r.status_code == 201, r.text
    assert await versions(zoning) == [2, 1]
    again = (
        await zoning.client.get(
            f"/zoning/v1/plans/{PLAN}/versions/2", headers=zoning.auth("planner")
        )
    ).json()["document"]
    assert again == current
    assert again["region"]["area_km2"] == 3297
    assert again["baseline_2020"]["licensed_mines_by_kind"]["metal"]["铁矿"] == 19
    assert again["projects"][1]["area_ha"] == 150
