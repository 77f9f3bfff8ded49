"""Reading labels back: each PDF page rendered (PDFium) and its barcodes decoded (zxing-cpp), as a scanner would."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2
import zxingcpp

GS1_ELEMENTS = re.compile(r"\(01\)(\d{14})\(21\)(.+)")


@dataclass(frozen=True)
class Decoded:
    symbology: str  # "Code128" or "DataMatrix"
    text: str
    gs1: bool

    @property
    def gtin_and_serial(self) -> tuple[str, str]:
        """AI 01 and AI 21 of a GS1 symbol, read from zxing-cpp's human-readable form."""
        found = GS1_ELEMENTS.fullmatch(self.text)
        assert found, self.text
        return found.group(1), found.group(2)


def decode_pdf(pdf: bytes, dpi: int = 400) -> list[list[Decoded]]:
    """Each page's barcodes, in no particular order."""
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72).to_pil()
            page.close()
            found = zxingcpp.read_barcodes(image)
            pages.append([Decoded(r.format.name, r.text, r.content_type == zxingcpp.ContentType.GS1) for r in found])
    finally:
        document.close()
    return pages


def page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()
