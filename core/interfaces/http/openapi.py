"""The HTTP service described as data, and its OpenAPI 3.1 document.

The request and response bodies are the published JSON Schemas themselves
(``schemas/``), bundled under ``components/schemas``: OpenAPI 3.1 uses JSON
Schema draft 2020-12, so there is one contract, not two. Bundling changes only
what OpenAPI tools need: each ``$ref`` is rewritten to point inside the document
(``#/$defs/contact`` in the guidance schema becomes
``#/components/schemas/guidance/$defs/contact``, a reference to another schema's
``$id`` becomes a reference to its component), and ``$id`` is kept as ``x-id``
(most tools resolve references against the document, not an embedded ``$id``).
Nothing here needs the web framework.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from threshold.core.io.schemas import SCHEMA_NAMES, schema

JSON = "application/json"
JSON_LINES = "application/x-ndjson"


@attrs.frozen
class Parameter:
    """A query or path parameter.

    Attributes:
        name: Its name.
        where: "query" or "path".
        description: What it means.
        schema: Its JSON Schema.
        required: Whether it must be given.
    """

    name: str
    where: str
    description: str
    schema: dict[str, Any]
    required: bool = False


@attrs.frozen
class Response:
    """One response an endpoint gives.

    Attributes:
        status: HTTP status code.
        description: When it is given.
        schema: Name of the published schema of its body, or None for any JSON
            (a ``text/*`` body is a string).
        media_type: Its content type. An endpoint may list one status several
            times, once per media type (the first description is kept).
    """

    status: int
    description: str
    schema: str | None
    media_type: str = JSON


@attrs.frozen
class Endpoint:
    """One endpoint of the HTTP service.

    Attributes:
        method: HTTP method.
        path: Path, with ``{name}`` for path parameters.
        name: Its operation id, and the name of the method that serves it.
        summary: One line on what it does.
        parameters: Query and path parameters.
        request: (content type, schema name) of the request body, or None.
        responses: The responses it gives.
    """

    method: str
    path: str
    name: str
    summary: str
    parameters: tuple[Parameter, ...] = ()
    request: tuple[str, str] | None = None
    responses: tuple[Response, ...] = ()


def _ref(name: str | None) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"} if name else {"type": "object"}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": endpoint.name, "summary": endpoint.summary}
    if endpoint.parameters:
        operation["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "description": p.description,
                "schema": p.schema,
            }
            for p in endpoint.parameters
        ]
    if endpoint.request is not None:
        media_type, name = endpoint.request
        operation["requestBody"] = {
            "required": True,
            "content": {media_type: {"schema": _ref(name)}},
        }
    responses: dict[str, dict[str, Any]] = {}
    for r in endpoint.responses:  # one status may come in several media types
        answer = responses.setdefault(str(r.status), {"description": r.description, "content": {}})
        body = {"type": "string"} if r.media_type.startswith("text/") else _ref(r.schema)
        answer["content"][r.media_type] = {"schema": body}
    operation["responses"] = responses
    return operation


def _bundled(name: str, document: dict[str, Any], components: dict[str, str]) -> dict[str, Any]:
    """Return schema ``name`` with its references pointing inside the OpenAPI document;
    ``components`` maps each schema's ``$id`` to its component name."""

    def rewrite(ref: str) -> str:
        target, _, fragment = ref.partition("#")
        return f"#/components/schemas/{components[target] if target else name}{fragment}"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: rewrite(value) if key == "$ref" and isinstance(value, str) else walk(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    bundled: dict[str, Any] = walk(document)
    bundled.pop("$schema", None)
    bundled["x-id"] = bundled.pop("$id")
    return bundled


def component_schemas() -> dict[str, dict[str, Any]]:
    """Return every published schema, bundled for ``components/schemas``, by name."""
    components = {schema(name)["$id"]: name for name in SCHEMA_NAMES}
    return {name: _bundled(name, schema(name), components) for name in SCHEMA_NAMES}


def openapi_document(endpoints: Iterable[Endpoint], *, version: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for ``endpoints``, with every published
    schema bundled under ``components/schemas`` by its name."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "threshold",
            "version": version,
            "description": (
                "Children's-safeguarding threshold documents as a JSON service: the route, "
                "who to contact now, the steps, consent and what to record. Decision "
                "support only: it supports, and never replaces, professional judgement and "
                "the safeguarding lead. If a child is in immediate danger, ring 999."
            ),
        },
        "paths": paths,
        "components": {"schemas": component_schemas()},
    }
