"""The scheduler (PRODUCT.md §5): the job registry, one run of a job, and the
APScheduler that runs every job periodically inside the app.

Exactly-once lives in the database (bot.services.reminders.claims), not here:
APScheduler only decides *when* a process looks for due reminders.
"""
