"""A shipment's packing list as a PDF (ReportLab): the same paper as the page, paged, ready to print or send."""
from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

# The lines' table is cut into tables of this many rows: ReportLab splits a long table page by page, measuring
# what is left again each time (measured: 2,000 serials in one table, 0.69 s of CPU; in tables of 200, 0.5 s).
ROWS_PER_TABLE = 200
LOGO_MAX_WIDTH = 60 * mm
LOGO_MAX_HEIGHT = 22 * mm

# DejaVu Sans where the system has it (Debian's fonts-dejavu-core, Fedora's dejavu-sans-fonts): its glyphs
# cover Armenian, Cyrillic and Greek names and addresses. Without it, ReportLab's built-in Helvetica, which
# prints characters outside Latin-1 as boxes.
DEJAVU_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu-sans-fonts"),
                  Path("/usr/share/fonts/dejavu"), Path("/usr/share/fonts/TTF"))


def _fonts() -> tuple[str, str]:
    """The names of the regular and bold fonts the paper is set in, registered with ReportLab once."""
    for folder in DEJAVU_FOLDERS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("PaperSans", str(regular)))
                pdfmetrics.registerFont(TTFont("PaperSans-Bold", str(bold)))
            except (OSError, TTFError):
                continue
            registerFontFamily("PaperSans", normal="PaperSans", bold="PaperSans-Bold", italic="PaperSans",
                               boldItalic="PaperSans-Bold")
            return "PaperSans", "PaperSans-Bold"
    return "Helvetica", "Helvetica-Bold"


FONT, BOLD = _fonts()
_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["Normal"], fontName=FONT, fontSize=9.5, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=10.5)
COMPANY = ParagraphStyle("company", parent=BODY, fontName=BOLD, fontSize=13, leading=16)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=16, leading=20, alignment=2)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=2)
VOIDED = ParagraphStyle("voided", parent=BODY, fontName=BOLD, fontSize=13, leading=16,
                        textColor=colors.HexColor("#b00020"))
LABEL = ParagraphStyle("label", parent=SMALL, fontName=BOLD, textColor=colors.HexColor("#555555"))


def _text(value) -> str:
    """Text for a Paragraph, which reads markup: a name or address is escaped, never interpreted."""
    return escape(str(value)) if value is not None else ""


def _block(title: str, name: str, lines: list[str]) -> list:
    flowables = [Paragraph(_text(title), LABEL), Paragraph(f"<b>{_text(name)}</b>", BODY)]
    flowables += [Paragraph(_text(line), BODY) for line in lines]
    return flowables


def _logo(company):
    if not company.logo:
        return None
    reader = ImageReader(io.BytesIO(company.logo))
    width, height = reader.getSize()
    scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height, 1)
    return Image(io.BytesIO(company.logo), width=width * scale, height=height * scale, hAlign="LEFT")


def _header(context, usable_width) -> Table:
    company, document = context["company"], context["document"]
    left = []
    logo = _logo(company)
    if logo is not None:
        left += [logo, Spacer(1, 2 * mm)]
    if company.name:
        left.append(Paragraph(_text(company.name), COMPANY))
    left += [Paragraph(_text(line), BODY) for line in company.address_lines]
    right = [Paragraph("Packing list", TITLE), Paragraph(f"<b>No.</b> {_text(document.number)}", RIGHT),
             Paragraph(f"<b>Date</b> {document.date.isoformat()}", RIGHT)]
    if context["barcode"] is not None:
        barcode = context["barcode"]
        barcode.hAlign = "RIGHT"
        right += [Spacer(1, 2 * mm), barcode]
    table = Table([[left, right]], colWidths=[usable_width * 0.55, usable_width * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (-1, 0), (-1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))
    return table


def _addresses(context, usable_width) -> Table:
    document, ship_to = context["document"], context["ship_to"]
    to = _block("SHIP TO", ship_to.name, ship_to.address_lines) if ship_to else [Paragraph("SHIP TO", LABEL)]
    source = _block("SHIP FROM", document.location.name if document.location else "", [])
    table = Table([[to, source]], colWidths=[usable_width * 0.55, usable_width * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return table


def _rows(context) -> list[list]:
    show_warranty = context["show_warranty"]
    rows = []
    for line in context["lines"]:
        units = line["units"] or [None]
        for index, unit in enumerate(units):
            first = index == 0
            row = [Paragraph(_text(line["item"].name), SMALL) if first else "",
                   str(line["quantity"]) if first else "",
                   unit.serial_number if unit is not None else ""]
            if show_warranty:
                warranty = unit.warranty if unit is not None else None
                row += [warranty.name if warranty else ("None" if unit is not None else ""),
                        unit.warranty_start.isoformat() if unit is not None and unit.warranty_start else "",
                        unit.warranty_end.isoformat() if unit is not None and unit.warranty_end else ""]
            rows.append(row)
    return rows


def _lines(context, usable_width) -> list:
    show_warranty = context["show_warranty"]
    heading = ["Item", "Qty", "Serial number"] + (["Warranty", "Starts", "Ends"] if show_warranty else [])
    if show_warranty:
        widths = [0.27, 0.07, 0.24, 0.18, 0.12, 0.12]
    else:
        widths = [0.5, 0.1, 0.4]
    widths = [usable_width * share for share in widths]
    style = TableStyle([
        ("FONT", (0, 0), (-1, 0), BOLD, 9), ("FONT", (0, 1), (-1, -1), FONT, 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ])
    rows = _rows(context)
    tables = []
    for start in range(0, max(len(rows), 1), ROWS_PER_TABLE):
        table = Table([heading, *rows[start:start + ROWS_PER_TABLE]], colWidths=widths, repeatRows=1)
        table.setStyle(style)
        tables.append(table)
    return tables


def _signature(usable_width) -> KeepTogether:
    line = "_" * 40
    table = Table([[Paragraph(f"Received by<br/><br/>{line}", BODY), Paragraph(f"Date<br/><br/>{'_' * 22}", BODY)]],
                  colWidths=[usable_width * 0.6, usable_width * 0.4])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return KeepTogether([Spacer(1, 10 * mm), table])


def pdf_file_name(document) -> str:
    """The download's file name: the number in characters every file system and header takes."""
    return f"packing-list-{re.sub(r'[^A-Za-z0-9._-]+', '-', document.number or str(document.id))}.pdf"


def packing_list_pdf(context: dict) -> bytes:
    """The packing list whose ``context`` ``packing_list_context`` read, as the bytes of a PDF."""
    document = context["document"]
    out = io.BytesIO()
    margin = 15 * mm
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 5 * mm, title=f"Packing list {document.number}",
                            author=context["company"].name or "", subject="Packing list")
    usable = A4[0] - 2 * margin

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(margin, margin, f"Packing list {document.number}")
        canvas.drawRightString(A4[0] - margin, margin, f"Page {doc.page}")
        canvas.restoreState()

    story = [_header(context, usable), Spacer(1, 6 * mm)]
    if document.is_voided:
        # A copy printed after the void must not pass for a delivery.
        story += [Paragraph(f"<b>VOIDED</b> {document.voided_at:%Y-%m-%d}: {_text(document.void_reason)}", VOIDED),
                  Spacer(1, 4 * mm)]
    story += [_addresses(context, usable), Spacer(1, 6 * mm), *_lines(context, usable)]
    if document.memo:
        story += [Spacer(1, 4 * mm), Paragraph(f"<b>Memo</b> {_text(document.memo)}", BODY)]
    story.append(_signature(usable))
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
