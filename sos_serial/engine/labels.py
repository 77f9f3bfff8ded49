"""Labels for serial units: what each label carries, its barcode, and the PDF sheet or roll and the ZPL that print it."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from pystrich.datamatrix import DataMatrixData, DataMatrixEncoder
from pystrich.gs1 import GS1Fixed, GS1Variable
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from sos_serial.errors import Conflict, InvalidInput, NotFound
from sos_serial.models import Item, SerialUnit, Settings, TransactionLineSerial

# One label run prints at most this many labels: a receipt of 10,000 units prints in well under a minute
# (BENCHMARKS: bench-dock-labels), and a larger run is likelier a mistaken selection than a real need.
LABELS_PER_RUN = 50_000

# GS1's AI 21 (serial number): 1 to 20 characters of GS1's character set 82. A serial outside it cannot be
# put in a GS1 element string, so its label carries Code 128 of the serial, as an item without a GTIN does.
GS1_SERIAL = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
# Code 128 carries printable ASCII; any other serial is carried by a plain (non-GS1) Data Matrix in UTF-8.
CODE128_TEXT = re.compile(r"[\x20-\x7e]+")

FONT = "Helvetica"
BOLD = "Helvetica-Bold"


@dataclass(frozen=True)
class Label:
    item_name: str
    serial_number: str
    gtin14: str | None = None
    warranty_end: date | None = None

    @property
    def barcode(self) -> str:
        """``gs1_datamatrix``, ``code128`` or ``datamatrix``: what the label's barcode is."""
        if self.gtin14 and GS1_SERIAL.fullmatch(self.serial_number):
            return "gs1_datamatrix"
        if CODE128_TEXT.fullmatch(self.serial_number):
            return "code128"
        return "datamatrix"

    @property
    def gs1_element_string(self) -> str:
        """The human-readable form printed under a GS1 Data Matrix: ``(01)<GTIN-14>(21)<serial>``."""
        return f"(01){self.gtin14}(21){self.serial_number}"


@dataclass(frozen=True)
class Layout:
    """A page of ``columns`` x ``rows`` labels of ``width`` x ``height`` points, the first at ``left``, ``top``."""

    name: str
    page: tuple[float, float]
    width: float
    height: float
    columns: int = 1
    rows: int = 1
    left: float = 0
    top: float = 0
    column_pitch: float = 0
    row_pitch: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """The lower left corner of the ``index``-th label of a page, in PDF points."""
        row, column = divmod(index, self.columns)
        x = self.left + column * self.column_pitch
        y = self.page[1] - self.top - row * self.row_pitch - self.height
        return x, y


LAYOUTS = {
    # Avery L7160 and its equivalents: 21 labels of 63.5 x 38.1 mm, 2.54 mm between columns.
    "a4_3x7": Layout("a4_3x7", A4, 63.5 * mm, 38.1 * mm, columns=3, rows=7, left=7.21 * mm, top=15.15 * mm,
                     column_pitch=66.04 * mm, row_pitch=38.1 * mm),
    # Avery 5160 and its equivalents: 30 labels of 2.625 x 1 in, 0.125 in between columns.
    "letter_3x10": Layout("letter_3x10", LETTER, 2.625 * inch, 1 * inch, columns=3, rows=10, left=0.1875 * inch,
                          top=0.5 * inch, column_pitch=2.75 * inch, row_pitch=1 * inch),
    # A label printer's roll: each page is one label.
    "roll_62x29mm": Layout("roll_62x29mm", (62 * mm, 29 * mm), 62 * mm, 29 * mm),
    "roll_2.25x1.25in": Layout("roll_2.25x1.25in", (2.25 * inch, 1.25 * inch), 2.25 * inch, 1.25 * inch),
}


# ---- which units ----------------------------------------------------------------------------------------------
# The columns a label shows, read as rows: a run of 10,000 units loads no ORM objects.
LABEL_COLUMNS = (Item.name, SerialUnit.serial_number, Item.gtin14, SerialUnit.warranty_end)


def _refuse_large_run(count: int) -> None:
    if count > LABELS_PER_RUN:
        raise InvalidInput(f"{count:,} labels is more than one run prints (at most {LABELS_PER_RUN:,}); "
                           "print them in smaller selections.")


