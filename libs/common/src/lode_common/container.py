"""A service's own parts, typed: built once in its ``bootstrap``, reached the same way by
its routes, its inbox handlers' jobs and its tests.

Every service declares one container, a dataclass subclassing :class:`ServiceContainer`
(``lode_licensing.container.Licensing``: the zoning and province clients, the plan
replica, the callback URL ...). Its ``bootstrap.build`` creates it and attaches it to the
runtime (:meth:`ServiceContainer.attach`); a route takes it as an ``Annotated``
dependency (``Licensing.from_request``) and a background job reads it from the runtime
(``Licensing.of(runtime)``). Nothing is kept in untyped dictionaries, and nothing a service
needs is a module-level global.

A service's errors (its domain's exception tree) are mapped to problem details in one
place, :class:`ErrorPolicy`, registered with FastAPI once by ``create_service_app``: a
route or a domain function raises, and the answer is the same wherever it was raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from fastapi import Request

from lode_common.errors import Problem
from lode_common.runtime import ServiceRuntime


@dataclass
class ServiceContainer:
    """Base of a service's container: the runtime and what the service built on it."""

    runtime: ServiceRuntime

    def attach(self) -> Self:
        """Make this the runtime's container (done once, by the service's bootstrap)."""
        if self.runtime.container is not None:
            raise RuntimeError(f"{self.runtime.name} already has a container")
        self.runtime.container = self
        return self

    @classmethod
    def of(cls, runtime: ServiceRuntime) -> Self:
        """The container ``bootstrap`` attached to ``runtime``."""
        container = runtime.container
        if not isinstance(container, cls):
            raise RuntimeError(
                f"{runtime.name} has no {cls.__name__}: build the service with its bootstrap"
            )
        return container

    @classmethod
    def from_request(cls, request: Request) -> Self:
        """The dependency a route takes:
        ``Annotated[Licensing, Depends(Licensing.from_request)]``."""
        runtime: ServiceRuntime = request.app.state.runtime
        return cls.of(runtime)


@dataclass(frozen=True)
class ErrorPolicy:
    """How a service's own errors are answered: the exception types that are the caller's to
    act on and the function giving each its problem details. Any other exception is a bug,
    answered 500 with nothing saved (the request's unit of work is not committed)."""

    handled: tuple[type[Exception], ...] = ()
    problem: Callable[[Exception], Problem] = field(default=lambda error: _unmapped(error))


def _unmapped(error: Exception) -> Problem:
    raise error
