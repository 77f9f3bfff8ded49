"""A file of serials received into stock: read as a stream, checked whole first, then handed out in parts.

A file of any size is read row by row and never held: the check reads it once, part by part,
and the posting reads it again, part by part, so memory holds one part (``part_size`` serials)
whatever the file's size. The serials seen so far, needed to find a repeat anywhere in the file,
are kept in a scratch SQLite file on disk, not in memory.

The file is what the entry screen's Upload reads (engine/serial_csv.py): a CSV file (comma,
semicolon or tab), the serial in the first column or the one headed serial / serial number / S/N,
or plain text of one serial a line; a row may hold a range ("SN-0001 +500"), and a scanned GS1
barcode's text is read for its serial (engine/gs1.py). Wholly blank lines are skipped.
"""
from __future__ import annotations

import codecs
import csv
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from sos_serial.database.session_rules import rules_of
from sos_serial.database.statements import rows_matching
from sos_serial.engine.gs1 import UnreadableScan, gtin_mismatch, may_be_scan, read_scanned_serial
from sos_serial.engine.serial_csv import SERIAL_HEADERS, separator_of
from sos_serial.engine.serial_ranges import read_range_notation, serial_range_text
from sos_serial.errors import Conflict, FieldError, InvalidInput
from sos_serial.models import Item, Location, SerialUnit
from sos_serial.models.serial_unit import IN_STOCK, RENTED, STATUS_LABELS, serial_key

DEFAULT_PART_SIZE = 10_000
SHOWN = 20  # problems named in the message (the errors hold the first Problems.KEPT)


class Problems:
    """The bad lines found, each as a FieldError named "line N": the first ``KEPT`` kept, the rest counted."""
    KEPT = 1000

    def __init__(self):
        self.errors: list[FieldError] = []
        self.count = 0
        self.conflicts_only = True

    def add(self, line: int, message: str, conflict: bool = False) -> None:
        self.count += 1
        self.conflicts_only = self.conflicts_only and conflict
        if len(self.errors) < self.KEPT:
            self.errors.append(FieldError(f"line {line}", message))


class FileSerial(NamedTuple):  # a tuple: a million of them are made, one at a time
    line: int  # the file's line the serial was read from (a range's serials share its line)
    text: str  # as written: a serial, or a GS1 barcode's text the posting reads again
    problem: str | None = None  # why the line does not read as a serial


@dataclass(frozen=True)
class Part:
    number: int
    first_line: int
    last_line: int
    serials: list[str]


@dataclass(frozen=True)
class ImportPlan:
    serials: int
    parts: int
    part_size: int


def _encoding(path: str) -> str:
    with open(path, "rb") as raw:
        head = raw.read(4)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    return "utf-8-sig"


def read_serial_file(path: str) -> Iterator[FileSerial]:
    """Each serial of the file at ``path`` with its line, in order; a line that does not read comes with its problem.

    InvalidInput for a file that is no text (not UTF-8 or UTF-16) or no readable CSV."""
    encoding = _encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as file:
            first = next((line for line in file if line.strip()), "")
            file.seek(0)
            rows = csv.reader(file, delimiter=separator_of(first))
            column, started = 0, False
            for row in rows:
                line = rows.line_num
                if not "".join(row).strip():
                    continue
                if not started:
                    started = True
                    headers = [cell.strip().lower() for cell in row]
                    named = next((i for i, header in enumerate(headers) if header in SERIAL_HEADERS), None)
                    if named is not None:
                        column = named
                        continue
                cell = row[column].strip() if column < len(row) else ""
                if not cell:
                    yield FileSerial(line, cell, "this row has no serial number in its serial column.")
                    continue
                try:
                    found = read_range_notation(cell)
                except InvalidInput as exc:
                    yield FileSerial(line, cell, serial_range_text(cell, exc.message))
                    continue
                if found is None:
                    yield FileSerial(line, cell)
                else:
                    for serial in found.serials():
                        yield FileSerial(line, serial)
    except UnicodeDecodeError:
        raise InvalidInput(f"{os.path.basename(path)} is not UTF-8 or UTF-16 text. Save it from your spreadsheet "
                           "as \"CSV UTF-8\" and import it again.",
                           [FieldError("file", "The file is not UTF-8 or UTF-16 text.")]) from None
    except csv.Error as exc:
        raise InvalidInput(f"{os.path.basename(path)} is not a readable CSV file: {exc}.",
                           [FieldError("file", f"Not a readable CSV file: {exc}.")]) from None


def in_parts(serials: Iterator[FileSerial], part_size: int) -> Iterator[list[FileSerial]]:
    part = []
    for serial in serials:
        part.append(serial)
        if len(part) == part_size:
            yield part
            part = []
    if part:
        yield part


