"""Other systems generate their clients from each service's ``/openapi.json``: here the four
documents are fed to ``openapi-python-client`` and the generated packages are used as such a
system would, over HTTP to the running services — a licensing application submitted and read
back, a mine's report sent with its API key and read back, the plan, its zones and an analysis
read from zoning, the indicators read from reporting.

What is asserted is the *typed* result: the generated endpoint function must return a model
whose declared fields hold the values (``read(model, "applicant.name")``), and a request body
must be a model declaring the fields the example sends. An operation whose schema is a free
object (``{"type": "object"}``, ``{}``, ``additionalProperties: true``) generates a model that
declares nothing, and the case fails naming it; such cases are ``xfail(strict=True)`` until the
route gets its model — then the xfail turns into a failure and the mark is removed.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import subprocess
import sys
import typing
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest

from lode_common.testing.apps import ADMIN_TOKEN
from lode_common.testing.examples import (
    AGREEMENT_REVIEW,
    PLAN,
    iron_mine_application,
    mining_block,
    square,
)

from .served import Served, served_system

pytestmark = pytest.mark.timeout(300)

SERVICES = ("zoning", "licensing", "monitoring", "reporting")
ENTERPRISE = "91130881MA0A000007"
LICENCE = "C1308812021017120000102"
BLOCK_AT = (118.60, 40.80)  # the mining block for iron the application is drawn in
GENERATOR_CONFIG = "post_hooks: []\n"  # no ruff over the generated code: not ours to lint


# --- the generated clients ------------------------------------------------------------------
@dataclass(frozen=True)
class Generated:
    """One service's generated client package, and the endpoint modules by operation."""

    service: str
    package: ModuleType
    root: Path
    unparsed: list[str]
    """The generator's complaints about schemas it could not turn into models (it drops them,
    and the endpoints that use them import modules that do not exist)."""

    def endpoint(self, method: str, path: str) -> ModuleType:
        """The module the generator wrote for ``method path`` (found by the request it makes,
        since its name follows the operationId, which the models' authors may change)."""
        wanted = (f'"method": "{method.lower()}"', f'"url": "{path}"')
        found = [
            module
            for module in sorted((self.root / "api").rglob("*.py"))
            if all(w in module.read_text(encoding="utf-8") for w in wanted)
        ]
        assert len(found) == 1, f"{self.service}: {method} {path} generated {found}"
        dotted = ".".join(found[0].relative_to(self.root).with_suffix("").parts)
        return importlib.import_module(f"{self.package.__name__}.{dotted}")

    def client(self, base_url: str, token: str) -> Any:
        return self.package.AuthenticatedClient(
            base_url=base_url, token=token, raise_on_unexpected_status=True, timeout=30
        )


def generate(service: str, document_path: Path, out: Path) -> list[str]:
    """Generate ``lode_client_<service>`` into ``out``; the schemas it could not parse."""
    config = out.parent / "generator.yaml"
    config.write_text(GENERATOR_CONFIG, encoding="utf-8")
    target = out / f"lode_client_{service}"
    generator = Path(sys.executable).parent / "openapi-python-client"
    done = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(document_path),
            "--output-path",
            str(target),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{service}: the generator failed:\n{done.stdout}{done.stderr}"
    lines = (done.stdout + done.stderr).splitlines()
    return [
        " ".join(lines[i : i + 3]) for i, line in enumerate(lines) if line.startswith("Unable to")
    ]


@pytest.fixture(scope="module")
def lode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served_system(tmp_path_factory.mktemp("lode-generated-clients")) as served:
        yield served


@pytest.fixture(scope="module")
def clients(
    lode: Served, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Generated]]:
    out = tmp_path_factory.mktemp("generated")
    generated: dict[str, Generated] = {}
    unparsed: dict[str, list[str]] = {}
    for service in SERVICES:
        document = out / f"{service}.json"
        document.write_bytes(httpx.get(f"{lode.url}/{service}/openapi.json", timeout=30).content)
        unparsed[service] = generate(service, document, out / "packages")
    sys.path.insert(0, str(out / "packages"))
    try:
        for service in SERVICES:
            package = importlib.import_module(f"lode_client_{service}")
            root = out / "packages" / package.__name__
            generated[service] = Generated(service, package, root, unparsed[service])
        yield generated
    finally:
        sys.path.remove(str(out / "packages"))
        for name in [n for n in sys.modules if n.startswith("lode_client_")]:
            del sys.modules[name]


