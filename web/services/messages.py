"""Sentences that services hand to people, translated only when they are shown.

A service does not know who reads its refusal or e-mail, nor in which language, and it
does not import Flask: it writes `_l("Dutch source text %(name)s", name=...)`, a
`Message`. The web layer installs the translator (`web/i18n.py`), so `str(message)`
gives the text in the language of the page, the API answer or the e-mail being made.
`make translations` finds these strings like any other (`_l` is one of its keywords).
"""

from collections.abc import Callable, Mapping
from typing import Any

Translator = Callable[[str, Mapping[str, Any]], str]


def _untranslated(msgid: str, params: Mapping[str, Any]) -> str:
    return msgid % {k: str(v) for k, v in params.items()} if params else msgid


_translate: Translator = _untranslated


def install_translator(translate: Translator) -> None:
    """Let `str(message)` translate through `translate` (called once by the web layer)."""
    global _translate
    _translate = translate


class Message:
    """A source sentence and its parameters; becomes text in the current language by `str`."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        return _translate(self.msgid, self.params)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)


_l = Message
Text = Message | str
