"""The cases in which a right may be granted without competition (协议出让), as data.

The check ``competitive_grant`` names them when a new mining application rests on neither
a grant nor an exploration licence, for the officer to confirm one in the review. Each
carries its source and ``verified: false``: the texts follow how the Ministry's rules are
commonly summarised; they were not checked against the official text here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True)
class AgreementBasis:
    """A case in which a right may be granted without competition (协议出让), as data with
    its source; ``verified``: whether the text was checked against the source here."""

    id: str
    zh: str
    en: str
    source: str
    verified: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "zh": self.zh,
            "en": self.en,
            "source": self.source,
            "verified": self.verified,
        }


_MINISTRY_RULES: Final = (
    "《自然资源部关于推进矿产资源管理改革若干事项的意见（试行）》（自然资规〔2019〕7号）及其后续"
    "规定，按通常表述整理，未核对官方原文 (the Ministry's 2019 opinions and the rules that "
    "followed them, as commonly summarised; not checked against the official text)"
)
AGREEMENT_BASES: Final[tuple[AgreementBasis, ...]] = (
    AgreementBasis(
        "key_project",
        "稀土、放射性矿产勘查开采项目或国务院批准的重点建设项目，向特定主体协议出让",
        "rare earth or radioactive mineral projects, or a key construction project the State "
        "Council approved: granted by agreement to a named party",
        _MINISTRY_RULES,
    ),
    AgreementBasis(
        "existing_mine_depth",
        "已设采矿权深部或上部的同类矿产，需利用原有生产系统进一步勘查开采，向同一主体协议出让",
        "the same kind of mineral beneath or above an existing mine, worked through its "
        "existing production system: granted by agreement to that mine's holder",
        _MINISTRY_RULES,
    ),
    AgreementBasis(
        "existing_mine_adjacent",
        "已设采矿权周边、零星分散的同类资源，符合规定条件的，向同一主体协议出让",
        "scattered resources of the same kind around an existing mine, under the conditions "
        "the rules set: granted by agreement to that mine's holder",
        _MINISTRY_RULES,
    ),
    AgreementBasis(
        "exploration_conversion",
        "探矿权人依法申请转为采矿权（探转采）：以 exploration_licence_no 申请，本检查即予核对",
        "an exploration right's holder converting it into a mining right (探转采): apply "
        "with exploration_licence_no and this check verifies it",
        "矿产资源法（2024年修订），条号未核对 (article not checked against the law's text)",
    ),
)
"""The cases of 协议出让 the review names; none was checked against its source here."""
