"""Competitive granting (竞争性出让): what a new right rests on.

The revised mineral resources law grants exploration and mining rights by tender, auction
or listing (招标、拍卖、挂牌), with a grant contract (出让合同); a mining right may also
follow its holder's exploration (探矿权转采矿权, 探转采), and a few cases may be granted by
agreement (协议出让). The check ``competitive_grant`` applies to every ``new`` mining
application, and to a ``new`` exploration application that names a grant; never to a
grant's own reading (``Application.granting``: the grant procedure checks its 出让方案 with
the same rules).

* with ``grant_id``: pass when the grant is contracted (已签订出让合同), won by the
  applicant (its credit code), for the same right type and mineral, over the same area
  (within the setting ``grant_area_tolerance_pct``) and no licence was issued from it yet;
  fail naming each thing that does not hold;
* mining, with ``exploration_licence_no``: pass when that exploration licence is the
  applicant's, in force (active), of the same mineral, and the mining area lies within its
  area (the part outside within the same tolerance); fail naming what does not hold;
* mining with neither: review, naming the cases of 协议出让 (:data:`AGREEMENT_BASES`) for
  the officer to confirm one in the review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from ..application import Application
from ..vocabulary import RIGHT_TYPE_ZH
from .agreement_bases import AGREEMENT_BASES
from .area_match import difference_pct, outside_pct
from .context import CheckContext, ExplorationBasis, GrantBasis
from .result import CheckResult, fmt

COMPETITIVE_GRANT: Final = "competitive_grant"
COMPETITIVE_GRANT_CLAUSE: Final = (
    "《中华人民共和国矿产资源法》（2024年修订）第十七条至第二十一条"
    "（条号未核对法律原文 / article numbers not checked against the law's text）"
)
"""Where the law says rights are granted competitively. The article numbers are the ones
issue 16 cites; they were not checked against the law's text here, and every result's
details say so (``articles_verified: false``)."""
ARTICLES_VERIFIED: Final = False

METHOD_ZH: Final[Mapping[str, str]] = {"auction": "拍卖", "listing": "挂牌", "tender": "招标"}
STATUS_ZH: Final[Mapping[str, str]] = {
    "draft": "出让方案（未公告）",
    "announced": "已公告、交易中",
    "concluded": "已成交、未签订出让合同",
    "failed": "流拍",
    "contracted": "已签订出让合同",
    "cancelled": "已撤销",
}


def applies(application: Application) -> bool:
    """Every new mining application, and a new exploration application naming a grant; not
    a grant's own reading."""
    if application.granting or application.kind != "new":
        return False
    return application.right_type == "mining" or application.grant_id is not None


@dataclass(frozen=True)
class _Finding:
    zh: str
    en: str
    code: str


def _area_of(application: Application, context: CheckContext) -> Mapping[str, Any] | None:
    """The application's area in lon/lat: as zoning read it, else the geometry as sent when
    no other CRS is named (CRS84/EPSG:4490 coordinates)."""
    if context.spatial is not None and context.spatial.geometry is not None:
        return context.spatial.geometry
    area = application.area or {}
    geometry = area.get("geometry")
    if isinstance(geometry, Mapping) and not area.get("crs"):
        return geometry
    return None


def _grant_findings(
    application: Application, grant: GrantBasis, difference: Decimal | None, tolerance: Decimal
) -> list[_Finding]:
    found: list[_Finding] = []
    if grant.status != "contracted":
        zh = STATUS_ZH.get(grant.status, grant.status)
        found.append(
            _Finding(
                f"出让 {grant.grant_id} 状态为 {zh}（{grant.status}），须已签订出让合同",
                f"grant {grant.grant_id} is {grant.status}, not contracted (出让合同 signed)",
                "not_contracted",
            )
        )
    winner = grant.winner
    if winner is None:
        found.append(_Finding("出让尚无竞得人", "the grant has no winner", "no_winner"))
    elif winner.credit_code != application.applicant.credit_code:
        found.append(
            _Finding(
                f"竞得人为 {winner.name}（{winner.credit_code}），不是申请人",
                f"the grant was won by {winner.name} ({winner.credit_code}), not the applicant",
                "another_winner",
            )
        )
    if grant.right_type != application.right_type:
        found.append(
            _Finding(
                f"出让的是{RIGHT_TYPE_ZH[grant.right_type]}，申请的是"
                f"{RIGHT_TYPE_ZH[application.right_type]}",
                f"the grant is of a {grant.right_type} right, the application of a "
                f"{application.right_type} right",
                "another_right_type",
            )
        )
    if grant.mineral_zh not in application.mineral.names_zh:
        found.append(
            _Finding(
                f"出让矿种为{grant.mineral_zh}，申请矿种为{application.mineral.zh}",
                f"the grant is of {grant.mineral_zh}, the application of {application.mineral.zh}",
                "another_mineral",
            )
        )
    if difference is not None and difference > tolerance:
        found.append(
            _Finding(
                f"申请范围与出让范围相差 {fmt(difference)}%（容差 {fmt(tolerance)}%）",
                f"the area differs from the grant's by {fmt(difference)} % of it (tolerance "
                f"{fmt(tolerance)} %)",
                "another_area",
            )
        )
    if grant.licence_no is not None:
        found.append(
            _Finding(
                f"该出让已颁发许可证 {grant.licence_no}",
                f"licence {grant.licence_no} was already issued from this grant",
                "already_licensed",
            )
        )
    return found


