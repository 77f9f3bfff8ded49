"""The screens' date input: YYYY-MM-DD only, as the API reads dates."""
from wtforms import DateField

from sos_serial.dates import ISO_DATE_FORM, iso_date


class IsoDateField(DateField):
    """A date typed or picked as YYYY-MM-DD; "2026-1-5" or a week date is refused with the form expected.

    WTForms' own field reads with strptime, which also takes single-digit months and days."""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist or ()).strip()
        if not text:
            return super().process_formdata(valuelist)
        self.data = iso_date(text)
        if self.data is None:
            raise ValueError(f"Not a date: write it as {ISO_DATE_FORM}, such as 2026-01-05.")
