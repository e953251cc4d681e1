"""Domain exceptions raised by the matcher for bad input or options."""


class MatcherError(Exception):
    """Base class of every error the matcher raises."""


class InvalidQueryError(MatcherError, ValueError):
    """A query option is malformed or out of range.

    ``field`` names the offending option so callers can report it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class UnknownPostcodeError(MatcherError, LookupError):
    """A postcode is not in the gazetteer."""

    def __init__(self, postcode: str) -> None:
        super().__init__(f"unknown postcode {postcode!r}")
        self.postcode = postcode
