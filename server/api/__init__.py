"""Public JSON API `/api/v1`, the La Bonne Boite v1 routes and the OpenAPI document."""
