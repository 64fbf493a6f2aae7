"""What mines and staff report, validated: output reports, exploration results, project progress.

Each ``parse_*`` function reads a JSON-like body and returns a value object, or raises an
:class:`~.errors.InvalidInput` subclass listing **every** offending field at once
(``errors`` / ``as_dicts()`` → ``[{field, message}]``); each ``*_errors`` function returns
that list instead (empty when the body is valid). Quantities are exact decimals (see
:mod:`.fields`); fields a body may not carry are errors, so a misspelt field is not
silently dropped (pass ``ignore=`` for fields the caller handles itself, e.g. ``reason``).

Decisions for the output report (开发利用年报/季报):

* ``period`` is required; the period must have begun (CST) and the year lies between
  :data:`EARLIEST_YEAR` and the current year.
* With the licence given, the **period** (the whole year for ``annual``) must overlap the
  licence's validity; a period it does not touch at all is an error.
* An output report is for a mining licence (采矿许可证, ``C…``); an exploration licence
  (``T…``) reports exploration results instead.
* A mining licence's **annual** report with ore mined above zero must give
  ``mining_recovery_pct`` (开采回采率); the other two rates are optional (a mine without
  a concentrator has no 选矿回收率). Quarterly reports may omit all three.
* ``restored_area_ha`` may exceed ``disturbed_area_ha`` in a report: both are the areas
  disturbed / restored *during the period*, and restoration can catch up on earlier years.
* A product needs a name; a grade without a name is the error "grade without product".
* Every field is bounded (:mod:`lode_common.limits`): at most
  :data:`~lode_common.limits.PRODUCTS_PER_REPORT_MAX` products, a product's name at most
  :data:`~lode_common.limits.LABEL_MAX` characters, a site's
  :data:`~lode_common.limits.NAME_MAX`, a reason :data:`~lode_common.limits.TEXT_MAX`,
  every quantity :data:`~lode_common.limits.QUANTITY_MAX`; no text carries control or
  bidirectional characters; numbers are JSON numbers and years JSON integers.

Decisions for exploration results (新增资源量): a result given with a licence needs an
exploration licence (探矿权) of the result's mineral; staff may give none (a survey the
state funds). A correction (更正) keeps the licence, year and period and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final, TypeVar

from lode_common.limits import (
    CODE_MAX,
    LABEL_MAX,
    NAME_MAX,
    PRODUCTS_PER_REPORT_MAX,
    SHEETS_MAX,
    TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
)

from .errors import (
    FieldError,
    InvalidExplorationResult,
    InvalidInput,
    InvalidProjectProgress,
    InvalidReport,
)
from .fields import FieldReader, shown
from .licence import LicenceView, RightType
from .periods import PERIODS, Period, cst_date, period_bounds
from .standards import MineralEntry, MonitoringStandards, standard_zh
from .vocabulary import THREE_RATES, ThreeRate

EARLIEST_YEAR: Final = 1990
"""No report is accepted for a year before this one (a typo guard, not a plan figure)."""
assert YEAR_MIN <= EARLIEST_YEAR

REASON_MIN: Final = 2
"""A correction's reason has at least this many characters (一个词: "笔误")."""

_REPORT_FIELDS: Final = (
    "licence_no",
    "year",
    "period",
    "ore_mined_10kt",
    "products",
    *(f"{rate}_pct" for rate in THREE_RATES),
    "disturbed_area_ha",
    "restored_area_ha",
    "output_value_cny_10k",
)
_PRODUCT_FIELDS: Final = ("name", "grade_pct", "output_10kt")
_EXPLORATION_FIELDS: Final = ("licence_no", "year", "mineral", "new_resources_ore_10kt")
_PROGRESS_FIELDS: Final = ("year", "completed_sheets", "restored_area_ha", "site")
_PREFIX_RIGHT: Final[dict[str, RightType]] = {"C": "mining", "T": "exploration"}


@dataclass(frozen=True)
class Product:
    """A product of the period (产品, e.g. 铁精粉 at 65 %): output in 万吨."""

    name: str
    output_10kt: Decimal
    grade_pct: Decimal | None = None


