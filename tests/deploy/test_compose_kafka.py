"""The broker in docker-compose.yml: one KRaft node, the topics of the services' SPECs created
by kafka-init, and one view of the broker and partitions shared by every container.
"""

from __future__ import annotations

import pytest

from lode_common.settings import LodeSettings

from .deployment import (
    DOTENV,
    EVENTS_MD_TOPICS,
    SERVICES,
    bootstrap,
    compose,
    depends_on,
    environment,
    lode_containers,
    services,
    setting,
)
from .formats import (
    kafka_listeners,
)


def spec_topics() -> set[str]:
    topics: set[str] = set()
    for service in SERVICES:
        spec = bootstrap(service).SPEC
        topics |= {spec.topic} if spec.publishes else set()
        topics |= set(spec.consumes)
    return topics


def test_kafka_init_creates_exactly_the_topics_of_the_specs() -> None:
    init = services()["kafka-init"]
    env = environment(init)
    created = set(env["TOPICS"].split())
    # Every topic a runtime ensures at start (its own and those it reads), so that topic
    # settings come from one place; EVENTS.md's public topics among them.
    assert created == spec_topics()
    assert created >= EVENTS_MD_TOPICS
    script = "\n".join(init["entrypoint"] + init["command"])
    assert "for topic in $TOPICS" in script
    assert "--create --if-not-exists" in script
    assert '--partitions "$PARTITIONS"' in script
    assert '--replication-factor "$REPLICATION"' in script
    assert script.count("retention.ms=-1") == 2, "created with it, and kept at it if it existed"
    assert "--add-config retention.ms=-1" in script
    assert depends_on(init) == {"kafka": "service_healthy"}


@pytest.mark.parametrize("override", [{}, {"LODE_KAFKA_PARTITIONS": "6"}])
def test_kafka_init_and_services_agree_on_the_broker_and_partitions(
    override: dict[str, str],
) -> None:
    resolved = compose({**DOTENV, **override})["services"]
    init = environment(resolved["kafka-init"])
    default = str(LodeSettings.model_fields["kafka_partitions"].default)
    assert init["PARTITIONS"] == override.get("LODE_KAFKA_PARTITIONS", default)
    for container, service in lode_containers().items():
        env = environment(resolved[container])
        assert setting(env, service, "KAFKA_PARTITIONS") == init["PARTITIONS"], container
        assert setting(env, service, "KAFKA_REPLICATION") == init["REPLICATION"], container
        assert setting(env, service, "KAFKA_BOOTSTRAP") == init["BOOTSTRAP"], container
    assert environment(resolved["kafka"])["KAFKA_NUM_PARTITIONS"] == init["PARTITIONS"]


def test_kafka_is_a_single_kraft_node_with_proper_listeners() -> None:
    kafka = services()["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = environment(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env.get("CLUSTER_ID"), "KRaft storage needs a cluster id"
    listeners = kafka_listeners(env["KAFKA_LISTENERS"])
    advertised = kafka_listeners(env["KAFKA_ADVERTISED_LISTENERS"])
    protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert set(listeners) <= set(protocols)
    assert controller in listeners
    assert controller not in advertised
    assert set(advertised) <= set(listeners)
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised
    node, _, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].partition("@")
    assert node == env["KAFKA_NODE_ID"]
    assert voter == f"kafka:{listeners[controller][1]}"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    # The services reach the broker on the address it advertises to them.
    bootstrap_address = environment(services()["kafka-init"])["BOOTSTRAP"]
    host, _, port = bootstrap_address.partition(":")
    assert (host, int(port)) in advertised.values()
    assert host == "kafka"
    for published in kafka.get("ports", []):
        assert str(published).startswith("127.0.0.1:"), "Kafka is not for the outside world"
