"""The transaction entry form: what the clerk typed, read into the posting's request shape.

Lines arrive as ``lines-N-field`` inputs built by transaction_form.js. Nothing is checked
here beyond turning text into numbers: the posting checks everything and its messages are
shown on the re-displayed form, which keeps every value the clerk entered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sos_serial.engine.serial_entry import entered_serials_request
from sos_serial.models.document_kind import INPUT, OUTPUT, document_kind

_LINE_FIELD = re.compile(r"^lines-(\d+)-(\w+)$")
MAX_LINES = 200


@dataclass
class LineInput:
    item_id: str = ""
    quantity: str = "1"
    unit_cost: str = ""
    role: str = ""
    serials: list[str] = field(default_factory=list)
    auto_serials: bool = False
    serials_csv: str = ""
    csv_name: str = ""
    errors: list[str] = field(default_factory=list)


# Header inputs that show their own problems beside them (the rest are listed above the form).
HEADER_FIELDS_WITH_ERRORS = ("memo",)


@dataclass
class TransactionInput:
    date: str
    header: dict[str, str]
    memo: str
    lines: list[LineInput]
    errors: list[str] = field(default_factory=list)
    # Problems of a header field, shown under it: {"memo": [...]}.
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    # The document's custom fields as typed, by name (inputs named cf_NAME).
    custom: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, kind: str, today: str) -> "TransactionInput":
        with_roles = document_kind(kind).line_roles
        lines = [LineInput(role=INPUT), LineInput(role=OUTPUT)] if with_roles else [LineInput()]
        return cls(date=today, header={name: "" for name, _ in document_kind(kind).header_fields}, memo="",
                   lines=lines)

    @classmethod
    def from_document(cls, document, serials: dict[int, list[str]]) -> "TransactionInput":
        """A copy of a posted document to enter again (Amend): its date, header, memo, lines and serials."""
        header = {name: "" if getattr(document, name) is None else str(getattr(document, name))
                  for name, _ in document.kind.header_fields}
        lines = [LineInput(item_id=str(line.item_id), quantity=str(line.quantity),
                           unit_cost="" if line.unit_cost is None else f"{line.unit_cost:f}", role=line.role or "",
                           serials=list(serials.get(line.id, []))) for line in document.lines]
        custom = {name: "y" if value is True else "" if value in (None, False) else str(value)
                  for name, value in (document.custom_fields or {}).items()}
        return cls(date=document.date.isoformat(), header=header, memo=document.memo or "", lines=lines,
                   custom=custom)

    @classmethod
    def from_form(cls, kind: str, form) -> "TransactionInput":
        lines: dict[int, LineInput] = {}
        for key in form:
            match = _LINE_FIELD.match(key)
            if not match or int(match.group(1)) >= MAX_LINES:
                continue
            line = lines.setdefault(int(match.group(1)), LineInput(quantity=""))
            name = match.group(2)
            if name == "serials":
                line.serials = [s for s in form.getlist(key) if s.strip()]
            elif name == "auto_serials":
                line.auto_serials = form.get(key) in ("y", "on", "true", "1")
            elif name in ("item_id", "quantity", "unit_cost", "role", "serials_csv", "csv_name"):
                setattr(line, name, form.get(key, "").strip() if name != "serials_csv" else form.get(key, ""))
        ordered = [lines[i] for i in sorted(lines) if lines[i].item_id or lines[i].quantity]
        return cls(date=form.get("date", "").strip(),
                   header={name: form.get(name, "").strip() for name, _ in document_kind(kind).header_fields},
                   memo=form.get("memo", "").strip(), lines=ordered or [LineInput()],
                   custom={key.removeprefix("cf_"): form.get(key, "").strip() for key in form if key.startswith("cf_")})

    def as_request(self, kind: str, custom_fields=()) -> dict:
        """The API's JSON shape, for the view's read_document; unreadable numbers pass through to be refused.

        ``custom_fields`` are the document's declared fields: each typed value is sent in its JSON type.
        """
        data = {"type": kind, "date": self.date, "memo": self.memo or None, "lines": []}
        if custom_fields:
            data["custom_fields"] = {f.name: _custom_value(f, self.custom.get(f.name, "")) for f in custom_fields}
        for name, value in self.header.items():
            data[name] = _number(value) if value else None
        for line in self.lines:
            entry = {"item_id": _number(line.item_id) if line.item_id else None,
                     "quantity": _number(line.quantity)}
            if line.unit_cost:
                entry["unit_cost"] = line.unit_cost
            if document_kind(kind).line_roles:
                entry["role"] = line.role or None
            if line.auto_serials:
                entry["auto_serials"] = True
            elif line.serials_csv:
                entry["serials_csv"] = line.serials_csv
            elif line.serials:
                # An S/N field may hold a range: it goes to the posting as one of the line's serial_ranges.
                entry.update(entered_serials_request(line.serials))
            data["lines"].append(entry)
        return data

    def attach_errors(self, problems) -> None:
        """Put each of the posting's field errors on its line, the rest on the form."""
        for problem in problems:
            match = re.match(r"^lines\[(\d+)\]", problem.field)
            if match and int(match.group(1)) < len(self.lines):
                self.lines[int(match.group(1))].errors.append(problem.message)
            elif problem.field in HEADER_FIELDS_WITH_ERRORS:
                self.field_errors.setdefault(problem.field, []).append(problem.message)
            else:
                self.errors.append(problem.message)


def _custom_value(declared, text: str):
    """A custom field's input as the posting takes it: a ticked box is true, empty is none."""
    if declared.type == "boolean":
        return bool(text)
    if not text:
        return None
    if declared.type == "number":
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text
    return text


def _number(text: str):
    try:
        return int(text)
    except (TypeError, ValueError):
        return text
