"""Webhooks: the URLs an administrator registers to be sent each posted transaction, signed."""
from __future__ import annotations

from urllib.parse import urlsplit

from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from sos_serial.models.event import TRANSACTION_POSTED
from sos_serial.models.webhook import SECRET_MAX, URL_MAX

from .secured_view import SecuredModelView


def _http_url(form, field) -> None:
    parts = urlsplit((field.data or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("Give a full http:// or https:// address, e.g. https://example.com/hooks/sos.")


class WebhookView(SecuredModelView):
    read_right = create_right = edit_right = delete_right = "manage_settings"
    column_list = ("url", "events", "active", "created_at")
    column_labels = {"url": "URL", "created_at": "Added"}
    column_formatters = {"events": lambda v, c, m, n: ", ".join(m.events or ())}
    column_default_sort = "id"
    # The secret is a field of the form only: it is written, never shown, and may be left empty on edit.
    form_columns = ("url", "new_secret", "active")
    form_extra_fields = {"new_secret": PasswordField(
        "Secret", validators=[Length(max=SECRET_MAX)],
        description="Each delivery is signed with it (X-Sos-Signature: sha256=…). "
                    "Leave it empty when editing to keep the current one.")}
    form_args = {"url": {"label": "URL", "validators": [DataRequired(), Length(max=URL_MAX), _http_url]}}
    form_widget_args = {"new_secret": {"autocomplete": "new-password"}}

    def on_model_change(self, form, model, is_created) -> None:
        # The screen registers postings; a webhook that also wants voids (transaction.voided) is registered
        # through the API, and an edit here keeps what it asked for.
        model.url = model.url.strip()
        if is_created or not model.events:
            model.events = [TRANSACTION_POSTED]
        if form.new_secret.data:
            model.secret = form.new_secret.data
        if not model.secret:
            raise ValidationError("A new webhook needs a secret to sign its deliveries with.")