@dataclass(frozen=True)
class OutputReport:
    """A mine's output report (开发利用年报/季报) for a licence, year and period.

    Areas are those disturbed / restored during the period (hectares); output value is in
    万元. The three ``_pct`` rates are 开采回采率, 选矿回收率, 综合利用率.
    """

    licence_no: str
    year: int
    period: Period
    ore_mined_10kt: Decimal
    products: tuple[Product, ...] = ()
    mining_recovery_pct: Decimal | None = None
    processing_recovery_pct: Decimal | None = None
    comprehensive_utilization_pct: Decimal | None = None
    disturbed_area_ha: Decimal | None = None
    restored_area_ha: Decimal | None = None
    output_value_cny_10k: Decimal | None = None

    def rate(self, rate: ThreeRate) -> Decimal | None:
        """The reported value of one of the three rates (三率), None when not reported."""
        value: Decimal | None = getattr(self, f"{rate}_pct")
        return value

    @property
    def has_production(self) -> bool:
        """Whether anything was produced: ore mined or a product's output above zero."""
        return self.ore_mined_10kt > 0 or any(p.output_10kt > 0 for p in self.products)


@dataclass(frozen=True)
class ExplorationResult:
    """New resources proven by exploration (新增资源量, ore in 万吨) in a year."""

    year: int
    mineral_zh: str
    new_resources_ore_10kt: Decimal
    licence_no: str | None = None


@dataclass(frozen=True)
class ProjectProgress:
    """Progress of a plan project in a year: sheets completed (幅) or hectares restored."""

    project_id: str
    year: int
    completed_sheets: int | None = None
    restored_area_ha: Decimal | None = None
    site: str | None = None


# --- shared pieces ---------------------------------------------------------------------------


def _licence_no(
    reader: FieldReader, standards: MonitoringStandards, *, required: bool
) -> str | None:
    number = reader.text("licence_no", max_length=CODE_MAX, required=required)
    if number is None:
        return None
    pattern = standards.numbering_pattern
    if not pattern.fullmatch(number):
        reader.error(
            "licence_no",
            f"{shown(number)} is not a licence number: expected {pattern.pattern} "
            "(C = 采矿, T = 探矿, 23 characters, allocated by 统一配号)",
        )
        return None
    return number


def _year(reader: FieldReader, today: date) -> int | None:
    year = reader.integer("year", required=True)
    latest = min(today.year, YEAR_MAX)
    if year is not None and not EARLIEST_YEAR <= year <= latest:
        reader.error("year", f"must be between {EARLIEST_YEAR} and {latest} (CST), got {year}")
        return None
    return year


def _matches_licence(reader: FieldReader, number: str | None, licence: LicenceView | None) -> None:
    if number is not None and licence is not None and number != licence.licence_no:
        reader.error("licence_no", f"the body names {number}, the licence is {licence.licence_no}")


def _within_validity(
    reader: FieldReader, licence: LicenceView | None, first: date, last: date, what: str
) -> None:
    if licence is not None and not licence.touches(first, last):
        reader.error(
            "year",
            f"{what} ({first} to {last}) is outside the licence's validity "
            f"({licence.valid_from} to {licence.valid_to})",
        )


# --- output reports --------------------------------------------------------------------------


def _period(reader: FieldReader) -> Period | None:
    text = reader.text("period", max_length=CODE_MAX, required=True)
    if text is None:
        return None
    period = next((p for p in PERIODS if p == text), None)
    if period is None:
        reader.error("period", f"expected one of {', '.join(PERIODS)}, got {text!r}")
    return period


def _products(reader: FieldReader) -> tuple[Product, ...]:
    raw = reader.value("products")
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple):
        reader.error("products", "expected a list of {name, grade_pct, output_10kt}")
        return ()
    if len(raw) > PRODUCTS_PER_REPORT_MAX:
        reader.error(
            "products",
            f"at most {PRODUCTS_PER_REPORT_MAX} products in one report, got {len(raw)}; "
            "report each product once, with its total output",
        )
        return ()
    products: list[Product] = []
    for index, item in enumerate(raw):
        sub = FieldReader(item, reader.errors, reader.path(f"products[{index}]"), what="a product")
        if not isinstance(item, Mapping):
            continue
        grade = sub.percent("grade_pct")
        output = sub.quantity("output_10kt", required=True)
        raw_name = sub.value("name")
        nameless = raw_name is None or (isinstance(raw_name, str) and not raw_name.strip())
        if nameless and sub.given("grade_pct"):
            sub.error("name", "grade without product: a grade needs the product's name")
            name = None
        else:
            name = sub.text("name", max_length=LABEL_MAX, required=True)
        sub.reject_unknown(_PRODUCT_FIELDS)
        if name is not None and output is not None:
            products.append(Product(name, output, grade))
    return tuple(products)


