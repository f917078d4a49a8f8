"""Block Kit validation at a fraction of slack_sdk's cost, with the same validators.

slack_sdk's ``JsonObject.validate_json`` (run by every ``to_dict``, nested objects included) finds
an object's validators by walking ``dir(self)`` and fetching every attribute, for every object, on
every render: most of the CPU a card's render took (docs/performance.md, "CPU per request").
The validators are methods marked by ``JsonValidator`` on the class, so the list is the same for
every object of a class: it is found once per class here, in ``dir``'s order (so the first
failing validator, and its message, are the same), and run as before.
"""

from __future__ import annotations

from functools import cache

from slack_sdk.models.basic_objects import JsonObject

SLACK_SDK_VALIDATE_JSON = JsonObject.validate_json  # slack_sdk's own, kept for the tests' comparison


@cache
def validators_of(cls: type) -> tuple[str, ...]:
    """The names of ``cls``'s validator methods, in the order slack_sdk runs them."""
    return tuple(
        name
        for name in dir(cls)
        if not name.startswith("__") and callable(method := getattr(cls, name, None)) and hasattr(method, "validator")
    )


def validate_json(self: JsonObject) -> None:
    """``JsonObject.validate_json``: raise SlackObjectFormationError if ``self`` breaks a limit."""
    for name in validators_of(type(self)):
        getattr(self, name)()


def install() -> None:
    JsonObject.validate_json = validate_json  # type: ignore[method-assign]
