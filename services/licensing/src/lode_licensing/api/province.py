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
from sqlalchemy.exc import IntegrityError

from lode_common.errors import InvalidInput, Unauthorized, Unavailable
from lode_common.http import Runtime
from lode_common.json_body import parse_json
from lode_licensing.adapters.tables import ProvinceCallbackSeen
from lode_licensing.api.deps import problem
from lode_licensing.domain.errors import LicensingError, SignatureRejected
from lode_licensing.domain.licence import cst_today
from lode_licensing.domain.province import verify_signature
from lode_licensing.handlers import applications
from lode_licensing.handlers.applications import UnknownApplication
from lode_licensing.handlers.licences import UnknownLicence
from lode_licensing.wiring import licensing_of

router = APIRouter(prefix="/licensing/v1/province", tags=["province platform"])
log = structlog.get_logger(__name__)
APPLICATION_ID_MAX = 36
"""An application id is a UUID (the ``application.id`` column holds 36 characters)."""


@router.post(
    "/decisions",
    summary="The province platform's decision (signed, no token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def decision_callback(request: Request, runtime: Runtime) -> dict[str, Any]:
    service = licensing_of(runtime)
    secret = service.province_secret
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
            window_seconds=service.province_window_s,
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
    async with runtime.uow() as uow:
        uow.session.add(
            ProvinceCallbackSeen(signature=verified.signature, seen_at=datetime.now(UTC))
        )
        try:
            await uow.session.flush()
        except IntegrityError:
            raise Unauthorized(
                "This signature was already received (a replay); a platform "
                "that retries signs again with a new timestamp."
            ) from None
        try:
            row, changed = await applications.decide(
                uow,
                application_id,
                body,
                actor="province-platform",
                role="province",
                by_province=True,
                today=cst_today(datetime.now(UTC)),
            )
            await uow.commit()
        except (LicensingError, UnknownApplication, UnknownLicence) as error:
            raise problem(error) from None
    return {
        "application_id": row.id,
        "status": row.status,
        "changed": changed,
        "licence_no": row.issued_licence_no,
    }
