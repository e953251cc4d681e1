"""JSON for every answer, written by orjson: a search answer is a hundred small objects,
and the standard library's encoder spent more time on them than the search itself."""

from collections.abc import Mapping
from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import JSONProvider


def _default(value: Any) -> Any:
    if isinstance(value, Mapping):  # read-only mappings (types.MappingProxyType)
        return dict(value)
    if hasattr(value, "__html__") or hasattr(value, "msgid"):  # lazy and service texts
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


class OrjsonProvider(JSONProvider):
    """Flask's JSON provider on orjson; dates and times come out in ISO 8601."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj, default=_default).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        body = orjson.dumps(self._prepare_response_obj(args, kwargs), default=_default)
        return Response(body, mimetype="application/json")


def init_app(app: Flask) -> None:
    """Answer JSON with orjson."""
    app.json = OrjsonProvider(app)
