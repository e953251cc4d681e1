"""The JSON API under /api/v1."""

from flask import Blueprint

from web.api.errors import ApiError, handle_api_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ApiError, handle_api_error)

# Route modules attach themselves to `bp`; imported here, after `bp` exists.
from web.api import openapi, reference, search  # noqa: E402, F401
