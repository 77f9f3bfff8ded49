"""How large and how long each stored value may be: read by the models' columns, the API's shapes and its OpenAPI."""
import re

# The largest id (or count) the database's integer columns hold on both engines (PostgreSQL INTEGER is 32-bit).
MAX_ID = 2**31 - 1
# A line moves at most this many units: past it a typing mistake is likelier than a real document.
MAX_QUANTITY = 1_000_000_000
# Serial numbers one document may carry unless the app's config says otherwise.
SERIALS_PER_DOCUMENT = 200_000
# Lines one document may carry unless the app's config says otherwise. Measured (bench/document_lines.py): a
# document's lines share its statements, so the time a line takes stays flat from 100 to 10,000 lines, and the
# app spends about 0.15 to 0.3 ms of CPU a line (SQLite's own work included): the largest document allowed holds
# the write lock for a few seconds. A distributor's largest receipts and pick lists run to a few thousand lines.
LINES_PER_DOCUMENT = 10_000
# How long a save waits for another save's write lock before it gives up, with nothing written (503 on the
# API, a message on the screens), unless SOS_SERIAL_LOCK_TIMEOUT_SECONDS says otherwise. SQLite's busy
# timeout has always been 30 s; the largest document allowed posts well within it.
LOCK_TIMEOUT_SECONDS = 30
# The largest request body the app reads (Flask's MAX_CONTENT_LENGTH, and MAX_FORM_MEMORY_SIZE since a
# form may carry a whole CSV in one field), unless SOS_SERIAL_MAX_REQUEST_BYTES says otherwise.
# Measured: a 100,000-serial receipt is 1.9 MB as JSON (16-character serials), 6.5 MB with serials of the
# longest allowed length; the largest document allowed (200,000 serials of 64 characters) is 13 MB as JSON
# and 13.4 MB as the screen's form. 32 MiB takes all of these, and refuses a 50 MB memo before it is read.
REQUEST_MAX_BYTES = 32 * 1024 * 1024

# Lists answer this many records a page unless asked, and never more than the maximum.
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500

# Text lengths, in characters after surrounding spaces are trimmed.
NAME_MAX_LENGTH = 120  # locations, customers, vendors, warranties
ITEM_NAME_MAX_LENGTH = 200
SKU_MAX_LENGTH = 64
SERIAL_MAX_LENGTH = 64
# A GS1 lot or batch number (AI 10): up to 20 characters by GS1's own rule.
GS1_LOT_MAX_LENGTH = 20
TEXT_MAX_LENGTH = 10_000  # notes, descriptions, warranty terms
# A document's memo: a few lines, shown in every list of documents (a 50 MB memo once made each list 55 MB).
MEMO_MAX_LENGTH = 2_000
CUSTOM_FIELD_TEXT_MAX_LENGTH = 1_000  # a plugin's text field: a line or a short paragraph, kept in the row
# A postal address (the company's, a customer's or vendor's billing or shipping address): a few lines.
ADDRESS_MAX_LENGTH = 1_000
# The company's logo on packing lists: an uploaded PNG or JPEG of at most this many bytes, kept in the database
# re-encoded and scaled to fit this many pixels a side (a header needs no more; the settings row stays small).
COMPANY_LOGO_MAX_BYTES = 1024 * 1024
COMPANY_LOGO_MAX_SIDE = 600

# Automatic serial numbers: the prefix, and the digits of the number part.
AUTO_SERIAL_PREFIX_MAX_LENGTH = 32
AUTO_SERIAL_MAX_LENGTH = 18


def request_too_large_message(limit_bytes: int | None) -> str:
    """What the clerk reads when a request is larger than the app takes."""
    size = f" ({limit_bytes / 1024 / 1024:.0f} MB)" if limit_bytes else ""
    return (f"The request is larger than this server takes{size}, so nothing was read or saved. "
            "Split the document into smaller ones, or ask the administrator to raise "
            "SOS_SERIAL_MAX_REQUEST_BYTES.")


# How deeply a JSON body may nest arrays and objects. The API's deepest shape nests four levels (a document,
# its lines, a line's serials); past this a body is refused before it is parsed, so no parser recurses a
# hundred thousand levels deep.
JSON_MAX_DEPTH = 32
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
_JSON_STRING = re.compile(rb'"[^"]*"')
_AS_PARENTHESES = bytes.maketrans(b"[{]}", b"(())")


def json_depth(raw: bytes, limit: int = JSON_MAX_DEPTH) -> int:
    """How deeply the arrays and objects of the JSON text ``raw`` nest (brackets inside strings not counted);
    a body nesting deeper than ``limit`` answers more than ``limit``, however much deeper it goes.

    No recursion and no Python loop over the body's characters: escaped backslashes and quotes are cut
    out, then everything but brackets and quotes, then the strings (empty ones first: a string holding a
    bracket is rare), and each pass of the loop removes the innermost pairs of brackets. A 32 MB body is
    measured in about a second at worst. Brackets left unmatched count as nesting.
    """
    text = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    # Two quotes side by side close one string and open the next (or are an empty string): cutting them
    # leaves every other character inside or outside a string as it was.
    text = text.replace(b'""', b"")
    if b'"' in text:
        text = _JSON_STRING.sub(b"", text)
    text = text.translate(_AS_PARENTHESES)
    depth = 0
    while text and depth <= limit:
        inner = text.replace(b"()", b"")
        if len(inner) == len(text):
            return depth + text.count(b"(")  # unmatched: a parser would go as deep as they open
        text, depth = inner, depth + 1
    return depth if not text else max(depth, limit + 1)


def json_too_deep_message(depth_limit: int = JSON_MAX_DEPTH) -> str:
    """What the caller reads when a body nests deeper than the API reads."""
    return (f"The request body nests arrays and objects more than {depth_limit} levels deep; "
            "no request of this API needs that many. Nothing was read or saved.")
