"""The company's logo: what an upload must be, and how it is kept (re-encoded, scaled) and shown again."""
from __future__ import annotations

import base64
import io
import warnings

from PIL import Image, UnidentifiedImageError

from sos_serial.errors import FieldError, InvalidInput
from sos_serial.limits import COMPANY_LOGO_MAX_BYTES, COMPANY_LOGO_MAX_SIDE

# Pillow's name of each accepted format -> the type the logo is kept and served as.
ACCEPTED = {"PNG": "image/png", "JPEG": "image/jpeg"}
# An image claiming more pixels than this is refused before it is decoded (a small file can claim a huge image).
MAX_PIXELS = 40_000_000


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, [FieldError("company_logo", message)])


def read_logo(content: bytes) -> tuple[bytes, str]:
    """The uploaded ``content`` as the logo to keep: (bytes, media type), or InvalidInput saying what is wrong.

    The image is decoded and written again by Pillow, scaled to fit COMPANY_LOGO_MAX_SIDE pixels a side:
    what is kept and served is an image Pillow made, never the uploaded bytes (no script in an SVG posing
    as a PNG, no metadata of the uploader's camera).
    """
    if not content:
        raise _refuse("The logo file is empty. Choose a PNG or JPEG image.")
    if len(content) > COMPANY_LOGO_MAX_BYTES:
        raise _refuse(f"The logo is {len(content) / 1024 / 1024:.1f} MB; a logo can be at most "
                      f"{COMPANY_LOGO_MAX_BYTES // 1024 // 1024} MB. Save it smaller and upload it again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
                if kind not in ACCEPTED:
                    raise _refuse(f"The logo is a {kind} image; upload a PNG or JPEG.")
                if image.width * image.height > MAX_PIXELS:
                    raise _refuse(f"The logo is {image.width} x {image.height} pixels, far more than a logo "
                                  "needs. Save it smaller and upload it again.")
                image.load()
                image.thumbnail((COMPANY_LOGO_MAX_SIDE, COMPANY_LOGO_MAX_SIDE))
                if kind == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format=kind)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise _refuse("The logo file is not a PNG or JPEG image that can be read. Choose another file.") from None
    return out.getvalue(), ACCEPTED[kind]


def data_uri(content: bytes | None, media_type: str | None) -> str | None:
    """An image kept in the database, written into a page as a data: URI (the page's CSP allows data: images)."""
    if not content or not media_type:
        return None
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"
