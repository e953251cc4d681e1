"""Logs without people in them: statement parameters are never logged (the engine hides
them), and what a database server writes back about a failing row is cut out too.

PostgreSQL explains a refused row with its values ("Failing row contains (…)", "Key
(email)=(…) already exists"), and that text travels in the exception into every
traceback. Each log record is redacted as it is made, whichever logger or handler then
writes it (gunicorn's, the clock's, the test runner's).
"""

import logging
import re
import traceback
from typing import Any

from flask import Flask

_ROW = re.compile(r"(Failing row contains )\(.*?\)(\.?)$", re.MULTILINE)
_KEY = re.compile(r"(Key \([^)]*\)=)\(.*?\)( already exists| is not present)", re.MULTILINE)
_DETAIL = re.compile(r"^(DETAIL: +).*$", re.MULTILINE)
REDACTED = "(…)"


def redact(text: str) -> str:
    """Cut the values a database wrote back about a row out of a text."""
    text = _ROW.sub(rf"\1{REDACTED}\2", text)
    text = _KEY.sub(rf"\1{REDACTED}\2", text)
    return _DETAIL.sub(rf"\1{REDACTED}", text)


_make_record = logging.getLogRecordFactory()


def _redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _make_record(*args, **kwargs)
    if record.args:
        record.msg, record.args = redact(record.getMessage()), ()
    elif isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters use a record's exc_text when it is set: set it, redacted.
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    return record


def init_app(app: Flask) -> None:
    """Redact every log record this process makes (once per process)."""
    if logging.getLogRecordFactory() is not _redacted_record:
        logging.setLogRecordFactory(_redacted_record)
