"""How much one posting may carry: the limits the engine is handed, built once from the app's config."""
from __future__ import annotations

from dataclasses import dataclass

from sos_serial.limits import SERIALS_PER_DOCUMENT

DOCUMENT_YEARS_BACK = 10
DOCUMENT_DAYS_AHEAD = 366

# Where create_app keeps the app's Limits (app.extensions), for the screens, the API and the CLI to hand on.
LIMITS_KEY = "sos_serial.limits"


@dataclass(frozen=True)
class Limits:
    """The engine's limits. The defaults are the documented ones; an app's config may lower or raise them."""

    # Serial numbers one document may carry, typed, from a CSV file or numbered automatically.
    serials_per_document: int = SERIALS_PER_DOCUMENT
    # The dates a document may carry: from this many years before today to this many days after it.
    # Generous, for back-office catch-up and a forward-dated delivery; a typo of a century is refused.
    document_years_back: int = DOCUMENT_YEARS_BACK
    document_days_ahead: int = DOCUMENT_DAYS_AHEAD

    @classmethod
    def from_config(cls, config) -> Limits:
        """The limits an app's config sets (``SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT``,
        ``SOS_SERIAL_DOCUMENT_YEARS_BACK``, ``SOS_SERIAL_DOCUMENT_DAYS_AHEAD``)."""
        return cls(serials_per_document=int(config.get("SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT",
                                                       SERIALS_PER_DOCUMENT)),
                   document_years_back=int(config.get("SOS_SERIAL_DOCUMENT_YEARS_BACK", DOCUMENT_YEARS_BACK)),
                   document_days_ahead=int(config.get("SOS_SERIAL_DOCUMENT_DAYS_AHEAD", DOCUMENT_DAYS_AHEAD)))
