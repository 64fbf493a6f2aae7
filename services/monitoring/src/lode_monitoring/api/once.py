"""``Idempotency-Key`` on supervision's creating POSTs (lode_common.idempotency): the same
key and body answer the first answer again, committed with the write's effect."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lode_common import idempotency
from lode_common.auth import Principal
from lode_common.messaging.outbox import UnitOfWork


async def once(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    key: str | None,
    body: BaseModel,
    write: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
    show: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]] | None = None,
) -> JSONResponse:
    """Answer a retried request by its first answer, or run ``write`` (which stages its
    effect in ``uow`` and returns the status and what to keep) and commit it with the
    record. With ``show``, what is kept is a reference and the answer is ``show(kept)``,
    read after the commit (a rectification order as it stands now)."""
    checked = idempotency.checked_key(key)
    scope = f"{principal.subject}|{principal.enterprise or ''}"
    digest = idempotency.fingerprint(
        "POST",
        request.url.path,
        json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode(),
    )
    if checked is not None:
        earlier = await idempotency.replay(
            uow.session, scope=scope, key=checked, request_hash=digest
        )
        if earlier is not None:
            answer = earlier[1] if show is None else await show(earlier[1])
            return JSONResponse(answer, status_code=earlier[0])
    status, kept = await write()
    if checked is not None:
        idempotency.remember(
            uow.session,
            scope=scope,
            key=checked,
            request_hash=digest,
            status_code=status,
            response=kept,
        )
    await uow.commit()
    answer = kept if show is None else await show(kept)
    return JSONResponse(answer, status_code=status)