def check_serial_file(session, path: str, item: Item, *, part_size: int = DEFAULT_PART_SIZE, from_part: int = 1,
                      on_progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Read the whole file and refuse it, naming each bad line, or say how many serials and parts it holds.

    Refused: a row without a serial, a serial the rules refuse (blank, too long, a control character,
    a plugin's rule), a scanned barcode that does not read or is another item's, a serial twice in the
    file, a serial of a unit already in stock or rented out. Nothing is written. Parts before ``from_part``
    (posted already, by an import that stopped) are counted, not checked. ``on_progress`` is called with the
    serials read so far, after each part."""
    rules = rules_of(session)
    problems = Problems()
    count = 0
    with tempfile.TemporaryDirectory(prefix="sos-serial-import-") as scratch:
        seen = sqlite3.connect(os.path.join(scratch, "seen.sqlite3"))
        try:
            seen.execute("PRAGMA journal_mode = OFF")
            seen.execute("PRAGMA synchronous = OFF")
            seen.execute("CREATE TABLE seen (key TEXT NOT NULL, line INTEGER NOT NULL, serial TEXT NOT NULL)")
            for number, part in enumerate(in_parts(read_serial_file(path), part_size), start=1):
                count += len(part)
                if number < from_part:
                    continue
                read = _read_part(session, item, part, rules, problems)
                seen.executemany("INSERT INTO seen VALUES (?, ?, ?)", [(key, line, serial) for line, serial, key in read])
                _in_stock_already(session, item, read, problems)
                if on_progress is not None:
                    on_progress(count)
            seen.execute("CREATE INDEX seen_key ON seen (key, line)")
            _repeats(seen, problems)
        finally:
            seen.close()
    if problems.count:
        errors = sorted(problems.errors, key=lambda problem: int(problem.field.split()[1]))
        shown = " ".join(f"Line {problem.field.split()[1]}: {problem.message}" for problem in errors[:SHOWN])
        more = f" ({problems.count - SHOWN:,} more problems not shown.)" if problems.count > SHOWN else ""
        error = Conflict if problems.conflicts_only else InvalidInput
        raise error(f"{os.path.basename(path)} was not imported, nothing of it was posted: {shown}{more}", errors)
    if count == 0:
        raise InvalidInput(f"{os.path.basename(path)} holds no serial numbers: nothing was imported.",
                           [FieldError("file", "No serial numbers.")])
    return ImportPlan(serials=count, parts=-(-count // part_size), part_size=part_size)


def _read_part(session, item, part: list[FileSerial], rules, problems: Problems) -> list[tuple[int, str, str]]:
    """(line, serial, key) of each row of a part; a scan is read for its serial, and must be of ``item``."""
    read = []
    for line, text, problem in part:
        if problem:
            problems.add(line, problem)
            continue
        if not may_be_scan(text):  # most rows are plain serials: one quick look decides, as the posting does
            read.append((line, text, serial_key(text)))
            continue
        try:
            scan = read_scanned_serial(text)
        except UnreadableScan as exc:
            problems.add(line, exc.message)
            continue
        if scan.gtin14 is not None and scan.gtin14 != item.gtin14:
            holder = session.scalar(select(Item).where(Item.gtin14 == scan.gtin14)) if item.gtin14 else None
            problems.add(line, gtin_mismatch(scan, item, holder))
            continue
        serial = scan.serial.strip()
        read.append((line, serial, serial_key(serial)))
    try:
        rules.validate_serial_numbers(session=session, item=item, serial_numbers=[row[1] for row in read],
                                      document=None, line=None, new_serials=True)
    except InvalidInput:
        # Which rows: asked again one by one, only for a part the rules refused.
        kept = []
        for row in read:
            try:
                rules.validate_serial_numbers(session=session, item=item, serial_numbers=[row[1]], document=None,
                                              line=None, new_serials=True)
            except InvalidInput as exc:
                problems.add(row[0], exc.message)
            else:
                kept.append(row)
        read = kept
    return read


def _in_stock_already(session, item, read: list[tuple[int, str, str]], problems: Problems) -> None:
    """Serials of units in stock or rented out; a unit that left stock comes back as the same unit (DESIGN.md rule 2)."""
    if not read:
        return
    keys = {key: line for line, _, key in read}
    statement = (select(SerialUnit.serial_key, SerialUnit.serial_number, SerialUnit.status, Location.name)
                 .outerjoin(Location, Location.id == SerialUnit.location_id)
                 .where(SerialUnit.item_id == item.id, SerialUnit.status.in_((IN_STOCK, RENTED))))
    for key, serial_number, status, location in rows_matching(session, statement, SerialUnit.serial_key,
                                                              sorted(keys)):
        line = keys[key]
        where = f" at {location}" if location else ""
        problems.add(line, f"already a unit of {item.name}: {serial_number} is {STATUS_LABELS[status].lower()}{where}.",
                     conflict=True)


def _repeats(seen, problems: Problems) -> None:
    """Every line that repeats a serial of an earlier line (compared as serials are: case and look-alikes folded)."""
    rows = seen.execute(
        "WITH repeated AS (SELECT key FROM seen GROUP BY key HAVING count(*) > 1) "
        "SELECT line, serial, first_line, first_serial FROM ("
        " SELECT s.line, s.serial, first_value(s.line) OVER w AS first_line,"
        " first_value(s.serial) OVER w AS first_serial, row_number() OVER w AS n"
        " FROM seen AS s JOIN repeated ON repeated.key = s.key WINDOW w AS (PARTITION BY s.key ORDER BY s.rowid)) "
        "WHERE n > 1 ORDER BY line")
    for line, serial, first_line, first in rows:
        problems.add(line, f"repeated: {serial} is on line {first_line} already"
                           + (f" (as {first})." if first != serial else "."), conflict=True)


def serial_file_parts(path: str, part_size: int = DEFAULT_PART_SIZE, *, from_part: int = 1) -> Iterator[Part]:
    """The file's serials as they are posted: parts of ``part_size``, numbered from 1, each with its lines."""
    for number, part in enumerate(in_parts(read_serial_file(path), part_size), start=1):
        if number >= from_part:
            yield Part(number, part[0].line, part[-1].line, [row.text for row in part])
