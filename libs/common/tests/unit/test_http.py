"""The HTTP side every service shares, driven through a real runtime and its lifespan."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from lode_common import api_docs, auth
from lode_common.events.catalog import ApplicationForwarded
from lode_common.http import with_security_headers
from lode_common.messaging.transport import Message
from lode_common.testing import eventually

from .conftest import Service, running_service
from .support import ADMIN_TOKEN

PROBLEM_KEYS = {"type", "title", "status", "detail"}
WEB = Path(__file__).resolve().parents[2] / "web"  # libs/common/web: the docs' npm assets


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert str(body["type"]).startswith("https://lode.example/problems/")
    assert body["detail"]
    return body


async def test_health_answers_without_a_token(service: Service) -> None:
    response = await service.client.get("/zoning/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "zoning"}


async def test_openapi_and_docs_are_served_without_a_token(service: Service) -> None:
    response = await service.client.get("/zoning/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "zoning (unit)"
    assert {"/zoning/health", "/zoning/v1/admin/outbox", "/zoning/v1/probe"} <= set(
        document["paths"]
    )
    assert (await service.client.get("/zoning/docs")).status_code == 200


async def test_metrics_count_requests_by_route_and_status(service: Service) -> None:
    for _ in range(3):
        await service.client.get("/zoning/health")
    await service.client.get("/zoning/nowhere")
    response = await service.client.get("/zoning/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'lode_http_requests_total{method="GET",route="/zoning/health",service="zoning",'
        'status="200"} 3.0'
    ) in text
    assert 'route="unmatched",service="zoning",status="404"} 1.0' in text
    assert "lode_http_request_duration_seconds_bucket" in text
    assert "lode_outbox_backlog" in text


@pytest.mark.parametrize(
    ("method", "path", "admin_status"),
    [
        ("GET", "/zoning/v1/admin/outbox", 200),
        ("GET", "/zoning/v1/admin/dead-letters", 200),
        ("POST", "/zoning/v1/admin/dead-letters/1/redrive", 404),  # nothing parked yet
    ],
)
async def test_admin_endpoints_need_the_admin_role(
    service: Service, method: str, path: str, admin_status: int
) -> None:
    anonymous = await service.client.request(method, path)
    body = assert_problem(anonymous, 401)
    assert "Authorization: Bearer" in str(body["detail"])
    assert anonymous.headers["www-authenticate"].startswith("Bearer")

    bad = await service.client.request(method, path, headers=service.headers("not-a-token"))
    assert_problem(bad, 401)

    viewer = await service.client.request(
        method, path, headers=service.headers(service.jwt(auth.VIEWER))
    )
    body = assert_problem(viewer, 403)
    assert "admin" in str(body["detail"])

    admin = await service.client.request(method, path, headers=service.headers(ADMIN_TOKEN))
    assert admin.status_code == admin_status


async def test_admin_outbox_reports_the_backlog(service: Service) -> None:
    admin = service.headers(ADMIN_TOKEN)
    response = await service.client.get("/zoning/v1/admin/outbox", headers=admin)
    assert response.json() == {"service": "zoning", "unsent": 0, "oldest_age_s": 0.0}
    admin_jwt = service.headers(service.jwt(auth.ADMIN))
    assert (await service.client.get("/zoning/v1/admin/outbox", headers=admin_jwt)).json()[
        "service"
    ] == "zoning"


async def test_redriving_an_unknown_dead_letter_is_a_404_problem(service: Service) -> None:
    response = await service.client.post(
        "/zoning/v1/admin/dead-letters/4242/redrive", headers=service.headers(ADMIN_TOKEN)
    )
    body = assert_problem(response, 404)
    assert body["title"] == "Not found"
    assert "4242" in str(body["detail"])
    assert body["instance"] == "/zoning/v1/admin/dead-letters/4242/redrive"


async def test_a_parked_event_is_listed_and_redriven(service: Service) -> None:
    admin = service.headers(ADMIN_TOKEN)
    service.failing.add("a1")
    envelope = ApplicationForwarded(application_id="a1").envelope("a1")
    await service.runtime.transport.publish([Message("lode.licensing", "a1", envelope.to_json())])

    async def parked() -> bool:
        response = await service.client.get("/zoning/v1/admin/dead-letters", headers=admin)
        return bool(response.json()["total"])

    await eventually(parked, timeout_s=5, what="the failing event to be parked")
    listing = (await service.client.get("/zoning/v1/admin/dead-letters", headers=admin)).json()
    [item] = listing["items"]
    assert item["event_id"] == envelope.id
    assert item["status"] == "parked"
    assert "cannot use a1 yet" in item["error"]
    datetime.fromisoformat(item["parked_at"])  # dates are ISO 8601 strings

    service.failing.clear()
    response = await service.client.post(
        f"/zoning/v1/admin/dead-letters/{item['id']}/redrive", headers=admin
    )
    assert response.status_code == 200
    assert response.json() == {"id": item["id"], "redriven": True}
    assert [e.id for e in service.handled] == [envelope.id]
    after = await service.client.get(
        "/zoning/v1/admin/dead-letters", params={"status": "redriven"}, headers=admin
    )
    assert after.json()["total"] == 1
    both = await service.client.get(
        "/zoning/v1/admin/dead-letters", params={"status": ""}, headers=admin
    )
    assert both.json()["total"] == 1


@pytest.mark.parametrize("status", ["gone", "parked\x00", "x" * 10_000])
async def test_dead_letters_are_listed_by_a_known_status_only(
    service: Service, status: str
) -> None:
    response = await service.client.get(
        "/zoning/v1/admin/dead-letters",
        params={"status": status},
        headers=service.headers(ADMIN_TOKEN),
    )
    body = assert_problem(response, 422)
    fields = {e["field"].split(".")[-1] for e in body["errors"]}
    assert fields & {"status", "url"}  # a NUL anywhere in the address is refused first


async def test_a_role_route_admits_the_role_and_admin_only(service: Service) -> None:
    path = "/zoning/v1/probe/planner"
    planner = await service.client.get(path, headers=service.headers(service.jwt(auth.PLANNER)))
    assert planner.json() == {"subject": "someone"}
    admin = await service.client.get(path, headers=service.headers(ADMIN_TOKEN))
    assert admin.json() == {"subject": "admin"}
    inspector = await service.client.get(path, headers=service.headers(service.jwt(auth.INSPECTOR)))
    body = assert_problem(inspector, 403)
    assert "planner" in str(body["detail"])
    assert "inspector" in str(body["detail"])


async def test_a_body_over_the_limit_is_413(service: Service) -> None:
    response = await service.client.post("/zoning/v1/probe/upload", content=b"x" * 2048)
    body = assert_problem(response, 413)
    assert "1024 bytes" in str(body["detail"])
    small = await service.client.post("/zoning/v1/probe/upload", content=b"x" * 1000)
    assert small.json() == {"received": 1000}


async def _chunks(total: int, size: int = 256) -> AsyncIterator[bytes]:
    for _ in range(total // size):
        yield b"x" * size


async def test_a_streamed_body_over_the_limit_is_413(service: Service) -> None:
    response = await service.client.post("/zoning/v1/probe/upload", content=_chunks(4096))
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


async def test_a_streamed_json_body_over_the_limit_is_413(service: Service) -> None:
    async def big_json() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(16):
            yield b"x" * 256
        yield b'", "area_ha": 1, "depth_m": [1, 2]}'

    response = await service.client.post(
        "/zoning/v1/probe", content=big_json(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


async def test_a_streamed_body_under_the_limit_is_read(service: Service) -> None:
    response = await service.client.post("/zoning/v1/probe/upload", content=_chunks(768))
    assert response.json() == {"received": 768}


async def test_an_unknown_path_is_a_404_problem(service: Service) -> None:
    response = await service.client.get("/zoning/v1/nothing-here")
    body = assert_problem(response, 404)
    assert body["title"] == "Not found"
    assert (
        body["detail"] == "No resource at /zoning/v1/nothing-here; see the service's /openapi.json."
    )
    assert body["instance"] == "/zoning/v1/nothing-here"


async def test_a_wrong_method_is_a_405_problem(service: Service) -> None:
    response = await service.client.delete("/zoning/health")
    body = assert_problem(response, 405)
    assert body["title"] == "Method not allowed"
    assert "GET" in response.headers["allow"]


async def test_invalid_input_is_a_422_problem_naming_the_fields(service: Service) -> None:
    response = await service.client.post(
        "/zoning/v1/probe", json={"area_ha": "lots", "depth_m": [650]}
    )
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert {e["field"] for e in errors} == {"name", "area_ha", "depth_m"}
    assert all(set(e) == {"field", "message"} and e["message"] for e in errors)
    assert "name: Field required" in str(body["detail"])


async def test_malformed_json_is_a_422_problem(service: Service) -> None:
    response = await service.client.post(
        "/zoning/v1/probe", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(response, 422)


async def test_valid_input_passes(service: Service) -> None:
    body = {"name": "平泉", "area_ha": 14.3, "depth_m": [650, 420]}
    response = await service.client.post("/zoning/v1/probe", json=body)
    assert response.status_code == 200
    assert response.json() == body


async def test_every_response_carries_a_request_id(service: Service) -> None:
    client = service.client
    responses = [
        await client.get("/zoning/health"),
        await client.get("/zoning/nowhere"),
        await client.get("/zoning/v1/admin/outbox"),
        await client.post("/zoning/v1/probe", json={}),
        await client.post("/zoning/v1/probe/upload", content=b"x" * 2048),
    ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids)
    for value in ids:
        uuid.UUID(str(value))


async def test_the_request_id_sent_is_echoed(service: Service) -> None:
    mine = "req-2026-abc"
    for response in (
        await service.client.get("/zoning/health", headers={"X-Request-ID": mine}),
        await service.client.get("/zoning/nowhere", headers={"X-Request-ID": mine}),
        await service.client.post(
            "/zoning/v1/probe/upload", content=b"x" * 2048, headers={"X-Request-ID": mine}
        ),
    ):
        assert response.headers.get_list("x-request-id") == [mine]
    long = "r" * 300
    response = await service.client.get("/zoning/health", headers={"X-Request-ID": long})
    assert response.headers["x-request-id"] == "r" * 100  # capped


@pytest.mark.usefixtures("quiet_logs")
async def test_an_unexpected_error_is_a_500_problem(service: Service) -> None:
    async with service.client_seeing_500s() as client:
        response = await client.get("/zoning/v1/probe/boom")
    body = assert_problem(response, 500)
    assert body["title"] == "Internal error"
    assert "X-Request-ID" in str(body["detail"])
    assert "an unexpected bug" not in response.text  # no internals leak
    metrics = (await service.client.get("/zoning/metrics")).text
    assert 'route="/zoning/v1/probe/boom",service="zoning",status="500"} 1.0' in metrics


@pytest.mark.usefixtures("quiet_logs")
async def test_an_unexpected_error_still_carries_the_request_id(service: Service) -> None:
    async with service.client_seeing_500s() as client:
        response = await client.get("/zoning/v1/probe/boom", headers={"X-Request-ID": "r-500"})
    assert response.status_code == 500
    assert response.headers.get("x-request-id") == "r-500"


async def test_a_write_through_the_unit_of_work_reaches_the_consumers(service: Service) -> None:
    """Request → unit of work → outbox → relay → bus → inbox, on the real parts."""
    response = await service.client.post("/zoning/v1/probe/things/t-1")
    assert response.status_code == 201
    event_id = response.json()["event_id"]
    admin = service.headers(ADMIN_TOKEN)

    async def published() -> bool:
        outbox = await service.client.get("/zoning/v1/admin/outbox", headers=admin)
        return bool(outbox.json()["unsent"] == 0)

    await eventually(published, timeout_s=5, what="the relay to publish the event")
    # the probe emits a licensing event, which this service also consumes
    ends = await service.runtime.transport.end_offsets("lode.licensing")
    assert sum(ends.values()) == 1

    async def handled() -> bool:
        return [e.id for e in service.handled] == [event_id]

    await eventually(handled, timeout_s=5, what="the inbox to handle the event")

    async def counted() -> bool:
        # the handler ran inside the inbox's transaction; the count follows its commit
        metrics = (await service.client.get("/zoning/metrics")).text
        return 'lode_events_consumed_total{outcome="handled",service="zoning"} 1.0' in metrics

    await eventually(counted, timeout_s=5, what="the inbox to count the event once committed")
    metrics = (await service.client.get("/zoning/metrics")).text
    assert 'lode_events_published_total{service="zoning"} 1.0' in metrics


async def test_a_refused_body_is_counted_in_the_metrics(service: Service) -> None:
    await service.client.post("/zoning/v1/probe/upload", content=b"x" * 2048)
    metrics = (await service.client.get("/zoning/metrics")).text
    assert 'status="413"' in metrics


# ------------------------------------------------------------------ hostile bodies and URLs
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("route", ["/zoning/v1/probe", "/zoning/v1/probe/free"])
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"name": "a", "area_ha": ' + b"1" * 5000 + b', "depth_m": [1, 2]}', "4300 digits"),
        (b'{"name": "a", "area_ha": NaN, "depth_m": [1, 2]}', "NaN"),
        (b'{"name": "a", "area_ha": Infinity, "depth_m": [1, 2]}', "Infinity"),
        (b'{"name": "a", "area_ha": 1, "depth_m": [-Infinity, 2]}', "-Infinity"),
        (b'{"name": "a", "area_ha": 1e400, "depth_m": [1, 2]}', "too large"),
        (b'{"name": "a", "area_ha": 1, "depth_m": [1, 2], "x": ' + DEEP + b"}", "too deeply"),
        (b'{"name": "\xff\xfe", "area_ha": 1, "depth_m": [1, 2]}', "not UTF-8"),
        (b'{"name": "a", "area_ha": 1, "depth_m": [1, 2]', "not valid JSON"),
    ],
)
async def test_a_body_that_is_not_json_a_route_can_use_is_422_naming_the_body(
    roomy_service: Service, route: str, raw: bytes, reason: str
) -> None:
    """FastAPI answered a 5,000-digit integer, deep nesting or bad UTF-8 with a bare 400
    "There was an error parsing the body", let NaN and 1e400 (infinity) through to an open
    field, and named a broken document's field by its character offset."""
    response = await roomy_service.client.post(
        route, content=raw, headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["errors"] == [{"field": "body", "message": body["errors"][0]["message"]}]  # type: ignore[index]
    assert reason in body["errors"][0]["message"]  # type: ignore[index]


async def test_a_json_body_under_another_json_media_type_is_screened(
    roomy_service: Service,
) -> None:
    response = await roomy_service.client.post(
        "/zoning/v1/probe/free",
        content=b'{"a": NaN}',
        headers={"content-type": "application/merge-patch+json; charset=utf-8"},
    )
    assert_problem(response, 422)


async def test_text_that_looks_like_a_forbidden_number_passes(roomy_service: Service) -> None:
    body = {"name": "NaN Infinity 1e400 " + "9" * 400, "area_ha": 1e308, "depth_m": [1, 2]}
    response = await roomy_service.client.post("/zoning/v1/probe/free", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == body


async def test_a_malformed_content_length_is_a_400_problem(service: Service) -> None:
    for value in ("abc", "-1", "1e3", "9" * 5000):
        response = await service.client.post(
            "/zoning/v1/probe/upload", content=b"x", headers={"content-length": value}
        )
        assert response.status_code in (400, 413), (value, response.text)
        assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/zoning/v1/admin/dead-letters?status=%00",
        "/zoning/v1/admin/dead-letters?status=parked%00x",
        "/zoning/v1/admin/dead-letters/%00/redrive",
    ],
)
async def test_a_nul_in_the_url_is_422_naming_the_url(service: Service, url: str) -> None:
    """No text column takes a NUL (PostgreSQL refuses it with a driver error)."""
    method = "POST" if url.endswith("redrive") else "GET"
    response = await service.client.request(method, url, headers=service.headers(ADMIN_TOKEN))
    body = assert_problem(response, 422)
    assert body["errors"] == [  # type: ignore[comparison-overlap]
        {
            "field": "url",
            "message": "the address carries a NUL character (%00); remove it and retry",
        }
    ]


