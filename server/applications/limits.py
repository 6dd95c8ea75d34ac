"""The apply form's limits: enforced by the server, and quoted to candidates in their language."""

MAX_FILES = 5
MAX_TOTAL_BYTES = 10 * 1024 * 1024
MESSAGE_MAX = 4000
