"""The headers every answer carries: privacy, no framing, only the site's own files.

They are added where the answer leaves the app, to the list of headers it starts with:
werkzeug's `Headers` costs more per header added than the rest of a health check.
"""

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, request, session

from web.config import settings_of

# Only the site's own files: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
# Nothing here needs a camera, a microphone, the position or payments.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class AddHeaders:
    """WSGI middleware: adds `headers` an answer does not set itself, and `Vary: Cookie`
    (the language and the session come from cookies)."""

    def __init__(self, app: WsgiApp, headers: list[tuple[str, str]]) -> None:
        self.app = app
        self.headers = [(name.lower(), (name, value)) for name, value in headers]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower(): i for i, (name, _value) in enumerate(headers)}
            headers.extend(h for name, h in self.headers if name not in present)
            vary = present.get("vary")
            if vary is None:
                headers.append(("Vary", "Cookie"))
            elif "cookie" not in headers[vary][1].lower():
                headers[vary] = ("Vary", f"{headers[vary][1]}, Cookie")
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def init_app(app: Flask) -> None:
    """Refuse NUL characters, and set the headers that keep pages private and unframed."""
    # Search parameters (a student's postcode, age) stay out of other sites' logs; no
    # page may be framed by another site (clickjacking on the forms).
    headers = [
        ("Referrer-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    if settings_of(app).is_production:  # served over HTTPS only: never plain HTTP
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    app.wsgi_app = AddHeaders(app.wsgi_app, headers)  # type: ignore[method-assign]
    app.before_request(_refuse_nul_characters)
    app.after_request(_keep_private_pages_out_of_caches)


def _refuse_nul_characters() -> None:
    # No text column can hold NUL (PostgreSQL refuses it): stop it at the door. In a
    # query string it can only come as "%00" (or raw), so the string is looked at
    # before anybody parses it. Only a request that may carry a body has a form to
    # read (parsing one costs even when it is empty).
    query = request.environ.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        abort(400)
    if request.method not in ("GET", "HEAD", "OPTIONS") and any(
        "\x00" in value for value in request.form.values()
    ):
        abort(400)


def _keep_private_pages_out_of_caches(response: Response) -> Response:
    if "_user_id" in session:
        # Pages for a signed-in party (an API key shown once, mentors) stay out of shared
        # and browser caches.
        response.headers["Cache-Control"] = "no-store"
    return response
