"""Bodies a route reads by hand are published in the OpenAPI document as their models, and
problems as ``application/problem+json``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field

from lode_common.errors import PROBLEM_JSON
from lode_common.openapi import (
    REF,
    HandReadBody,
    document_problems,
    problems,
    publish_bodies,
    request_body,
)


class Site(BaseModel):
    name: str
    note: str | None = None


class Visit(BaseModel):
    """A visit to a site."""

    model_config = ConfigDict(extra="forbid")

    site: Site
    year: int = Field(ge=1949)
    standards: dict[str, Any]


class Survey(BaseModel):
    kind: Literal["survey"]
    sheets: int


class Restoration(BaseModel):
    kind: Literal["restoration"]
    hectares: float


Progress = Annotated[Survey | Restoration, Field(discriminator="kind")]

WITHOUT_STANDARDS = HandReadBody(
    "VisitToFile",
    Visit,
    optional=("standards",),
    description="a visit; without standards it keeps those in force",
)
PROGRESS = HandReadBody("Progress", Progress, description="progress, by kind")


def _app() -> FastAPI:
    app = FastAPI(title="test")

    @app.post("/visits", openapi_extra=request_body(Visit), responses=problems(409))
    async def visit(request: Request) -> Site:
        return Site(name=(await request.json())["site"]["name"])

    @app.put("/visits/{name}", openapi_extra=request_body(WITHOUT_STANDARDS, "application/yaml"))
    async def file_visit(name: str) -> dict[str, str]:
        return {"name": name}

    @app.post("/progress", openapi_extra=request_body(PROGRESS))
    async def progress() -> dict[str, str]:
        return {}

    document_problems(app)
    publish_bodies(app, [Visit, WITHOUT_STANDARDS, PROGRESS])
    return app


def test_a_body_read_by_hand_is_published_with_the_models_it_uses() -> None:
    document = _app().openapi()
    schemas = document["components"]["schemas"]
    body = document["paths"]["/visits"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"] == {"application/json": {"schema": {"$ref": REF.format(model="Visit")}}}
    assert schemas["Visit"]["additionalProperties"] is False
    assert schemas["Visit"]["properties"]["year"]["minimum"] == 1949
    assert set(schemas["Visit"]["required"]) == {"site", "year", "standards"}


def test_every_reference_of_the_document_resolves() -> None:
    document = _app().openapi()
    schemas = document["components"]["schemas"]
    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_a_variant_makes_some_fields_optional_under_its_own_name() -> None:
    document = _app().openapi()
    variant = document["components"]["schemas"]["VisitToFile"]
    assert set(variant["required"]) == {"site", "year"}
    assert variant["title"] == "VisitToFile"
    assert variant["description"] == "a visit; without standards it keeps those in force"
    body = document["paths"]["/visits/{name}"]["put"]["requestBody"]
    assert body["description"] == "a visit; without standards it keeps those in force"
    assert body["content"]["application/yaml"]["schema"] == {
        "$ref": REF.format(model="VisitToFile")
    }


def test_a_union_is_published_under_its_name_with_its_discriminator() -> None:
    document = _app().openapi()
    progress = document["components"]["schemas"]["Progress"]
    assert progress["discriminator"]["propertyName"] == "kind"
    assert {m["$ref"] for m in progress["oneOf"]} == {
        REF.format(model="Survey"),
        REF.format(model="Restoration"),
    }
    assert document["paths"]["/progress"]["post"]["requestBody"]["description"] == (
        "progress, by kind"
    )


def test_a_model_the_document_has_as_an_answer_is_added_as_read() -> None:
    """``Site`` is an answer (as FastAPI publishes it) and, in ``Visit``, part of a body (as
    pydantic reads it: ``note`` defaults to null); the body refers to ``Site-Input``."""
    document = _app().openapi()
    schemas = document["components"]["schemas"]
    assert schemas["Site-Input"] != schemas["Site"]
    assert schemas["Site-Input"]["required"] == ["name"]
    assert schemas["Site-Input"]["properties"]["note"]["default"] is None
    assert schemas["Visit"]["properties"]["site"] == {"$ref": REF.format(model="Site-Input")}
    answer = document["paths"]["/visits"]["post"]["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": REF.format(model="Site")}


def test_problems_stay_problem_json() -> None:
    document = _app().openapi()
    conflict = document["paths"]["/visits"]["post"]["responses"]["409"]["content"]
    assert list(conflict) == [PROBLEM_JSON]


def test_two_different_models_of_one_name_are_refused() -> None:
    class Other(BaseModel):
        colour: str

    app = FastAPI(title="clash")

    @app.get("/site")
    async def site() -> Site:
        return Site(name="a")

    publish_bodies(app, [HandReadBody("Site-Input", Other), Visit])
    with pytest.raises(ValueError, match="Site-Input"):
        app.openapi()
