"""The Flask application: `create_app` assembles it in named steps, without side effects."""

from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    Flask,
    Response,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from models.base import MAX_ID
from web import (
    api,
    auth,
    cli,
    db,
    filters,
    headers,
    i18n,
    json,
    links,
    logs,
    reasons,
    stencils,
    views,
)
from web.api.errors import error_response, handle_http_error
from web.config import EXTENSION_KEY, load_settings, settings_from_os
from web.params import Request
from web.services.errors import NotFoundError
from web.services.search_index import IndexNotReadyError

MAX_SYNC = 1000  # functions App keeps the answer for; past this it starts afresh


class App(Flask):
    """Flask, keeping whether a hook or view needs an event loop: Flask asks it of every
    function it calls, nine times a request, and the answer never changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        sync = self._sync.get(func)
        if sync is None:
            if len(self._sync) >= MAX_SYNC:  # functions made for one request only
                self._sync.clear()
            sync = self._sync[func] = super().ensure_sync(func)
        return sync


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; `test_config` replaces the environment the settings are read from."""
    app = App(__name__, instance_relative_config=True)
    app.request_class = Request
    # Every integer in our URLs is a row id; one beyond PostgreSQL's integer is a 404.
    app.url_map.converters["int"] = RowIdConverter
    if test_config is None:
        settings = settings_from_os(app.instance_path)
    else:
        settings = load_settings({"DUAAL_ENV": "test", **test_config}, app.instance_path)
    app.extensions[EXTENSION_KEY] = settings
    app.config.from_mapping(settings.flask_config())
    if settings.trusted_proxies:
        proxies = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


class RowIdConverter(IntegerConverter):
    """`<int:...>` for row ids: 1 to MAX_ID, so the database never sees a number it cannot hold."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    logs.init_app(app)
    headers.init_app(app)
    json.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    filters.init_app(app)
    reasons.init_app(app)
    links.init_app(app)
    stencils.init_app(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in views.BLUEPRINTS:
        app.register_blueprint(blueprint)
    # Browsers ask for /favicon.ico on a first visit, whatever the page links to.
    app.add_url_rule(
        "/favicon.ico",
        "favicon",
        lambda: send_from_directory(
            app.static_folder or "static", "favicon.ico", max_age=7 * 86400
        ),
    )
    app.register_blueprint(api.bp)
    # The API authenticates by bearer token, never by cookie, so forged cross-site
    # requests carry no credentials: CSRF tokens guard the pages' forms only.
    auth.csrf.exempt(api.bp)


def _is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


RETRY_AFTER_S = 30


def register_errorhandlers(app: Flask) -> None:
    """Answer errors in JSON under /api and as a Dutch page elsewhere."""

    def handle_http(error: HTTPException) -> tuple[Response | str, int]:
        if _is_api_request():
            return handle_http_error(error)
        is_csrf = isinstance(error, CSRFError)
        return render_template("error.html", status=error.code, csrf=is_csrf), error.code or 500

    def handle_unavailable(error: Exception) -> tuple[Response | str, int]:
        # The database refused, timed out or is gone, or the search index is not built
        # yet: a clear "try again shortly", not a 500; statement parameters are never
        # logged (models.database.make_engine).
        if isinstance(error, IndexNotReadyError):
            reason = "the search index is being built; try again shortly"
        else:
            reason = "the database is not answering; try again shortly"
            app.logger.warning("the database did not answer on %s: %s", request.path, error)
        if _is_api_request():
            response, status = error_response(503, "unavailable", reason)
        else:
            # The page must not ask the database who is signed in.
            auth.login_manager._update_request_context_with_user()
            response, status = make_response(render_template("error.html", status=503)), 503
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response, status

    def handle_gone(_error: Exception) -> tuple[Response | str, int]:
        # A row that is not there or not the asker's (a service's NotFoundError), or
        # that another request removed while this one ran (two tabs, two coaches: an
        # erased student, a removed site): a 404 either way.
        return handle_http(NotFound())

    def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
        app.logger.exception("unhandled error on %s", request.path, exc_info=error)
        if _is_api_request():
            return error_response(500, "internal_error", "something went wrong on our side")
        return render_template("error.html", status=500), 500

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OperationalError, handle_unavailable)
    app.register_error_handler(PoolTimeoutError, handle_unavailable)
    app.register_error_handler(IndexNotReadyError, handle_unavailable)
    app.register_error_handler(NotFoundError, handle_gone)
    app.register_error_handler(ObjectDeletedError, handle_gone)
    app.register_error_handler(Exception, handle_unexpected)


def register_commands(app: Flask) -> None:
    cli.init_app(app)
