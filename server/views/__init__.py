"""Blueprints: one module each."""
