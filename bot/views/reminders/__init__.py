"""Scheduled reminder messages."""
