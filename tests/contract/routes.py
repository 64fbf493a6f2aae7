"""The routes the four apps serve, read from the apps themselves, for the tests that call
every route (the authorization matrix, hostile input): each route's service and its path and
query parameters, and a path template filled with values for its parameters."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from lode.embedded import EmbeddedSystem

Route = tuple[str, str]  # (method, path template)


@dataclass(frozen=True)
class Served:
    service: str
    path_params: dict[str, Any]  # name -> annotation
    query_params: dict[str, Any]


def served_routes(apps: Mapping[str, FastAPI]) -> dict[Route, Served]:
    """Every APIRoute of every app, as (method, path template)."""
    served: dict[Route, Served] = {}
    for service, app in apps.items():
        for context in iter_route_contexts(app.routes):
            if not isinstance(context.original_route, APIRoute):
                continue  # openapi.json, the docs page: Starlette routes, public by design
            # the route's parameters with those its dependencies declare (a route may take its
            # path through a dependency, as zoning's proposal actions do)
            path_params = {p.name: p.field_info.annotation for p in _all(context.dependant, "path")}
            query_params = {
                p.name: p.field_info.annotation for p in _all(context.dependant, "query")
            }
            for method in sorted(context.methods or ()):
                route = (method, str(context.path))
                assert route not in served, f"{route} is served by two apps"
                served[route] = Served(service, path_params, query_params)
    return served


def _all(dependant: Dependant, where: Literal["path", "query"]) -> list[Any]:
    """The route's ``where`` parameters and those of its dependencies, each once."""
    found = list(dependant.path_params if where == "path" else dependant.query_params)
    for sub in dependant.dependencies:
        found += [p for p in _all(sub, where) if p.name not in {f.name for f in found}]
    return found


def routes_at_collection() -> dict[Route, Served]:
    """The routes, known before any test runs so that each one gets its own test ids: the
    apps are built (not started) once, with their data in a throwaway directory."""
    with tempfile.TemporaryDirectory(prefix="lode-routes-") as tmp:
        return served_routes(EmbeddedSystem(data_dir=Path(tmp), demo=False, port=0).apps)


def route_id(route: Route) -> str:
    return f"{route[0]} {route[1]}"


def fill(
    template: str,
    params: Mapping[str, Any],
    values: Mapping[str, str] | None,
    known: Mapping[str, str],
) -> str:
    """``template`` with each path parameter replaced: by ``values`` first, then the test's
    ``known`` values by name, then a value of the parameter's type that names nothing."""
    path = template
    for name, annotation in params.items():
        value = (values or {}).get(name) or _placeholder(name, annotation, known)
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"{template}: a path parameter was left unfilled in {path}"
    return path


def _placeholder(name: str, annotation: Any, known: Mapping[str, str]) -> str:
    if name in known:
        return known[name]
    if get_origin(annotation) is Literal:
        return str(get_args(annotation)[0])
    return "987654" if annotation is int else f"no-such-{name.replace('_', '-')}"
