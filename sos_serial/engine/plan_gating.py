"""Plan gating: serial tracking belongs to the Plus and Pro plans, and a plan without it leaves no serial feature working."""
from __future__ import annotations

from sqlalchemy import func, select

from sos_serial.errors import Conflict, PermissionDenied
from sos_serial.models import Item, Settings
from sos_serial.models.settings import SERIAL_PLANS

# How many tracked items a refusal names before it counts the rest.
NAMED = 5


def serial_tracking_on(settings: Settings) -> bool:
    return settings.plan in SERIAL_PLANS


def plan_name(plan: str) -> str:
    return plan.capitalize()


def no_serial_tracking_message(settings: Settings) -> str:
    return (f"Serial tracking is not part of the {plan_name(settings.plan)} plan this company is on; serial "
            "units cannot be received, moved, added or looked up. An administrator can switch to the Plus or "
            "Pro plan in Settings.")


def require_serial_tracking(session, what: str = "") -> None:
    """Refuse (403, nothing written) when the company's plan has no serial tracking."""
    with session.no_autoflush:
        settings = Settings.current(session)
    if not serial_tracking_on(settings):
        message = no_serial_tracking_message(settings)
        raise PermissionDenied(f"{what}: {message}" if what else message)


def check_plan_change(session, old_plan: str, new_plan: str) -> None:
    """A switch to a plan without serial tracking is refused while items are tracked by serial number."""
    if new_plan == old_plan or new_plan in SERIAL_PLANS:
        return
    with session.no_autoflush:
        tracked = session.scalar(select(func.count(Item.id)).where(Item.track_serials.is_(True)))
        if not tracked:
            return
        names = list(session.scalars(select(Item.name).where(Item.track_serials.is_(True))
                                     .order_by(Item.name).limit(NAMED)))
    listed = ", ".join(names) + (f" and {tracked - len(names)} more" if tracked > len(names) else "")
    noun = "item is" if tracked == 1 else "items are"
    raise Conflict(
        f"The {plan_name(new_plan)} plan has no serial tracking, and {tracked} {noun} tracked by serial number: "
        f"{listed}. Nothing was changed. Adjust out each item's units in stock or on rental, turn its serial "
        "tracking off on the Items screen, then switch the plan."
    )
