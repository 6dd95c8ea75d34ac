"""Job offers: source connectors, normalisation, de-duplication, recommendation.

Flow: `sources` fetch raw offers → `ingest` resolves place and company, merges duplicates
and stores `Offer` rows → `recommender` indexes open offers (TF-IDF) for `/api/v1/offers`.
"""
