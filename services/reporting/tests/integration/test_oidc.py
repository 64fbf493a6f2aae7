"""Signing in through an OpenID Connect provider, end to end against a real one on the
loopback: ``oidc-provider-mock`` (PyPI), a Flask app on authlib that publishes a discovery
document and RS256 keys, shows a sign-in form and answers the token endpoint.

The browser's part is played with httpx as an officer would: the workbench's link to
``/reporting/v1/session/oidc``, the provider's form submitted, the provider's redirect back
to the callback. What this provider cannot show: it registers authlib's authorization-code
grant without the PKCE extension (``CodeChallenge``) and does not keep the challenge, so it
would also hand out tokens for a code sent without (or with a wrong) ``code_verifier``; and
its version 0.3 (the last for Python 3.11) takes confidential clients only, so the tests
configure a client secret. Lode's half of PKCE is checked here instead, on the wire: the
authorization request carries an S256 challenge and the code exchange the verifier that
hashes to it.
"""

from __future__ import annotations

import base64
import hashlib
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

with warnings.catch_warnings():  # authlib's deprecations of its own modules, inside the mock
    import authlib.deprecate  # noqa: F401 - it sets "always" for its warnings: ignore them after

    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS, service_on
from lode_reporting.accounts.oidc import OidcProvider
from lode_reporting.bootstrap import build
from lode_reporting.settings import ReportingSettings
from services.reporting.tests.integration.staff import (
    audit_entries,
    browser,
    create_account,
    parts,
    quick,
)

pytestmark = pytest.mark.filterwarnings(
    # the provider (0.3, on authlib 1.9) calls an authlib API authlib deprecates, in its thread
    "ignore:get_jwt_config:DeprecationWarning"
)

SESSION = "/reporting/v1/session"
HTML = {"Accept": "text/html,application/xhtml+xml"}
SECRET = "s3cret/with:odd&chars"
"""The client secret (this provider takes any; version 0.3 has no public clients)."""


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """The provider, on a free loopback port, for the module's tests."""
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


class Recording(httpx.AsyncBaseTransport):
    """The real network, with every request Lode sends to the provider kept for a look."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Kept open across the provider's short-lived clients; closed by the test."""


@asynccontextmanager
async def oidc_service(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, **settings: Any
) -> AsyncIterator[ServiceUnderTest]:
    async with service_on(
        build,
        ReportingSettings,
        request,
        tmp_path,
        backend,
        stream_poll_s=30.0,
        oidc_client_id="lode-workbench",
        oidc_client_secret=SECRET,
        **settings,
    ) as service:
        quick(service)
        yield service


async def set_user(issuer: str, sub: str, **claims: Any) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.put(f"{issuer}/users/{sub}", json=claims)
        assert answer.status_code == 204


def _with(url: str, **changed: str) -> str:
    parts_ = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts_.query).items()}
    return urlunsplit(parts_._replace(query=urlencode({**query, **changed})))


async def at_provider(location: str, sub: str, *, deny: bool = False) -> str:
    """The officer at the provider: the sign-in form shown, then submitted; where the
    provider sends the browser back."""
    async with httpx.AsyncClient() as outside:
        form = await outside.get(location)
        assert form.status_code == 200, form.text
        assert 'name="sub"' in form.text
        answer = await outside.post(location, data={"action": "deny"} if deny else {"sub": sub})
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]


@dataclass
class Round:
    """One sign-in through the provider: where Lode sent the browser, where the provider
    sent it back, and the callback's answer."""

    authorization: str
    callback: str
    answer: httpx.Response

    def sent(self, name: str) -> str:
        return parse_qs(urlsplit(self.authorization).query)[name][0]


