"""Recruiters' side: quick answers behind signed links, and the opt-out."""
