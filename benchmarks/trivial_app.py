"""The yardstick of benchmarks.load: a Flask app with one route that returns a short text.

gunicorn benchmarks.trivial_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Say hello: no database, no template, no session."""
    return "Hallo"
