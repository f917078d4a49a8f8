"""The local stand-in for Slack: a fake Web API (used by the tests and by the
sandbox page that ``python app.py`` serves when no Slack credentials are set)."""
