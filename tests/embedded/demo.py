"""The embedded runtime with the demo data (SQLite, the in-process bus), shared by the stories
run on it: one system per session (``conftest.demo_lode``), its users, a demo licence, and
a free corner of Pingquan for a new block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from lode.embedded import embedded_secrets
from lode_common.auth import issue_token
from lode_common.testing import eventually
from lode_common.testing.examples import square
from lode_licensing.demo import demo_licences


class EmbeddedLode:
    def __init__(self, url: str, data_dir: Path) -> None:
        self.base = url
        self.data_dir = data_dir
        self.secret = embedded_secrets(data_dir).jwt_secret

    def url(self, service: str) -> str:
        return self.base

    def auth(self, *roles: str, user: str) -> dict[str, str]:
        token = issue_token(self.secret, user=user, roles=list(roles))
        return {"Authorization": f"Bearer {token}"}


async def demo_licence(http: httpx.AsyncClient, lode: EmbeddedLode) -> dict[str, Any]:
    """An active demo mining licence with its area, once the demo data has loaded."""
    officer = lode.auth("licensing_officer", user="officer-wang")

    async def loaded() -> dict[str, Any]:
        every = await http.get(f"{lode.base}/licensing/v1/licences", headers=officer)
        assert every.status_code == 200, every.text
        assert every.json()["total"] >= len(demo_licences()), "the demo is still loading"
        listed = await http.get(
            f"{lode.base}/licensing/v1/licences",
            params={"status": "active", "right_type": "mining", "limit": 100},
            headers=officer,
        )
        for item in listed.json()["items"]:
            view = await http.get(
                f"{lode.base}/licensing/v1/licences/{item['licence_no']}", headers=officer
            )
            if view.json().get("area"):
                return dict(view.json())
        raise AssertionError("no demo licence with an area")

    found: dict[str, Any] = await eventually(
        loaded, timeout_s=240, interval_s=2, what="the demo licences"
    )
    return found


async def free_site(http: httpx.AsyncClient, lode: EmbeddedLode) -> tuple[float, float]:
    """A corner inside Pingquan where a block of 0.02° touches no demo zone but the region's
    boundary and no licence, so the application there is eligible before the adjustment."""
    viewer = lode.auth("viewer", user="viewer-zhao")
    for step in range(200):
        lon, lat = 118.40 + 0.05 * (step % 16), 40.75 + 0.05 * (step // 16)
        answer = await http.post(
            f"{lode.base}/zoning/v1/analysis",
            json={"geometry": square(lon, lat, 0.02)},
            headers=viewer,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        inside = body["region"] and body["region"]["outside_ha"] == 0
        others = [z for z in body["zones"] if z["type"] != "administrative_boundary"]
        if inside and not others and not body["licences"]:
            return lon, lat
    raise AssertionError("no free site in the demo's Pingquan")
