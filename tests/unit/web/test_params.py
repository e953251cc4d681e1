"""The app's query strings and forms answer as werkzeug's do, absent keys included."""

from flask import request
from werkzeug.datastructures import ImmutableMultiDict

from web import create_app
from web.params import Parameters


def test_parameters_answer_as_werkzeugs() -> None:
    pairs = [("a", "1"), ("a", "2"), ("b", ""), ("n", "x")]
    ours, theirs = Parameters(pairs), ImmutableMultiDict(pairs)
    for key, default, type_ in [
        ("a", None, None),
        ("b", "d", None),
        ("zz", None, None),
        ("zz", "d", int),
        ("a", -1, int),
        ("n", -1, int),
    ]:
        assert ours.get(key, default, type_) == theirs.get(key, default, type_)
    assert ours.getlist("a") == ["1", "2"] and ours.to_dict() == theirs.to_dict()


def test_the_app_reads_its_query_strings_and_forms_with_them() -> None:
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    with app.test_request_context("/?q=1", method="POST", data={"f": "2"}):
        assert isinstance(request.args, Parameters) and isinstance(request.form, Parameters)
        assert request.args.get("absent", "d") == "d" and request.form.get("f") == "2"
