"""``POST /licensing/v1/province/decisions``: the province platform's signed callback.

HMAC-SHA256 over ``timestamp + "." + raw body`` with ``LODE_PROVINCE_SECRET``, a 300 s
window, constant-time comparison; a signature already seen is refused (401). A repeated
decision for an application already decided answers 200 and changes nothing.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import structlog
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from lode_common.errors import InvalidInput, Unauthorized, Unavailable
from lode_common.http import UoW
from lode_common.json_body import parse_json
from lode_common.limits import CODE_MAX, STRICT_BODY, TEXT_MAX
from lode_common.openapi import HandReadBody, problems, request_body
from lode_licensing.adapters.tables import ProvinceCallbackSeen
from lode_licensing.api.answers import ProvinceReceipt
from lode_licensing.api.deps import DAY_PATTERN, Service
from lode_licensing.domain.errors import SignatureRejected
from lode_licensing.domain.licence import cst_today
from lode_licensing.domain.province import verify_signature
from lode_licensing.domain.workflow import Decision
from lode_licensing.handlers import applications

router = APIRouter(prefix="/licensing/v1/province", tags=["province platform"])
log = structlog.get_logger(__name__)
APPLICATION_ID_MAX = 36
"""An application id is a UUID (the ``application.id`` column holds 36 characters)."""


class ProvinceDecision(BaseModel):
    """The province platform's decision on an application Lode forwarded. Read by
    :func:`~lode_licensing.domain.decision.parse_decision` from the signed bytes; this model
    publishes its shape."""

    model_config = STRICT_BODY

    application_id: str = Field(
        min_length=1, max_length=APPLICATION_ID_MAX, description="as Lode forwarded it"
    )
    decision: Decision
    licence_no: str | None = Field(
        None,
        min_length=1,
        max_length=CODE_MAX,
        description="required on approval: allocated upstream (统一配号), ^[CT][0-9]{22}$",
    )
    valid_from: str | None = Field(
        None, pattern=DAY_PATTERN, description="YYYY-MM-DD, required on approval"
    )
    valid_to: str | None = Field(
        None,
        pattern=DAY_PATTERN,
        description="YYYY-MM-DD, required on approval; not already past (China Standard Time)",
    )
    reason: str | None = Field(None, max_length=TEXT_MAX)


PROVINCE_DECISION = HandReadBody(
    "ProvinceDecision", ProvinceDecision, description="the decision, signed over these exact bytes"
)

SIGNED: dict[str, Any] = {
    **request_body(PROVINCE_DECISION),
    "parameters": [
        {
            "name": "X-Lode-Timestamp",
            "in": "header",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
            "description": "unix seconds; within the window (300 s) of Lode's clock",
        },
        {
            "name": "X-Lode-Signature",
            "in": "header",
            "required": True,
            "schema": {"type": "string", "pattern": "^sha256=[0-9a-fA-F]{64}$"},
            "description": 'sha256=<hex HMAC-SHA256(LODE_PROVINCE_SECRET, timestamp + "." + '
            "body)>; a signature already received is refused",
        },
    ],
    "security": [],
}


@router.post(
    "/decisions",
    summary="The province platform's decision (signed, no token)",
    response_model=ProvinceReceipt,
    responses=problems(404, 409, 503),
    openapi_extra=SIGNED,
)
async def decision_callback(request: Request, service: Service, uow: UoW) -> dict[str, Any]:
    secret = service.settings.province_secret
    if not secret:
        # The caller is not authenticated yet: it learns that the callback is not available,
        # not why (the operator reads the reason in the log).
        log.warning(
            "province callback refused: no province secret is configured "
            "(LODE_PROVINCE_SECRET), so callbacks cannot be verified"
        )
        raise Unavailable("The province callback is not available.", retry_after_s=300)
    raw = await request.body()
    try:
        verified = verify_signature(
            secret=secret,
            timestamp_header=request.headers.get("x-lode-timestamp"),
            signature_header=request.headers.get("x-lode-signature"),
            raw_body=raw,
            now=time.time(),
            window_seconds=service.settings.province_window_s,
        )
    except SignatureRejected as error:
        raise Unauthorized(
            f"The callback is refused ({error}); sign timestamp + '.' + body "
            "with HMAC-SHA256 and send it within the window."
        ) from None
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise InvalidInput.field("body", "send one decision object")
    application_id = body.get("application_id")
    if (
        not isinstance(application_id, str)
        or not application_id
        or len(application_id) > APPLICATION_ID_MAX
    ):
        raise InvalidInput.field(
            "application_id", "required: the id of the application Lode forwarded"
        )
    uow.session.add(ProvinceCallbackSeen(signature=verified.signature, seen_at=datetime.now(UTC)))
    try:
        await uow.session.flush()
    except IntegrityError:
        raise Unauthorized(
            "This signature was already received (a replay); a platform "
            "that retries signs again with a new timestamp."
        ) from None
    row, changed = await applications.decide(
        uow,
        application_id,
        body,
        rules=service.rules,
        actor="province-platform",
        role="province",
        by_province=True,
        today=cst_today(datetime.now(UTC)),
    )
    await uow.commit()
    return {
        "application_id": row.id,
        "status": row.status,
        "changed": changed,
        "licence_no": row.issued_licence_no,
    }
