"""Domain errors. Their messages are written for the Slack user who caused them."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. ``str(error)`` is safe to show to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The acting user lacks the role (or ownership) the action needs."""


class NotFound(DomainError):
    """No such object in the acting user's workspace (also used for other workspaces' IDs)."""


class FormErrors(DomainError):
    """Invalid form values, keyed by the field (the modal's ``block_id``)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Unavailable(Exception):
    """The database (or another dependency) is down; the user is told to retry."""

    message = "HireDesk is temporarily unavailable. Please try again in a minute."
