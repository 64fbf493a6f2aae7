"""The province exchange end to end, over real HTTP: Lode forwards to the simulator (which
fails the first attempts), the simulator calls back signed (twice), exactly one licence is
issued; forged, stale and replayed callbacks are refused."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from lode.doubles.province_sim import SimPolicy, create_sim_app
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.services import free_port
from lode_licensing.domain.province import sign

from ..province.servers import SECRET, serve
from .builders import block, granted, mining, problem, submit
from .conftest import open_system

pytestmark = pytest.mark.timeout(120)


async def test_forward_callback_and_one_licence(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    sim = create_sim_app(
        secret=SECRET,
        policy=SimPolicy(fail_first_n=2, duplicate_callbacks=True),
        callback_delay_s=0.1,
        callback_backoff_s=0.1,
    )
    lode_port = free_port()
    async with (
        serve(sim) as province_url,
        open_system(
            request,
            tmp_path,
            "sqlite",
            province_url=province_url,
            province_secret=SECRET,
            public_url=f"http://127.0.0.1:{lode_port}",
        ) as system,
    ):
        lic = system.licensing
        async with serve(lic.app, lode_port):
            await block(system.zoning)
            view = (await submit(lic, await granted(lic))).json()  # on a grant of its own
            assert view["verdict"] == "eligible"
            forwarded = await lic.client.post(
                f"/licensing/v1/applications/{view['id']}/forward",
                headers=lic.auth("licensing_officer"),
            )
            assert forwarded.json()["status"] == "forwarded"

            async def approved(lic: ServiceUnderTest = lic, view: dict[str, Any] = view) -> bool:
                r = await lic.client.get(
                    f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer")
                )
                return bool(r.json()["status"] == "approved")

            await eventually(approved, timeout_s=60, what="the province to approve the application")
            await sim.state.simulator.drain()
            final = (
                await lic.client.get(
                    f"/licensing/v1/applications/{view['id']}", headers=lic.auth("viewer")
                )
            ).json()
            assert final["forward"]["acknowledged"] is True
            assert final["attempts"] >= 2  # two 500s before the platform took it
            number = final["decision"]["licence_no"]
            assert number.startswith("C130881")
            licences = (
                await lic.client.get("/licensing/v1/licences", headers=lic.auth("viewer"))
            ).json()
            assert [i["licence_no"] for i in licences["items"]] == [number]
            issued = [t for t in await lic.types_published() if t.endswith("issued.v1")]
            assert len(issued) == 1, "a callback delivered twice issues one licence"
            async with httpx.AsyncClient() as platform:
                record = (await platform.get(f"{province_url}/applications/{view['id']}")).json()
            delivered = [d for d in record["callback"]["deliveries"] if d["status_code"] == 200]
            assert len(delivered) >= 2, "the platform called back twice"


async def callback(
    client: httpx.AsyncClient,
    body: Mapping[str, object],
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
) -> httpx.Response:
    raw = json.dumps(body).encode()
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    headers = {
        "X-Lode-Timestamp": stamp,
        "X-Lode-Signature": signature or sign(secret, stamp, raw),
        "content-type": "application/json",
    }
    return await client.post("/licensing/v1/province/decisions", content=raw, headers=headers)


async def test_forged_stale_and_replayed_callbacks_are_401(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async with open_system(request, tmp_path, "sqlite", province_secret=SECRET) as system:
        client = system.licensing.client
        body = {"application_id": "nope", "decision": "rejected", "reason": "x"}
        assert (
            "bad_signature"
            in problem(await callback(client, body, secret="wrong" * 8), 401)["detail"]
        )
        assert (
            "stale"
            in problem(await callback(client, body, timestamp=int(time.time()) - 301), 401)[
                "detail"
            ]
        )
        assert (
            "stale"
            in problem(await callback(client, body, timestamp=int(time.time()) + 301), 401)[
                "detail"
            ]
        )
        problem(await callback(client, body, signature="sha256=zz"), 401)
        stamp = int(time.time())
        first = await callback(client, body, timestamp=stamp)
        assert first.status_code == 404  # well signed, but no such application
        # a 404 is not remembered (nothing was committed), so the same call may come again
        again = await callback(client, body, timestamp=stamp)
        assert again.status_code == 404
        view = (await submit(system.licensing, mining())).json()
        good = {"application_id": view["id"], "decision": "rejected", "reason": "省厅不予批准"}
        stamp = int(time.time())
        ok = await callback(client, good, timestamp=stamp)
        assert ok.status_code == 409  # not forwarded: the workflow says so
        replay = await callback(client, good, timestamp=stamp)
        assert replay.status_code == 409  # refused transitions are not remembered either


async def test_a_replayed_signature_is_401_and_a_repeated_decision_changes_nothing(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async with open_system(
        request, tmp_path, "sqlite", province_secret=SECRET, province_url="http://127.0.0.1:9"
    ) as system:
        lic = system.licensing
        await block(system.zoning)
        view = (await submit(lic, await granted(lic))).json()  # on a grant of its own
        await lic.client.post(
            f"/licensing/v1/applications/{view['id']}/forward",
            headers=lic.auth("licensing_officer"),
        )
        decision = {
            "application_id": view["id"],
            "decision": "approved",
            "licence_no": "C1308812026017120000099",
            "valid_from": "2026-12-01",
            "valid_to": "2030-01-01",
            "reason": "同意",
        }
        stamp = int(time.time())
        first = await callback(lic.client, decision, timestamp=stamp)
        assert first.status_code == 200, first.text
        assert first.json()["changed"] is True
        assert (
            "replay"
            in problem(await callback(lic.client, decision, timestamp=stamp), 401)["detail"]
        )
        again = await callback(lic.client, decision, timestamp=stamp + 1)
        assert again.status_code == 200
        assert again.json()["changed"] is False
        issued = [t for t in await lic.types_published() if t.endswith("licence.issued.v1")]
        assert len(issued) == 1
