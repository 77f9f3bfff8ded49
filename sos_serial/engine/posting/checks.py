"""The checks of a posting, each a phase that collects every problem it finds and refuses once."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from sos_serial.database.statements import one_of
from sos_serial.engine.gs1 import UnreadableScan, gtin_mismatch, may_be_scan, read_scanned_serial
from sos_serial.engine.plan_gating import no_serial_tracking_message, serial_tracking_on
from sos_serial.engine.serial_csv import read_serials_csv
from sos_serial.engine.serial_ranges import range_serials
from sos_serial.errors import Conflict, FieldError, InvalidInput, PermissionDenied
from sos_serial.models import Item, StockLevel
from sos_serial.models.serial_unit import IN_STOCK, RENTED, looks_alike, serial_key

from .context import PostingContext, UnitRow


def check_size(ctx: PostingContext) -> None:
    lines, line_limit = len(ctx.req.lines), ctx.limits.lines_per_document
    if lines > line_limit:
        raise InvalidInput(
            f"This document has {lines:,} lines; at most {line_limit:,} fit in one document. "
            "Split it into several transactions.",
            [FieldError("lines", f"At most {line_limit:,} lines per document.")],
        )
    limit = ctx.limits.serials_per_document
    total, ranged = 0, {}
    for line in ctx.req.lines:
        # A range is counted, not listed: its serials are made only once the document is known to fit.
        if line.serial_ranges:
            ranged[line.index] = sum(serial_range.count for serial_range in line.serial_ranges)
        given = len(line.serials or ()) + ranged.get(line.index, 0)
        if line.serials_csv is not None:
            # Read the file to count it: its line breaks miscount headers, blank rows and CR line ends.
            ctx.csv_files[line.index] = read_serials_csv(line.serials_csv, f"{line.field}.serials_csv", limit=limit)
            given = max(given, len(ctx.csv_files[line.index].serials))
        total += max(given, abs(line.quantity) if line.auto_serials else 0)
    if total > limit:
        # A line whose ranges carry the document past its limit is named: a range is one typo from a huge count.
        problems = [FieldError(f"lines[{index}].serial_ranges",
                               f"Line {index + 1}'s serial ranges hold {count:,} serial numbers; at most "
                               f"{limit:,} fit in one document.") for index, count in ranged.items()]
        raise InvalidInput(
            f"This document carries {total:,} serial numbers; at most {limit:,} fit in one document. "
            + " ".join(problem.message for problem in problems)
            + (" " if problems else "") + "Split it into several transactions.",
            problems or [FieldError("lines", f"At most {limit:,} serials per document.")],
        )


def expand_serial_ranges(ctx: PostingContext) -> None:
    """Each line's ranges become serials after the ones it lists, before any rule on serials is checked.

    The ranges are then cleared: the request carries their serials, and a request posted again (a retry
    after a busy database) is not expanded twice."""
    for line in ctx.req.lines:
        if line.serial_ranges:
            line.serials = list(line.serials or ()) + range_serials(line.serial_ranges)
            line.serial_ranges = None


def check_serial_plan(ctx: PostingContext) -> None:
    """A plan without serial tracking posts no line of a serial-tracked item (engine/plan_gating.py)."""
    if serial_tracking_on(ctx.settings):
        return
    problems = [FieldError(f"{line.field}.item_id", f"{ctx.item_of(line).name} is tracked by serial number.")
                for line in ctx.req.lines if ctx.item_of(line).track_serials]
    if problems:
        names = ", ".join(dict.fromkeys(ctx.item_of(line).name for line in ctx.req.lines
                                        if ctx.item_of(line).track_serials))
        raise PermissionDenied(f"{names} {'is' if len(problems) == 1 else 'are'} tracked by serial number, "
                               "and nothing was posted. "
                               f"{no_serial_tracking_message(ctx.settings)}", problems)


def check_lines(ctx: PostingContext) -> None:
    problems = []
    for line in ctx.req.lines:
        item = ctx.item_of(line)
        sources = [line.serials is not None, line.serials_csv is not None, line.auto_serials]
        if not item.track_serials:
            if any(sources):
                problems.append(FieldError(f"{line.field}.serials",
                                           f"{item.name} is not tracked by serial number; give only a quantity."))
            continue
        if sum(sources) > 1:
            problems.append(FieldError(f"{line.field}.serials",
                                       f"{item.name}: give typed serials, a CSV file or auto numbering, "
                                       "not more than one."))
        new = ctx.req.receives_new_serials(line)
        if not new and (line.auto_serials or line.serials_csv is not None):
            problems.append(FieldError(f"{line.field}.serials",
                                       f"{item.name}: this line takes existing units; pick their serials."))
    if problems:
        raise InvalidInput("; ".join(p.message for p in problems), problems)


def resolve_serials(ctx: PostingContext) -> None:
    """Gather each tracked line's serials; list every line still short of them at once."""
    prompts, mismatches, scan_problems = [], [], []
    for line in ctx.req.lines:
        item = ctx.item_of(line)
        if not item.track_serials or line.auto_serials:
            continue
        needed = abs(line.quantity)
        if line.serials_csv is not None:
            parsed = ctx.csv_files[line.index]
            if len(parsed.serials) != needed:
                mismatches.append(FieldError(
                    f"{line.field}.serials_csv",
                    f"{item.name}: the file holds {len(parsed.serials)} serial numbers but the line's "
                    f"quantity is {needed}."))
            line.resolved_serials = read_scans(ctx, line, parsed.serials, f"{line.field}.serials_csv", scan_problems)
            continue
        given = read_scans(ctx, line, line.serials or [], f"{line.field}.serials", scan_problems)
        if len(given) < needed:
            prompts.append(FieldError(
                f"{line.field}.serials",
                f"{item.name} needs {needed - len(given)} more serial number"
                f"{'s' if needed - len(given) != 1 else ''} ({len(given)} of {needed} given)."))
        elif len(given) > needed:
            mismatches.append(FieldError(
                f"{line.field}.serials",
                f"{item.name}: {len(given)} serial numbers given for a quantity of {needed}."))
        line.resolved_serials = given
    if scan_problems:
        raise InvalidInput("A scanned barcode does not fit its line: " + " ".join(p.message for p in scan_problems),
                           scan_problems)
    if prompts or mismatches:
        problems = prompts + mismatches
        lead = ("Serial numbers are missing: " if prompts else "Serial counts do not match quantities: ")
        raise InvalidInput(lead + " ".join(p.message for p in problems), problems)


