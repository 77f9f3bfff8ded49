"""Transaction screens: a list and an entry screen per kind, the document view, the packing list and labels."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.engine.labels import labels_of_document
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.packing_list import packing_list_context
from sos_serial.engine.packing_list_pdf import packing_list_pdf, pdf_file_name
from sos_serial.engine.plan_gating import no_serial_tracking_message, serial_tracking_on
from sos_serial.engine.posting import post_transaction, void_transaction
from sos_serial.engine.queries import line_serials, pickable_units, picks_from
from sos_serial.engine.serial_entry import read_entered_serials, read_uploaded_serials
from sos_serial.errors import Busy, SerialInventoryError
from sos_serial.extensions import db
from sos_serial.limits import JSON_MAX_DEPTH, MEMO_MAX_LENGTH, json_depth, json_too_deep_message
from sos_serial.models import Customer, Item, Location, Settings, Transaction, Vendor
from sos_serial.models.document_kind import CUSTOMER, document_kind
from sos_serial.models.transaction import VOIDED
from sos_serial.security.auth import can
from sos_serial.security.request_input import query_int

from .custom_fields import shown
from .labels import asked_format, labels_answer
from .secured_view import SecuredModelView
from .transaction_form import TransactionInput

PICKER_LIMIT = 20
# Up to this many units a line shows one S/N field each; beyond it, a CSV file or auto numbers.
MAX_SERIAL_FIELDS = 500


def _number_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("transactions.details_view", id=model.id), model.number)


def _status(view, context, model, name):
    if model.status == VOIDED:
        return Markup('<span class="badge badge-secondary document-voided">Voided</span>')
    return "Posted"


class TransactionView(SecuredModelView):
    """The documents of one kind (``kind``), or of every kind when ``kind`` is None.

    ``read_document`` turns the entered document, in the API's shape, into the posting's request. It is
    handed in by the app factory, so the screen and the API read one declaration of that shape without
    either importing the other.
    """

    create_right = "post"
    edit_right = None  # a posted document is permanent: correct it with another transaction
    delete_right = None
    can_view_details = True
    column_list = ("number", "date", "type", "status", "location", "to_location", "customer", "vendor", "memo")
    column_labels = {"number": "No.", "to_location": "To location"}
    column_formatters = {"number": _number_link, "type": lambda v, c, m, n: m.type_label, "status": _status}
    column_filters = ("date", "status", "location.name", "customer.name", "vendor.name")
    column_choices = {"status": [("posted", "Posted"), ("voided", "Voided")]}
    column_searchable_list = ("number", "memo")
    column_default_sort = ("id", True)

    def __init__(self, *args, read_document, kind: str | None = None, **kwargs):
        self.kind = kind
        self.read_document = read_document
        if kind is None:
            self.create_right = None  # every kind's list: a document is entered on its own kind's screen
        super().__init__(Transaction, db, *args, **kwargs)
        if kind is not None:
            self.column_list = tuple(c for c in self.column_list if c != "type")

    def get_query(self):
        query = super().get_query()
        return query.filter(Transaction.type == self.kind) if self.kind else query

    def get_count_query(self):
        query = super().get_count_query()
        return query.filter(Transaction.type == self.kind) if self.kind else query

    @property
    def can_create(self) -> bool:
        return self.kind is not None and can(current_user, "post")

    # ---- entry -------------------------------------------------------------------
    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if self.kind is None:
            abort(404)
        if request.method == "POST":
            entry = TransactionInput.from_form(self.kind, request.form)
            try:
                declared = current_app.extensions[CUSTOM_FIELDS_KEY].of("transaction")
                document = post_transaction(db.session, self.read_document(entry.as_request(self.kind, declared)),
                                            current_user, current_app.extensions[LIMITS_KEY],
                                            fields=current_app.extensions[CUSTOM_FIELDS_KEY])
            except SerialInventoryError as exc:
                entry.attach_errors(exc.errors)
                if not exc.errors:
                    entry.errors.append(exc.message)
                flash(exc.message, "error")
                # Busy: nothing is wrong with the entry; the clerk posts the same form again shortly.
                return self._render_form(entry), 503 if isinstance(exc, Busy) else 422
            flash(f"{document.type_label} {document.number} posted: {_summary(document)}.", "success")
            return redirect(url_for("transactions.details_view", id=document.id))
        amended = query_int("amend", low=1)
        if amended is not None:
            return self._render_form(self._amended_copy(amended))
        return self._render_form(TransactionInput.blank(self.kind, date.today().isoformat()))

    def _amended_copy(self, document_id: int) -> TransactionInput:
        """The voided document ``document_id``, pre-filled to post in its place (Amend)."""
        document = db.get_or_404(Transaction, document_id)
        if document.type != self.kind or document.status != VOIDED:
            abort(404)
        return TransactionInput.from_document(document, line_serials(db.session, [li.id for li in document.lines]))

    def _render_form(self, entry: TransactionInput):
        # The Auto box is offered on a line only where the posting can number its item.
        settings = Settings.current(db.session)
        items = [(item.id, item.name, item.track_serials, item.numbers_automatically(settings))
                 for item in db.session.scalars(select(Item).order_by(Item.name))]
        choices = {
            "vendor_id": db.session.execute(select(Vendor.id, Vendor.name).order_by(Vendor.name)).all(),
            "customer_id": db.session.execute(select(Customer.id, Customer.name).order_by(Customer.name)).all(),
            "location_id": db.session.execute(select(Location.id, Location.name).order_by(Location.name)).all(),
        }
        choices["to_location_id"] = choices["location_id"]
        return self.render("sos/transaction_form.html", kind=document_kind(self.kind), entry=entry, items=items,
                           choices=choices, max_serial_fields=MAX_SERIAL_FIELDS, memo_max_length=MEMO_MAX_LENGTH,
                           custom_fields=current_app.extensions[CUSTOM_FIELDS_KEY].of("transaction"),
                           options_url=url_for(".serial_options"), check_url=url_for(".serial_check"))

    @expose("/serial-options/")
    def serial_options(self):
        """Units a line may pick: of the item, available where the document takes them from.

        ``q`` is the start of a serial; with ``exact`` set, the whole serial (a scanner's read).
        """
        item_id = query_int("item_id", low=1)
        if item_id is None:
            return jsonify([])
        kind = request.args.get("type", self.kind)
        _status, party = picks_from(kind)
        place = query_int(party, low=1)
        # Nothing to offer until the document says where its units come from.
        if place is None:
            return jsonify([])
        found = pickable_units(db.session, item_id, kind=kind, q=request.args.get("q"),
                               exact=bool(request.args.get("exact")), limit=PICKER_LIMIT,
                               serials_only=True,
                               **{"customer_id" if party == CUSTOMER else "location_id": place})
        return jsonify([{"id": unit_id, "serial_number": serial} for unit_id, serial in found.units])

    @expose("/serial-check/", methods=("POST",))
    def serial_check(self):
        """The entered serials (JSON ``serials`` with their ``groups``, or an uploaded ``file``) as the
        posting reads them, and which repeat: the form flags what the posting would refuse."""
        upload = request.files.get("file")
        limit = current_app.extensions[LIMITS_KEY].with_settings(Settings.current(db.session)).serials_per_document
        if upload is not None:
            try:
                text, reading = read_uploaded_serials(upload.read(), upload.filename or "the uploaded file", limit)
            except SerialInventoryError as exc:
                return jsonify({"error": exc.message}), 422
            return jsonify({**reading.as_json(), "text": text})
        if json_depth(request.get_data()) > JSON_MAX_DEPTH:
            return jsonify({"error": json_too_deep_message()}), 400
        data = request.get_json(silent=True)
        serials = data.get("serials") if isinstance(data, dict) else None
        groups = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(serials, list) or not all(isinstance(s, str) for s in serials):
            return jsonify({"error": "Send the serial numbers as a JSON list of text."}), 400
        if groups is not None and (not isinstance(groups, list) or len(groups) != len(serials)
                                   or not all(isinstance(g, (str, int)) for g in groups)):
            return jsonify({"error": "Send one group (the item) per serial number."}), 400
        return jsonify(read_entered_serials(serials, groups, limit).as_json())

    # ---- reading -----------------------------------------------------------------
    @expose("/details/")
    def details_view(self):
        document = _document_or_404()
        serials = line_serials(db.session, [line.id for line in document.lines])
        # The document's custom fields with values, labelled as their plugins declared them.
        stored = document.custom_fields or {}
        custom = [(field.label, shown(field, stored[field.name]))
                  for field in current_app.extensions[CUSTOM_FIELDS_KEY].of("transaction") if field.name in stored]
        return self.render("sos/transaction_details.html", document=document, serials=serials, custom_fields=custom,
                           can_print_labels=can(current_user, "read_serial_units") and not document.is_voided
                           and serial_tracking_on(Settings.current(db.session)),
                           can_void=document.status != VOIDED and can(current_user, "post"),
                           memo_max_length=MEMO_MAX_LENGTH)

    # ---- void and amend ------------------------------------------------------------
    @expose("/void/", methods=("POST",))
    def void_view(self):
        """Void the document: the engine puts its units, stock and value back, or says what is in the way."""
        document = self._voided_from_form()
        if document is None:
            return redirect(url_for("transactions.details_view", id=request.form.get("id", type=int)))
        flash(f"{document.type_label} {document.number} voided: its units, stock and value are back where "
              "it found them.", "success")
        return redirect(url_for("transactions.details_view", id=document.id))

    @expose("/amend/", methods=("POST",))
    def amend_view(self):
        """Void the document, then open a copy of it on its kind's entry screen, to correct and post."""
        document = self._voided_from_form()
        if document is None:
            return redirect(url_for("transactions.details_view", id=request.form.get("id", type=int)))
        flash(f"{document.type_label} {document.number} voided. Correct the copy below and save it to post "
              "it in its place.", "success")
        return redirect(url_for(f"{document.kind.endpoint}.create_view", amend=document.id))

    def _voided_from_form(self) -> Transaction | None:
        if not can(current_user, "post"):
            abort(403)
        document_id = request.form.get("id", type=int)
        if document_id is None or document_id < 1:
            abort(404)
        db.get_or_404(Transaction, document_id)
        try:
            return void_transaction(db.session, document_id, request.form.get("reason", ""), current_user)
        except SerialInventoryError as exc:
            flash(f"Not voided: {exc.message}", "error")
            return None

    @expose("/packing-list/")
    def packing_list_view(self):
        document = _packing_list_document_or_404()
        # A page of its own, without the admin's menus: what is printed is the paper alone.
        return render_template("sos/packing_list.html", **packing_list_context(db.session, document),
                               back_url=url_for(".details_view", id=document.id),
                               pdf_url=url_for(".packing_list_pdf_view", id=document.id))

    @expose("/packing-list/pdf/")
    def packing_list_pdf_view(self):
        document = _packing_list_document_or_404()
        pdf = packing_list_pdf(packing_list_context(db.session, document))
        return current_app.response_class(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{pdf_file_name(document)}"'})

    @expose("/labels/")
    def labels_view(self):
        """A label for each unit the document carries: a PDF on the settings' layout, or ZPL."""
        document = _document_or_404()
        if not can(current_user, "read_serial_units"):
            abort(403)
        settings = Settings.current(db.session)
        if not serial_tracking_on(settings):
            abort(403, description=no_serial_tracking_message(settings))
        label_format = asked_format()
        try:
            labels = labels_of_document(db.session, document)
        except SerialInventoryError as exc:
            flash(exc.message, "error")
            return redirect(url_for("transactions.details_view", id=document.id))
        return labels_answer(labels, label_format, f"labels-{document.number}")


def _document_or_404() -> Transaction:
    document_id = query_int("id", low=1)
    if document_id is None:
        abort(404)
    return db.get_or_404(Transaction, document_id)


def _packing_list_document_or_404() -> Transaction:
    document = _document_or_404()
    if not document.kind.has_packing_list:
        abort(404, description=f"{document.type_label} {document.number} has no packing list: packing lists are "
                               "printed for documents that send units out, such as shipments.")
    return document


def _summary(document) -> str:
    parts = []
    for line in document.lines:
        unit = "unit" if abs(line.quantity) == 1 else "units"
        parts.append(f"{abs(line.quantity)} {unit} of {line.item.name}")
    return ", ".join(parts)
