"""Who is acting, and in what (审计上下文): the audit context of the current request, event
or job, read when a transaction commits to write its ``audit_entry``.

It is set where the work starts — the HTTP middleware (with the request id; the actor once
the caller is authenticated, the action once the route is matched), the inbox (each batch
of events), a background job or a start hook of the runtime — and is a ``ContextVar``, so
concurrent requests and tasks never see each other's. Outside any of these (a tool, a
script) the entry says ``system`` and ``unattributed``: nothing goes unrecorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

UNATTRIBUTED = "unattributed"


@dataclass
class AuditContext:
    """The actor (a principal's subject, or ``system:<what>``), its roles, the action
    (``POST /licensing/v1/...`` with the route's template, an event type, a job's name) and
    the request id (the X-Request-ID, or the event's id). Mutable: the middleware sets it
    before the caller is known, authentication and routing fill it in."""

    actor: str = "system"
    roles: tuple[str, ...] = ()
    action: str = UNATTRIBUTED
    request_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    action_of: Callable[[], str | None] | None = None
    """Computes the action lazily (the HTTP route is matched after the context is set)."""
    enabled: bool = True

    def resolved_action(self) -> str:
        if self.action_of is not None:
            found = self.action_of()
            if found:
                return found
        return self.action


_CURRENT: ContextVar[AuditContext | None] = ContextVar("lode_audit_context", default=None)


def current() -> AuditContext:
    """The audit context in force (an unattributed ``system`` one outside any)."""
    return _CURRENT.get() or AuditContext()


@contextmanager
def acting(context: AuditContext) -> Iterator[AuditContext]:
    """Run the block with ``context`` as the audit context (restored after)."""
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)


def for_system(what: str, *, action: str | None = None) -> AuditContext:
    """A background job's or a start hook's context: actor ``system:<what>``."""
    return AuditContext(actor=f"system:{what}", action=action or what)


def for_events(consumer: str, events: Sequence[tuple[str, str]] = ()) -> AuditContext:
    """An inbox transaction's context: actor ``system:consumer:<consumer>``, and the events
    ((type, id) pairs) it handles (:func:`handling`)."""
    context = AuditContext(actor=f"system:consumer:{consumer}", action="events")
    handling(context, events)
    return context


def handling(context: AuditContext, events: Sequence[tuple[str, str]]) -> None:
    """The events of the transaction: the action is their type (types joined by a comma for
    a mixed batch), the request id the first one's id (all ids in the detail when there
    are several)."""
    kinds = list(dict.fromkeys(kind for kind, _ in events))
    ids = [event_id for _, event_id in events]
    context.action = ",".join(kinds) or "events"
    context.request_id = ids[0] if ids else None
    context.detail = {"event_ids": ids} if len(ids) > 1 else {}


def for_request(scope: Mapping[str, Any], request_id: str) -> AuditContext:
    """An HTTP request's context: the action ``METHOD /route/{template}`` once routed."""
    method = str(scope.get("method", "?"))

    def action_of() -> str | None:
        route = scope.get("route")
        path = getattr(route, "path", None)
        return f"{method} {path}" if path else None

    return AuditContext(
        actor="anonymous",
        action=f"{method} {str(scope.get('path', ''))[:200]}",
        request_id=request_id,
        action_of=action_of,
    )


def identify(subject: str, roles: Iterable[str]) -> None:
    """The caller is authenticated: name it in the current context (if there is one)."""
    context = _CURRENT.get()
    if context is not None:
        context.actor = subject
        context.roles = tuple(sorted(roles))


@contextmanager
def unaudited() -> Iterator[None]:
    """Writes in the block record nothing (a rebuild of read models from the topics, which
    replays what the services' own logs already hold)."""
    with acting(AuditContext(enabled=False)):
        yield
