"""What zoning adds to the plan document's validation: the region's CRSs (``plan_crs``)."""

from __future__ import annotations

from typing import Any

import pytest

from lode_common.plan.data import bundled_documents, bundled_raw_document
from lode_common.plan.document import load_plan_document
from lode_common.plan.issues import PlanDocumentInvalid
from lode_zoning.domain.plan_crs import crs_issues, validated_plan


def with_crs(**names: Any) -> dict[str, Any]:
    """The bundled plan document (a fresh copy) with ``region.crs`` names changed."""
    document = bundled_raw_document()
    document["region"]["crs"].update(names)
    return document


def issues(document: object) -> list[tuple[str, str]]:
    with pytest.raises(PlanDocumentInvalid) as caught:
        validated_plan(document)
    return [(i.path, i.message) for i in caught.value.issues]


def test_the_bundled_plans_crss_are_accepted() -> None:
    assert crs_issues(bundled_documents()) == []
    published = validated_plan(bundled_raw_document()).as_published()
    assert published == bundled_documents().as_published()


@pytest.mark.parametrize(
    ("key", "value", "path", "message"),
    [
        (
            "projected",
            "EPSG:4326",
            "region.crs.projected",
            "coordinate reference system 'EPSG:4326 (WGS 84)' is not accepted",
        ),
        ("projected", "EPSG:4490", "region.crs", "EPSG:4490 is not a projected CRS"),
        (
            "geographic",
            "EPSG:4528",
            "region.crs",
            "geographic: EPSG:4528 is a projected CRS",
        ),
        ("projected_west", "EPSG:4490", "region.crs", "EPSG:4490 is not a projected CRS"),
    ],
)
def test_a_crs_zoning_does_not_accept_names_the_path(
    key: str, value: str, path: str, message: str
) -> None:
    document = with_crs(**{key: value})
    load_plan_document(document)  # valid as every other service reads it
    found = issues(document)
    assert any(p == path and m.startswith(message) for p, m in found), found


def test_the_crss_are_checked_only_once_the_document_is_valid() -> None:
    document = with_crs(projected="EPSG:4326")
    document["region"]["adcode"] = 130881
    assert issues(document) == [("region.adcode", "expected text, got 130881")]
