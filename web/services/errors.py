"""The errors services raise; views and the API turn them into answers."""

from web.services.messages import Text, _l


class InputError(ValueError):
    """Input a service refuses; `field` names it and `message` explains it.

    The message is translated when shown: the page shows it in its own language, the
    API in English.
    """

    def __init__(self, field: str, message: Text) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class AlreadyProposedError(InputError):
    """The student and workplace already have a proposal or a planned interview: this one.

    A coach who pressed twice, or proposes again from an old tab, is best shown it.
    """

    def __init__(self, intake_id: int, message: Text) -> None:
        super().__init__("recognition_id", message)
        self.intake_id = intake_id


class NotFoundError(LookupError):
    """The row does not exist, or belongs to another party: either way, a 404."""


class ConflictError(Exception):
    """The row changed meanwhile (someone else acted first): a 409, with why."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.message = message


class NotRecognisedError(ConflictError):
    """Places can only be advertised for a recognition that is valid now."""

    def __init__(self) -> None:
        super().__init__(
            _l("Plaatsen kunnen alleen bijgehouden worden voor een erkenning die nu geldt.")
        )


class TooManyRequestsError(Exception):
    """This network used the form too often lately: it waits a while (a 429)."""


class LinkExpiredError(Exception):
    """An e-mailed link that was used already, or whose time ran out."""
