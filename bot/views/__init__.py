"""Pure Block Kit builders: domain objects in, validated Block Kit dicts out."""

from bot.views import validation

validation.install()