def _read_output_report(
    raw: object,
    standards: MonitoringStandards,
    today: date,
    licence: LicenceView | None,
    ignore: Collection[str],
) -> tuple[OutputReport | None, list[FieldError]]:
    if not isinstance(raw, Mapping):
        return None, [FieldError("", "a report must be a JSON object")]
    errors: list[FieldError] = []
    reader = FieldReader(raw, errors)
    number = _licence_no(reader, standards, required=True)
    _matches_licence(reader, number, licence)
    right = licence.right_type if licence is not None else None
    if right is None and number is not None:
        right = _PREFIX_RIGHT.get(number[0])
    if right == "exploration":
        reader.error(
            "licence_no",
            "an exploration licence (探矿权) reports exploration results, not mining output",
        )
    year = _year(reader, today)
    period = _period(reader)
    ore = reader.quantity("ore_mined_10kt", required=True, unit_hint=" 万吨")
    products = _products(reader)
    rates = {rate: reader.percent(f"{rate}_pct") for rate in THREE_RATES}
    areas = {name: reader.quantity(name) for name in ("disturbed_area_ha", "restored_area_ha")}
    value = reader.quantity("output_value_cny_10k")
    reader.reject_unknown(_REPORT_FIELDS, ignore)

    if year is not None and period is not None:
        first, last = period_bounds(year, period)
        if first > today:
            reader.error("period", f"{year} {period} has not begun (it starts on {first}, CST)")
        what = f"year {year}" if period == "annual" else f"{year} {period}"
        _within_validity(reader, licence, first, last, what)
    if (
        right == "mining"
        and period == "annual"
        and ore is not None
        and ore > 0
        and not reader.given("mining_recovery_pct")
    ):
        reader.error(
            "mining_recovery_pct",
            "required in a mining licence's annual report when ore was mined (开采回采率)",
        )
    if errors or number is None or year is None or period is None or ore is None:
        return None, errors
    report = OutputReport(
        licence_no=number,
        year=year,
        period=period,
        ore_mined_10kt=ore,
        products=products,
        mining_recovery_pct=rates["mining_recovery"],
        processing_recovery_pct=rates["processing_recovery"],
        comprehensive_utilization_pct=rates["comprehensive_utilization"],
        disturbed_area_ha=areas["disturbed_area_ha"],
        restored_area_ha=areas["restored_area_ha"],
        output_value_cny_10k=value,
    )
    return report, []


def output_report_errors(
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
    ignore: Collection[str] = (),
) -> list[FieldError]:
    """Every field error of an output report body (empty when it is valid)."""
    return _read_output_report(raw, standards, cst_date(today), licence, ignore)[1]


def parse_output_report(
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
    ignore: Collection[str] = (),
) -> OutputReport:
    """The output report of a body; :class:`~.errors.InvalidReport` listing every bad field.

    ``licence`` (the licence named, when the caller has it) adds the checks that need it:
    same number, right type, period within validity.
    """
    report, errors = _read_output_report(raw, standards, cst_date(today), licence, ignore)
    if report is None:
        raise InvalidReport(errors)
    return report


# --- corrections -----------------------------------------------------------------------------

_CORRECTION_KEEPS: Final = ("licence_no", "year", "period")


@dataclass(frozen=True)
class Correction:
    """A correction (更正) of an output report: the new version's body, as parsed and as
    stored (the current version's fields with those the correction sends), and the reason."""

    report: OutputReport
    body: dict[str, object]
    reason: str


Parsed = TypeVar("Parsed")


