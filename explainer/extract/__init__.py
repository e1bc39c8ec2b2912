"""Extractors: what a reader produced, turned into Documents, Claims, ServiceLines."""
