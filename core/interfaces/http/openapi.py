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

from threshold.core.interfaces.http.guards import MAX_BATCH_LINES, MAX_BATCH_OUTPUT_BYTES
from threshold.core.io.schemas import SCHEMA_NAMES, schema
from threshold.core.io.schemas import schema as published
from threshold.core.model.vocabulary import FORM_FORMATS

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
class Answer:
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
    responses: tuple[Answer, ...] = ()


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


AUTHORITY_PARAMETER = Parameter(
    "authority",
    "query",
    "Default authority id for a case (or batch line) that gives none.",
    {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
)
RECORD_PARAMETER = Parameter(
    "record",
    "query",
    "Add a decision record to each guidance.",
    {"enum": ["true", "false"], "default": "false"},
)
ERROR_ANSWERS = (
    Answer(400, "Not JSON, or a bad query parameter.", "error"),
    Answer(413, "The request body is over the size limit.", "error"),
    Answer(422, "A field is wrong, or the authority is unknown.", "error"),
    Answer(503, "The authority's plugin is broken.", "error"),
)
#: The case fields as query parameters (``?level=3&unborn=true``), to prefill a form.
CASE_QUERY = tuple(
    Parameter(
        name,
        "query",
        f"Case field, to prefill the form (only the fields given count): {spec['description']}",
        {"$ref": f"#/components/schemas/case/properties/{name}"},
    )
    for name, spec in published("case")["properties"].items()
)
#: The formats GET /compare gives (CSV and JSON hold every combination).
HTTP_COMPARE_FORMATS = ("json", "csv", "html")
TRUE_FALSE = ("true", "false")
REFERRAL_EXAMPLE = (
    '{"authority": "derbyshire", "form": "derbyshire-request-for-support", "answers": {}}'
)
#: HTML pages get a policy that lets them load and send nothing (a form page


BUSY = Answer(
    503,
    "Busy with other slow requests (GET /compare, POST /route/batch run a few at a time, "
    "with a bounded queue): retry after the seconds in Retry-After. POST /route is answered "
    "meanwhile.",
    "error",
)

#: Every endpoint, as data: the routing table and /openapi.json are built from it.
ENDPOINTS = (
    Endpoint(
        "GET",
        "/health",
        "health",
        "Whether the service can route: how many authorities work and how many are broken.",
        responses=(
            Answer(200, "At least one authority works.", "health"),
            Answer(503, "No authority works.", "health"),
        ),
    ),
    Endpoint(
        "GET",
        "/authorities",
        "authorities",
        "The installed authorities, plugins and data dates, and any broken plugin.",
        responses=(Answer(200, "The list.", "authorities"),),
    ),
    Endpoint(
        "POST",
        "/route",
        "route",
        "Route one case: the body is a case, optionally with its authority.",
        parameters=(AUTHORITY_PARAMETER, RECORD_PARAMETER),
        request=(JSON, "batch-line"),
        responses=(Answer(200, "The guidance.", "guidance"), *ERROR_ANSWERS),
    ),
    Endpoint(
        "POST",
        "/route/batch",
        "route_batch",
        "Route many cases: JSON Lines in (one case per line, each may carry its authority), "
        "one result per line out, in order; a bad line gets an error record.",
        parameters=(AUTHORITY_PARAMETER, RECORD_PARAMETER),
        request=(JSON_LINES, "batch-line"),
        responses=(
            Answer(200, "One result per input line.", "batch-result", JSON_LINES),
            Answer(400, "A bad query parameter.", "error"),
            Answer(
                413,
                f"The body is over the size limit, has more than {MAX_BATCH_LINES:,} lines "
                f"(blank lines count), or its results would be over "
                f"{MAX_BATCH_OUTPUT_BYTES:,} bytes (the defaults); send fewer lines per "
                "request, or large batches to `threshold route --batch`.",
                "error",
            ),
            *(e for e in ERROR_ANSWERS if e.status not in (400, 413)),
            BUSY,
        ),
    ),
    Endpoint(
        "GET",
        "/forms/{authority}/{form}",
        "form",
        "One referral form, with what the case fields in the query say filled in: a JSON "
        "Schema of the answers, a FHIR R4 Questionnaire, GOV.UK-style HTML or Markdown. "
        "Besides the fields every authority shares (below), the answers to the authority's "
        "own questions go in the query by question id (level=3): see its case schema, "
        "GET /schemas/case?authority=ID.",
        parameters=(
            Parameter("authority", "path", "The authority id.", {"type": "string"}),
            Parameter("form", "path", "The form id (see `threshold form`).", {"type": "string"}),
            Parameter(
                "format",
                "query",
                "The form's format.",
                {"enum": list(FORM_FORMATS), "default": "json-schema"},
            ),
            *CASE_QUERY,
        ),
        responses=(
            Answer(200, "The form.", None, "application/schema+json"),
            Answer(200, "The form.", None, "application/fhir+json"),
            Answer(200, "The form.", None, "text/html"),
            Answer(200, "The form.", None, "text/markdown"),
            Answer(400, "A bad or unknown query parameter.", "error"),
            Answer(404, "No such authority, or no such form of it.", "error"),
            Answer(422, "A case field is wrong.", "error"),
            Answer(503, "The authority's plugin, or its forms, are broken.", "error"),
        ),
    ),
    Endpoint(
        "POST",
        "/validate",
        "validate",
        "Check a filled referral against its form: valid or not, one error per problem "
        "(naming the item, never repeating the answer), and the required questions missing.",
        request=(JSON, "referral"),
        responses=(
            Answer(200, "The result, valid or not.", "validation"),
            Answer(400, "Not JSON, or a query parameter (there are none).", "error"),
            Answer(413, "The request body is over the size limit.", "error"),
            Answer(422, "A field is wrong, or the authority or form is unknown.", "error"),
            Answer(503, "The authority's plugin, or its forms, are broken.", "error"),
        ),
    ),
    Endpoint(
        "GET",
        "/compare",
        "compare",
        "Two or more authorities side by side: contacts by purpose, and each authority's "
        "route for every combination of the case fields that change a route.",
        parameters=(
            Parameter(
                "authority",
                "query",
                "An authority id, once per side (two or more), in column order; "
                "AUTHORITY@VERSION names one of its installed versions (GET /authorities "
                "lists them), so two versions of one authority can be compared. A draft "
                "version's folder (the command line's AUTHORITY@FOLDER) is never read over "
                "HTTP: a path is refused (400).",
                {"type": "array", "items": {"type": "string"}, "minItems": 2},
                required=True,
            ),
            Parameter(
                "differences_only",
                "query",
                "Keep only the contacts and scenarios that differ.",
                {"enum": list(TRUE_FALSE), "default": "false"},
            ),
            Parameter(
                "format",
                "query",
                "The comparison's format (CSV and JSON hold every combination).",
                {"enum": list(HTTP_COMPARE_FORMATS), "default": "json"},
            ),
        ),
        responses=(
            Answer(200, "The comparison.", "compare"),
            Answer(200, "The comparison.", None, "text/csv"),
            Answer(200, "The comparison.", None, "text/html"),
            Answer(
                400, "A bad or unknown query parameter, or fewer than two authorities.", "error"
            ),
            Answer(404, "No such authority, or no installed version of that name.", "error"),
            Answer(503, "An authority's plugin is broken.", "error"),
            BUSY,
        ),
    ),
    Endpoint(
        "GET",
        "/schemas/{name}",
        "schema",
        "One of the published JSON Schemas; with an authority, that authority's own case "
        "schema (GET /schemas/case?authority=ID): the urgent part every authority shares "
        "and its own questions with their answers, anything else refused. POST /route and "
        "each line of POST /route/batch are read against it.",
        parameters=(
            Parameter("name", "path", "The schema's name.", {"type": "string"}),
            Parameter(
                "authority",
                "query",
                "An authority id, with the name `case` only: that authority's own case schema.",
                {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
            ),
        ),
        responses=(
            Answer(200, "The JSON Schema (draft 2020-12).", None, "application/schema+json"),
            Answer(
                400,
                "A bad or unknown query parameter, or an authority with a schema other "
                "than `case`.",
                "error",
            ),
            Answer(404, "No schema has this name, or no authority has this id.", "error"),
            Answer(503, "The authority's plugin is broken.", "error"),
        ),
    ),
    Endpoint(
        "GET",
        "/openapi.json",
        "openapi",
        "This API as OpenAPI 3.1, built from the published JSON Schemas.",
        responses=(Answer(200, "The OpenAPI document.", None),),
    ),
)
