"""How a postal address is kept and printed: its lines trimmed, blank lines dropped, one kind of line break."""
from __future__ import annotations


def tidy_address(text: str | None) -> str | None:
    """``text`` as it is kept: each line trimmed, blank lines dropped, lines joined by "\\n"; empty is None."""
    if text is None:
        return None
    return "\n".join(address_lines(text)) or None


def address_lines(text: str | None) -> list[str]:
    """An address's non-empty lines, however the client broke them (\\n, \\r\\n or \\r)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
