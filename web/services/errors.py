"""The errors services raise for input they refuse; views and the API show them."""

from typing import Any


class InputError(ValueError):
    """Input a service refuses; `field` names it and `message` explains it in Dutch.

    The message may be a lazy string: the page shows it in its own language, the API
    in English.
    """

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class NotFoundError(LookupError):
    """The row does not exist, or belongs to another party: either way, a 404."""


class NotRecognisedError(Exception):
    """Places can only be advertised for a recognition that is valid now."""
