"""Use cases and transactions: the only code that commits."""