async def go(
    officer: httpx.AsyncClient,
    sub: str,
    *,
    return_to: str | None = None,
    headers: dict[str, str] | None = None,
    tamper: dict[str, str] | None = None,
) -> Round:
    """The whole round: the workbench's link, the provider, the callback's answer."""
    params = {"return_to": return_to} if return_to else {}
    started = await officer.get(f"{SESSION}/oidc", params=params, headers=HTML)
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    if tamper:
        location = _with(location, **tamper)
    back = await at_provider(location, sub)
    answer = await officer.get(back, headers=HTML if headers is None else headers)
    return Round(location, back, answer)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_officer_signs_in_through_the_provider_with_pkce(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, issuer: str
) -> None:
    async with oidc_service(request, tmp_path, backend, oidc_issuer=issuer) as svc:
        recording = Recording()
        parts(svc).oidc = OidcProvider(
            issuer=issuer,
            client_id="lode-workbench",
            client_secret=SECRET,
            scopes="openid profile email",
            transport=recording,
        )
        providers = await svc.client.get(f"{SESSION}/providers")
        assert providers.json()["oidc"] == {
            "enabled": True,
            "display_name": "统一身份认证 / Single sign-on",
            "start": f"{SESSION}/oidc",
        }
        await create_account(svc, "zhang.san", "inspector", password=None, display_name="张三")
        await set_user(issuer, "u-1001", preferred_username="Zhang.San", name="张三")
        async with browser(svc) as officer:
            done = await go(officer, "u-1001", return_to="/workbench/findings?status=open")
            assert done.answer.status_code == 303, done.answer.text
            assert done.answer.headers["location"] == "/workbench/findings?status=open"
            cookie = done.answer.headers["set-cookie"].lower()
            assert "httponly" in cookie
            assert "samesite=strict" in cookie
            token = await officer.post(f"{SESSION}/token")
            assert token.status_code == 200, token.text
            assert token.json()["user"]["roles"] == ["inspector"]  # the local account's
            assert token.json()["session"]["via"] == "oidc"
            # the provider's redirect, used once, cannot be used again
            replayed = await officer.get(done.callback)
            assert replayed.status_code == 400
            assert replayed.json()["code"] == "oidc_state"
        await recording.inner.aclose()
        assert done.sent("code_challenge_method") == "S256"
        assert done.sent("redirect_uri") == "http://lode.test/reporting/v1/session/oidc/callback"
        assert "openid" in done.sent("scope").split()
        exchange = next(r for r in recording.requests if r.url.path.endswith("/oauth2/token"))
        form = parse_qs(exchange.content.decode())
        assert form["grant_type"] == ["authorization_code"]
        assert form["client_id"] == ["lode-workbench"]
        assert "client_secret" not in form  # HTTP Basic, each part form-encoded first
        assert exchange.headers["authorization"] == "Basic " + base64.b64encode(
            b"lode-workbench:s3cret%2Fwith%3Aodd%26chars"
        ).decode("ascii")
        verifier = form["code_verifier"][0]
        assert 43 <= len(verifier) <= 128
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        assert challenge.rstrip(b"=").decode() == done.sent("code_challenge")  # RFC 7636 4.2
        entries = [e for e in await audit_entries(svc) if e["actor"] == "zhang.san"]
        assert [e["action"] for e in entries] == ["GET /reporting/v1/session/oidc/callback"]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_forged_used_or_expired_state_is_refused(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, issuer: str
) -> None:
    async with oidc_service(request, tmp_path, backend, oidc_issuer=issuer) as svc:
        await create_account(svc, "li.si", "viewer", password=None)
        await set_user(issuer, "u-2002", preferred_username="li.si")
        async with browser(svc) as officer:
            forged = await officer.get(
                f"{SESSION}/oidc/callback", params={"code": "x", "state": "forged"}
            )
            assert forged.status_code == 400
            assert forged.headers["content-type"] == "application/problem+json"
            assert forged.json()["code"] == "oidc_state"
            for_a_browser = await officer.get(
                f"{SESSION}/oidc/callback", params={"code": "x", "state": "forged"}, headers=HTML
            )
            assert for_a_browser.status_code == 303
            assert for_a_browser.headers["location"] == "/workbench/#/login?error=oidc_state"
            assert "set-cookie" not in for_a_browser.headers
            no_state = await officer.get(f"{SESSION}/oidc/callback", params={"code": "x"})
            assert no_state.json()["code"] == "oidc_state"
            done = await go(officer, "u-2002")
            assert done.answer.status_code == 303
            assert done.answer.headers["location"] == "/workbench/"
            used = await officer.get(done.callback, headers=HTML)
            assert used.headers["location"] == "/workbench/#/login?error=oidc_state"
            # a sign-in left at the provider for more than ten minutes
            started = await officer.get(f"{SESSION}/oidc", headers=HTML)
            back = await at_provider(started.headers["location"], "u-2002")
            parts(svc).clock.move(minutes=11)  # type: ignore[attr-defined]
            late = await officer.get(back)
            assert late.status_code == 400
            assert "expired" in late.json()["detail"]


