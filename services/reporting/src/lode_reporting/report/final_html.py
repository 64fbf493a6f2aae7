"""The final evaluation as one print-friendly HTML page: the annual report's Jinja
environment, style sheet and adjustments/conflicts sections, and a small trend chart per
indicator (inline SVG drawn from numbers only; a year without a figure is a gap)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from markupsafe import Markup

from . import text
from .final_model import NO_ADJUSTMENT_IN_PERIOD_ZH, FinalEvaluation, FinalIndicator
from .html import _ENV

TEMPLATE: Final = "final_evaluation.html.j2"
WIDTH: Final = 90
HEIGHT: Final = 24


def sparkline(row: FinalIndicator) -> Markup:
    """Each year's figure as a dot on a line; nothing drawn where there is no figure."""
    points = [(i, p.actual) for i, p in enumerate(row.trend) if p.actual is not None]
    if not points:
        return Markup('<span class="none">—</span>')
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = high - low or Decimal(1)
    step = WIDTH / max(len(row.trend) - 1, 1)

    def xy(index: int, value: Decimal) -> tuple[float, float]:
        y = HEIGHT - 3 - float((value - low) / span) * (HEIGHT - 6)
        return round(index * step, 1), round(y, 1)

    coordinates = [xy(i, v) for i, v in points]
    line = " ".join(f"{x},{y}" for x, y in coordinates)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="1.8"/>' for x, y in coordinates)
    # only numbers computed here go into the markup: nothing of the model's text
    return Markup(  # noqa: S704
        f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="-2 0 {WIDTH + 4} '
        f'{HEIGHT}" role="img" aria-label="{len(points)}/{len(row.trend)}">'
        f'<polyline points="{line}" fill="none" stroke="#1d4ed8" stroke-width="1.2"/>'
        f'<g fill="#1d4ed8">{dots}</g></svg>'
    )


def render_final_html(report: FinalEvaluation) -> str:
    return _ENV.get_template(TEMPLATE).render(
        report=report,
        sparkline=sparkline,
        generated_at=text.timestamp(report.generated_at),
        illustrative_notice=text.ILLUSTRATIVE_NOTICE,
        dash=text.DASH,
        none_zh=text.NONE_ZH,
        no_adjustment_zh=NO_ADJUSTMENT_IN_PERIOD_ZH,
    )
