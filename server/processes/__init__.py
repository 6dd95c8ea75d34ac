"""The long-running processes: RQ worker, cron scheduler, and `flask serve` for the demo."""
