"""Routes described once: `route` validates each request with the route's models and
records the operation; `openapi_document` is generated from those records.

A request is checked in this order: the bearer token (401), the query string and the
body (400, naming the field), then the route itself looks things up (404, 409).
"""

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast, get_args

from flask import request
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import ErrorDetails

from models.base import utcnow
from web.api.blueprint import bp
from web.api.errors import ApiError
from web.api.schemas import LIVE_ENUM, Error, QueryParams, without_null
from web.auth import bearer_token
from web.db import unit_of_work
from web.params import ParameterError
from web.services import tokens
from web.services.policy import Party

PREFIX = "/api/v1"
COMPONENTS = "#/components/schemas/{model}"
STATUS_TEXT = {
    400: "Bad input; `field` names the parameter or body field",
    401: "No valid token",
    404: "Not found",
    409: "The recognition is not valid now (requested, refused, withdrawn or expired)",
}

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Operation:
    """One route as the document describes it."""

    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    answer: Any  # the TypedDict of a 200 answer, or None for any JSON
    query: type[QueryParams] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    secured: bool = False
    path: Mapping[str, JsonSchemaValue] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def route(
    method: str,
    rule: str,
    *,
    answer: Any,
    query: type[QueryParams] | None = None,
    body: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (),
    secured: bool = False,
    path: Mapping[str, JsonSchemaValue] | None = None,
) -> Callable[[View], View]:
    """Attach a view to the API blueprint and describe it.

    The view receives the path's values, and `query` (the parsed query string), `body`
    (the parsed JSON body) and `party` (whom the bearer token acts for) as declared.
    The view's docstring gives the summary (its first line) and the description.
    """

    def decorator(view: View) -> View:
        summary, _, description = (view.__doc__ or view.__name__).strip().partition("\n")
        operation = Operation(
            method=method,
            rule=rule,
            endpoint=view.__name__,
            summary=summary.strip(),
            description=" ".join(description.split()),
            answer=answer,
            query=query,
            body=body,
            errors=tuple(
                sorted({*errors, *([400] if query or body else []), *([401] if secured else [])})
            ),
            secured=secured,
            path=path or {},
        )
        OPERATIONS.append(operation)

        @functools.wraps(view)
        def wrapper(**values: Any) -> Any:
            if secured:
                values["party"] = authenticate(utcnow())
            if query is not None:
                values["query"] = read_query(query)
            if body is not None:
                values["body"] = read_body(body)
            return view(**values)

        bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
        return cast(View, wrapper)

    return decorator


def authenticate(now: datetime) -> Party:
    """Return whom the request's bearer token acts for, noting its use; else a 401."""
    secret = bearer_token()
    party = None
    if secret:
        with unit_of_work() as db:
            party = tokens.party_of_token(db, secret, now)
    if party is None:
        raise ApiError(401, "unauthorized", "a valid API token is needed (Authorization: Bearer)")
    return party


Params = TypeVar("Params", bound=QueryParams)
Body = TypeVar("Body", bound=BaseModel)


def read_query(model: type[Params]) -> Params:
    """Validate the query string; a blank value is a value, refused like any bad one."""
    fields = _fields_of(model)
    # The parameters given (a handful), not every one the route knows; the first value
    # of a repeated one counts.
    raw = {name: value for name, value in request.args.items() if name in fields}
    for name, value in raw.items():
        if not value and fields[name].is_required():
            raise ParameterError("missing_parameter", f"{name} is required", name)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        code, message, where = explain(error.errors(include_url=False)[0], model, "query")
        raise ParameterError(code, message, where) from None


@functools.cache
def _fields_of(model: type[BaseModel]) -> dict[str, FieldInfo]:
    # pydantic makes `model_fields` a property that warns on instances: slow to read.
    return model.model_fields


def read_body(model: type[Body]) -> Body:
    """Validate the JSON body; every refusal is a 400 `invalid_field` naming the field."""
    if not request.is_json:
        raise ApiError(
            400, "invalid_field", "send the body as JSON (Content-Type: application/json)", "body"
        )
    try:
        return model.model_validate_json(request.get_data())
    except ValidationError as error:
        _code, message, where = explain(error.errors(include_url=False)[0], model, "body")
        raise ApiError(400, "invalid_field", message, where) from None


_MESSAGES = {
    "missing": "{field} is required",
    "int_type": "{field} must be a whole number",
    "int_parsing": "{field} must be a whole number",
    "int_from_float": "{field} must be a whole number",
    "float_type": "{field} must be a number",
    "bool_type": "{field} must be true or false",
    "string_type": "{field} must be a string",
    "string_too_long": "{field} is too long",
    "list_type": "{field} must be a list",
    "model_type": "{field} must be a JSON object",
    "dict_type": "{field} must be a JSON object",
    "date_type": "{field} must be a date YYYY-MM-DD or null",
    "literal_error": "{field} must be one of {expected}",
    "greater_than_equal": "{field} must be at least {ge}",
    "less_than_equal": "{field} must be at most {le}",
    "null": "{field} cannot be null: leave it out to keep its value",
    "json_invalid": "the body is not valid JSON",
}
_RANGE = {"greater_than_equal", "less_than_equal"}


