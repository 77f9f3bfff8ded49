"""How much one posting may carry: the limits the engine is handed, built once from the app's config."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sos_serial.limits import LINES_PER_DOCUMENT, SERIALS_PER_DOCUMENT

DOCUMENT_YEARS_BACK = 10
DOCUMENT_DAYS_AHEAD = 366

# Where create_app keeps the app's Limits (app.extensions), for the screens, the API and the CLI to hand on.
LIMITS_KEY = "sos_serial.limits"


@dataclass(frozen=True)
class Limits:
    """The engine's limits. The defaults are the documented ones; an app's config may lower or raise them."""

    # Serial numbers one document may carry, typed, from a CSV file or numbered automatically.
    serials_per_document: int = SERIALS_PER_DOCUMENT
    # Lines one document may carry: each is written on its own, under the write lock.
    lines_per_document: int = LINES_PER_DOCUMENT
    # The dates a document may carry: from this many years before today to this many days after it.
    # Generous, for back-office catch-up and a forward-dated delivery; a typo of a century is refused.
    document_years_back: int = DOCUMENT_YEARS_BACK
    document_days_ahead: int = DOCUMENT_DAYS_AHEAD

    @classmethod
    def from_config(cls, config) -> Limits:
        """The limits an app's config sets (``SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT``,
        ``SOS_SERIAL_MAX_LINES_PER_DOCUMENT``, ``SOS_SERIAL_DOCUMENT_YEARS_BACK``, ``SOS_SERIAL_DOCUMENT_DAYS_AHEAD``)."""
        return cls(serials_per_document=int(config.get("SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT",
                                                       SERIALS_PER_DOCUMENT)),
                   lines_per_document=int(config.get("SOS_SERIAL_MAX_LINES_PER_DOCUMENT", LINES_PER_DOCUMENT)),
                   document_years_back=int(config.get("SOS_SERIAL_DOCUMENT_YEARS_BACK", DOCUMENT_YEARS_BACK)),
                   document_days_ahead=int(config.get("SOS_SERIAL_DOCUMENT_DAYS_AHEAD", DOCUMENT_DAYS_AHEAD)))

    def with_settings(self, settings) -> Limits:
        """These limits, with those the company's settings set instead (an empty setting keeps the server's)."""
        chosen = {name: getattr(settings, f"max_{name}", None) for name in ("lines_per_document",
                                                                           "serials_per_document")}
        return replace(self, **{name: value for name, value in chosen.items() if value is not None})
