"""The integration events of supervision and enforcement (监督检查, issue 17) and of the
tamper-evident audit log (审计日志): random inspection draws (双随机), inspections,
rectification orders (责令限期整改) and the daily anchor of each service's audit chain.

Re-exported by :mod:`lode_common.events.catalog`, which registers them with the rest.
The lists themselves (异常名录, 严重违法失信名单) travel as
``lode.monitoring.enterprise.listed/released.v1``, defined in the catalog.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lode_common.events.registry import EventPayload

_LICENCE_NO = r"^[CT][0-9]{22}$"
_CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


# --- monitoring: 双随机 draws and inspections ----------------------------------------------
class InspectionDrawn(EventPayload):
    """A random inspection draw (双随机抽查) was made: the licences in force that year (the
    population, in the order the draw read them), the seed and the algorithm, so anyone can
    redraw and get the same list. Inspectors are drawn per inspection, not here."""

    event_type = "lode.monitoring.inspection.drawn.v1"
    draw_id: str
    year: int
    ratio_pct: float = Field(gt=0, le=100)
    seed: str
    algorithm: str = Field(description="the documented sampling algorithm, e.g. sha256-rank-v1")
    population: list[str] = Field(description="licence numbers the draw was made from")
    drawn: list[str] = Field(description="licence numbers drawn, in draw order")
    drawn_on: date


InspectionItemName = Literal[
    "output",
    "mining_recovery",
    "processing_recovery",
    "comprehensive_utilization",
    "reserves",
    "restoration",
    "boundary",
    "other",
]
"""What an inspection compares with the filing (检查事项), one vocabulary for every service."""

INSPECTION_ITEM_ZH: Final[dict[str, str]] = {
    "output": "产量",
    "mining_recovery": "开采回采率",
    "processing_recovery": "选矿回收率",
    "comprehensive_utilization": "综合利用率",
    "reserves": "储量",
    "restoration": "土地复垦",
    "boundary": "越界开采",
    "other": "其他",
}


class InspectionItem(BaseModel):
    """One item of an inspection (检查事项): what the mine filed against what was found."""

    model_config = ConfigDict(frozen=True)
    item: InspectionItemName = Field(
        description="产量, 开采回采率, 选矿回收率, 综合利用率, 储量, 土地复垦, 越界开采, 其他"
    )
    filed: str | float | None = None
    found: str | float | None = None
    ok: bool
    false_filing: bool = Field(False, description="the filing was found false (虚假填报)")


class InspectionRecorded(EventPayload):
    """An inspection's result (检查结果) was recorded. ``non_compliant`` opened the finding
    ``inspection_discrepancy`` (``finding_id``). Inspectors' names are not carried: they are
    staff data, not for the read models the public pages are built from."""

    event_type = "lode.monitoring.inspection.recorded.v1"
    inspection_id: str
    licence_no: str = Field(pattern=_LICENCE_NO)
    credit_code: str = Field(pattern=_CREDIT_CODE, description="the holder (统一社会信用代码)")
    holder_name: str
    draw_id: str | None = None
    year: int
    inspected_on: date
    result: Literal["compliant", "non_compliant"]
    items: list[InspectionItem]
    finding_id: str | None = None


# --- monitoring: rectification orders --------------------------------------------------------
class _RectificationEvent(EventPayload):
    order_id: str
    licence_no: str = Field(pattern=_LICENCE_NO)
    credit_code: str = Field(pattern=_CREDIT_CODE)
    holder_name: str
    finding_ids: list[str]
    requirement: str
    ordered_on: date
    due: date


class RectificationOrdered(_RectificationEvent):
    """A rectification order (责令限期整改通知) was issued for findings, with its due date."""

    event_type = "lode.monitoring.rectification.ordered.v1"


class RectificationVerified(_RectificationEvent):
    """An order's rectification was verified (整改核查) by an inspector other than the one who
    ordered it: ``done`` closes it; ``not_done`` keeps it open (and overdue once due)."""

    event_type = "lode.monitoring.rectification.verified.v1"
    outcome: Literal["done", "not_done"]
    verified_on: date


class RectificationOverdue(_RectificationEvent):
    """An order passed its due date without verified rectification (逾期未整改). Licensing
    lists the licence under ``GET /licensing/v1/enforcement`` (``kind: order``) for
    suspension or revocation citing the order."""

    event_type = "lode.monitoring.rectification.overdue.v1"
    overdue_on: date


# --- every service: the daily anchor of the audit chain --------------------------------------
class _AuditAnchored(EventPayload):
    """The head of a service's hash-chained audit log (审计日志) at the end of a day: a copy
    outside the service proves later that the chain up to ``seq`` was not rewritten
    (``lode audit verify`` compares the chain with these)."""

    service: str
    day: date
    seq: int = Field(ge=0, description="the last sealed entry's sequence number")
    entry_hash: str = Field(description="that entry's hash, lower-case hex")
    algorithm: Literal["sm3", "sha256"]
    anchored_at: AwareDatetime


class ZoningAuditAnchored(_AuditAnchored):
    """Zoning's audit chain anchored for the day."""

    event_type = "lode.zoning.audit.anchored.v1"


class LicensingAuditAnchored(_AuditAnchored):
    """Licensing's audit chain anchored for the day."""

    event_type = "lode.licensing.audit.anchored.v1"


class MonitoringAuditAnchored(_AuditAnchored):
    """Monitoring's audit chain anchored for the day."""

    event_type = "lode.monitoring.audit.anchored.v1"


class ReportingAuditAnchored(_AuditAnchored):
    """Reporting's audit chain anchored for the day."""

    event_type = "lode.reporting.audit.anchored.v1"


AUDIT_ANCHORED: dict[str, type[_AuditAnchored]] = {
    "zoning": ZoningAuditAnchored,
    "licensing": LicensingAuditAnchored,
    "monitoring": MonitoringAuditAnchored,
    "reporting": ReportingAuditAnchored,
}
