"""The annual report as one print-friendly HTML page (Jinja2, autoescaped).

Every value from the model goes through autoescaping, so a holder named
``<script>…</script>`` is shown as text. The page carries its own CSS (no external
resources) and prints on A4 with the table headers repeated on each page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import text
from .model import NO_ADJUSTMENT_ZH, AnnualReport, IndicatorRow

TEMPLATE: Final = "annual_report.html.j2"


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    """Consecutive indicator rows of one category (类别), shown with one merged cell."""

    category_zh: str
    rows: tuple[IndicatorRow, ...]


def group_by_category(rows: Sequence[IndicatorRow]) -> tuple[IndicatorGroup, ...]:
    """Runs of rows with the same category, in the model's order (as in 专栏1)."""
    groups: list[IndicatorGroup] = []
    for row in rows:
        if groups and groups[-1].category_zh == row.category_zh:
            last = groups.pop()
            groups.append(IndicatorGroup(last.category_zh, (*last.rows, row)))
        else:
            groups.append(IndicatorGroup(row.category_zh, (row,)))
    return tuple(groups)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["q"] = text.quantity
    env.filters["reported"] = text.reported
    env.filters["target"] = text.target
    env.filters["day"] = text.day
    env.filters["severity_zh"] = text.severity_zh
    env.filters["right_type_zh"] = text.right_type_zh
    env.filters["scale_zh"] = text.scale_zh
    env.filters["change_zh"] = text.change_zh
    env.filters["grant_right"] = text.grant_right
    env.filters["grant_status"] = text.grant_status
    env.filters["grant_closed_on"] = text.grant_closed_on
    env.filters["grant_contract"] = text.grant_contract
    env.filters["drawn_list"] = text.drawn_list
    env.filters["result_zh"] = text.result_zh
    env.filters["inspection_findings"] = text.inspection_findings
    env.filters["order_status_zh"] = text.order_status_zh
    env.filters["list_zh"] = text.list_zh
    return env


_ENV: Final = _environment()


def render_html(report: AnnualReport) -> str:
    """The report as a complete HTML document (UTF-8 text)."""
    return _ENV.get_template(TEMPLATE).render(
        report=report,
        groups=group_by_category(report.indicators),
        subtitle=text.subtitle(report),
        generated_at=text.timestamp(report.generated_at),
        illustrative_notice=text.ILLUSTRATIVE_NOTICE,
        dash=text.DASH,
        none_zh=text.NONE_ZH,
        output_value_summary=text.output_value_summary(report),
        recalculated_shown=text.recalculated_shown(report),
        no_adjustment_zh=NO_ADJUSTMENT_ZH,
        grants_summary=text.grants_summary(report.grants),
        no_grants_zh=text.NO_GRANTS_ZH,
        no_contract_zh=text.NO_CONTRACT_ZH,
        supervision_summary=text.supervision_summary(report.supervision),
        no_supervision_zh=text.NO_SUPERVISION_ZH,
    )
