"""Recording (记录): one unsealed ``audit_entry`` in the transaction of every change.

Every service's sessions are :class:`AuditedSession` (``lode_common.database.
session_factory``). The session notes what each transaction changes — the ORM's new,
changed and deleted objects (their table and primary key), and the tables of Core
``INSERT``/``UPDATE``/``DELETE`` statements sent through it — and, just before the
transaction commits, inserts one entry naming the actor, roles, action and request id of
the audit context (:mod:`.context`) and those changes. A rolled-back transaction writes
nothing; a transaction that changed only the event path's bookkeeping (outbox, inbox, dead
letters, idempotency records) or nothing at all (a read) writes nothing either.

Writes that bypass the sessions add the row themselves with :func:`entry_row` (the report
intake's single statements, ``lode_monitoring.adapters.report_store``).
"""

from __future__ import annotations

import json
import uuid
import weakref
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, event, insert, inspect
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
    object_mapper,
)

from lode_common.audit.context import AuditContext, current
from lode_common.audit.tables import audit_table

log = structlog.get_logger(__name__)

AUDIT_ENTRY = audit_table()
"""The table at run time (one definition; each service's own database)."""

NOT_AUDITED = frozenset(
    {"outbox", "inbox", "dead_letter", "idempotency_record", "audit_entry", "alembic_version"}
)
"""Infrastructure, not decisions: the event path's bookkeeping (an outbox row is the event of
a change recorded with it), the remembered answers of ``Idempotency-Key`` retries, and the
log itself."""

KEYS_KEPT = 50
"""Primary keys named per table and kind of change; beyond, only their number."""

_CHANGES = "lode_audit_changes"  # session.info: {table: {kind: [keys], ...}}


class AuditedSession(Session):
    """A session that writes an ``audit_entry`` with each transaction that changes
    something (see the module's docstring)."""


def _note(session: Session, table: str | None, kind: str, key: str | None) -> None:
    if table is None or table in NOT_AUDITED:
        return
    tables: dict[str, dict[str, Any]] = session.info.setdefault(_CHANGES, {})
    kinds = tables.setdefault(table, {})
    if key is None:
        kinds["statements"] = kinds.get("statements", 0) + 1
        return
    keys: list[str] = kinds.setdefault(kind, [])
    if len(keys) < KEYS_KEPT:
        keys.append(key)
    else:
        kinds[f"{kind}_more"] = kinds.get(f"{kind}_more", 0) + 1


def _key(values: list[Any] | tuple[Any, ...]) -> str:
    return "|".join("" if v is None else str(v) for v in values)


@event.listens_for(AuditedSession, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    """The ORM's changes of this flush (the lists and histories are still pre-flush)."""
    for kind, objects in (
        ("inserted", session.new),
        ("updated", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            if kind == "updated" and not session.is_modified(obj, include_collections=False):
                continue
            mapper = object_mapper(obj)
            table = getattr(mapper.local_table, "name", None)
            _note(session, table, kind, _key(mapper.primary_key_from_instance(obj)))


@event.listens_for(AuditedSession, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    """A Core or bulk ``INSERT``/``UPDATE``/``DELETE`` sent through the session."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    kind = "inserted" if state.is_insert else "updated" if state.is_update else "deleted"
    table = getattr(getattr(state.statement, "table", None), "name", None)
    _note(state.session, table, kind, None)


@event.listens_for(AuditedSession, "before_commit")
def _before_commit(session: Session) -> None:
    context = current()
    if not context.enabled:
        session.info.pop(_CHANGES, None)
        return
    session.flush()  # what is still pending belongs to this transaction: note it first
    changes = session.info.pop(_CHANGES, None)
    if changes and _has_log(session.connection()):
        session.execute(insert(AUDIT_ENTRY).values(entry_row(context, changes)))


_LOGGED: weakref.WeakSet[Engine] = weakref.WeakSet()
"""Engines whose database has ``audit_entry`` (every service's does once migrated)."""
_WARNED: weakref.WeakSet[Engine] = weakref.WeakSet()


def _has_log(connection: Connection) -> bool:
    """The database carries the audit log; a database without it (a bare test schema, one
    not migrated yet) records nothing, and says so once."""
    engine = connection.engine
    if engine in _LOGGED:
        return True
    if inspect(connection).has_table(AUDIT_ENTRY.name):
        _LOGGED.add(engine)
        return True
    if engine not in _WARNED:
        _WARNED.add(engine)
        log.warning(
            "no audit_entry table: changes on this database are not audited",
            database=engine.url.render_as_string(hide_password=True),
        )
    return False


@event.listens_for(AuditedSession, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one: committed, rolled back or closed
        session.info.pop(_CHANGES, None)


def entry_row(
    context: AuditContext,
    subject: dict[str, Any],
    *,
    detail: dict[str, Any] | None = None,
    action: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The column values of an unsealed entry recorded in ``context`` about ``subject``."""
    details = {**context.detail, **(detail or {})}
    return {
        "id": str(uuid.uuid4()),
        "recorded_at": now or datetime.now(UTC),
        "actor": context.actor[:200],
        "roles": ",".join(context.roles)[:200],
        "action": (action or context.resolved_action())[:300],
        "subject": canonical_json(subject),
        "request_id": context.request_id[:100] if context.request_id else None,
        "detail": canonical_json(details) if details else None,
    }


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces, UTF-8 kept as is: the same text for the same value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
