"""DIALOG, ReQoL-10 and GBO: definitions and scoring. No Flask imports."""

from portal.instruments.definition import Instrument, Item, Option, load_instrument

__all__ = ["Instrument", "Item", "Option", "load_instrument"]