def read_scans(ctx: PostingContext, line, texts, field: str, problems: list[FieldError]) -> list[str]:
    """The line's serials as the posting stores them, each trimmed, a GS1 scan read for its AI 21.

    What a scan carried besides (lot, expiry, production date) goes to ``line.unit_data``, in the same
    order, for the units the line receives; a scan whose AI 01 is not the item's GTIN is a problem.
    """
    item = ctx.item_of(line)
    serials, data = [], []
    for text in texts:
        if not may_be_scan(text):
            serials.append(text.strip())
            data.append(None)
            continue
        try:
            scan = read_scanned_serial(text)
        except UnreadableScan as exc:
            problems.append(FieldError(field, f"{item.name}: {exc.message}"))
            serials.append(text.strip())
            data.append(None)
            continue
        if scan.gtin14 is not None and scan.gtin14 != item.gtin14:
            holder = ctx.session.scalar(select(Item).where(Item.gtin14 == scan.gtin14)) if item.gtin14 else None
            problems.append(FieldError(field, gtin_mismatch(scan, item, holder)))
        serials.append(scan.serial.strip() if isinstance(scan.serial, str) else scan.serial)
        data.append(scan.unit_data if scan.has_unit_data else None)
    line.unit_data = data if any(data) else None
    return serials


def validate_serial_text(ctx: PostingContext) -> None:
    problems = []
    for line in ctx.req.lines:
        if not line.resolved_serials:
            continue
        try:
            ctx.rules.validate_serial_numbers(
                session=ctx.session, item=ctx.item_of(line), serial_numbers=line.resolved_serials,
                document=ctx.req, line=line, new_serials=ctx.req.receives_new_serials(line))
        except InvalidInput as exc:
            source = "auto_serials" if line.auto_serials else "serials"
            problems.append(FieldError(f"{line.field}.{source}", exc.message))
    if problems:
        raise InvalidInput(" ".join(p.message for p in problems), problems)


def check_repeats(ctx: PostingContext) -> None:
    """A serial may appear once per item in a document; a lookalike of one already on it counts as a repeat."""
    seen: dict[int, set[str]] = defaultdict(set)  # item id -> keys so far
    repeats = []
    for line in ctx.req.lines:
        keys = ctx.keys.get(line.index) or [serial_key(s) for s in line.resolved_serials]
        ctx.keys[line.index] = keys
        item_keys, line_keys = seen[line.item_id], set(keys)
        if len(line_keys) == len(keys) and item_keys.isdisjoint(line_keys):
            item_keys |= line_keys  # no repeats: the common case, checked without a Python loop
            continue
        first = _first_spellings(ctx, line)
        for serial, key in zip(line.resolved_serials, keys):
            if key not in item_keys:
                item_keys.add(key)
                first.setdefault(key, serial)
            elif looks_alike(serial, first[key]):
                repeats.append(FieldError(f"{line.field}.serials",
                                          f"{serial} of {ctx.item_of(line).name} looks the same as {first[key]}, "
                                          "earlier on this document."))
            else:
                repeats.append(FieldError(f"{line.field}.serials",
                                          f"{serial} of {ctx.item_of(line).name} appears more than once."))
    if repeats:
        raise Conflict("A serial number is repeated in this document: "
                       + " ".join(p.message for p in repeats[:20]), repeats)


