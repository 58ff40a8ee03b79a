"""Form fields that render NHS.UK components, their messages and validators."""
