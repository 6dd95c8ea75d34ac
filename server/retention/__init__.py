"""Retention: purge attachment contents and old applications on a schedule."""