async def test_an_id_token_for_another_nonce_is_refused(
    request: pytest.FixtureRequest, tmp_path: Path, issuer: str
) -> None:
    async with oidc_service(request, tmp_path, "sqlite", oidc_issuer=issuer) as svc:
        await create_account(svc, "wang.wu", "viewer", password=None)
        await set_user(issuer, "u-3003", preferred_username="wang.wu")
        async with browser(svc) as officer:
            # the authorization request changed on its way (an ID token of another sign-in)
            done = await go(officer, "u-3003", tamper={"nonce": "n" * 43}, headers={})
            assert done.answer.status_code == 401
            assert done.answer.json()["code"] == "oidc_token"
            assert "nonce" in done.answer.json()["detail"]
            assert (await officer.post(f"{SESSION}/token")).status_code == 401


async def test_a_verifier_other_than_the_sign_ins_own_is_never_sent(
    request: pytest.FixtureRequest, tmp_path: Path, issuer: str
) -> None:
    """Two sign-ins at once: each code is exchanged with its own sign-in's verifier, kept
    server-side (the browser never holds it), so a code carried to another sign-in's
    callback goes with the wrong verifier and a nonce that does not match."""
    async with oidc_service(request, tmp_path, "sqlite", oidc_issuer=issuer) as svc:
        await create_account(svc, "zhao.liu", "viewer", password=None)
        await set_user(issuer, "u-4004", preferred_username="zhao.liu")
        async with browser(svc) as officer:
            first = await officer.get(f"{SESSION}/oidc", headers=HTML)
            second = await officer.get(f"{SESSION}/oidc", headers=HTML)
            back = await at_provider(first.headers["location"], "u-4004")
            code = parse_qs(urlsplit(back).query)["code"][0]
            state = parse_qs(urlsplit(second.headers["location"]).query)["state"][0]
            crossed = await officer.get(
                f"{SESSION}/oidc/callback", params={"code": code, "state": state}
            )
            assert crossed.status_code == 401
            assert crossed.json()["code"] == "oidc_token"


async def test_without_a_local_account_the_officer_is_sent_to_an_administrator(
    request: pytest.FixtureRequest, tmp_path: Path, issuer: str
) -> None:
    async with oidc_service(request, tmp_path, "sqlite", oidc_issuer=issuer) as svc:
        await set_user(issuer, "u-5005", preferred_username="sun.qi")
        await set_user(issuer, "u-5006", preferred_username="bad name!")
        await create_account(svc, "zhou.ba", "viewer", password=None)
        await svc.client.patch(
            "/reporting/v1/accounts/zhou.ba",
            json={"disabled": True},
            headers=svc.auth("admin-token"),
        )
        await set_user(issuer, "u-5007", preferred_username="zhou.ba")
        async with browser(svc) as officer:
            missing = await go(officer, "u-5005", headers={})
            assert missing.answer.status_code == 403
            assert missing.answer.json()["code"] == "oidc_account"
            assert "administrator" in missing.answer.json()["detail"]
            unusable = await go(officer, "u-5006")
            assert unusable.answer.headers["location"] == "/workbench/#/login?error=oidc_account"
            disabled = await go(officer, "u-5007", headers={})
            assert disabled.answer.json()["code"] == "oidc_account"
            assert "disabled" in disabled.answer.json()["detail"]
        listed = await svc.client.get("/reporting/v1/accounts", headers=svc.auth("admin-token"))
        assert [a["username"] for a in listed.json()["items"]] == ["zhou.ba"]


