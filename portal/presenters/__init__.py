"""Presenters turn models into exactly what a template (or NHS.UK macro) needs."""
