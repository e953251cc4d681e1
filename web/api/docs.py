"""GET /api: the API described for people, as an HTML page read from the same OpenAPI
document that /api/v1/openapi.json serves (no script, nothing from outside).

The page lives outside the versioned prefix: it is no operation of the document it
describes, so the document and the routes under /api/v1 stay one and the same list.

Each operation shows its parameters, its body and answers with their types, and an
example request built from the document: the required parameters, plus the values a
reader most likely tries first (a postcode, a programme).
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import render_template
from flask.blueprints import BlueprintSetupState

from web.api.blueprint import bp
from web.api.schemas import POSTCODES, PROGRAMME_CODES
from web.api.spec import PREFIX, openapi_document
from web.db import get_session
from web.services.reference import list_programmes

MAX_ENUM_SHOWN = 12  # longer lists (programmes, postcodes) have a route of their own
REF_PREFIX = "#/components/schemas/"
# Values an example uses for a parameter or body field of this name, where the document
# gives no default; any other required value is made from its type.
EXAMPLE_VALUES: dict[str, Any] = {
    "postcode": "8500",
    "q": "Kortrijk",
    "radius_km": 15,
    "n_places": 3,
    "n_free_places": 1,
    "available_from": "2026-09-01",
    "min_age": 16,
    "start_months": [9],
    "languages": ["nl"],
}
# The optional parameters an example request shows: what a reader tries first.
LIKELY_QUERY = ("postcode", "q", "radius_km")
EXAMPLE_PATH_ID = 1


@dataclass(frozen=True)
class Field:
    """A parameter or a property, as the page lists it."""

    name: str
    where: str  # "path", "query" or "body"
    type: str
    is_required: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    type: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    is_secured: bool
    parameters: list[Field]
    body_type: str | None
    example: str
    answers: list[Answer]


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    properties: list[Field]


def type_of(schema: dict[str, Any]) -> str:
    """A schema in a few words: "integer, 0 to 99", "list of string", "Availability"."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF_PREFIX)
    if "anyOf" in schema:
        return " or ".join(type_of(branch) for branch in schema["anyOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}))}"
    words = [kind]
    if "format" in schema:
        words = [f"{kind} ({schema['format']})"]
    enum = schema.get("enum")
    if enum and len(enum) <= MAX_ENUM_SHOWN:
        words.append("one of " + ", ".join(str(value) for value in enum))
    if "minimum" in schema and "maximum" in schema:
        words.append(f"{schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        words.append(f"at least {schema['minimum']}")
    return ", ".join(words)


def _default(schema: dict[str, Any]) -> str | None:
    return json.dumps(schema["default"]) if "default" in schema else None


def _parameter(raw: dict[str, Any]) -> Field:
    schema = raw["schema"]
    return Field(
        name=raw["name"],
        where=raw["in"],
        type=type_of(schema),
        is_required=raw["required"],
        default=_default(schema),
        description=raw.get("description", ""),
    )


def _properties(schema: dict[str, Any], where: str) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        Field(
            name=name,
            where=where,
            type=type_of(prop),
            is_required=name in required,
            default=_default(prop),
            description=prop.get("description", ""),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


class Examples:
    """Example values for the parameters and fields of one document."""

    def __init__(self, schemas: dict[str, Any], values: dict[str, Any]) -> None:
        self.schemas = schemas
        self.values = values

    def value(self, name: str, schema: dict[str, Any]) -> Any:
        """A likely value for `name`, else the default, else one of the schema's type."""
        if name in self.values:
            return self.values[name]
        if "$ref" in schema:
            return self.object(self.schemas[schema["$ref"].removeprefix(REF_PREFIX)])
        if "default" in schema:
            return schema["default"]
        if schema.get("enum"):
            return schema["enum"][0]
        if "anyOf" in schema:
            return self.value(name, schema["anyOf"][0])
        kind = schema.get("type")
        if kind in ("integer", "number"):
            return schema.get("minimum", 1)
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.value(name, schema.get("items", {}))]
        if kind == "object":
            return self.object(schema)
        return "..."

    def object(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Every property of an object schema with a value."""
        return {name: self.value(name, prop) for name, prop in schema.get("properties", {}).items()}

    def request(self, method: str, path: str, raw: dict[str, Any]) -> str:
        """The request as a reader could send it: the path with its values, the required
        parameters and those a reader tries first, the token and the body."""
        query = {}
        for parameter in raw.get("parameters", []):
            name, schema = parameter["name"], parameter["schema"]
            if parameter["in"] == "path":
                path = path.replace("{" + name + "}", str(EXAMPLE_PATH_ID))
            elif parameter["required"] or name in LIKELY_QUERY:
                query[name] = self.value(name, schema)
        lines = [f"{method} {path}" + (f"?{urlencode(query)}" if query else "")]
        if raw.get("security"):
            lines.append("Authorization: Bearer dm_...")
        body = raw.get("requestBody")
        if body is not None:
            lines += ["Content-Type: application/json", ""]
            lines.append(
                json.dumps(self.value("", body["content"]["application/json"]["schema"]), indent=2)
            )
        return "\n".join(lines)


def describe(
    document: dict[str, Any], example_values: dict[str, Any]
) -> tuple[list[Operation], list[Schema]]:
    """Turn an OpenAPI document into what the page lists, its examples made with
    `example_values` (by parameter or field name) where they fit."""
    schemas = document["components"]["schemas"]
    examples = Examples(schemas, example_values)
    operations = []
    for path, methods in document["paths"].items():
        for method, raw in methods.items():
            body = raw.get("requestBody")
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=raw["operationId"],
                    summary=raw.get("summary", ""),
                    description=raw.get("description", ""),
                    is_secured=bool(raw.get("security")),
                    parameters=[_parameter(p) for p in raw.get("parameters", [])],
                    body_type=type_of(body["content"]["application/json"]["schema"])
                    if body
                    else None,
                    example=examples.request(method.upper(), path, raw),
                    answers=[
                        Answer(status, answer["description"], type_of(_schema_of(answer)))
                        for status, answer in raw["responses"].items()
                    ],
                )
            )
    described = [
        Schema(name, schema.get("description", ""), _properties(schema, "body"))
        for name, schema in sorted(schemas.items())
    ]
    return operations, described


def _schema_of(answer: dict[str, Any]) -> dict[str, Any]:
    return dict(answer.get("content", {}).get("application/json", {}).get("schema", {}))


def docs() -> str:
    """The API described for people."""
    # The page names no programme or postcode list (each has a route of its own); only
    # the example takes a programme.
    document = openapi_document({PROGRAMME_CODES: [], POSTCODES: []})
    programmes = list_programmes(get_session())
    example_values = EXAMPLE_VALUES | ({"programme": programmes[0].code} if programmes else {})
    operations, schemas = describe(document, example_values)
    return render_template(
        "api/docs.html",
        info=document["info"],
        operations=operations,
        schemas=schemas,
        prefix=PREFIX,
    )


@bp.record_once
def _add_docs_page(state: BlueprintSetupState) -> None:
    state.app.add_url_rule("/api", "api.docs", docs, methods=["GET"])
