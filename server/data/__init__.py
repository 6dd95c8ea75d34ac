"""Importers for reference data, companies and hiring history (`flask data …`)."""
