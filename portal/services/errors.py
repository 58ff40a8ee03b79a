"""Exceptions services raise; the web layer turns them into pages."""


class NotFound(Exception):
    """The record does not exist, or the person asking may not see it (same answer for both)."""


class NotAllowed(Exception):
    """The person may see the record but may not do this to it."""
