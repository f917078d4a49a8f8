"""Test harness: a real PostgreSQL, a fake Slack Web API over HTTP, signed Slack requests."""