def explain(error: ErrorDetails, model: type[BaseModel], whole: str) -> tuple[str, str, str]:
    """Return the code, the message and the field of a pydantic error, in English;
    `whole` names the input as a whole (the query string or the body)."""
    where = ".".join(part for part in error["loc"] if isinstance(part, str)) or whole
    context = error.get("ctx", {})
    cause = context.get("error")
    if isinstance(cause, ParameterError):
        return cause.code, cause.message, cause.field
    kind = error["type"]
    code = "out_of_range" if kind in _RANGE else "invalid_parameter"
    if kind == "missing":
        code = "missing_parameter"
    if kind == "extra_forbidden":
        known = ", ".join(_fields_at(model, error["loc"][:-1]))
        return code, f"unknown field {where}; known: {known}", where
    if kind == "pattern_mismatch":
        return code, error["msg"], where
    template = _MESSAGES.get(kind)
    if template is None:
        return code, f"{where}: {error['msg']}", where
    expected = str(context.get("expected", "")).replace("'", "")
    return code, template.format_map({**context, "field": where, "expected": expected}), where


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The fields of the (nested) model at `loc`."""
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        nested = [a for a in (annotation, *get_args(annotation)) if _is_model(a)]
        if not nested:
            return []
        model = nested[0]
    return list(model.model_fields)


def _is_model(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


# The document.


class _Schemas(GenerateJsonSchema):
    """JSON schemas without a title on every field."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _with_live_enums(schema: Any, live: Mapping[str, list[str]]) -> Any:
    if isinstance(schema, dict):
        done = {k: _with_live_enums(v, live) for k, v in schema.items() if k != LIVE_ENUM}
        if LIVE_ENUM in schema:
            done["enum"] = live[schema[LIVE_ENUM]]
        return done
    if isinstance(schema, list):
        return [_with_live_enums(item, live) for item in schema]
    return schema


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": dict(schema)}
        for name, schema in operation.path.items()
    ]
    if operation.query is None:
        return parameters
    schema = operation.query.model_json_schema(schema_generator=_Schemas)
    required = set(schema.get("required", []))
    for name, prop in schema["properties"].items():
        prop = without_null(prop)  # a query string has no null: leave the parameter out
        parameter = {
            "name": name,
            "in": "query",
            "required": name in required,
            "description": prop.pop("description", ""),
            "schema": prop,
        }
        if prop.get("type") == "array":
            parameter.update(style="form", explode=False)
        parameters.append(parameter)
    return parameters


def _content(schema: JsonSchemaValue) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


@functools.cache
def _static_document() -> dict[str, Any]:
    """The document without its live enums (built once: the models do not change)."""
    adapters: list[tuple[str, JsonSchemaMode, TypeAdapter[Any]]] = [
        ("Error", "serialization", TypeAdapter(Error))
    ]
    for operation in OPERATIONS:
        if operation.body is not None:
            adapters.append((operation.endpoint + ":in", "validation", TypeAdapter(operation.body)))
        if operation.answer is not None:
            adapters.append(
                (operation.endpoint + ":out", "serialization", TypeAdapter(operation.answer))
            )
    refs, definitions = TypeAdapter.json_schemas(
        adapters, ref_template=COMPONENTS, schema_generator=_Schemas
    )
    schemas = {key: schema for (key, _mode), schema in refs.items()}
    paths: dict[str, Any] = {}
    for operation in sorted(OPERATIONS, key=lambda o: o.rule):
        description: dict[str, Any] = {
            "operationId": operation.endpoint,
            "summary": operation.summary,
        }
        if operation.description:
            description["description"] = operation.description
        if operation.secured:
            description["security"] = [{"token": []}]
        parameters = _parameters(operation)
        if parameters:
            description["parameters"] = parameters
        if operation.body is not None:
            description["requestBody"] = {
                "required": True,
                "content": _content(schemas[operation.endpoint + ":in"]),
            }
        answer = schemas.get(operation.endpoint + ":out", {"type": "object"})
        description["responses"] = {"200": {"description": "OK", "content": _content(answer)}}
        for status in operation.errors:
            description["responses"][str(status)] = {
                "description": STATUS_TEXT[status],
                "content": _content(schemas["Error"]),
            }
        path = PREFIX + re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", operation.rule)
        paths.setdefault(path, {})[operation.method.lower()] = description
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Duaal Match API",
            "version": "1",
            "description": "Recognised dual-learning workplaces in Flanders. Public answers "
            'never contain student data. Errors: {"error": {"code", "message", "field"}}.',
        },
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }


def openapi_document(live: Mapping[str, list[str]]) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of every operation, with the data's enums filled in."""
    document: dict[str, Any] = _with_live_enums(_static_document(), live)
    return document
