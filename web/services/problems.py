"""Refusing an input once with every problem in it, so a form shows them all together.

A check adds each problem it finds to a `Problems`, then raises them at once: one as the
`InputError` it is, several as a `SeveralInputError`, which is an `InputError` too (naming
the first), so a caller that shows one refusal keeps working.
"""

from collections.abc import Sequence

from web.services.errors import InputError
from web.services.messages import Text


class SeveralInputError(InputError):
    """Several refusals of one input, each naming its field."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(errors[0].field, errors[0].message)
        self.errors = tuple(errors)


def each(error: InputError) -> tuple[InputError, ...]:
    """The refusals an error carries: itself, or each of several."""
    return error.errors if isinstance(error, SeveralInputError) else (error,)


class Problems:
    """What is wrong with an input so far."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def add(self, field: str, message: Text) -> None:
        self.errors.append(InputError(field, message))

    def has(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def raise_any(self) -> None:
        """Refuse the input if anything is wrong with it."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise SeveralInputError(self.errors)