def _grant_details(
    grant: GrantBasis | None, grant_id: str, difference: Decimal | None, tolerance: Decimal
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "basis": "grant",
        "grant_id": grant_id,
        "area_difference_pct": difference,
        "tolerance_pct": tolerance,
        "articles_verified": ARTICLES_VERIFIED,
    }
    if grant is not None:
        winner = grant.winner
        details |= {
            "status": grant.status,
            "right_type": grant.right_type,
            "mineral": grant.mineral_zh,
            "method": grant.method,
            "winner": {"name": winner.name, "credit_code": winner.credit_code} if winner else None,
            "price_cny_10k": grant.price_cny_10k,
            "signed_on": grant.signed_on.isoformat() if grant.signed_on else None,
            "contract_ref": grant.contract_ref,
            "licence_no": grant.licence_no,
        }
    return details


def _by_grant(application: Application, context: CheckContext, grant_id: str) -> CheckResult:
    grant, tolerance = context.grant, context.area_tolerance_pct
    if grant is None or grant.grant_id != grant_id:
        return CheckResult(
            COMPETITIVE_GRANT,
            "fail",
            f"登记簿中没有出让 {grant_id}",
            f"there is no grant {grant_id} in the registry",
            COMPETITIVE_GRANT_CLAUSE,
            _grant_details(None, grant_id, None, tolerance) | {"mismatches": ["unknown_grant"]},
        )
    difference = difference_pct(_area_of(application, context), grant.area)
    found = _grant_findings(application, grant, difference, tolerance)
    details = _grant_details(grant, grant_id, difference, tolerance)
    if found:
        return CheckResult(
            COMPETITIVE_GRANT,
            "fail",
            f"申请与出让 {grant_id} 不符：" + "；".join(f.zh for f in found),
            f"the application does not match grant {grant_id}: " + "; ".join(f.en for f in found),
            COMPETITIVE_GRANT_CLAUSE,
            details | {"mismatches": [f.code for f in found]},
        )
    if difference is None:
        return CheckResult(
            COMPETITIVE_GRANT,
            "review",
            f"出让 {grant_id} 的竞得人、矿种相符，但范围无法比对，请审查人员核对范围",
            f"grant {grant_id} matches winner and mineral, but the areas could not be "
            "compared: the officer compares them in the review",
            COMPETITIVE_GRANT_CLAUSE,
            details | {"mismatches": []},
        )
    method = METHOD_ZH.get(grant.method or "", grant.method or "")
    contract = grant.contract_ref or "（无合同编号）"
    signed = grant.signed_on.isoformat() if grant.signed_on else "?"
    return CheckResult(
        COMPETITIVE_GRANT,
        "pass",
        f"依出让 {grant_id}（{method}，{signed} 签订出让合同 {contract}）取得："
        f"竞得人、矿种、范围相符（相差 {fmt(difference)}%）",
        f"granted by grant {grant_id} ({grant.method}, contract {grant.contract_ref or '-'} "
        f"signed {signed}): winner, mineral and area match (difference {fmt(difference)} %)",
        COMPETITIVE_GRANT_CLAUSE,
        details | {"mismatches": []},
    )


def _exploration_findings(
    application: Application, basis: ExplorationBasis, outside: Decimal | None, tolerance: Decimal
) -> list[_Finding]:
    found: list[_Finding] = []
    if basis.holder.credit_code != application.applicant.credit_code:
        found.append(
            _Finding(
                f"探矿权人为 {basis.holder.name}（{basis.holder.credit_code}），不是申请人",
                f"the exploration licence is held by {basis.holder.name} "
                f"({basis.holder.credit_code}), not the applicant",
                "another_holder",
            )
        )
    if basis.status != "active":
        found.append(
            _Finding(
                f"勘查许可证状态为 {basis.status}，须有效（active）",
                f"the exploration licence is {basis.status}, not active",
                "not_in_force",
            )
        )
    if basis.mineral_zh not in application.mineral.names_zh:
        found.append(
            _Finding(
                f"勘查矿种为{basis.mineral_zh}，申请矿种为{application.mineral.zh}",
                f"the exploration licence is for {basis.mineral_zh}, the application for "
                f"{application.mineral.zh}",
                "another_mineral",
            )
        )
    if outside is not None and outside > tolerance:
        found.append(
            _Finding(
                f"采矿申请范围有 {fmt(outside)}% 位于勘查范围之外（容差 {fmt(tolerance)}%）",
                f"{fmt(outside)} % of the mining area lies outside the exploration area "
                f"(tolerance {fmt(tolerance)} %)",
                "outside_exploration_area",
            )
        )
    return found