async def test_with_a_roles_claim_a_missing_account_is_made_from_its_staff_roles(
    request: pytest.FixtureRequest, tmp_path: Path, issuer: str
) -> None:
    async with oidc_service(
        request, tmp_path, "sqlite", oidc_issuer=issuer, oidc_roles_claim="lode_roles"
    ) as svc:
        await set_user(
            issuer,
            "u-6006",
            preferred_username="chen.er",
            name="陈二",
            lode_roles=["inspector", "mine", "superuser"],
        )
        await set_user(issuer, "u-6007", preferred_username="lin.xi", lode_roles=["mine"])
        async with browser(svc) as officer:
            done = await go(officer, "u-6006")
            assert done.answer.status_code == 303
            token = await officer.post(f"{SESSION}/token")
            assert token.json()["user"] == {
                "username": "chen.er",
                "display_name": "陈二",
                "roles": ["inspector"],
            }
            refused = await go(officer, "u-6007", headers={})
            assert refused.answer.status_code == 403
            assert "no staff role" in refused.answer.json()["detail"]
        account = await svc.client.get(
            "/reporting/v1/accounts/chen.er", headers=svc.auth("admin-token")
        )
        assert account.json()["created_by"] == "oidc"
        assert account.json()["has_password"] is False
        made = [e for e in await audit_entries(svc) if '"staff_account"' in e["subject"]]
        assert made[0]["actor"] == "chen.er"


async def test_the_officer_declining_at_the_provider_is_a_refusal_not_an_error(
    request: pytest.FixtureRequest, tmp_path: Path, issuer: str
) -> None:
    async with (
        oidc_service(request, tmp_path, "sqlite", oidc_issuer=issuer) as svc,
        browser(svc) as officer,
    ):
        started = await officer.get(f"{SESSION}/oidc", headers=HTML)
        back = await at_provider(started.headers["location"], "", deny=True)
        assert "error=access_denied" in back
        declined = await officer.get(back)
        assert declined.status_code == 401
        assert declined.json()["code"] == "oidc_refused"


async def test_where_a_sign_in_may_return_and_when_the_provider_is_away(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async with oidc_service(
        request,
        tmp_path,
        "sqlite",
        oidc_issuer="http://127.0.0.1:9",  # nothing listens
    ) as svc:
        for path in ("https://evil.example/workbench/", "//evil.example/", "/public/"):
            refused = await svc.client.get(f"{SESSION}/oidc", params={"return_to": path})
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["field"] == "return_to"
        for params in (
            {"return_to": "/workbench/" + "x" * 500},
            {"return_to": "/workbench/\u202e"},
        ):
            refused = await svc.client.get(f"{SESSION}/oidc", params=params)
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["field"].split(".")[-1] == "return_to"
        for params in ({"state": "s" * 2001}, {"code": "c" * 2001}, {"state": "a\x00b"}):
            hostile = await svc.client.get(f"{SESSION}/oidc/callback", params=params)
            assert hostile.status_code == 422, hostile.text
        for params in ({"state": "\u202eforged"}, {"state": "../../x", "code": "%"}):
            unknown = await svc.client.get(f"{SESSION}/oidc/callback", params=params)
            assert unknown.status_code == 400
            assert unknown.json()["code"] == "oidc_state"
        away = await svc.client.get(f"{SESSION}/oidc")
        assert away.status_code == 503
        assert away.json()["code"] == "oidc_unavailable"
        for_a_browser = await svc.client.get(f"{SESSION}/oidc", headers=HTML)
        assert for_a_browser.headers["location"] == "/workbench/#/login?error=oidc_unavailable"


async def test_without_a_provider_configured_oidc_is_off(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async with oidc_service(request, tmp_path, "sqlite") as svc:
        providers = await svc.client.get(f"{SESSION}/providers")
        assert providers.json() == {
            "password": {"enabled": True, "min_length": 10},
            "oidc": {"enabled": False, "display_name": None, "start": None},
        }
        off = await svc.client.get(f"{SESSION}/oidc")
        assert off.status_code == 404
        assert "LODE_OIDC_ISSUER" in off.json()["detail"]
        callback = await svc.client.get(f"{SESSION}/oidc/callback", params={"state": "x"})
        assert callback.status_code == 404