def read_correction(
    current: Mapping[str, object],
    raw: object,
    *,
    keeps: Collection[str],
    what: str,
    kept: str,
    read: Callable[[Mapping[str, object]], tuple[Parsed | None, list[FieldError]]],
    invalid: type[InvalidInput],
) -> tuple[Parsed, dict[str, object], str]:
    """What every correction (更正) shares: a required ``reason`` (at most
    :data:`~lode_common.limits.TEXT_MAX` characters), the fields in ``keeps`` unchanged, and
    the new version's body (the ``current`` body with the fields ``raw`` sends), read by
    ``read``. Returns the new version as read, that body and the reason; ``invalid`` lists
    every bad field (the correction's own first). ``what`` names the filing and ``kept``
    the fields kept in messages."""
    if not isinstance(raw, Mapping):
        raise invalid([FieldError("", "a correction must be a JSON object")])
    errors: list[FieldError] = []
    reader = FieldReader(raw, errors)
    if not reader.given("reason"):
        reader.error("reason", f"required: say why the {what} is corrected")
    reason = reader.text("reason", max_length=TEXT_MAX, multiline=True)
    if reason is not None and len(reason) < REASON_MIN:
        reader.error(
            "reason", f"say why the {what} is corrected, in {REASON_MIN} characters or more"
        )
    for key in keeps:
        if key in raw and raw[key] != current.get(key):
            reader.error(key, f"a correction keeps the {kept}; file another {what} with POST")
    merged = {
        **{str(k): v for k, v in current.items() if k != "reason"},
        **{str(k): v for k, v in raw.items() if k != "reason"},
    }
    report, more = read(merged)
    errors += [e for e in more if e.field not in {f.field for f in errors}]
    if errors or report is None or reason is None:
        raise invalid(errors)
    return report, merged, reason


def parse_correction(
    current: Mapping[str, object],
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
) -> Correction:
    """The correction ``raw`` makes to the ``current`` version's body: the fields it changes
    plus a required ``reason`` (at most :data:`~lode_common.limits.TEXT_MAX` characters); the
    licence, year and period are kept. :class:`~.errors.InvalidReport` lists every bad field."""
    report, merged, reason = read_correction(
        current,
        raw,
        keeps=_CORRECTION_KEEPS,
        what="report",
        kept="licence, year and period",
        read=lambda body: _read_output_report(body, standards, cst_date(today), licence, ()),
        invalid=InvalidReport,
    )
    return Correction(report, merged, reason)


# --- exploration results ---------------------------------------------------------------------


def _read_exploration(
    raw: object, standards: MonitoringStandards, today: date, licence: LicenceView | None
) -> tuple[ExplorationResult | None, list[FieldError]]:
    if not isinstance(raw, Mapping):
        return None, [FieldError("", "an exploration result must be a JSON object")]
    errors: list[FieldError] = []
    reader = FieldReader(raw, errors)
    number = _licence_no(reader, standards, required=False)
    _matches_licence(reader, number, licence)
    year = _year(reader, today)
    mineral_name = reader.text("mineral", max_length=CODE_MAX, required=True)
    mineral = standards.catalogue.lookup(mineral_name) if mineral_name is not None else None
    if mineral_name is not None and mineral is None:
        reader.error(
            "mineral",
            f"unknown mineral {shown(mineral_name)}: give a Chinese name (铁矿) or catalogue code "
            "(iron) of the mineral catalogue",
        )
    amount = reader.quantity("new_resources_ore_10kt", required=True, unit_hint=" 万吨")
    reader.reject_unknown(_EXPLORATION_FIELDS)
    _exploration_licence(reader, standards, number, licence, mineral)
    if year is not None:
        _within_validity(reader, licence, date(year, 1, 1), date(year, 12, 31), f"year {year}")
    if errors or year is None or mineral is None or amount is None:
        return None, errors
    return ExplorationResult(year, mineral.zh, amount, number), []


