"""Email templates (html + txt pairs, FR and EN), rendering, providers and rate limits."""
