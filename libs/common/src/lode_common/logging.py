"""Structured JSON logs (structlog) carrying the request or event id of what is being done."""

from __future__ import annotations

import logging
import sys
from json import JSONEncoder
from typing import Any

import structlog


class _Stderr:
    """``sys.stderr`` as it is when a line is written (tests and tools swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class _NamedWriteLogger(structlog.WriteLogger):
    """structlog's own writer (no ``logging.LogRecord``, no handler) with the logger's name."""

    def __init__(self, name: str | None) -> None:
        super().__init__(_Stderr())  # type: ignore[arg-type]
        self.name = name or "lode"


_ENCODER = JSONEncoder(ensure_ascii=False, default=repr)
"""The JSON lines' encoder, built once (``json.dumps`` with options builds one a line)."""


def _encoded(event: Any, **_options: Any) -> str:
    return _ENCODER.encode(event)


def _named_write_logger(*args: object) -> _NamedWriteLogger:
    return _NamedWriteLogger(str(args[0]) if args else None)


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    """One JSON (or console) renderer for structlog's loggers and the standard library's.

    Lode's own lines (the access log among them) are rendered by structlog and written
    straight to stderr, filtered by level before any work is done; records of the standard
    library (uvicorn, SQLAlchemy, aiokafka) go through a ``logging`` handler rendering them
    the same way."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(serializer=_encoded)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    threshold = logging.getLevelName(level.upper())
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        logger_factory=_named_write_logger,
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def bind(**values: object) -> None:
    structlog.contextvars.bind_contextvars(**values)


def unbind(*keys: str) -> None:
    structlog.contextvars.unbind_contextvars(*keys)