def _exploration_licence(
    reader: FieldReader,
    standards: MonitoringStandards,
    number: str | None,
    licence: LicenceView | None,
    mineral: MineralEntry | None,
) -> None:
    """An exploration result is proven under an exploration licence (探矿权) of its mineral."""
    right = licence.right_type if licence is not None else None
    if right is None and number is not None:
        right = _PREFIX_RIGHT.get(number[0])
    if right == "mining":
        named = licence.licence_no if licence is not None else number
        reader.error(
            "licence_no",
            f"{named} is a mining licence (采矿权); an exploration result needs an exploration "
            "licence (探矿权, T…) of its mineral: give that licence's number (or none, for staff "
            "reporting a survey no licence covers); a mine reports output with "
            "POST /monitoring/v1/reports",
        )
        return
    if licence is None or mineral is None:
        return
    licensed = standards.catalogue.lookup(licence.mineral)
    if licensed is None:
        same = licence.mineral.strip() in (mineral.zh, mineral.code)
    else:
        same = licensed == mineral or standard_zh(licensed) == standard_zh(mineral)
    if not same:
        reader.error(
            "mineral",
            f"licence {licence.licence_no} is an exploration licence for {licence.mineral}, "
            f"not {mineral.zh}: report {mineral.zh} under an exploration licence for it",
        )


def exploration_result_errors(
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
) -> list[FieldError]:
    """Every field error of an exploration result body (empty when it is valid)."""
    return _read_exploration(raw, standards, cst_date(today), licence)[1]


def parse_exploration_result(
    raw: object,
    *,
    standards: MonitoringStandards,
    today: date | datetime,
    licence: LicenceView | None = None,
) -> ExplorationResult:
    """An exploration result (``licence_no`` optional for staff, mineral by name or code)."""
    result, errors = _read_exploration(raw, standards, cst_date(today), licence)
    if result is None:
        raise InvalidExplorationResult(errors)
    return result


# --- project progress ------------------------------------------------------------------------


def _read_progress(
    project_id: str, raw: object, standards: MonitoringStandards, today: date
) -> tuple[ProjectProgress | None, list[FieldError]]:
    if not isinstance(raw, Mapping):
        return None, [FieldError("", "a progress report must be a JSON object")]
    errors: list[FieldError] = []
    reader = FieldReader(raw, errors)
    project = standards.project(project_id)
    if project is None:
        known = ", ".join(p.id for p in standards.projects) or "none"
        errors.append(
            FieldError("project_id", f"unknown project {shown(project_id)}; the plan's: {known}")
        )
    year = _year(reader, today)
    sheets: int | None = None
    area: Decimal | None = None
    site: str | None = None
    wanted: tuple[str, ...] = ()
    if project is not None and project.measure == "sheets":
        wanted = ("completed_sheets",)
        sheets = reader.integer("completed_sheets", required=True, maximum=SHEETS_MAX)
        if sheets is not None and sheets < 0:
            reader.error("completed_sheets", f"must not be negative, got {sheets}")
    elif project is not None and project.measure == "area":
        wanted = ("restored_area_ha", "site")
        area = reader.quantity("restored_area_ha", required=True, unit_hint=" ha")
        site = reader.text("site", max_length=NAME_MAX, required=True)
    if project is not None:
        for name in sorted(set(_PROGRESS_FIELDS) - {"year", *wanted}):
            if reader.given(name):
                reader.error(name, f"does not apply to project {project.id} ({project.name_zh})")
    reader.reject_unknown(_PROGRESS_FIELDS)
    if errors or year is None:
        return None, errors
    return ProjectProgress(project_id, year, sheets, area, site), []


def project_progress_errors(
    project_id: str, raw: object, *, standards: MonitoringStandards, today: date | datetime
) -> list[FieldError]:
    """Every field error of a project progress body (empty when it is valid)."""
    return _read_progress(project_id, raw, standards, cst_date(today))[1]


def parse_project_progress(
    project_id: str, raw: object, *, standards: MonitoringStandards, today: date | datetime
) -> ProjectProgress:
    """Progress of one of the plan's ``projects``: ``completed_sheets`` (int ≥ 0) for a
    project counted in sheets (geochem_survey), ``restored_area_ha`` (≥ 0) and ``site``
    for one counted in hectares (abandoned_mine_restoration)."""
    progress, errors = _read_progress(project_id, raw, standards, cst_date(today))
    if progress is None:
        raise InvalidProjectProgress(errors)
    return progress
