"""`/admin`: operators' pages over deliveries, platforms, applications and answers."""

# Routes on the admin blueprint kept in modules of their own.
from server.admin import platform_settings  # noqa: F401
