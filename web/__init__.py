"""The Flask application: `create_app` assembles it in named steps, without side effects."""

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web import api, auth, cli, db, filters, i18n, links, views
from web.api.errors import error_response, handle_http_error
from web.config import session_settings, settings_from_os


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; `test_config` replaces the settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True)
    if test_config is None:
        app.config.from_mapping(settings_from_os(app.instance_path))
    else:
        app.config.from_mapping(session_settings(test_config.get("DUAAL_ENV", "test")))
        app.config.from_mapping(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    filters.init_app(app)
    links.init_app(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in views.BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api.bp)
    # The API authenticates by bearer token, never by cookie, so forged cross-site
    # requests carry no credentials: CSRF tokens guard the pages' forms only.
    auth.csrf.exempt(api.bp)


def _is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def register_security_headers(app: Flask) -> None:
    """Keep search parameters (a student's postcode, age) out of other sites' logs."""

    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # No page may be framed by another site (clickjacking on the forms).
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.after_request(add_headers)


def register_errorhandlers(app: Flask) -> None:
    """Answer errors in JSON under /api and as a Dutch page elsewhere."""

    def handle_http(error: HTTPException) -> tuple[Response | str, int]:
        if _is_api_request():
            return handle_http_error(error)
        is_csrf = isinstance(error, CSRFError)
        return render_template("error.html", status=error.code, csrf=is_csrf), error.code or 500

    def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
        app.logger.exception("unhandled error on %s", request.path, exc_info=error)
        if _is_api_request():
            return error_response(500, "internal_error", "something went wrong on our side")
        return render_template("error.html", status=500), 500

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)


def register_commands(app: Flask) -> None:
    cli.init_app(app)
