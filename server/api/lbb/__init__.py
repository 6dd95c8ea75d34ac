"""La Bonne Boite API v1, for its existing consumers: routes (views.py), parameters
(params.py), bodies (present.py) and companies with offers (offices.py)."""
