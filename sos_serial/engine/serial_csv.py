"""Reading serial numbers from an uploaded .csv file, as spreadsheet programs save them.

A row may hold a range of serials instead of one ("SN-0001 - SN-0500", "SN-0001..SN-0500" or
"SN-0001 +500"), read by engine/serial_ranges.py as everywhere else a range is given.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from sos_serial.engine.serial_ranges import read_range_notation, serial_range_text
from sos_serial.errors import Conflict, FieldError, InvalidInput
from sos_serial.limits import SERIALS_PER_DOCUMENT
from sos_serial.models.serial_unit import serial_key

SERIAL_HEADERS = {"serial", "serials", "serial number", "serial_number", "sn", "s/n"}
# Spreadsheets save "CSV" with their locale's list separator: a comma, or a semicolon where the
# comma is the decimal mark (most of Europe). Cells copied out of a spreadsheet are tab-separated.
SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True)
class CsvSerials:
    serials: list[str]
    rows: list[int]  # the file's row number of each serial, for messages


def decode_csv(data: bytes | str, field: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused clearly."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInput(f"The file for {field} claims UTF-16 but cannot be read as it.",
                               [FieldError(field, "The file is not valid UTF-16 text.")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    # NUL bytes decode as UTF-8 but mean UTF-16 without its byte order mark (or a binary file).
    if text is None or "\x00" in text:
        raise InvalidInput(
            f"The file for {field} is not UTF-8 or UTF-16 text. Save it from your spreadsheet as "
            "\"CSV UTF-8\" and upload it again.",
            [FieldError(field, "The file is not UTF-8 or UTF-16 text.")],
        )
    return text


def separator_of(text: str) -> str:
    """The file's separator, read from its first non-blank line.

    A header naming the serial column settles it ("Serial Number;Description"). Otherwise the
    first of comma, semicolon and tab that the line holds outside quotes; a line with none is a
    single column. The entry screen's Upload asks the server (engine/serial_entry.py), so it reads the same.
    """
    first = next((line for line in io.StringIO(text, newline=None) if line.strip()), "")
    for separator in SEPARATORS:
        cells = next(csv.reader([first], delimiter=separator), [])
        if any(cell.strip().lower() in SERIAL_HEADERS for cell in cells):
            return separator
    bare = re.sub(r'"[^"]*"', "", first)
    return next((separator for separator in SEPARATORS if separator in bare), ",")


def read_serials_csv(data: bytes | str, field: str = "serials_csv", limit: int = SERIALS_PER_DOCUMENT) -> CsvSerials:
    """One serial (or range) per row, as ``serial_column`` reads them; duplicate serials are refused with
    their row numbers."""
    parsed = serial_column(decode_csv(data, field), field, limit)
    serials, numbers = parsed.serials, parsed.rows
    keys = [serial_key(cell) for cell in serials]
    # key -> (row, serial as written) of each time it appears; a range row repeats its row number.
    duplicates: dict[str, list[tuple[int, str]]] = {}
    if len(set(keys)) != len(keys):  # only then find which rows repeat which
        first_seen: dict[str, tuple[int, str]] = {}
        for number, serial, key in zip(numbers, serials, keys):
            if key in first_seen:
                duplicates.setdefault(key, [first_seen[key]]).append((number, serial))
            else:
                first_seen[key] = (number, serial)
    if duplicates:
        listed = "; ".join(_repeated(seen) for seen in list(duplicates.values())[:20])
        raise Conflict(
            f"The file repeats serial numbers: {listed}. Each unit needs its own serial.",
            [FieldError(field, f"Duplicate serial on rows {', '.join(str(row) for row, _ in seen)}.")
             for seen in duplicates.values()],
        )
    return parsed


def _repeated(seen: list[tuple[int, str]]) -> str:
    """One repeated serial and its rows; spellings that only look alike are each named."""
    rows = ", ".join(str(row) for row, _ in seen)
    spellings = list(dict.fromkeys(serial.strip() for _, serial in seen))
    distinct = list(dict.fromkeys(spelling.casefold() for spelling in spellings))
    if len(distinct) == 1:
        return f"{spellings[0]} on rows {rows}"
    return f"{' and '.join(spellings)} (which look the same) on rows {rows}"


def serial_column(text: str, field: str = "serials_csv", limit: int = SERIALS_PER_DOCUMENT) -> CsvSerials:
    """The serials of a decoded file, repeats included: the first column, or the column headed
    serial / serial number / S/N; a range row stands for each serial of its range.

    Columns are separated by commas, semicolons or tabs (see ``separator_of``). Blank rows are
    skipped; a header row naming the serial column is skipped. A file whose ranges would carry it
    past ``limit`` serials is refused before they are listed.
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator_of(text)))
    except csv.Error as exc:
        raise InvalidInput(f"The file for {field} is not a readable CSV file: {exc}.",
                           [FieldError(field, f"Not a readable CSV file: {exc}.")]) from None
    column, start = 0, 0
    for index, row in enumerate(rows):
        if not any(cell.strip() for cell in row):
            continue
        headers = [cell.strip().lower() for cell in row]
        header_column = next((i for i, h in enumerate(headers) if h in SERIAL_HEADERS), None)
        if header_column is not None:
            column, start = header_column, index + 1
        break
    cells = [row[column].strip() if column < len(row) else "" for row in rows[start:]]
    numbers = [start + offset + 1 for offset, cell in enumerate(cells) if cell]  # the file's row numbers
    serials = [cell for cell in cells if cell]
    return _with_ranges(CsvSerials(serials, numbers), field, limit)


def _with_ranges(parsed: CsvSerials, field: str, limit: int) -> CsvSerials:
    """``parsed`` with each range row in place of the serials it stands for (unchanged without ranges)."""
    ranges, problems = {}, []
    for position, (cell, number) in enumerate(zip(parsed.serials, parsed.rows)):
        try:
            found = read_range_notation(cell)
        except InvalidInput as exc:
            problems.append(FieldError(field, f"Row {number}: {serial_range_text(cell, exc.message)}"))
            continue
        if found is not None:
            ranges[position] = found
    if problems:
        raise InvalidInput(f"The file for {field} has ranges that do not read: "
                           + " ".join(problem.message for problem in problems[:10]), problems)
    if not ranges:
        return parsed
    total = len(parsed.serials) - len(ranges) + sum(found.count for found in ranges.values())
    if total > limit:
        largest = max(ranges, key=lambda position: ranges[position].count)
        message = (f"The file for {field} holds {total:,} serial numbers (row {parsed.rows[largest]}: "
                   f"{ranges[largest]}); at most {limit:,} fit in one document.")
        raise InvalidInput(message + " Split it into several transactions.", [FieldError(field, message)])
    serials, rows = [], []
    for position, (cell, number) in enumerate(zip(parsed.serials, parsed.rows)):
        found = ranges.get(position)
        if found is None:
            serials.append(cell)
            rows.append(number)
        else:
            serials.extend(found.serials())
            rows.extend([number] * found.count)
    return CsvSerials(serials, rows)
