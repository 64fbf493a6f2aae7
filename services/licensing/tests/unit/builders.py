"""Small builders for the licensing domain's unit tests: plan documents, bodies, contexts."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import lode_common.plan.data
from lode_common.credit_code import with_check_character
from lode_common.plan.document import load_plan_document
from lode_common.plan.standards import CatalogueEntry
from lode_common.testing.examples import iron_mine_application
from lode_licensing.domain.application import Application, parse_application
from lode_licensing.domain.checks import (
    CheckContext,
    CheckResult,
    CurrentOutput,
    LicenceHit,
    RegistryFigures,
    SpatialAnalysis,
    ZoneHit,
    run_checks,
)
from lode_licensing.domain.checks.context import (
    ClosureFacts,
    ClosureRecord,
    ExplorationBasis,
    GrantBasis,
    Instalment,
    RegionAnalysis,
    RegionBasis,
)
from lode_licensing.domain.party import Party
from lode_licensing.domain.plan_rules import load_plan_rules
from lode_licensing.domain.rulebook import PlanRules

# The plan data the product ships (zoning publishes it; licensing receives it by event).
PLAN_DIR = Path(lode_common.plan.data.__file__).parent
AT = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)

APPLICANT_CODE = with_check_character("91130881MA0A00001")
OTHER_CODE = with_check_character("91130881MA0B00002")
THIRD_CODE = with_check_character("91130800MA0C00003")
MINING_LICENCE = "C1308812021017120000001"
OTHER_MINING_LICENCE = "C1308812021017120000002"
EXPLORATION_LICENCE = "T1308812021017120000001"


@cache
def _raw_document() -> str:
    plan = yaml.safe_load((PLAN_DIR / "pingquan-2021-2025.yaml").read_text(encoding="utf-8"))
    plan["standards"] = yaml.safe_load(
        (PLAN_DIR / "national-standards.yaml").read_text(encoding="utf-8")
    )
    # As it travels in a plan.published event: JSON (dates become ISO strings).
    return json.dumps(plan, default=str, ensure_ascii=False)


def plan_document() -> dict[str, Any]:
    """A fresh copy of the real plan document (plan file + standards under ``standards``)."""
    return copy.deepcopy(json.loads(_raw_document()))


def real_rules() -> PlanRules:
    """The rules of the plan the product ships (`lode_common.plan.data`)."""
    return load_plan_rules(lode_common.plan.data.bundled_documents())


def rules_from(document: dict[str, Any]) -> PlanRules:
    """The rules of a (modified) raw document, validated first as zoning publishes it;
    `PlanDocumentInvalid` when the typed model refuses it."""
    return load_plan_rules(load_plan_document(document))


def catalogue_entry(name: str, rules: PlanRules | None = None) -> CatalogueEntry:
    """The catalogue entry of a name the plan uses (``铁矿``, ``岩金``)."""
    entry = (rules or real_rules()).standards.mineral(name)
    assert entry is not None, name
    return entry


def entry_rule(document: dict[str, Any], rule_id: str) -> dict[str, Any]:
    """The raw entry rule ``rule_id`` of a document, to modify in a test."""
    rule: dict[str, Any] = next(r for r in document["entry_rules"] if r["id"] == rule_id)
    return rule


def mining_body(**overrides: Any) -> dict[str, Any]:
    """A valid new underground iron mining application (:func:`iron_mine_application`) of
    30 万吨/年 (中型); the geometry is left empty, the checks take the spatial analysis."""
    changes: dict[str, Any] = {"capacity": {"value": 30, "unit": "万吨/年"}, **overrides}
    return iron_mine_application(
        "平泉市某矿业有限公司", APPLICANT_CODE, {"type": "Polygon", "coordinates": []}, **changes
    )


def cancellation_body(
    closure_report: bool = True, restoration: str = "completed"
) -> dict[str, Any]:
    """A mining cancellation (注销) of :data:`MINING_LICENCE`, declaring the closure report and
    the restoration as given (the check decides by the bureau's records, not by these)."""
    return mining_body(
        kind="cancellation",
        licence_no=MINING_LICENCE,
        closure_report=closure_report,
        restoration_status=restoration,
    )


def gold_body(method: str = "open_pit", t_per_day: Any = 400, **overrides: Any) -> dict[str, Any]:
    body = mining_body(
        mineral="金矿",
        mining_method=method,
        capacity={"value": t_per_day, "unit": "t/d"},
        development_plan={
            "mining_recovery_pct": 92,
            "processing_recovery_pct": 80,
            "comprehensive_utilization_pct": 30,
        },
    )
    body.update(overrides)
    return body


def exploration_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "right_type": "exploration",
        "kind": "new",
        "applicant": {"name": "某地勘单位", "credit_code": APPLICANT_CODE},
        "mineral": "钼矿",
        "area": {"geometry": {"type": "Polygon", "coordinates": []}},
    }
    body.update(overrides)
    return body


def application(body: dict[str, Any], rules: PlanRules | None = None) -> Application:
    return parse_application(body, rules or real_rules())


def zone(
    zone_type: str, overlap_ha: Any = 5, zone_id: str | None = None, code: str = ""
) -> ZoneHit:
    return ZoneHit(
        id=zone_id or f"{zone_type}-1",
        type=zone_type,
        code=code or f"{zone_type.upper()}-01",
        name_zh=f"示意{zone_type}",
        overlap_ha=Decimal(str(overlap_ha)),
    )


