"""The PDF's plan adjustments (规划调整情况) and conflicts (与规划冲突) sections, shared by the
annual report and the final evaluation (the same model parts, the same tables)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from . import text
from .model import Adjustments, Conflicts
from .pdf_layout import Styles, data_table, fractions, heading, paragraph


def adjustments(
    items: Adjustments, styles: Styles, title_zh: str, none_text: str
) -> list[Flowable]:
    story: list[Flowable] = [heading(title_zh, "Plan adjustments", styles.h1)]
    if items.none:
        story.append(paragraph(none_text, styles.body))
    for item in items.versions:
        meta = (
            f"批准文号 {item.approval_ref or text.DASH} · 批准日期 {text.day(item.approved_on)} · "
            f"发布日期 {text.day(item.published_on)} · 调整依据 {item.grounds_zh}"
        )
        compared = text.DASH if item.compared_with is None else str(item.compared_with)
        story.append(
            KeepTogether(
                [
                    heading(f"第 {item.version} 版", f"version {item.version}", styles.h2),
                    paragraph(meta, styles.body),
                    *([paragraph(f"调整理由：{item.reason}", styles.body)] if item.reason else []),
                    Spacer(1, 1.5 * mm),
                    data_table(
                        styles,
                        [("内容", "Section"), (f"变化（对比第 {compared} 版）", "Change")],
                        [[c.section_zh, c.label_zh] for c in item.changes],
                        fractions(1, 5),
                    ),
                ]
            )
        )
    if items.rejected:
        story.append(
            KeepTogether(
                [
                    heading("未获批准的调整方案", "Proposals rejected", styles.h2),
                    data_table(
                        styles,
                        [
                            ("方案编号", "Proposal"),
                            ("调整依据", "Grounds"),
                            ("调整理由", "Reason"),
                            ("不予批准日期", "Rejected on"),
                            ("不予批准理由", "Why"),
                        ],
                        [
                            [
                                r.proposal_id,
                                r.grounds_zh,
                                r.reason,
                                text.day(r.rejected_on),
                                r.rejection_reason or text.DASH,
                            ]
                            for r in items.rejected
                        ],
                        fractions(3, 1.2, 4, 1.4, 4),
                    ),
                ]
            )
        )
    return story


def conflicts(items: Conflicts, styles: Styles, title_zh: str) -> list[Flowable]:
    return [
        KeepTogether(
            [
                heading(title_zh, "Licences in conflict with the plan", styles.h1),
                paragraph(items.summary_zh, styles.body),
                Spacer(1, 1.5 * mm),
                data_table(
                    styles,
                    [
                        ("规则", "Rule"),
                        ("发现", "Detected"),
                        ("消除", "Resolved"),
                        ("期末尚存", "Open at end"),
                    ],
                    [
                        [c.rule_id, str(c.detected), str(c.resolved), str(c.open_at_end)]
                        for c in items.counts
                    ],
                    fractions(3, 1, 1, 1),
                    numeric=frozenset({1, 2, 3}),
                ),
            ]
        )
    ]
