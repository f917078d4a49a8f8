"""HireDesk application code: settings, services (the rules), views (Block Kit) and Slack wiring."""