def licence_hit(licence_no: str, overlap_ha: Any = 1) -> LicenceHit:
    return LicenceHit(licence_no, Decimal(str(overlap_ha)))


def region(
    inside_ha: Any = 5,
    outside_ha: Any = 0,
    distance_m: Any = None,
    basis: RegionBasis = "administrative_boundary",
) -> RegionAnalysis:
    """Zoning's ``region`` block: by default the area lies wholly inside the 行政区界."""
    return RegionAnalysis(
        basis=basis,
        inside_ha=Decimal(str(inside_ha)),
        outside_ha=Decimal(str(outside_ha)),
        distance_m=None if distance_m is None else Decimal(str(distance_m)),
        zones=("administrative_boundary-1",) if basis == "administrative_boundary" else (),
    )


INSIDE_REGION = region()


def context(
    *zones: ZoneHit,
    licences: tuple[LicenceHit, ...] = (),
    block_holders: dict[str, str] | None = None,
    mines: int | None = 40,
    output: dict[str, Any] | None = None,
    where: RegionAnalysis | None = INSIDE_REGION,
) -> CheckContext:
    """A context inside a planning block of each right type unless zones are given, inside
    the plan's region unless ``where`` says otherwise (None: zoning gave no region block)."""
    hits = zones or (zone("mining_block"), zone("exploration_block"))
    return CheckContext(
        spatial=SpatialAnalysis(zones=tuple(hits), licences=licences, region=where),
        block_holders=block_holders or {},
        registry=RegistryFigures(
            active_mining_licences=mines,
            current_output={
                k: CurrentOutput(k, 2024, Decimal(str(v)), 1)
                for k, v in (
                    output
                    if output is not None
                    else {"iron_concentrate_output": 150, "building_stone_output": 300}
                ).items()
            },
        ),
    )


def day(text: str) -> date:
    return date.fromisoformat(text)


def checks_by_id(
    body: dict[str, Any], ctx: CheckContext | None = None, rules: PlanRules | None = None
) -> dict[str, CheckResult]:
    """Run every check on a body; the results by rule id (each rule appears once)."""
    plan_rules = rules or real_rules()
    results = run_checks(parse_application(body, plan_rules), plan_rules, ctx or context())
    ids = [result.rule_id for result in results]
    assert len(ids) == len(set(ids)), ids
    return {result.rule_id: result for result in results}


def closure_facts(
    licence_no: str, report: bool = True, accepted: bool = True, *, by: str = "王科长"
) -> ClosureFacts:
    """Closure facts recorded for a licence: the report received on 2026-10-20 and the
    restoration accepted on 2026-11-05, each only when asked for."""
    return ClosureFacts(
        licence_no=licence_no,
        closure_report=ClosureRecord(
            day("2026-10-20"), "平自然资闭〔2026〕3号", by, "licensing_officer"
        )
        if report
        else None,
        restoration_acceptance=ClosureRecord(
            day("2026-11-05"), "平自然资验〔2026〕7号", by, "licensing_officer"
        )
        if accepted
        else None,
    )


# --- what a new right rests on (competitive_grant) ---------------------------------------------
GRANT_ID = "5b0c1f7e-0000-4000-8000-000000000001"
APPLICANT = Party("平泉市某矿业有限公司", APPLICANT_CODE)
"""The applicant of :func:`mining_body`."""


def lonlat_square(lon: float = 118.80, lat: float = 41.00, d: float = 0.01) -> dict[str, Any]:
    """A square area in CRS84 (about 1 km a side at these latitudes)."""
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


AREA = lonlat_square()
"""The area the tests' grants, exploration licences and applications share."""


def grant_basis(**changes: Any) -> GrantBasis:
    """A contracted grant (已签订出让合同) of an iron mining right over :data:`AREA`, won by
    the applicant of :func:`mining_body` by listing (挂牌) at 1,200 万元 in two instalments."""
    grant = GrantBasis(
        grant_id=GRANT_ID,
        status="contracted",
        right_type="mining",
        mineral_zh="铁矿",
        winner=APPLICANT,
        area=AREA,
        method="listing",
        concluded_on=day("2026-06-30"),
        price_cny_10k=Decimal(1200),
        signed_on=day("2026-07-20"),
        contract_ref="平自然资出让〔2026〕5号",
        instalments=(
            Instalment(day("2026-08-01"), Decimal(600)),
            Instalment(day("2027-08-01"), Decimal(600)),
        ),
    )
    return replace(grant, **changes)


def exploration_basis(**changes: Any) -> ExplorationBasis:
    """The applicant's active exploration licence for iron over a square containing
    :data:`AREA` (探转采)."""
    basis = ExplorationBasis(
        licence_no=EXPLORATION_LICENCE,
        holder=APPLICANT,
        mineral_zh="铁矿",
        status="active",
        area=lonlat_square(118.795, 40.995, 0.02),
    )
    return replace(basis, **changes)


def based(
    ctx: CheckContext | None = None,
    *,
    grant: GrantBasis | None = None,
    exploration: ExplorationBasis | None = None,
    area: dict[str, Any] | None = AREA,
    tolerance_pct: Any = None,
) -> CheckContext:
    """``ctx`` (default :func:`context`) with the application's area as zoning read it
    (``area``) and what the application rests on."""
    base = ctx or context()
    spatial = replace(base.spatial or SpatialAnalysis(), geometry=area)
    found = replace(base, spatial=spatial, grant=grant, exploration=exploration)
    if tolerance_pct is not None:
        found = replace(found, area_tolerance_pct=Decimal(str(tolerance_pct)))
    return found
