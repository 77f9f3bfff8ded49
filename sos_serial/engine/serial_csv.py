"""Reading serial numbers from an uploaded .csv file, as spreadsheet programs save them."""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from sos_serial.errors import Conflict, FieldError, InvalidInput
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


def read_serials_csv(data: bytes | str, field: str = "serials_csv") -> CsvSerials:
    """One serial per row, as ``serial_column`` reads them; duplicate rows are refused with their row numbers."""
    parsed = serial_column(decode_csv(data, field), field)
    serials, numbers = parsed.serials, parsed.rows
    keys = [serial_key(cell) for cell in serials]
    duplicates: dict[str, list[int]] = {}
    if len(set(keys)) != len(keys):  # only then find which rows repeat which
        first_row: dict[str, int] = {}
        for number, key in zip(numbers, keys):
            if key in first_row:
                duplicates.setdefault(key, [first_row[key]]).append(number)
            else:
                first_row[key] = number
    if duplicates:
        at_row = dict(zip(numbers, serials))
        listed = "; ".join(_repeated(at_row, rows_) for rows_ in list(duplicates.values())[:20])
        raise Conflict(
            f"The file repeats serial numbers: {listed}. Each unit needs its own serial.",
            [FieldError(field, f"Duplicate serial on rows {', '.join(map(str, r))}.") for r in duplicates.values()],
        )
    return parsed


def _repeated(at_row: dict[int, str], rows: list[int]) -> str:
    """One repeated serial and its rows; spellings that only look alike are each named."""
    spellings = list(dict.fromkeys(at_row[row].strip() for row in rows))
    distinct = list(dict.fromkeys(spelling.casefold() for spelling in spellings))
    if len(distinct) == 1:
        return f"{spellings[0]} on rows {', '.join(map(str, rows))}"
    return f"{' and '.join(spellings)} (which look the same) on rows {', '.join(map(str, rows))}"


def serial_column(text: str, field: str = "serials_csv") -> CsvSerials:
    """The serials of a decoded file, repeats included: the first column, or the column headed
    serial / serial number / S/N.

    Columns are separated by commas, semicolons or tabs (see ``separator_of``). Blank rows are
    skipped; a header row naming the serial column is skipped.
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
    return CsvSerials(serials, numbers)
