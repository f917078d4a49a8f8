"""Persistence: SQLAlchemy models, the engine/transaction helper and Alembic migrations."""