# --- typed access -----------------------------------------------------------------------------
def declared(model_class: type) -> set[str]:
    """The fields a generated model declares (a free-form object declares none)."""
    assert attrs.has(model_class), f"{model_class!r} is no generated model"
    return set(attrs.fields_dict(model_class)) - {"additional_properties"}


def plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def read(model: Any, dotted: str) -> Any:
    """``model``'s value at ``dotted`` (``"applicant.name"``, ``"zones.0.code"``), each step a
    field the schema declares — not one the client merely passed through untyped."""
    value = model
    for step in dotted.split("."):
        if step.isdigit():
            assert isinstance(value, list), f"{dotted}: {step} of a {type(value).__name__}"
            value = value[int(step)]
            continue
        assert attrs.has(type(value)), (
            f"{dotted}: at {step!r} the client holds an untyped {type(value).__name__}: "
            "the schema declares no model here"
        )
        fields = declared(type(value))
        attribute = step if step in fields else f"{step}_"  # the generator's name for `type`
        assert attribute in fields, (
            f"{dotted}: {type(value).__name__} declares no {step!r} "
            f"(it declares {sorted(fields)}): the schema is free-form here"
        )
        value = getattr(value, attribute)
    return plain(value)


def body_model(endpoint: ModuleType, example: dict[str, Any]) -> Any:
    """The example as the endpoint's body model, which must declare every field it sends and
    send it on unchanged (the generated model must not lose or alter what it carries). A body
    that is a union (an application, by ``kind``) is the member that reads the example: the
    generator lists the members by name, not in the document's order."""
    hint = typing.get_type_hints(endpoint.sync_detailed)["body"]
    classes = [c for c in (hint, *typing.get_args(hint)) if isinstance(c, type) and attrs.has(c)]
    assert classes, f"{endpoint.__name__}: the body is typed {hint!r}, no model"
    refusals = []
    model_class: Any  # a generated attrs class, with from_dict and to_dict
    for model_class in classes:
        undeclared = set(example) - declared(model_class)
        if undeclared:
            refusals.append(f"{model_class.__name__} declares none of {sorted(undeclared)}")
            continue
        try:
            model = model_class.from_dict(example)
        except (TypeError, ValueError, KeyError) as refused:
            refusals.append(f"{model_class.__name__} does not read it: {refused!r}")
            continue
        assert carries(model.to_dict(), example), (model.to_dict(), example)
        return model
    raise AssertionError(
        f"{endpoint.__name__}: no model of the request body takes the example (the schema is "
        "free-form or wrong): " + "; ".join(refusals)
    )


def carries(sent: Any, example: Any) -> bool:
    """``sent`` holds every value of ``example`` (defaults the model fills in may be added)."""
    if isinstance(example, dict):
        return isinstance(sent, dict) and all(
            k in sent and carries(sent[k], v) for k, v in example.items()
        )
    if isinstance(example, list):
        return (
            isinstance(sent, list | tuple)
            and len(sent) == len(example)
            and all(carries(s, e) for s, e in zip(sent, example, strict=True))
        )
    return bool(sent == example)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.parsed


# --- what the cases act on (set up over plain HTTP: not what is asserted) --------------------
def _admin(lode: Served) -> httpx.Client:
    return httpx.Client(
        base_url=lode.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30
    )


@pytest.fixture(scope="module")
def block(lode: Served) -> str:
    """A mining block for iron, so the application is eligible; its code."""
    with _admin(lode) as http:
        zone = mining_block("G-BLOCK", "示意G-BLOCK", square(BLOCK_AT[0], BLOCK_AT[1], 0.1))
        answer = http.post("/zoning/v1/zones", json=zone)
        assert answer.status_code == 201, answer.text
    return "G-BLOCK"


