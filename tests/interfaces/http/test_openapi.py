"""The HTTP service described as data, and its OpenAPI document
(core/interfaces/http/openapi.py), tested without a server."""

from __future__ import annotations

from typing import Any

from threshold.core.interfaces.http.endpoints import Api
from threshold.core.interfaces.http.openapi import (
    ENDPOINTS,
    JSON,
    Answer,
    Endpoint,
    Parameter,
    component_schemas,
    openapi_document,
)
from threshold.core.io.schemas import SCHEMA_NAMES, schema


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_every_endpoint_is_an_operation_served_by_a_method_of_its_name() -> None:
    document = openapi_document(ENDPOINTS, version="9.9")
    operations = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert len(operations) == len(ENDPOINTS)
    for endpoint in ENDPOINTS:
        assert operations[(endpoint.method, endpoint.path)]["operationId"] == endpoint.name
        assert callable(getattr(Api, endpoint.name)), endpoint.name
    assert document["info"]["version"] == "9.9" and "999" in document["info"]["description"]


def test_every_reference_resolves_inside_the_document() -> None:
    document = openapi_document(ENDPOINTS, version="1")
    refs = _refs(document)
    assert refs
    for ref in refs:
        assert _resolve(document, ref) is not None, ref


def test_published_schemas_are_bundled_with_their_id_kept() -> None:
    components = component_schemas()
    assert set(components) == set(SCHEMA_NAMES)
    guidance = components["guidance"]
    assert guidance["x-id"] == schema("guidance")["$id"]
    assert "$id" not in guidance and "$schema" not in guidance
    assert all(r.startswith("#/components/schemas/") for r in _refs(components))


def test_an_operation_is_built_from_its_description() -> None:
    endpoint = Endpoint(
        "POST",
        "/things/{id}",
        "things",
        "Make a thing.",
        parameters=(Parameter("id", "path", "The id.", {"type": "string"}),),
        request=(JSON, "case"),
        responses=(
            Answer(200, "Made.", "guidance"),
            Answer(200, "Made, as a page.", None, "text/html"),
            Answer(422, "Bad.", "error"),
        ),
    )
    operation = openapi_document([endpoint], version="1")["paths"]["/things/{id}"]["post"]
    assert operation["parameters"][0]["required"] is True  # a path parameter always is
    assert operation["requestBody"]["content"][JSON]["schema"] == {
        "$ref": "#/components/schemas/case"
    }
    ok = operation["responses"]["200"]
    assert ok["description"] == "Made."  # the first description of a status is kept
    assert ok["content"]["text/html"]["schema"] == {"type": "string"}
    assert set(operation["responses"]) == {"200", "422"}
