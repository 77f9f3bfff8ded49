"""What a shipment's packing list shows: the company, the ship-to address, the document number as a Code 128
barcode, each line's item, quantity and serials, and warranties if set."""
from __future__ import annotations

import base64
from dataclasses import dataclass

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.shapes import Drawing
from sqlalchemy import select

from sos_serial.models import SerialUnit, Settings, TransactionLineSerial

from .addresses import address_lines
from .company_logo import data_uri

# The barcode's height and narrowest bar, in points: scans from paper at arm's length with a hand scanner.
BARCODE_HEIGHT = 36
BARCODE_BAR_WIDTH = 1.1


@dataclass(frozen=True)
class Company:
    """The company at the head of the paper, from the settings."""

    name: str
    address_lines: list[str]
    logo: bytes | None
    logo_type: str | None

    @property
    def logo_uri(self) -> str | None:
        return data_uri(self.logo, self.logo_type)


@dataclass(frozen=True)
class ShipTo:
    """Where the shipment goes: the customer, and their shipping address (else their billing address)."""

    name: str
    address_lines: list[str]


def document_barcode(number: str | None) -> Drawing | None:
    """The document number as a Code 128 barcode, or None when it has none or holds what Code 128 cannot carry."""
    if not number or not number.isascii() or not number.isprintable():
        return None
    return createBarcodeDrawing("Code128", value=number, barHeight=BARCODE_HEIGHT, barWidth=BARCODE_BAR_WIDTH,
                                humanReadable=False, quiet=True)


def barcode_svg_uri(drawing: Drawing | None) -> str | None:
    """The barcode as an SVG image for the page (an <img>, so nothing in it runs)."""
    if drawing is None:
        return None
    svg = renderSVG.drawToString(drawing).encode("utf-8")
    return f"data:image/svg+xml;base64,{base64.b64encode(svg).decode('ascii')}"


def company_of(session) -> Company:
    settings = Settings.current(session)
    return Company(name=settings.company_name or "", address_lines=address_lines(settings.company_address),
                   logo=settings.company_logo, logo_type=settings.company_logo_type)


def ship_to_of(document) -> ShipTo | None:
    customer = document.customer
    if customer is None:
        return None
    return ShipTo(name=customer.name,
                  address_lines=address_lines(customer.shipping_address or customer.billing_address))


def packing_list_context(session, document) -> dict:
    settings = Settings.current(session)
    show_warranty = settings.show_warranty_on_serial_units
    lines = []
    for line in document.lines:
        units = session.scalars(
            select(SerialUnit).join(TransactionLineSerial, TransactionLineSerial.serial_unit_id == SerialUnit.id)
            .where(TransactionLineSerial.line_id == line.id).order_by(SerialUnit.serial_key)).all()
        lines.append({"item": line.item, "quantity": abs(line.quantity), "units": units})
    barcode = document_barcode(document.number)
    return {"document": document, "lines": lines, "show_warranty": show_warranty, "company": company_of(session),
            "ship_to": ship_to_of(document), "barcode": barcode, "barcode_uri": barcode_svg_uri(barcode)}