@pytest.fixture(scope="module")
def mine_key(lode: Served, block: str) -> str:
    """An API key of an enterprise holding a licence monitoring knows."""
    with _admin(lode) as http:
        area = square(BLOCK_AT[0] + 0.03, BLOCK_AT[1] + 0.01, 0.005)
        filed = http.post(
            "/licensing/v1/applications",
            json=iron_mine_application("平泉市示意矿业有限公司", ENTERPRISE, area),
        )
        assert filed.status_code == 201, filed.text
        reviewed = http.post(
            f"/licensing/v1/applications/{filed.json()['id']}/review", json=AGREEMENT_REVIEW
        )
        assert reviewed.status_code == 200, reviewed.text
        approval = {
            "decision": "approved",
            "licence_no": LICENCE,
            "valid_from": "2021-01-01",
            "valid_to": "2030-12-31",
            "reason": "本地审批通过（示意）",
        }
        decided = http.post(
            f"/licensing/v1/applications/{filed.json()['id']}/decision", json=approval
        )
        assert decided.status_code == 200, decided.text
        lode.until(
            "monitoring knows the licence",
            lambda: http.get(f"/monitoring/v1/mines/{LICENCE}").status_code == 200,
        )
        issued = http.post(f"/monitoring/v1/enterprises/{ENTERPRISE}/api-keys", json={})
        assert issued.status_code == 201, issued.text
        key: str = issued.json()["key"]
    return key


# --- the cases ---------------------------------------------------------------------------------
def test_the_four_documents_generate_a_client_each(clients: dict[str, Generated]) -> None:
    """Every schema becomes a model: the generator drops one it cannot parse (e.g. an
    ``anyOf`` of bare ``required`` constraints), and its endpoints then fail to import."""
    for service in SERVICES:
        assert (clients[service].root / "api").is_dir(), service
        assert not clients[service].unparsed, (
            f"{service}: the generator could not parse: " + "; ".join(clients[service].unparsed)
        )


def test_an_application_is_submitted_and_read_back(
    lode: Served, clients: dict[str, Generated], block: str
) -> None:
    licensing = clients["licensing"]
    example = iron_mine_application(
        "平泉市示意矿业有限公司", ENTERPRISE, square(BLOCK_AT[0] + 0.05, BLOCK_AT[1] + 0.01, 0.005)
    )
    with licensing.client(lode.url, ADMIN_TOKEN) as client:
        submit = licensing.endpoint("POST", "/licensing/v1/applications")
        filed = ok(submit.sync_detailed(client=client, body=body_model(submit, example)), 201)
        assert read(filed, "status") == "checked"
        assert read(filed, "verdict") == "needs_review"  # competitive_grant: 协议出让 to confirm
        assert read(filed, "applicant.credit_code") == ENTERPRISE
        application_id = read(filed, "id")
        get = licensing.endpoint("GET", "/licensing/v1/applications/{application_id}")
        again = ok(get.sync_detailed(application_id, client=client))
    assert read(again, "id") == application_id
    assert read(again, "verdict") == "needs_review"
    assert read(again, "mineral") == "铁矿"
    assert read(again, "applicant.name") == "平泉市示意矿业有限公司"
    assert read(again, "right_type") == "mining"
    rules = {read(again, f"checks.{i}.rule_id") for i in range(len(read(again, "checks")))}
    assert "mining_mineral_policy" in rules


