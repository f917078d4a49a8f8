"""bot.views.validation: the same Block Kit validation as slack_sdk's, found once per class."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.views import validation


def samples() -> list:
    long = "x" * 3001
    return [
        SectionBlock(text=MarkdownTextObject(text="fine")),
        SectionBlock(text=MarkdownTextObject(text=long)),
        SectionBlock(block_id="b" * 256, text="fine"),
        HeaderBlock(text=PlainTextObject(text="h" * 151)),
        ContextBlock(elements=[MarkdownTextObject(text="c")] * 11),
        ActionsBlock(elements=[ButtonElement(text="ok", action_id="a", value="1")]),
        ActionsBlock(elements=[ButtonElement(text="ok", action_id="a", value="v" * 2001)]),
        ButtonElement(text="t" * 76, action_id="a"),
        StaticSelectElement(action_id="s", options=[Option(value=str(i), text=str(i)) for i in range(101)]),
        InputBlock(label="l" * 2001, element=PlainTextInputElement(action_id="i")),
        View(type="modal", title="t" * 25, blocks=[SectionBlock(text="x")]),
        View(type="modal", title="fine", blocks=[SectionBlock(text="x")] * 101),
    ]


def outcome(validate, obj) -> str | None:
    try:
        validate(obj)
    except Exception as error:  # the outcome compared is the error itself
        return f"{type(error).__name__}: {error}"
    return None


@pytest.mark.parametrize("index", range(len(samples())))
def test_the_same_outcome_as_slack_sdk(index):
    obj = samples()[index]
    assert outcome(validation.validate_json, obj) == outcome(validation.SLACK_SDK_VALIDATE_JSON, obj)


def test_installed_for_every_block_kit_object():
    with pytest.raises(Exception, match="3000"):
        SectionBlock(text=MarkdownTextObject(text="x" * 3001)).to_dict()
    assert SectionBlock(text="ok").to_dict() == {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}
