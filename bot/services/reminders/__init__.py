"""The scheduler's bookkeeping: claims (exactly-once keys), slots (local time arithmetic), snapshots."""
