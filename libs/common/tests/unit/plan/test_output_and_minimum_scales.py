"""The plan's output indicators say what they count; the standards hold the minimum scales."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lode_common.plan.data import bundled_documents, bundled_raw_document
from lode_common.plan.document import load_plan_document
from lode_common.plan.issues import PlanDocumentInvalid
from lode_common.plan.output import LEGACY_COUNTS, ReportedProduct, output_indicators


def _indicator(indicator_id: str):  # type: ignore[no-untyped-def]
    return next(o for o in output_indicators(bundled_documents()) if o.id == indicator_id)


def test_iron_concentrate_counts_only_concentrate_at_62_percent_or_above() -> None:
    iron = _indicator("iron_concentrate_output")
    products = [
        ReportedProduct("铁精粉", Decimal(62), Decimal("10.5")),
        ReportedProduct("铁精粉", Decimal("61.99"), Decimal(7)),
        ReportedProduct("铁精粉", None, Decimal(3)),
        ReportedProduct("尾矿砂", None, Decimal(40)),
    ]
    assert iron.amount(Decimal(90), products) == Decimal("10.5")
    assert iron.amount(Decimal(90), []) == Decimal(0)


def test_building_stone_counts_ore_mined_of_every_building_stone_mineral() -> None:
    stone = _indicator("building_stone_output")
    standards = bundled_documents().standards
    for name in ("建筑石料", "砂石土", "建筑石料用灰岩"):
        assert stone.covers(standards.mineral(name), standards), name
    assert not stone.covers(standards.mineral("水泥用灰岩"), standards)
    assert stone.amount(Decimal("12.5"), []) == Decimal("12.5")


def test_iron_covers_what_is_treated_as_iron() -> None:
    iron = _indicator("iron_concentrate_output")
    standards = bundled_documents().standards
    assert iron.covers(standards.mineral("超贫磁铁矿"), standards)
    assert not iron.covers(standards.mineral("铜矿"), standards)
    assert not iron.covers(None, standards)


def test_a_version_published_before_counts_existed_reads_as_it_meant() -> None:
    raw = bundled_raw_document()
    for item in raw["indicators"]["items"]:
        item.pop("counts", None)
    read = {o.id: o.counts for o in output_indicators(load_plan_document(raw))}
    assert read == dict(LEGACY_COUNTS)


@pytest.mark.parametrize(
    ("counts", "path"),
    [
        ({"quantity": "ore_mined"}, "counts"),
        ({"groups": ["building_stone"], "quantity": "product"}, "counts"),
        ({"minerals_zh": ["铁矿"], "quantity": "ore_mined", "min_grade_pct": 62}, "counts"),
        ({"minerals_zh": ["金刚石"], "quantity": "ore_mined"}, "counts.minerals_zh"),
    ],
)
def test_an_incomplete_or_unknown_count_is_refused_naming_it(counts: dict, path: str) -> None:
    raw = bundled_raw_document()
    raw["indicators"]["items"][2]["counts"] = counts
    with pytest.raises(PlanDocumentInvalid) as caught:
        load_plan_document(raw)
    paths = [issue.path for issue in caught.value.issues]
    assert f"indicators.items[2].{path}" in paths, caught.value


def test_every_minimum_scale_has_its_source_and_confidence() -> None:
    table = bundled_documents().standards.minimum_scales
    assert table is not None
    verified = {(r.mineral_zh, r.method) for r in table.items if r.confidence == "verified"}
    assert verified == {("铁矿", "underground"), ("金矿", "open_pit"), ("金矿", "underground")}
    assert all(r.source for r in table.items)


def test_the_row_for_a_method_wins_over_the_minerals_any_row() -> None:
    table = bundled_documents().standards.minimum_scales
    assert table is not None
    assert table.of(["铁矿"], "underground").minimum == 10  # type: ignore[union-attr]
    assert table.of(["铁矿"], "open_pit").minimum == 30  # type: ignore[union-attr]
    assert table.of(["萤石"], "underground").method == "any"  # type: ignore[union-attr]
    assert table.of(["超贫磁铁矿", "铁矿"], "underground").mineral_zh == "铁矿"  # type: ignore[union-attr]
    assert table.of(["矿泉水"], None) is None


def test_a_duplicate_or_unknown_minimum_scale_row_is_refused() -> None:
    raw = bundled_raw_document()
    rows = raw["standards"]["minimum_scales"]["items"]
    rows.append(dict(rows[4]))
    rows.append({**rows[4], "mineral_zh": "金刚石"})
    with pytest.raises(PlanDocumentInvalid) as caught:
        load_plan_document(raw)
    paths = [i.path for i in caught.value.issues]
    n = len(rows)
    assert f"standards.minimum_scales.items[{n - 2}]" in paths
    assert f"standards.minimum_scales.items[{n - 1}].mineral_zh" in paths


def test_uncertain_figures_say_so_as_data() -> None:
    standards = bundled_documents().standards
    assert standards.min_service_years_by_scale.confidence == "unverified"
    assert standards.licence_terms.exploration_years_confidence == "unverified"
    for name in ("建筑石料", "砂石土", "砂金"):
        entry = standards.mineral(name)
        assert entry is not None
        assert entry.density_t_per_m3 is not None
        assert entry.density_confidence == "unverified"
        assert entry.density_source
