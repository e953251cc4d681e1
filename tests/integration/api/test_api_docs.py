"""GET /api: the API described for people, from the OpenAPI document itself."""

import html as markup
import json
import re

from flask.testing import FlaskClient

from tests.pages import html


def examples(page: str) -> dict[str, str]:
    """Each operation's example request, by its heading."""
    found = re.findall(
        r'<h2 id="(\w+)"><code>.*?<pre class="example"><code>(.*?)</code></pre>', page, re.S
    )
    return {anchor: markup.unescape(text) for anchor, text in found}


def test_the_description_names_every_operation_of_the_document(client: FlaskClient) -> None:
    response = client.get("/api")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = markup.unescape(html(response))
    document = client.get("/api/v1/openapi.json").get_json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f"<code>{method.upper()} {path}</code>" in page
            assert operation["summary"] in page
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in page
    # Only the site's own script (every page has it); nothing from outside.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/suggest.js" defer>']
    assert "//cdn" not in page
    assert "sleutel nodig" in page and "Authorization: Bearer" in page


def test_every_example_request_is_answered(client: FlaskClient) -> None:
    shown = examples(html(client.get("/api")))
    assert {"search", "postcodes", "programmes", "workplace", "put_availability"} <= set(shown)
    for anchor in ("search", "postcodes", "programmes"):
        request_line = shown[anchor].splitlines()[0]
        method, url = request_line.split(" ", 1)
        assert method == "GET"
        assert client.get(url).status_code == 200, (anchor, url)
    put = shown["put_availability"].splitlines()
    assert put[0] == "PUT /api/v1/recognitions/1/availability"
    assert "Authorization: Bearer dm_..." in put
    body = json.loads("\n".join(put[put.index("") + 1 :]))
    assert body["n_places"] >= body["n_free_places"] >= 0
    assert set(body["intake_preferences"]) >= {"min_age", "languages"}


def test_long_lists_are_left_to_their_routes(client: FlaskClient) -> None:
    page = html(client.get("/api"))
    assert "kapper-stylist-duaal" not in page.replace("search?programme=", "")
    assert "9992" not in page
