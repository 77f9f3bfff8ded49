"""How large and how long each stored value may be: read by the models' columns, the API's shapes and its OpenAPI."""

# The largest id (or count) the database's integer columns hold on both engines (PostgreSQL INTEGER is 32-bit).
MAX_ID = 2**31 - 1
# A line moves at most this many units: past it a typing mistake is likelier than a real document.
MAX_QUANTITY = 1_000_000_000
# Serial numbers one document may carry unless the app's config says otherwise.
SERIALS_PER_DOCUMENT = 200_000
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
TEXT_MAX_LENGTH = 10_000  # notes, descriptions, warranty terms
CUSTOM_FIELD_TEXT_MAX_LENGTH = 1_000  # a plugin's text field: a line or a short paragraph, kept in the row

# Automatic serial numbers: the prefix, and the digits of the number part.
AUTO_SERIAL_PREFIX_MAX_LENGTH = 32
AUTO_SERIAL_MAX_LENGTH = 18


def request_too_large_message(limit_bytes: int | None) -> str:
    """What the clerk reads when a request is larger than the app takes."""
    size = f" ({limit_bytes / 1024 / 1024:.0f} MB)" if limit_bytes else ""
    return (f"The request is larger than this server takes{size}, so nothing was read or saved. "
            "Split the document into smaller ones, or ask the administrator to raise "
            "SOS_SERIAL_MAX_REQUEST_BYTES.")
