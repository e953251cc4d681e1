"""The API blueprint; route modules import it and attach their routes."""

from flask import Blueprint

from web.api.errors import ApiError, handle_api_error, handle_parameter_error
from web.params import ParameterError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ApiError, handle_api_error)
bp.register_error_handler(ParameterError, handle_parameter_error)
