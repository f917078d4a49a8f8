"""The IT help desk's Block Kit: the ticket card and messages, shared parts, modals."""
