"""One JSON error shape for the whole API: {"error": {"code", "message", "field"}}."""

from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from web.params import ParameterError


class ApiError(Exception):
    """An error answered to an API client; `field` names the offending parameter."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(
    status: int, code: str, message: str, field: str | None = None
) -> tuple[Response, int]:
    """Build the JSON error answer."""
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    return jsonify(error=body), status


def handle_api_error(error: ApiError) -> tuple[Response, int]:
    response, status = error_response(error.status, error.code, error.message, error.field)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="Duaal Match API"'
    return response, status


def handle_parameter_error(error: ParameterError) -> tuple[Response, int]:
    return error_response(400, error.code, error.message, error.field)


def handle_http_error(error: HTTPException) -> tuple[Response, int]:
    """Answer werkzeug's errors (404, 405, ...) under /api in JSON too."""
    status = error.code or 500
    code = (error.name or "error").lower().replace(" ", "_")
    response, status = error_response(status, code, error.description or error.name)
    # Keep what the error says in its headers, such as Allow on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status