def _first_spellings(ctx: PostingContext, line) -> dict[str, str]:
    """key -> the serial first given with it on the lines of this item before ``line`` (for a repeat's message)."""
    first: dict[str, str] = {}
    for earlier in ctx.req.lines:
        if earlier.index >= line.index:
            break
        if earlier.item_id == line.item_id:
            for serial, key in zip(earlier.resolved_serials, ctx.keys.get(earlier.index, ())):
                first.setdefault(key, serial)
    return first


def number_auto_serials(ctx: PostingContext) -> None:
    for line in ctx.req.lines:
        if not line.auto_serials:
            continue
        item = ctx.item_of(line)
        serials = ctx.rules.next_serial_numbers(
            session=ctx.session, item=item, count=line.quantity, settings=ctx.settings, date=ctx.req.date,
            document=ctx.req)
        if serials is None:
            # No plugin numbers this item, and the module's numbering is off for it.
            message = ("Automatic serial numbers are turned off in the purchasing settings, "
                       f"and {item.name} has no numbering of its own.")
            raise InvalidInput(message, [FieldError(f"{line.field}.auto_serials", message)])
        if len(serials) != line.quantity:
            raise InvalidInput(f"No serial numbers could be generated for {item.name}.")
        line.resolved_serials = list(serials)
        ctx.keys[line.index] = [serial_key(s) for s in serials]


def check_units(ctx: PostingContext) -> None:
    problems = []
    for line in ctx.req.lines:
        if not line.resolved_serials:
            continue
        item, units = ctx.item_of(line), ctx.units[line.item_id]
        new = ctx.req.receives_new_serials(line)
        for serial, key in zip(line.resolved_serials, ctx.keys[line.index]):
            message = refusal(ctx, item, units.get(key), serial, new)
            if message:
                problems.append(FieldError(f"{line.field}.serials", message))
    if problems:
        shown = " ".join(p.message for p in problems[:20])
        more = f" ({len(problems) - 20} more not shown.)" if len(problems) > 20 else ""
        raise Conflict(shown + more, problems)


def refusal(ctx: PostingContext, item, unit: UnitRow | None, serial: str, new: bool) -> str | None:
    if new:
        if unit is not None and unit.status in (IN_STOCK, RENTED):
            if looks_alike(serial, unit.serial_number):
                return (f"{serial} looks the same as {unit.serial_number}, already a unit of {item.name}: "
                        f"it is {ctx.place(unit)}.")
            return f"{unit.serial_number} of {item.name} already exists: it is {ctx.place(unit)}."
        # A unit that left (shipped, used, adjusted out) comes back under its key, as it was stored.
        return None
    if unit is None:
        return f"{serial} of {item.name} is not in the inventory."
    status, place_id, wanted = ctx.source
    here = unit.location_id if status == IN_STOCK else unit.customer_id
    if unit.status != status or here != place_id:
        return f"{unit.serial_number} of {item.name} is {ctx.place(unit)}, not {wanted}."
    return None


def check_plain_stock(ctx: PostingContext) -> None:
    """Items tracked by quantity: an outbound line may not take more than is at the location."""
    demand: dict[int, int] = defaultdict(int)
    for line in ctx.req.lines:
        item = ctx.item_of(line)
        if not item.track_serials and ctx.req.stock_effect(line) <= 0:
            demand[item.id] += abs(line.quantity)
    if not demand:
        return
    # One statement for every item (a document of thousands of plain lines asked once an item).
    levels = dict(ctx.session.execute(select(StockLevel.item_id, StockLevel.quantity).where(
        one_of(ctx.session, StockLevel.item_id, sorted(demand)), StockLevel.location_id == ctx.req.location_id)).all())
    problems = []
    for item_id, needed in demand.items():
        on_hand = levels.get(item_id) or 0
        if needed > on_hand:
            item = ctx.items[item_id]
            line = next(li for li in ctx.req.lines if li.item_id == item_id)
            problems.append(FieldError(
                f"{line.field}.quantity",
                f"{item.name}: {needed} needed but only {on_hand} on hand at "
                f"{ctx.parties['location_id'].name}."))
    if problems:
        raise Conflict(" ".join(p.message for p in problems), problems)
