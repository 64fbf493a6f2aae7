"""Event consumers of the reporting service, by base event type (no version suffix).

Every handler journals the event and updates only the read-model rows it touches."""

from __future__ import annotations

from lode_common.messaging.inbox import EventHandler
from lode_reporting.projections import licences, monitoring, zoning
from lode_reporting.projections.journal import journaled

HANDLERS: dict[str, EventHandler] = {
    "lode.zoning.plan.published": journaled(zoning.plan_published),
    **{
        f"lode.zoning.zone.{a}": journaled(zoning.zone_event)
        for a in ("created", "changed", "retired")
    },
    **{f"lode.licensing.licence.{a}": journaled(licences.licence_event) for a in licences.ACTIONS},
    "lode.monitoring.output.reported": journaled(monitoring.output_report),
    "lode.monitoring.output.corrected": journaled(monitoring.output_report),
    "lode.monitoring.exploration.result_reported": journaled(monitoring.exploration_result),
    "lode.monitoring.project.progress_reported": journaled(monitoring.project_progress),
    "lode.monitoring.finding.opened": journaled(monitoring.finding_event),
    "lode.monitoring.finding.closed": journaled(monitoring.finding_event),
}
