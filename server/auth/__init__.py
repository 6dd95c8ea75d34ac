"""Who is calling: API keys and scopes, La Bonne Boite signatures, rate-limit keys, admin login."""
