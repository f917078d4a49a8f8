"""Sending the outbox to Slack: ``sender`` (one delivery, one answer), ``worker`` (the loop and its pool)."""
