"""Automatic serial numbers: prefix + zero-padded number, from the item's own numbering or the purchasing settings.

An item with a prefix of its own numbers sequentially from its own length and next number, and
its next number moves on as the company's does. Otherwise sequential mode starts at the next number, skips numbers the item already has, and moves
the setting past the last number used; the posting holds the settings row locked while
numbering, and the setting is saved only if the document posts. Random mode draws unused
numbers with ``secrets``.
"""
import secrets

from sqlalchemy import select

from sos_serial.database.statements import one_of
from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl
from sos_serial.models import SerialUnit
from sos_serial.models.serial_unit import SERIAL_MAX_LENGTH, serial_key


@hookimpl(trylast=True)
def next_serial_numbers(session, item, count, settings):
    if not item.numbers_automatically(settings):
        # Neither the item's own numbering nor the company's: no answer, and the posting refuses the line
        # (unless a plugin numbered the item first).
        return None
    if item.numbers_itself:
        # The item's row is locked by the posting, as the settings row is for the company's numbering.
        length = item.auto_serial_length or settings.auto_serial_length
        _check_fits(item.auto_serial_prefix, length, "the item's numbering")
        serials, item.auto_serial_next_number = _sequential_numbers(
            session, item, count, item.auto_serial_prefix, length, item.auto_serial_next_number or 1,
            "the item's numbering")
        return serials
    prefix, length = settings.auto_serial_prefix or "", settings.auto_serial_length
    _check_fits(prefix, length, "the purchasing settings")
    if settings.auto_serial_mode == "random":
        return _random_numbers(session, item, count, prefix, length)
    serials, settings.auto_serial_next_number = _sequential_numbers(
        session, item, count, prefix, length, settings.auto_serial_next_number, "the purchasing settings")
    return serials


def _check_fits(prefix: str, length: int, where: str) -> None:
    if len(prefix) + length > SERIAL_MAX_LENGTH:
        raise InvalidInput(f"The prefix {prefix!r} and a {length}-digit number make serials longer than "
                           f"{SERIAL_MAX_LENGTH} characters; shorten the prefix or the length in {where}.")


def _taken(session, item, serials) -> set[str]:
    """Which of these serials the item already has (compared as serial keys)."""
    keys = [serial_key(s) for s in serials]
    return set(session.scalars(select(SerialUnit.serial_key).where(
        SerialUnit.item_id == item.id, one_of(session, SerialUnit.serial_key, keys))))


def _taken_between(session, item, first: str, last: str) -> set[str]:
    """The item's serial keys from ``first`` to ``last`` (a run of zero-padded numbers sorts in
    numeric order): found by one range read of the item's serial index, however long the run,
    where looking each number up took a probe per number."""
    return set(session.scalars(select(SerialUnit.serial_key).where(
        SerialUnit.item_id == item.id, SerialUnit.serial_key >= serial_key(first),
        SerialUnit.serial_key <= serial_key(last))))


def _sequential_numbers(session, item, count, prefix, length, start, where) -> tuple[list[str], int]:
    """``count`` unused numbers from ``start`` on, and the next number after the last one used."""
    limit = 10**length
    number, result = start, []
    while len(result) < count:
        batch = []
        while len(batch) < (count - len(result)) and number < limit:
            batch.append(f"{prefix}{number:0{length}d}")
            number += 1
        if not batch:
            raise InvalidInput(
                f"Automatic numbering for {item.name} has run out: {count} serials starting at "
                f"{start} need more than {length} digits. Increase the number length in {where}.")
        taken = _taken_between(session, item, batch[0], batch[-1])
        result.extend(batch if not taken else [s for s in batch if serial_key(s) not in taken])
    return result, number


# Up to this many possible numbers, the free ones are listed and drawn from directly.
ENUMERABLE = 100_000


def _random_numbers(session, item, count, prefix, length):
    space = 10**length
    used = session.scalar(select(SerialUnit.id).where(SerialUnit.item_id == item.id).limit(1)) is not None
    if count > space // 2:
        # Drawing more than half the space at random would mostly collide: refuse with the reason.
        raise InvalidInput(f"{count} random serials of {length} digits for {item.name} would use up more "
                           f"than half of the {space:,} possible numbers. Increase the number length.")
    if used and space <= ENUMERABLE:
        # A small space may be mostly taken, where drawing blindly could miss the few free numbers for
        # ever: draw from the list of free ones (one range read of the item's serials finds the taken).
        taken = _taken_between(session, item, f"{prefix}{0:0{length}d}", f"{prefix}{space - 1:0{length}d}")
        free = [n for n in range(space) if serial_key(f"{prefix}{n:0{length}d}") not in taken]
        if len(free) < count:
            raise InvalidInput(f"Only {len(free)} unused {length}-digit serials are left for {item.name}; "
                               f"{count} were asked for. Increase the number length.")
        return [f"{prefix}{n:0{length}d}" for n in secrets.SystemRandom().sample(free, count)]
    # A large space: blind draws land unless it is nearly full, and then the refusal asks for a longer number.
    chosen: dict[str, str] = {}
    attempts = 0
    while len(chosen) < count:
        attempts += 1
        if attempts > 50:
            raise InvalidInput(f"Could not draw {count} unused random serials for {item.name}; "
                               "increase the number length.")
        draw = {}
        while len(draw) < count - len(chosen):
            serial = f"{prefix}{secrets.randbelow(space):0{length}d}"
            key = serial_key(serial)
            if key not in chosen:
                draw[key] = serial
        taken = _taken(session, item, list(draw.values())) if used else set()
        chosen.update((k, s) for k, s in draw.items() if k not in taken)
    return list(chosen.values())
