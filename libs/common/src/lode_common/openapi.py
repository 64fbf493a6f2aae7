"""What every service's OpenAPI document says about errors: RFC 9457 problem details.

Clients generated from the documents (other systems build theirs with
``openapi-python-client`` and the like) must know the shape of an error as well as of an
answer. Every operation of every service therefore declares the problems any request can
meet (:data:`COMMON_PROBLEMS`: 401, 403, 422, 500, as ``application/problem+json`` with the
:class:`ProblemDetails` schema, instead of FastAPI's own ``HTTPValidationError``, which Lode
never sends); a route adds the ones particular to it with :func:`problems`
(``responses=problems(404, 409)``).

Some routes read their body by hand (from the raw bytes), so FastAPI does not see its model:
:func:`request_body` and :func:`publish_bodies` put it in the document all the same, under
its name, where generated clients find it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import JsonSchemaMode

from lode_common.errors import PROBLEM_JSON


class FieldError(BaseModel):
    """One field of the request that was refused, and why."""

    field: str = Field(description="where: a dotted path into the body, or the parameter")
    message: str = Field(description="what is wrong and what is accepted")


class ProblemDetails(BaseModel):
    """An error answer (RFC 9457). ``detail`` says what to do next; some problems carry
    more members (a 409 its ``current_state`` and ``allowed_actions``)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


_DESCRIPTIONS = {
    400: "Bad request",
    401: "No valid credentials: send a bearer token or a mine's API key",
    403: "Valid credentials, but the wrong role, region or someone else's data",
    404: "Not found",
    406: "None of the accepted media types can be produced",
    409: "The current state forbids the request (the body says which state and what is allowed)",
    412: "The resource changed since the version given in If-Match",
    413: "The body is too large",
    415: "The body is not JSON (or the media type the route takes)",
    422: "Invalid input: `errors` names each field and why",
    428: "A precondition header is required",
    500: "An unexpected error; nothing was saved (quote the X-Request-ID)",
    503: "A dependency is not ready or is down; retry after `Retry-After` seconds",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route for these problem statuses."""
    return {
        status: {
            "model": ProblemDetails,
            "description": _DESCRIPTIONS.get(status, "Problem"),
            "content": {PROBLEM_JSON: {}},
        }
        for status in statuses
    }


COMMON_PROBLEMS = problems(401, 403, 422, 500)
"""The problems any operation can answer (given to every service's FastAPI app)."""


def _problem_media_type(document: dict[str, Any]) -> dict[str, Any]:
    """FastAPI files a response model under ``application/json``; a problem is sent as
    ``application/problem+json``: give the schema to that media type only."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] not in "45" or PROBLEM_JSON not in content:
                    continue
                schema = content.pop("application/json", {}).get("schema")
                if schema is not None:
                    content[PROBLEM_JSON] = {"schema": schema}
    return document


def document_problems(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document declare problems as ``application/problem+json``."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _problem_media_type(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


# ---- bodies a route reads by hand ------------------------------------------------------------

REF = "#/components/schemas/{model}"
"""Where a published model's schema lives in the document."""


@dataclass(frozen=True)
class HandReadBody:
    """A request body a route reads itself (from the raw bytes: to hash or verify them, to
    parse megabytes off the event loop, or with a reader that names every fault), published
    under ``name`` as the schema of ``shape``: a model, or any type pydantic can describe (a
    union of models told apart by a field). ``optional`` lists required fields of the model
    the body may omit (a plan sent without its ``standards`` keeps those in force)."""

    name: str
    shape: Any
    optional: tuple[str, ...] = ()
    description: str | None = None


def request_body(
    body: type[BaseModel] | HandReadBody,
    *media_types: str,
    description: str | None = None,
    alternatives: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``openapi_extra`` of a route that reads ``body`` by hand: the published schema,
    as JSON or as each of ``media_types``, plus ``alternatives`` (a media type to its own
    schema: a zip upload). Publish ``body`` with :func:`publish_bodies`."""
    name = body.name if isinstance(body, HandReadBody) else body.__name__
    schema = {"$ref": REF.format(model=name)}
    content: dict[str, Any] = {m: {"schema": schema} for m in media_types or ("application/json",)}
    content.update(alternatives or {})
    described = description or (body.description if isinstance(body, HandReadBody) else None)
    return {
        "requestBody": {
            "required": True,
            **({"description": described} if described else {}),
            "content": content,
        }
    }


def publish_bodies(app: FastAPI, bodies: Iterable[type[BaseModel] | HandReadBody]) -> None:
    """Add the schemas of the bodies ``app``'s routes read by hand (and of the models they
    use) to its document's components, where FastAPI puts the models it reads itself and
    where the routes' :func:`request_body` refers.

    A model the document already has in another form (FastAPI publishes the models of
    answers as they are serialised: fields with a default are required there) is added as
    ``<Name>-Input``, FastAPI's own name for a model as it is read, and the bodies refer to
    that one."""
    published = [b if isinstance(b, HandReadBody) else HandReadBody(b.__name__, b) for b in bodies]
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        inputs = _add_schemas(schemas, _body_schemas(published), app.title)
        for path in document.get("paths", {}).values():
            for operation in path.values():
                if "requestBody" in operation:
                    operation["requestBody"] = _with_refs_to(operation["requestBody"], inputs)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _add_schemas(schemas: dict[str, Any], added: dict[str, Any], title: str) -> set[str]:
    """Add ``added`` to ``schemas``, each one that clashes (and so each one referring to a
    clashing one, until none does) as ``<Name>-Input``; the names so added."""
    inputs: set[str] = set()
    while True:
        renamed = _with_refs_to(added, inputs)
        clashing = {n for n, s in renamed.items() if n not in inputs and schemas.get(n, s) != s}
        if not clashing:
            break
        inputs |= clashing
    for name, schema in renamed.items():
        target = f"{name}-Input" if name in inputs else name
        if name in inputs:  # generators name their classes by the title
            schema = {**schema, "title": target}
        if schemas.setdefault(target, schema) != schema:
            raise ValueError(f"{title}: two different schemas are named {target}")
    return inputs


def _with_refs_to(node: Any, inputs: set[str]) -> Any:
    """``node`` with its references to the models in ``inputs`` turned to their inputs."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.split("/")[-1] in inputs:
            return {**node, "$ref": f"{ref}-Input"}
        return {key: _with_refs_to(value, inputs) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_refs_to(value, inputs) for value in node]
    return node


def _body_schemas(bodies: list[HandReadBody]) -> dict[str, Any]:
    """Each body's schema by its name, and every schema they refer to."""
    mode: JsonSchemaMode = "validation"
    adapters = [(b.name, mode, TypeAdapter(b.shape)) for b in bodies]
    tops, definitions = TypeAdapter.json_schemas(adapters, ref_template=REF)
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    for body in bodies:
        top = tops[(body.name, mode)]
        model = top["$ref"].split("/")[-1] if "$ref" in top else None
        if model == body.name and not body.optional:
            continue  # a model published under its own name: it is in the definitions
        schema = copy.deepcopy(schemas[model]) if model else top
        if body.optional:  # a variant of the model: its own title and description
            schema["required"] = [f for f in schema.get("required", []) if f not in body.optional]
            schema["title"] = body.name
            if body.description:
                schema["description"] = body.description
        schemas[body.name] = schema
    return schemas
