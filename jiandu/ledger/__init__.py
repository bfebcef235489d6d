"""The supervision ledger (台账): problems tracked through the five-step loop to 销号.

Items and their entries live in the graph like everything else (``LedgerItem``, ``LedgerEntry``,
declared in the ontology with the loop's states and steps); this package takes the steps, lists
and exports the ledger, and brings problems in: named-query alerts, findings, clues.
"""

from jiandu.ledger.book import Item, Ledger, Listing
from jiandu.ledger.intake import AlertRun, alert_queries, run_alerts
from jiandu.ledger.loop import RULES, IllegalStep, LedgerError, MissingField, NoSuchItem, VersionConflict, colour

__all__ = ["RULES", "AlertRun", "IllegalStep", "Item", "Ledger", "LedgerError", "Listing", "MissingField",
           "NoSuchItem", "VersionConflict", "alert_queries", "colour", "run_alerts"]
