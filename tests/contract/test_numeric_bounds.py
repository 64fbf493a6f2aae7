"""Every integer a caller can put in a query or a path has bounds the API states, so a huge
or negative number is a 422 naming the parameter, never a driver error answered 500.

Generated from the routes of the four apps (as the authorization matrix is), so a new
parameter cannot be forgotten: either its declaration carries ``le``/``lt`` (and the
OpenAPI document shows it), or it is listed in ``CHECKED_IN_CODE`` with where it is checked.
Then each GET route is called on the running embedded system with numbers past 64 bits.
"""

from __future__ import annotations

import tempfile
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import annotated_types
import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from lode.embedded import EmbeddedSystem

Param = tuple[str, str, str]  # (method path, where, name)

CHECKED_IN_CODE: dict[Param, str] = {
    ("GET /reporting/v1/indicators", "query", "year"): "must lie in the plan's period",
    ("GET /reporting/v1/indicators/{indicator_id}/sources", "query", "year"): (
        "must lie in the plan's period"
    ),
    ("GET /reporting/v1/annual-report/{year}", "path", "year"): "must lie in the plan's period",
}


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(arg is int for arg in get_args(annotation))
    return False


def _has_upper_bound(metadata: list[Any]) -> bool:
    return any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in metadata)


def _integer_params() -> dict[Param, bool]:
    with tempfile.TemporaryDirectory(prefix="lode-bounds-") as tmp:
        apps = EmbeddedSystem(data_dir=Path(tmp), demo=False, port=0).apps
        found: dict[Param, bool] = {}
        for app in apps.values():
            for context in iter_route_contexts(app.routes):
                if not isinstance(context.original_route, APIRoute):
                    continue
                dependant = context.dependant
                for where, params in (
                    ("query", dependant.query_params),
                    ("path", dependant.path_params),
                ):
                    for param in params:
                        if not _is_int(param.field_info.annotation):
                            continue
                        for method in sorted(context.methods or ()):
                            key = (f"{method} {context.path}", where, param.alias)
                            found[key] = _has_upper_bound(param.field_info.metadata)
        return found


INTEGER_PARAMS = _integer_params()


def test_the_routes_take_integer_parameters() -> None:
    assert len(INTEGER_PARAMS) >= 5, INTEGER_PARAMS  # the generator sees them


@pytest.mark.parametrize("param", sorted(INTEGER_PARAMS), ids=lambda p: " ".join(p))
def test_every_integer_parameter_is_bounded(param: Param) -> None:
    assert INTEGER_PARAMS[param] or param in CHECKED_IN_CODE, (
        f"{param}: declare an upper bound (Query(le=...), see lode_common.http.MAX_INT32 and "
        "MAX_OFFSET) or list it in CHECKED_IN_CODE with where it is checked"
    )


def test_the_code_checked_list_names_only_real_parameters() -> None:
    assert set(CHECKED_IN_CODE) <= set(INTEGER_PARAMS)


@pytest.fixture(scope="module")
async def lode(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EmbeddedSystem]:
    system = EmbeddedSystem(
        data_dir=tmp_path_factory.mktemp("lode-bounds"),
        port=0,
        demo=False,
        environment="development",
        province_url="",
        log_json=False,
        log_level="WARNING",
    )
    await system.start()
    try:
        yield system
    finally:
        await system.stop()


HUGE = (2**70, -(2**70), 2**31, -1)


@pytest.mark.parametrize(
    "param",
    sorted(p for p in INTEGER_PARAMS if p[0].startswith("GET ") and p[1] == "query"),
    ids=lambda p: " ".join(p),
)
async def test_a_huge_or_negative_number_is_refused_or_answered_never_a_5xx(
    lode: EmbeddedSystem, param: Param
) -> None:
    route, _, name = param
    path = route.removeprefix("GET ")
    path = path.replace("{plan_id}", "pingquan-2021-2025").replace("{indicator_id}", "x")
    path = path.replace("{zone_id}", "00000000-0000-4000-8000-000000000000")
    headers = {"Authorization": f"Bearer {lode.secrets.admin_token}"}
    # through the embedded front door, which routes /public/ to reporting as the proxy does
    transport = httpx.ASGITransport(app=lode.asgi())
    async with httpx.AsyncClient(transport=transport, base_url="http://lode.test") as client:
        for number in HUGE:
            answer = await client.get(path, params={name: number}, headers=headers)
            assert answer.status_code < 500, (number, answer.text[:300])
            if number in (2**70, -(2**70)) and answer.status_code == 422:
                assert name in answer.text, answer.text[:300]
