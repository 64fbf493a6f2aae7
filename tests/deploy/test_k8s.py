"""deploy/k8s checked against the code, without kubectl: the kustomizations are resolved here
(resources, JSON 6902 patches, namespace, replicas, images) and every object is compared with
the services' settings classes, entry points, routes and secrets."""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from lode_common.settings import settings_env_names

from .deployment import CADDYFILE, PORT, SERVICES, Built, settings_class
from .formats import parse_caddyfile

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAYS = ("production", "province")
# Variables the images read besides LODE_* (uvicorn's trusted proxies, OpenTelemetry's).
OTHER_ENV = re.compile(r"FORWARDED_ALLOW_IPS|OTEL_[A-Z_]+")

Doc = dict[str, Any]


# ------------------------------------------------------------------ a small kustomize


def load_yaml(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def _pointer(path: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in path.lstrip("/").split("/")]


def apply_json6902(doc: Doc, operations: list[Doc]) -> Doc:
    doc = copy.deepcopy(doc)
    for op in operations:
        *parents, last = _pointer(op["path"])
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if op["op"] in ("replace", "add"):
            if isinstance(node, list):
                index = len(node) if last == "-" else int(last)
                if op["op"] == "add":
                    node.insert(index, op["value"])
                else:
                    node[index] = op["value"]
            else:
                if op["op"] == "replace":
                    assert last in node, f"replace of a missing {op['path']}"
                node[last] = op["value"]
        elif op["op"] == "remove":
            del node[int(last) if isinstance(node, list) else last]
        else:
            raise AssertionError(f"unsupported patch operation {op['op']}")
    return doc


def _matches(doc: Doc, target: Doc) -> bool:
    return all(
        (doc.get("kind") if key == "kind" else doc["metadata"].get(key)) == value
        for key, value in target.items()
    )


@functools.cache
def build(directory: Path) -> tuple[Doc, ...]:
    """What ``kubectl kustomize <directory>`` gives, for the features these files use."""
    kustomization = load_yaml(directory / "kustomization.yaml")[0]
    assert kustomization["kind"] == "Kustomization"
    docs: list[Doc] = []
    for resource in kustomization.get("resources", []):
        path = (directory / resource).resolve()
        assert path.exists(), f"{directory}: resource {resource} does not exist"
        docs += copy.deepcopy(list(build(path))) if path.is_dir() else load_yaml(path)
    for patch in kustomization.get("patches", []):
        operations = load_yaml(directory / patch["path"])[0]
        hits = [i for i, d in enumerate(docs) if _matches(d, patch["target"])]
        assert hits, f"{directory}: patch {patch['path']} matches nothing"
        for i in hits:
            docs[i] = apply_json6902(docs[i], operations)
    if "namespace" in kustomization:
        for d in docs:
            if d["kind"] != "Namespace":
                d["metadata"]["namespace"] = kustomization["namespace"]
    for replica in kustomization.get("replicas", []):
        found = [
            d
            for d in docs
            if d["kind"] == "Deployment" and d["metadata"]["name"] == replica["name"]
        ]
        assert found, f"{directory}: replicas for unknown {replica['name']}"
        for d in found:
            d["spec"]["replicas"] = replica["count"]
    for image in kustomization.get("images", []):
        used = False
        for container in containers(docs):
            if (
                container["image"].rpartition(":")[0] in (image["name"],)
                or container["image"] == image["name"]
            ):
                container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
                used = True
        assert used, f"{directory}: image {image['name']} is used by no container"
    return tuple(docs)


def containers(docs: list[Doc] | tuple[Doc, ...]) -> list[Doc]:
    return [c for d in docs if d["kind"] in ("Deployment", "Job") for c in pod(d)["containers"]]


def pod(doc: Doc) -> Doc:
    spec: Doc = doc["spec"]["template"]["spec"]
    return spec


def by_kind(docs: tuple[Doc, ...], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def service_of(doc: Doc) -> str:
    return str(doc["metadata"]["labels"]["app.kubernetes.io/name"]).removeprefix("lode-")


def environment(docs: tuple[Doc, ...], container: Doc) -> dict[str, Doc]:
    """Every variable the container gets: name -> {"value"} or {"secretKeyRef"}."""
    maps = by_kind(docs, "ConfigMap")
    env: dict[str, Doc] = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        assert name in maps, f"envFrom names a missing ConfigMap {name}"
        env |= {k: {"value": str(v)} for k, v in (maps[name].get("data") or {}).items()}
    for item in container.get("env", []):
        env[item["name"]] = item.get("valueFrom") or {"value": item.get("value", "")}
    return env


def all_builds() -> list[tuple[str, tuple[Doc, ...]]]:
    return [(name, build(K8S / "overlays" / name)) for name in OVERLAYS]


# ------------------------------------------------------------------ the tests


def test_every_yaml_file_parses_and_every_file_is_used() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert files
    for path in files:
        assert load_yaml(path), f"{path} is empty"
    used = {K8S / "base" / "kustomization.yaml"}
    for directory in (K8S / "base", *(K8S / "overlays" / o for o in OVERLAYS)):
        k = load_yaml(directory / "kustomization.yaml")[0]
        used.add(directory / "kustomization.yaml")
        used |= {(directory / r).resolve() for r in k["resources"] if r.endswith(".yaml")}
        used |= {(directory / p["path"]).resolve() for p in k.get("patches", [])}
    assert {p.resolve() for p in files} == used, "a manifest no kustomization includes"


def test_no_secret_is_committed() -> None:
    for path in K8S.rglob("*.yaml"):
        for doc in load_yaml(path):
            if isinstance(doc, dict):
                assert doc.get("kind") != "Secret", f"{path}: Secrets are created, not committed"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_deployment_service_pdb_configmap_and_migration_job(
    overlay: str,
) -> None:
    docs = build(K8S / "overlays" / overlay)
    for service in SERVICES:
        assert service in by_kind(docs, "Deployment")
        assert service in by_kind(docs, "Service")
        assert service in by_kind(docs, "PodDisruptionBudget")
        assert f"lode-{service}" in by_kind(docs, "ConfigMap")
        assert f"migrate-{service}" in by_kind(docs, "Job")
    namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert len(namespaces) == 1
    assert namespaces == set(by_kind(docs, "Namespace"))
    for deployment in by_kind(docs, "Deployment").values():
        assert deployment["spec"]["replicas"] >= 2, "one replica cannot survive a drain"
        selector = deployment["spec"]["selector"]["matchLabels"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items()
    for name, pdb in by_kind(docs, "PodDisruptionBudget").items():
        target = by_kind(docs, "Deployment")[name]
        assert pdb["spec"]["selector"]["matchLabels"] == target["spec"]["selector"]["matchLabels"]
        assert pdb["spec"]["minAvailable"] < target["spec"]["replicas"]


@pytest.mark.parametrize(
    ("overlay", "kind"), [(o, k) for o in OVERLAYS for k in ("Deployment", "Job")]
)
def test_every_variable_set_is_read_by_the_settings_class(overlay: str, kind: str) -> None:
    docs = build(K8S / "overlays" / overlay)
    for doc in by_kind(docs, kind).values():
        service = service_of(doc)
        known = settings_env_names(settings_class(service))
        for container in pod(doc)["containers"]:
            for name in environment(docs, container):
                assert name in known or OTHER_ENV.fullmatch(name), (
                    f"{overlay} {doc['metadata']['name']}: {name} is read by nothing"
                )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_production_settings_and_every_secret_come_by_reference(overlay: str) -> None:
    docs = build(K8S / "overlays" / overlay)
    for doc in [*by_kind(docs, "Deployment").values(), *by_kind(docs, "Job").values()]:
        service = service_of(doc)
        env = environment(docs, pod(doc)["containers"][0])
        assert env["LODE_ENVIRONMENT"] == {"value": "production"}
        assert env["LODE_BUS"] == {"value": "kafka"}
        assert env["LODE_DEMO"] == {"value": "false"}
        assert env["LODE_KAFKA_BOOTSTRAP"]["value"] != "kafka.example.internal:9092", "overlay"
        assert env["LODE_PUBLIC_URL"]["value"].startswith("https://")
        database = env.get(f"LODE_{service.upper()}_DATABASE_URL") or env["LODE_DATABASE_URL"]
        assert database["secretKeyRef"]["name"] == f"lode-{service}-db"
        secrets = settings_class(service).model_construct(province_url="x")._secrets()
        for secret in secrets:
            ref = env.get(f"LODE_{secret.upper()}")
            assert ref is not None, f"{service}: LODE_{secret.upper()} is not set"
            assert "secretKeyRef" in ref, f"{service}: {secret} not from a Secret"
        for name, value in env.items():
            if re.search(r"TOKEN|SECRET|PASSWORD", name):
                assert "secretKeyRef" in value, f"{service}: {name} written in a manifest"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ports_commands_and_security(overlay: str) -> None:
    docs = build(K8S / "overlays" / overlay)
    services = by_kind(docs, "Service")
    for name, deployment in by_kind(docs, "Deployment").items():
        (container,) = pod(deployment)["containers"]
        command = container["command"]
        assert command[:2] == ["uvicorn", f"lode_{name}.main:create_app"]
        assert "--factory" in command
        assert int(command[command.index("--port") + 1]) == PORT
        module = importlib.import_module(f"lode_{name}.main")
        assert callable(module.create_app)
        (port,) = container["ports"]
        assert port["containerPort"] == PORT
        (service_port,) = services[name]["spec"]["ports"]
        assert service_port["targetPort"] in (port["name"], PORT)
        assert service_port["port"] == PORT  # LODE_LICENSING_ZONING_URL, LODE_ZONING_LICENSING_URL
        assert services[name]["spec"]["selector"].items() <= (
            deployment["spec"]["template"]["metadata"]["labels"].items()
        )
        assert container["image"].startswith("registry.example.internal/lode/lode-" + name + ":")
        assert set(container["resources"]) == {"requests", "limits"}
    for doc in [*by_kind(docs, "Deployment").values(), *by_kind(docs, "Job").values()]:
        spec = pod(doc)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001  # the image's user
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
            mounted = {m["mountPath"] for m in container["volumeMounts"]}
            assert {"/tmp", "/app/var"} <= mounted  # the only writable places
    zoning_url = environment(docs, pod(by_kind(docs, "Deployment")["licensing"])["containers"][0])
    assert zoning_url["LODE_LICENSING_ZONING_URL"] == {"value": f"http://zoning:{PORT}"}
    licensing_url = environment(docs, pod(by_kind(docs, "Deployment")["zoning"])["containers"][0])
    assert licensing_url["LODE_ZONING_LICENSING_URL"] == {"value": f"http://licensing:{PORT}"}


@pytest.mark.parametrize("service", SERVICES)
def test_migration_job_runs_the_migrate_module_on_the_service_database(service: str) -> None:
    for _overlay, docs in all_builds():
        job = by_kind(docs, "Job")[f"migrate-{service}"]
        (container,) = pod(job)["containers"]
        assert container["command"] == ["python", "-m", f"lode_{service}.migrate"]
        assert importlib.util.find_spec(f"lode_{service}.migrate") is not None
        assert pod(job)["restartPolicy"] == "Never"
        deployment = pod(by_kind(docs, "Deployment")[service])["containers"][0]
        assert environment(docs, container) == environment(docs, deployment)
        assert container["image"] == deployment["image"]


@pytest.mark.parametrize("service", SERVICES)
def test_probes_ask_the_health_route_the_app_serves(
    service: str, built: Callable[[str], Built]
) -> None:
    app = built(service)
    for _overlay, docs in all_builds():
        (container,) = pod(by_kind(docs, "Deployment")[service])["containers"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            get = container[probe]["httpGet"]
            assert get["port"] in ("http", PORT)
            response = app.client.get(get["path"])
            assert response.status_code == 200, f"{probe} {get['path']}"
            assert response.json()["status"] == "ok"
        annotations = by_kind(docs, "Deployment")[service]["spec"]["template"]["metadata"]
        metrics_path = annotations["annotations"]["prometheus.io/path"]
        assert app.client.get(metrics_path).status_code == 200  # on the pod itself
        # Prometheus is another pod: it is answered for the metrics token, from the Secret.
        env = environment(docs, container)
        token = env["LODE_METRICS_TOKEN"]["secretKeyRef"]
        assert (token["name"], token["key"]) == ("lode-secrets", "metrics-token")
        scraper = "10.42.0.17"
        assert app.client.get(metrics_path, peer=scraper).status_code == 401
        bearer = {"Authorization": f"Bearer {app.settings.metrics_token}"}
        assert app.client.get(metrics_path, headers=bearer, peer=scraper).status_code == 200


def test_ingress_publishes_the_paths_the_caddyfile_does() -> None:
    root = parse_caddyfile(CADDYFILE.read_text(encoding="utf-8"))
    site = next(b for b in root.children if b.words[0].startswith(":"))
    caddy = {
        (b.words[1].removesuffix("*") if len(b.words) > 1 else "/")
        for b in site.children
        if b.words[0] == "handle"
    }
    for _overlay, docs in all_builds():
        (ingress,) = by_kind(docs, "Ingress").values()
        (rule,) = ingress["spec"]["rules"]
        paths = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
        assert set(paths) == caddy
        for path, target in paths.items():
            assert target == (path.strip("/") or "reporting")
            assert target in by_kind(docs, "Service")
        assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]
        public = environment(docs, pod(by_kind(docs, "Deployment")["zoning"])["containers"][0])
        assert public["LODE_PUBLIC_URL"]["value"] == f"https://{rule['host']}"


def test_autoscalers_target_monitoring_and_reporting_within_the_partitions() -> None:
    for _overlay, docs in all_builds():
        hpas = by_kind(docs, "HorizontalPodAutoscaler")
        assert set(hpas) == {"monitoring", "reporting"}
        partitions = int(by_kind(docs, "ConfigMap")["lode-common"]["data"]["LODE_KAFKA_PARTITIONS"])
        for name, hpa in hpas.items():
            assert hpa["apiVersion"] == "autoscaling/v2"
            target = hpa["spec"]["scaleTargetRef"]
            assert (target["kind"], target["name"]) == ("Deployment", name)
            assert name in by_kind(docs, "Deployment")
            assert hpa["spec"]["maxReplicas"] <= partitions, "idle consumers beyond partitions"
            assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
            container = pod(by_kind(docs, "Deployment")[name])["containers"][0]
            assert "cpu" in container["resources"]["requests"], "CPU utilisation needs a request"
