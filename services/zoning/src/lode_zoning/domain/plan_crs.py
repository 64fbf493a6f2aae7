"""What zoning adds to the shared plan document's validation: the region's CRSs.

Every service reads a plan document with ``lode_common.plan``; only zoning, which holds
the coordinate systems (`crs`), can say whether ``region.crs`` names CRSs it accepts and of
the right kind. A version is published only when both pass (`validated_plan`).
"""

from __future__ import annotations

from lode_common.plan.document import PlanDocument, load_plan_document
from lode_common.plan.issues import PlanDocumentInvalid
from lode_common.plan.types import PlanIssue
from lode_zoning.domain.crs import parse_crs
from lode_zoning.domain.errors import UnknownCrs


def crs_issues(doc: PlanDocument) -> list[PlanIssue]:
    """``region.crs``: every name an accepted CRS, ``geographic`` geographic, the others
    projected."""
    crs = doc.region.crs
    names = {"geographic": crs.geographic, "projected": crs.projected}
    if crs.projected_west is not None:
        names["projected_west"] = crs.projected_west
    issues: list[PlanIssue] = []
    parsed = {}
    for key, name in names.items():
        try:
            parsed[key] = parse_crs(name)
        except UnknownCrs as error:
            issues.append(PlanIssue(f"region.crs.{key}", error.detail))
    if issues:
        return issues
    if not parsed["geographic"].is_geographic:
        issues.append(PlanIssue("region.crs", f"geographic: {crs.geographic} is a projected CRS"))
    for key in ("projected", "projected_west"):
        if key in parsed and parsed[key].is_geographic:
            issues.append(PlanIssue("region.crs", f"{names[key]} is not a projected CRS"))
    return issues


def validated_plan(document: object) -> PlanDocument:
    """A plan document zoning may publish: valid as every service reads it, and its CRSs
    accepted here. Raises `PlanDocumentInvalid` listing every fault with its path."""
    doc = load_plan_document(document)
    if issues := crs_issues(doc):
        raise PlanDocumentInvalid(issues)
    return doc