# ------------------------------------------------------------------ security headers
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


async def test_every_response_carries_nosniff_and_no_referrer(service: Service) -> None:
    client = service.client
    for response in (
        await client.get("/zoning/health"),
        await client.get("/zoning/openapi.json"),
        await client.get("/zoning/nowhere"),
        await client.post("/zoning/v1/probe", json={}),
        await client.post("/zoning/v1/probe/upload", content=b"x" * 2048),
        await client.get("/zoning/docs/static/docs/swagger-init.js"),
    ):
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert response.headers.get_list("referrer-policy") == ["no-referrer"]
        assert "content-security-policy" not in response.headers  # not an HTML page


@pytest.mark.usefixtures("quiet_logs")
async def test_an_unexpected_error_carries_the_security_headers(service: Service) -> None:
    async with service.client_seeing_500s() as client:
        response = await client.get("/zoning/v1/probe/boom")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_an_html_page_carries_the_content_security_policy(service: Service) -> None:
    response = await service.client.get("/zoning/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers.get_list("content-security-policy") == [CSP]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_a_header_the_app_set_is_kept() -> None:
    own = [(b"content-type", b"text/html"), (b"Content-Security-Policy", b"default-src 'none'")]
    headers = with_security_headers(own)
    assert [v for k, v in headers if k.lower() == b"content-security-policy"] == [
        b"default-src 'none'"
    ]
    assert (b"x-frame-options", b"DENY") in headers


# ------------------------------------------------------------------ the API docs page
async def test_the_docs_page_loads_swagger_ui_from_the_service_itself(service: Service) -> None:
    """FastAPI's page loaded Swagger UI from cdn.jsdelivr.net and started it inline."""
    response = await service.client.get("/zoning/docs")
    page = response.text
    assert "cdn." not in page
    assert "http://" not in page
    assert "https://" not in page
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(s.startswith("/zoning/docs/static/") for s in sources), sources
    assert "<script>" not in page, "an inline script breaks under script-src 'self'"
    assert 'data-openapi-url="/zoning/openapi.json"' in page
    for source in sources:
        asset = await service.client.get(source)
        assert asset.status_code == 200, source
        kind = asset.headers["content-type"]
        assert kind.split(";")[0] in {"text/javascript", "text/css", "image/png"}, kind
    init = (await service.client.get("/zoning/docs/static/docs/swagger-init.js")).text
    assert "validatorUrl: null" in init


async def test_the_docs_assets_are_the_pinned_swagger_ui(service: Service) -> None:
    versions = await service.client.get("/zoning/docs/static/vendor/versions.json")
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    assert versions.json() == {"swagger-ui-dist": pinned}


@pytest.mark.parametrize(
    "path",
    [
        "/zoning/docs/static/vendor/../../api_docs.py",
        "/zoning/docs/static/vendor/swagger-ui-bundle.js.map",
        "/zoning/docs/static/docs/nothing.js",
        "/zoning/docs/oauth2-redirect",
        "/zoning/redoc",
    ],
)
async def test_only_the_docs_assets_are_served(service: Service, path: str) -> None:
    assert_problem(await service.client.get(path), 404)


async def test_the_docs_page_without_its_assets_says_to_run_make_assets(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_docs, "VENDOR_FILES", ("vendor/not-built.js",))
    response = await service.client.get("/zoning/docs")
    assert response.status_code == 503
    assert "make assets" in response.text
    assert "/zoning/openapi.json" in response.text
    assert "/usr/" not in response.text
    assert "/work/" not in response.text
    assert response.headers["content-security-policy"] == CSP


# ------------------------------------------------------------------ who may read the metrics
async def test_the_metrics_answer_the_machine_itself_only(service: Service) -> None:
    """The metrics carry business counters (reports, findings): not for anyone who asks."""
    assert (await service.client.get("/zoning/metrics")).status_code == 200  # loopback
    async with service.client_from("203.0.113.7") as outsider:
        body = assert_problem(await outsider.get("/zoning/metrics"), 403)
    assert "LODE_METRICS_TOKEN" in str(body["detail"])
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    # a proxy on the machine forwarding an outsider's request is not the machine itself
    assert_problem(await service.client.get("/zoning/metrics", headers=forwarded), 403)


async def test_a_scraper_reads_the_metrics_with_the_metrics_token(tmp_path: Path) -> None:
    token = "metrics-token-0123456789abcdef-0123456789"
    async with (
        running_service(tmp_path, metrics_token=token) as service,
        service.client_from("10.1.2.3") as scraper,
    ):
        assert_problem(await scraper.get("/zoning/metrics"), 401)
        wrong = await scraper.get("/zoning/metrics", headers=service.headers("x" * 40))
        assert_problem(wrong, 401)
        admin = await scraper.get("/zoning/metrics", headers=service.headers(ADMIN_TOKEN))
        assert_problem(admin, 401)
        response = await scraper.get("/zoning/metrics", headers=service.headers(token))
        assert response.status_code == 200
        assert "lode_http_requests_total" in response.text


async def test_public_metrics_are_a_setting(tmp_path: Path) -> None:
    async with (
        running_service(tmp_path, metrics_public=True) as service,
        service.client_from("203.0.113.7") as outsider,
    ):
        assert (await outsider.get("/zoning/metrics")).status_code == 200


async def test_a_long_path_is_not_echoed_whole(service: Service) -> None:
    response = await service.client.get("/zoning/" + "x" * 20_000)
    body = assert_problem(response, 404)
    assert len(str(body["detail"])) < 300
    assert len(str(body["instance"])) <= 500


async def test_headers_that_are_not_utf8_are_answered_not_crashed_on(service: Service) -> None:
    """Header values are bytes (latin-1 at most): a credential or request id that is not
    UTF-8 is a 401, an echoed id, never a 500."""
    response = await service.client.get(
        "/zoning/v1/admin/outbox",
        headers=[(b"authorization", b"Bearer \xff\xfe\xe9"), (b"x-request-id", b"r-\xe9\xff")],
    )
    body = assert_problem(response, 401)
    assert body["detail"] == "Invalid token; get a new one ('lode token')."
    assert response.headers.get("x-request-id") == "r-\xe9\xff"
    api_key_like = await service.client.get(
        "/zoning/v1/admin/outbox", headers=[(b"authorization", b"Bearer lode_\xff\xff\xff\xff_x")]
    )
    assert_problem(api_key_like, 401)
