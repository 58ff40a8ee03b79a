"""Exceptions services raise; the web layer turns them into pages."""


class NotFound(Exception):
    """The record does not exist, or the person asking may not see it (same answer for both)."""


class NotAllowed(Exception):
    """The person may see the record but may not do this to it."""


class EditConflict(Exception):
    """Someone else saved a newer version first. Nothing was overwritten; ``current`` is the newer
    version so the page can show it next to what this person typed."""

    def __init__(self, current: object) -> None:
        super().__init__("The record changed since it was opened")
        self.current = current