def _by_exploration(
    application: Application, context: CheckContext, licence_no: str
) -> CheckResult:
    basis, tolerance = context.exploration, context.area_tolerance_pct
    details: dict[str, Any] = {
        "basis": "exploration_licence",
        "exploration_licence_no": licence_no,
        "tolerance_pct": tolerance,
        "articles_verified": ARTICLES_VERIFIED,
    }
    if basis is None or basis.licence_no != licence_no:
        return CheckResult(
            COMPETITIVE_GRANT,
            "fail",
            f"登记簿中没有勘查许可证 {licence_no}",
            f"there is no exploration licence {licence_no} in the registry",
            COMPETITIVE_GRANT_CLAUSE,
            details | {"mismatches": ["unknown_licence"]},
        )
    outside = outside_pct(_area_of(application, context), basis.area)
    found = _exploration_findings(application, basis, outside, tolerance)
    details |= {
        "holder": {"name": basis.holder.name, "credit_code": basis.holder.credit_code},
        "status": basis.status,
        "mineral": basis.mineral_zh,
        "outside_pct": outside,
        "mismatches": [f.code for f in found],
    }
    if found:
        return CheckResult(
            COMPETITIVE_GRANT,
            "fail",
            f"不能依勘查许可证 {licence_no} 转采：" + "；".join(f.zh for f in found),
            f"exploration licence {licence_no} does not support the conversion (探转采): "
            + "; ".join(f.en for f in found),
            COMPETITIVE_GRANT_CLAUSE,
            details,
        )
    if outside is None:
        return CheckResult(
            COMPETITIVE_GRANT,
            "review",
            f"勘查许可证 {licence_no} 的探矿权人、矿种相符，但范围无法比对，请审查人员核对",
            f"exploration licence {licence_no} matches holder and mineral, but the areas "
            "could not be compared: the officer compares them in the review",
            COMPETITIVE_GRANT_CLAUSE,
            details,
        )
    return CheckResult(
        COMPETITIVE_GRANT,
        "pass",
        f"探矿权人依勘查许可证 {licence_no} 转采（探转采）：探矿权人、矿种相符，"
        f"采矿范围位于勘查范围内（范围外 {fmt(outside)}%）",
        f"the holder converts exploration licence {licence_no} (探转采): holder and mineral "
        f"match, the mining area lies within the exploration area ({fmt(outside)} % outside)",
        COMPETITIVE_GRANT_CLAUSE,
        details,
    )


def _agreement_review() -> CheckResult:
    listed_zh = "；".join(f"{i}. {b.zh}" for i, b in enumerate(AGREEMENT_BASES, 1))
    return CheckResult(
        COMPETITIVE_GRANT,
        "review",
        "申请未载明出让（grant_id）或转采的勘查许可证（exploration_licence_no）。采矿权原则上"
        "以招标、拍卖、挂牌方式竞争性出让；请审查人员确认是否属于可协议出让的情形并在审查意见"
        f"中写明依据：{listed_zh}（以上情形未经核对原文）",
        "the application names neither a grant (grant_id) nor an exploration licence to "
        "convert (exploration_licence_no). A mining right is granted by tender, auction or "
        "listing unless a case of 协议出让 applies: the officer confirms one in the review "
        "and states it in the reason: "
        + "; ".join(f"{i}. {b.en}" for i, b in enumerate(AGREEMENT_BASES, 1))
        + " (none checked against its source here)",
        COMPETITIVE_GRANT_CLAUSE,
        {
            "basis": None,
            "agreement_bases": [b.as_dict() for b in AGREEMENT_BASES],
            "verified": False,
            "articles_verified": ARTICLES_VERIFIED,
        },
    )


def check_competitive_grant(application: Application, context: CheckContext) -> CheckResult:
    """The check ``competitive_grant`` of a new application (see the module docstring);
    call it only when :func:`applies`."""
    if application.grant_id is not None:
        return _by_grant(application, context, application.grant_id)
    if application.exploration_licence_no is not None:
        return _by_exploration(application, context, application.exploration_licence_no)
    return _agreement_review()
