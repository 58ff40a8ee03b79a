"""Blueprints, one per audience: each is a permission boundary."""
