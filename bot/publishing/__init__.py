"""What a change queues in the outbox, shared by the handlers (a person's change) and the
scheduler (a job's change). Sits between them and bot/views: handlers → publishing → views."""
