"""Pure Block Kit builders: domain objects in, validated Block Kit dicts out."""