def labels_of_document(session, document) -> list[Label]:
    """One label per unit the document carries, line by line, each line's units in serial order."""
    if document.is_voided:
        # Its units are back where it found them (or out of stock): a label would name a receipt that no longer
        # stands.
        raise Conflict(f"{document.number} is voided, so it has no labels to print; print them from the units "
                       "on the Serial inventory, or from the document posted in its place.")
    rows = session.execute(
        select(*LABEL_COLUMNS).select_from(TransactionLineSerial)
        .join(SerialUnit, TransactionLineSerial.serial_unit_id == SerialUnit.id)
        .join(Item, Item.id == SerialUnit.item_id)
        .where(TransactionLineSerial.line_id.in_([line.id for line in document.lines]))
        .order_by(TransactionLineSerial.line_id, SerialUnit.serial_key)).all()
    if not rows:
        raise NotFound(f"{document.number} carries no serial units, so it has no labels to print.")
    _refuse_large_run(len(rows))
    return [Label(*row) for row in rows]


def labels_of_units(session, unit_ids) -> list[Label]:
    """One label per unit, in the order the ids were given; an unknown id is refused, naming it."""
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        raise InvalidInput("Choose at least one serial unit to print labels for.")
    _refuse_large_run(len(ids))
    found = {}
    # In chunks: a run of thousands of ids stays within each database's limit of bound parameters.
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        found.update((row[0], Label(*row[1:])) for row in session.execute(
            select(SerialUnit.id, *LABEL_COLUMNS).join(Item, Item.id == SerialUnit.item_id)
            .where(SerialUnit.id.in_(chunk))))
    missing = [unit_id for unit_id in ids if unit_id not in found]
    if missing:
        shown = ", ".join(str(unit_id) for unit_id in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise NotFound(f"No serial unit has the id {shown}; no labels were made.")
    return [found[unit_id] for unit_id in ids]


def labels_where(session, conditions) -> list[Label]:
    """One label per unit meeting ``conditions`` (a search's, as GET /serials reads it), in serial order."""
    count = session.scalar(select(func.count(SerialUnit.id)).where(*conditions))
    if count == 0:
        raise NotFound("No serial unit matches this search, so there are no labels to print.")
    _refuse_large_run(count)
    rows = session.execute(select(*LABEL_COLUMNS).join(Item, Item.id == SerialUnit.item_id).where(*conditions)
                           .order_by(SerialUnit.serial_key, SerialUnit.id)).all()
    return [Label(*row) for row in rows]


def label_settings(session) -> tuple[Layout, bool]:
    settings = Settings.current(session)
    return LAYOUTS[settings.label_layout], settings.label_show_warranty_end


# ---- barcodes -------------------------------------------------------------------------------------------------
def datamatrix_modules(label: Label):
    """The Data Matrix of a label as dark rectangles (x, y, w, h) in modules, row 0 on top, and its size."""
    if label.barcode == "gs1_datamatrix":
        # DataMatrixData.gs1 starts the symbol with FNC1, which marks it as GS1, and ends a variable-length
        # field with FNC1 only when another follows; AI 01 is fixed-length, AI 21 comes last.
        data = DataMatrixData.gs1(GS1Fixed("01", label.gtin14), GS1Variable("21", label.serial_number))
    else:
        data = DataMatrixData(label.serial_number, encoding="utf-8")
    marks = DataMatrixEncoder(data, quiet_zone=0).get_rect_marks()
    return marks.marks, marks.width, marks.height


# ---- PDF ------------------------------------------------------------------------------------------------------
def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut to ``width`` with an ellipsis; the base fonts draw only Latin-1, so others show as '?'."""
    text = text.encode("cp1252", "replace").decode("cp1252")
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_label(canvas: Canvas, label: Label, x: float, y: float, layout: Layout, show_warranty_end: bool) -> None:
    pad = min(2.5 * mm, layout.height * 0.08)
    left, bottom = x + pad, y + pad
    width, height = layout.width - 2 * pad, layout.height - 2 * pad
    size = max(6.0, min(9.0, height / 7))
    small = size * 0.8
    warranty = (f"Warranty ends {label.warranty_end.isoformat()}"
                if show_warranty_end and label.warranty_end else None)
    if label.barcode == "code128":
        # Name on top; serial (and warranty end) below; the barcode fills the middle with its quiet zones.
        canvas.setFont(BOLD, size)
        canvas.drawString(left, bottom + height - size, _fit(label.item_name, BOLD, size, width))
        lines = [(FONT, size, label.serial_number)] + ([(FONT, small, warranty)] if warranty else [])
        line_y = bottom
        for font, font_size, text in reversed(lines):
            canvas.setFont(font, font_size)
            canvas.drawString(left, line_y, _fit(text, font, font_size, width))
            line_y += font_size * 1.15
        bar_bottom = line_y + size * 0.2
        bar_height = bottom + height - size * 1.3 - bar_bottom
        modules = Code128(label.serial_number, barWidth=1, quiet=False).width
        # 20 modules of quiet zone, 10 each side; the bars at most 1 pt (0.35 mm) wide.
        bar_width = min(1.0, width / (modules + 20))
        code = Code128(label.serial_number, barWidth=bar_width, barHeight=bar_height, quiet=False,
                       humanReadable=False)
        code.drawOn(canvas, left + (width - code.width) / 2, bar_bottom)
        return
    # Data Matrix: the square on the left, the name, serial and what else fits on its right.
    marks, columns, rows = datamatrix_modules(label)
    side = min(height, width * 0.42)
    module = side / max(columns, rows)
    top = bottom + (height + rows * module) / 2
    canvas.setFillGray(0)
    path = canvas.beginPath()
    for mx, my, mw, mh in marks:
        path.rect(left + mx * module, top - (my + mh) * module, mw * module, mh * module)
    canvas.drawPath(path, stroke=0, fill=1)
    text_left = left + columns * module + 2 * mm
    text_width = left + width - text_left
    lines = [(BOLD, size, label.item_name), (FONT, size, label.serial_number)]
    if label.barcode == "gs1_datamatrix":
        lines.append((FONT, small, f"(01){label.gtin14}"))
        lines.append((FONT, small, f"(21){label.serial_number}"))
    if warranty:
        lines.append((FONT, small, warranty))
    line_y = bottom + height - size
    for font, font_size, text in lines:
        if line_y < bottom:
            break
        canvas.setFont(font, font_size)
        canvas.drawString(text_left, line_y, _fit(text, font, font_size, text_width))
        line_y -= font_size * 1.25


def labels_pdf(labels: list[Label], layout: Layout, show_warranty_end: bool, title: str = "Labels") -> bytes:
    """A PDF of the labels laid out on ``layout``'s pages, in order, a new page when one is full."""
    out = io.BytesIO()
    # invariant: no creation time or random document id, so the same labels make the same file, whoever asks.
    canvas = Canvas(out, pagesize=layout.page, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setCreator("sos-serial")
    for number, label in enumerate(labels):
        place = number % layout.per_page
        if number and place == 0:
            canvas.showPage()
        x, y = layout.origin(place)
        _draw_label(canvas, label, x, y, layout, show_warranty_end)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# ---- ZPL ------------------------------------------------------------------------------------------------------
DOTS_PER_MM = 8  # 203 dpi, the common thermal printer's resolution
# ^FH\ lets a field carry ZPL's own command characters as hex: ^ and ~ start commands, \ is the hex mark.
_ZPL_SPECIAL = {"\\": "\\5C", "^": "\\5E", "~": "\\7E"}
# ^BX's escape character: "_" as is usual, or one the data does not hold (none of them is in GS1's set 82).
_ESCAPES = "_#$@`|"


def _zpl_text(value: str) -> str:
    return "".join(_ZPL_SPECIAL.get(ch, ch) for ch in value)


def _dots(points: float) -> int:
    return round(points / mm * DOTS_PER_MM)


def _zpl_label(label: Label, layout: Layout, show_warranty_end: bool) -> str:
    width, height = _dots(layout.width), _dots(layout.height)
    pad = 2 * DOTS_PER_MM
    size = max(18, min(28, height // 9))
    small = size * 4 // 5
    inner = width - 2 * pad
    fields = ["^XA", "^CI28", f"^PW{width}", f"^LL{height}"]
    warranty = (f"Warranty ends {label.warranty_end.isoformat()}"
                if show_warranty_end and label.warranty_end else None)

    def text(x, y, font_size, value, field_width):
        fields.append(f"^FO{x},{y}^A0N,{font_size},{font_size}^FB{field_width},1,0,L,0^FH\\^FD{_zpl_text(value)}^FS")

    if label.barcode == "code128":
        text(pad, pad, size, label.item_name, inner)
        lines = [(size, label.serial_number)] + ([(small, warranty)] if warranty else [])
        bar_top = pad + size + 6
        bar_height = height - pad - sum(s + 4 for s, _ in lines) - bar_top - 6
        # ^BC in automatic mode (A) picks the code sets itself; no human-readable line (the serial follows).
        fields.append(f"^FO{pad},{bar_top}^BY2^BCN,{max(bar_height, 20)},N,N,N,A^FH\\^FD"
                      f"{_zpl_text(label.serial_number)}^FS")
        y = height - pad - sum(s + 4 for s, _ in lines)
        for font_size, value in lines:
            text(pad, y, font_size, value, inner)
            y += font_size + 4
    else:
        escape = next(ch for ch in _ESCAPES if ch not in label.serial_number)
        if label.barcode == "gs1_datamatrix":
            # FNC1 first marks the symbol GS1; AI 01 is fixed-length, so AI 21 follows without a separator.
            data = f"{escape}101{label.gtin14}21{label.serial_number}"
        else:
            data = _zpl_text(label.serial_number)
        module = 4 if height >= 200 else 3
        fields.append(f"^FO{pad},{pad}^BXN,{module},200,0,0,1,{escape},1^FH\\^FD{data}^FS")
        # The printer sizes the symbol itself; pystrich's choice of size for the same data leaves room for it.
        _, columns, _ = datamatrix_modules(label)
        text_left = pad + (columns + 2) * module + 2 * DOTS_PER_MM
        text_width = width - pad - text_left
        lines = [(size, label.item_name), (size, label.serial_number)]
        if label.barcode == "gs1_datamatrix":
            lines += [(small, f"(01){label.gtin14}"), (small, f"(21){label.serial_number}")]
        if warranty:
            lines.append((small, warranty))
        y = pad
        for font_size, value in lines:
            if y + font_size > height - pad:
                break
            text(text_left, y, font_size, value, text_width)
            y += font_size + 4
    fields.append("^XZ")
    return "\n".join(fields)


def labels_zpl(labels: list[Label], layout: Layout, show_warranty_end: bool) -> str:
    """ZPL for a thermal printer: one ^XA…^XZ format per label, sized as the layout's label at 203 dpi."""
    return "\n".join(_zpl_label(label, layout, show_warranty_end) for label in labels) + "\n"


# ---- one run --------------------------------------------------------------------------------------------------
LABEL_FORMATS = {"pdf": ("application/pdf", "pdf"), "zpl": ("text/plain; charset=utf-8", "zpl")}


def label_file_headers(name: str, media_type: str, extension: str) -> dict[str, str]:
    """How a label run is sent as a file, the same from the screens and the API."""
    # A PDF opens in the browser's viewer, to print; ZPL is saved, for the label printer's queue.
    disposition = "inline" if extension == "pdf" else "attachment"
    return {"Content-Type": media_type, "Content-Disposition": f'{disposition}; filename="{name}.{extension}"'}


def print_labels(session, labels: list[Label], label_format: str, title: str = "Labels") -> tuple[bytes, str, str]:
    """The labels in ``label_format`` (``pdf`` or ``zpl``) on the settings' layout: (body, media type, extension)."""
    layout, show_warranty_end = label_settings(session)
    media_type, extension = LABEL_FORMATS[label_format]
    if label_format == "zpl":
        return labels_zpl(labels, layout, show_warranty_end).encode("utf-8"), media_type, extension
    return labels_pdf(labels, layout, show_warranty_end, title=title), media_type, extension
