"""Structured JSON logs carrying the id of the request being answered."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from lode_common.logging import bind, configure_logging, unbind

from .conftest import Service


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("aiokafka", "uvicorn.access")}
    config = structlog.get_config()
    try:
        yield
    finally:
        structlog.contextvars.clear_contextvars()
        structlog.configure(**config)
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, value in noisy.items():
            logging.getLogger(name).setLevel(value)


def json_lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


@pytest.mark.usefixtures("restore_logging")
def test_lines_are_json_with_the_bound_context(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)
    bind(request_id="req-1", service="zoning")
    structlog.get_logger("lode.unit").info("zone created", zone_id="z1", name_zh="平泉北区")
    unbind("request_id")
    structlog.get_logger("lode.unit").info("after the request")
    first, second = json_lines(capsys.readouterr().err)
    assert first["event"] == "zone created"
    assert first["request_id"] == "req-1"
    assert first["service"] == "zoning"
    assert first["zone_id"] == "z1"
    assert first["name_zh"] == "平泉北区"  # as is, not \\u escapes
    assert first["level"] == "info"
    assert first["logger"] == "lode.unit"
    assert first["timestamp"].endswith("Z")
    assert "request_id" not in second
    assert second["service"] == "zoning"


@pytest.mark.usefixtures("restore_logging")
def test_standard_library_records_get_the_same_context(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    bind(request_id="req-2")
    logging.getLogger("sqlalchemy.pool").warning("connection %s recycled", "c1")
    [line] = json_lines(capsys.readouterr().err)
    assert line["event"] == "connection c1 recycled"
    assert line["request_id"] == "req-2"
    assert line["level"] == "warning"


@pytest.mark.usefixtures("restore_logging")
def test_the_level_filters_and_noisy_loggers_are_quieted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("warning")
    structlog.get_logger("lode.unit").info("not shown")
    structlog.get_logger("lode.unit").error("shown")
    assert [line["event"] for line in json_lines(capsys.readouterr().err)] == ["shown"]
    assert logging.getLogger("aiokafka").level == logging.WARNING
    configure_logging("DEBUG")
    assert logging.getLogger("uvicorn.access").level == logging.WARNING


@pytest.mark.usefixtures("restore_logging")
def test_exceptions_are_rendered_into_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    try:
        raise ValueError("the plan file is missing 专栏2")
    except ValueError:
        structlog.get_logger("lode.unit").exception("plan load failed")
    [line] = json_lines(capsys.readouterr().err)
    assert line["event"] == "plan load failed"
    assert "ValueError: the plan file is missing 专栏2" in line["exception"]


@pytest.mark.usefixtures("restore_logging")
def test_console_lines_when_json_is_off(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=False)
    bind(request_id="req-3")
    structlog.get_logger("lode.unit").info("plain line")
    err = capsys.readouterr().err
    assert "plain line" in err
    assert "request_id=req-3" in err
    assert not json_lines(err)


async def test_a_request_log_line_carries_its_request_id(
    service: Service, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")
    for request_id in ("req-a", "req-b"):
        response = await service.client.get(
            "/zoning/v1/probe/log", headers={"X-Request-ID": request_id}
        )
        assert response.status_code == 200
    lines = [
        line for line in json_lines(capsys.readouterr().err) if line["event"] == "probe handled"
    ]
    assert [(line["request_id"], line["service"], line["answer"]) for line in lines] == [
        ("req-a", "zoning", 42),
        ("req-b", "zoning", 42),
    ]
