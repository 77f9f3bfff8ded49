"""The screens' limits on free text: the same numbers the API's shapes read, with a message on the field."""
from wtforms.validators import Length

from sos_serial.limits import TEXT_MAX_LENGTH


def at_most(limit: int = TEXT_MAX_LENGTH, what: str = "This field") -> Length:
    """A form field's length check, naming the limit."""
    return Length(max=limit, message=f"{what} can be at most {limit:,} characters.")


def long_text(what: str) -> dict:
    """form_args of a free-text column (notes, a description, warranty terms) that the database stores as Text."""
    return {"validators": [at_most(TEXT_MAX_LENGTH, what)], "render_kw": {"maxlength": TEXT_MAX_LENGTH}}
