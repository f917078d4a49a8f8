"""Services own the rules. They take a SQLAlchemy session and plain values,
return domain objects, and raise ``bot.errors`` exceptions with user-facing
messages. They know nothing of Slack."""
