"""What a new right rests on (取得矿业权的依据), as a new application names it.

A new right is granted competitively (竞争性出让: 招标、拍卖、挂牌, 矿产资源法（2024年修订）
第十七条至第二十一条 as issue 16 cites them) unless the law allows it otherwise (协议出让).
A ``new`` application says which basis it claims, at most one:

* ``grant_id``: the competitive grant (出让) it was won by: a new mining application, or a
  new exploration application;
* ``exploration_licence_no``: the applicant's own exploration licence over the area, for a
  mining right that follows its exploration (探矿权转采矿权, 探转采): a new mining
  application only.

Neither is the case the check ``competitive_grant`` sends to review (the bases of 协议出让).
Whether the named grant or licence exists is the service's question (a 422 at
submission); whether it fits the application is the check's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from lode_common.plan.standards import LicenceTerms

from .errors import FieldError
from .fields import shown
from .licence import licence_no_problem
from .vocabulary import ApplicationKind, RightType

GRANT_ID_MAX: Final = 36
"""A grant's id is the service's id of a row (``rights_grant.id``, 36 characters)."""
_ID: Final = re.compile(r"[A-Za-z0-9-]+")
"""The characters of an id, as the API's paths accept them."""


def grant_id_problem(value: Any) -> str | None:
    """What is wrong with a grant id as sent, or None when it reads as one."""
    if not isinstance(value, str):
        return f"expected the grant's id (text), got {shown(value)}"
    if not value or len(value) > GRANT_ID_MAX or not _ID.fullmatch(value):
        return (
            f"{shown(value)} is not a grant id: 1 to {GRANT_ID_MAX} letters, digits or "
            "hyphens (the id POST /licensing/v1/grants answered)"
        )
    return None


def parse_basis(
    data: Mapping[str, Any],
    right_type: RightType | None,
    kind: ApplicationKind | None,
    terms: LicenceTerms,
    errors: list[FieldError],
) -> tuple[str | None, str | None]:
    """``(grant_id, exploration_licence_no)`` of a body, each None when not given; every
    problem is appended to ``errors`` naming its field."""
    grant_id = data.get("grant_id")
    exploration_no = data.get("exploration_licence_no")
    if grant_id is not None:
        problem = grant_id_problem(grant_id)
        if kind is not None and kind != "new":
            problem = (
                f"only a new application rests on a grant (出让); a {kind} names its licence "
                "by licence_no"
            )
        if problem is not None:
            errors.append(FieldError("grant_id", problem))
            grant_id = None
    if exploration_no is not None:
        problem = _exploration_problem(exploration_no, right_type, kind, terms)
        if problem is not None:
            errors.append(FieldError("exploration_licence_no", problem))
            exploration_no = None
    if grant_id is not None and exploration_no is not None:
        errors.append(
            FieldError(
                "exploration_licence_no",
                "one basis only: a right granted by a grant (grant_id, 出让) or converted from "
                "the applicant's exploration licence (exploration_licence_no, 探转采), not both",
            )
        )
        return None, None
    return grant_id, exploration_no


def _exploration_problem(
    value: Any, right_type: RightType | None, kind: ApplicationKind | None, terms: LicenceTerms
) -> str | None:
    if kind is not None and kind != "new":
        return (
            "only a new mining application converts an exploration licence (探矿权转采矿权, "
            f"探转采); a {kind} names its licence by licence_no"
        )
    if right_type == "exploration":
        return (
            "an exploration application (探矿权) converts no exploration licence: only a new "
            "mining application does (探矿权转采矿权, 探转采)"
        )
    if not isinstance(value, str):
        return f"expected an exploration licence number (text), got {shown(value)}"
    return licence_no_problem(value, "exploration", terms)