def test_a_mine_reports_with_its_key_and_reads_the_report_back(
    lode: Served, clients: dict[str, Generated], mine_key: str
) -> None:
    monitoring = clients["monitoring"]
    example = {
        "licence_no": LICENCE,
        "year": 2023,
        "period": "annual",
        "ore_mined_10kt": 11.0,
        "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 3.2}],
        "mining_recovery_pct": 91.0,
        "processing_recovery_pct": 92.0,
        "comprehensive_utilization_pct": 35.0,
        "disturbed_area_ha": 3.0,
        "restored_area_ha": 1.2,
        "output_value_cny_10k": 2400,
    }
    with monitoring.client(lode.url, mine_key) as client:
        submit = monitoring.endpoint("POST", "/monitoring/v1/reports")
        sent = ok(submit.sync_detailed(client=client, body=body_model(submit, example)), 201)
        assert read(sent, "licence_no") == LICENCE
        assert read(sent, "year") == 2023
        assert read(sent, "version") == 1
        assert read(sent, "findings") == []
        report_id = read(sent, "id")
        get = monitoring.endpoint("GET", "/monitoring/v1/reports/{report_id}")
        again = ok(get.sync_detailed(report_id, client=client))
    assert read(again, "id") == report_id
    assert read(again, "versions.0.current") is True
    assert read(again, "versions.0.submitted_by").startswith("key:")
    assert read(again, "versions.0.body.mining_recovery_pct") == 91.0
    assert read(again, "versions.0.body.products.0.name") == "铁精粉"


def test_the_plan_in_force_is_read(lode: Served, clients: dict[str, Generated]) -> None:
    zoning = clients["zoning"]
    with zoning.client(lode.url, ADMIN_TOKEN) as client:
        get = zoning.endpoint("GET", "/zoning/v1/plans/{plan_id}")
        plan = ok(get.sync_detailed(PLAN, client=client))
    assert read(plan, "plan_id") == PLAN
    assert read(plan, "version") == 1
    assert read(plan, "region_adcode") == "130881"
    assert read(plan, "title_zh") == "平泉市矿产资源总体规划（2021-2025年）"


def test_the_zones_are_read(lode: Served, clients: dict[str, Generated], block: str) -> None:
    zoning = clients["zoning"]
    with zoning.client(lode.url, ADMIN_TOKEN) as client:
        listed = ok(zoning.endpoint("GET", "/zoning/v1/zones").sync_detailed(client=client))
    assert read(listed, "type") == "FeatureCollection"
    codes = [read(listed, f"features.{i}.properties.code") for i in range(read(listed, "total"))]
    assert block in codes
    at = codes.index(block)
    assert read(listed, f"features.{at}.properties.type") == "mining_block"
    assert read(listed, f"features.{at}.properties.minerals") == ["铁矿"]


def test_an_area_is_analysed(lode: Served, clients: dict[str, Generated], block: str) -> None:
    zoning = clients["zoning"]
    analysis = zoning.endpoint("POST", "/zoning/v1/analysis")
    example = {"geometry": square(BLOCK_AT[0] + 0.01, BLOCK_AT[1] + 0.01, 0.01)}
    with zoning.client(lode.url, ADMIN_TOKEN) as client:
        result = ok(analysis.sync_detailed(client=client, body=body_model(analysis, example)))
    assert 80 < read(result, "area_ha") < 100  # 0.01° a side at 40.8°N: ~94 ha
    hits = [read(result, f"zones.{i}.code") for i in range(len(read(result, "zones")))]
    assert hits == [block]
    assert read(result, "zones.0.type") == "mining_block"
    assert read(result, "zones.0.overlap_ha") == pytest.approx(read(result, "area_ha"))
    assert read(result, "licences") == []


def test_the_indicators_are_read(lode: Served, clients: dict[str, Generated]) -> None:
    reporting = clients["reporting"]
    with reporting.client(lode.url, lode.token("planner")) as client:
        get = reporting.endpoint("GET", "/reporting/v1/indicators")
        indicators = ok(get.sync_detailed(client=client, year=2023))
    assert read(indicators, "plan_id") == PLAN
    assert read(indicators, "year") == 2023
    items = {read(indicators, f"items.{i}.id"): i for i in range(len(read(indicators, "items")))}
    assert "geochem_survey_sheets" in items
    at = items["geochem_survey_sheets"]
    assert read(indicators, f"items.{at}.target") == 7
    assert read(indicators, f"items.{at}.unit_zh") == "幅"
    assert read(indicators, f"items.{at}.year") == 2023
