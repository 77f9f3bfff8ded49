"""Transaction screens: a list and an entry screen per kind, the document view and the packing list."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.packing_list import packing_list_context
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.posting_request import PostingRequest
from sos_serial.engine.queries import line_serials
from sos_serial.engine.serial_search import prefix_conditions
from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialUnit, Transaction, Vendor
from sos_serial.models.serial_unit import IN_STOCK, RENTED, SHIPPED
from sos_serial.models.transaction import RENTAL_RETURN, RETURN, SHIPMENT, TYPE_LABELS
from sos_serial.security.auth import can

from .secured_view import SecuredModelView
from .transaction_form import HEADER_FIELDS, OPTIONAL_HEADER, TransactionInput

PICKER_LIMIT = 20
# Up to this many units a line shows one S/N field each; beyond it, a CSV file or auto numbers.
MAX_SERIAL_FIELDS = 500


def _number_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("transactions.details_view", id=model.id), model.number)


class TransactionView(SecuredModelView):
    """The documents of one kind (``kind``), or of every kind when ``kind`` is None."""

    create_right = "post"
    edit_right = None  # a posted document is permanent: correct it with another transaction
    delete_right = None
    can_view_details = True
    column_list = ("number", "date", "type", "location", "to_location", "customer", "vendor", "memo")
    column_labels = {"number": "No.", "to_location": "To location"}
    column_formatters = {"number": _number_link, "type": lambda v, c, m, n: m.type_label}
    column_filters = ("date", "location.name", "customer.name", "vendor.name")
    column_searchable_list = ("number", "memo")
    column_default_sort = ("id", True)

    def __init__(self, *args, kind: str | None = None, **kwargs):
        self.kind = kind
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
                document = post_transaction(db.session, PostingRequest.from_dict(entry.as_request(self.kind)),
                                            current_user, current_app.extensions[LIMITS_KEY])
            except SerialInventoryError as exc:
                entry.attach_errors(exc.errors)
                if not exc.errors:
                    entry.errors.append(exc.message)
                flash(exc.message, "error")
                return self._render_form(entry), 422
            flash(f"{document.type_label} {document.number} posted: {_summary(document)}.", "success")
            return redirect(url_for("transactions.details_view", id=document.id))
        return self._render_form(TransactionInput.blank(self.kind, date.today().isoformat()))

    def _render_form(self, entry: TransactionInput):
        items = db.session.execute(select(Item.id, Item.name, Item.track_serials).order_by(Item.name)).all()
        choices = {
            "vendor_id": db.session.execute(select(Vendor.id, Vendor.name).order_by(Vendor.name)).all(),
            "customer_id": db.session.execute(select(Customer.id, Customer.name).order_by(Customer.name)).all(),
            "location_id": db.session.execute(select(Location.id, Location.name).order_by(Location.name)).all(),
        }
        choices["to_location_id"] = choices["location_id"]
        return self.render("sos/transaction_form.html", kind=self.kind, kind_label=TYPE_LABELS[self.kind],
                           entry=entry, items=items, header_fields=HEADER_FIELDS[self.kind],
                           optional_header=OPTIONAL_HEADER, choices=choices, max_serial_fields=MAX_SERIAL_FIELDS,
                           options_url=url_for(".serial_options"))

    @expose("/serial-options/")
    def serial_options(self):
        """Units a line may pick: of the item, available where the document takes them from."""
        try:
            item_id = int(request.args.get("item_id", ""))
        except ValueError:
            return jsonify([])
        kind = request.args.get("type", self.kind or SHIPMENT)
        conditions = [SerialUnit.item_id == item_id, *prefix_conditions(request.args.get("q"))]
        place = request.args.get("customer_id" if kind in (RETURN, RENTAL_RETURN) else "location_id", "")
        if not place.isdigit():
            return jsonify([])
        if kind == RETURN:
            conditions += [SerialUnit.status == SHIPPED, SerialUnit.customer_id == int(place)]
        elif kind == RENTAL_RETURN:
            conditions += [SerialUnit.status == RENTED, SerialUnit.customer_id == int(place)]
        else:
            conditions += [SerialUnit.status == IN_STOCK, SerialUnit.location_id == int(place)]
        rows = db.session.execute(select(SerialUnit.id, SerialUnit.serial_number).where(*conditions)
                                  .order_by(SerialUnit.serial_key).limit(PICKER_LIMIT))
        return jsonify([{"id": unit_id, "serial_number": serial} for unit_id, serial in rows])

    # ---- reading -----------------------------------------------------------------
    @expose("/details/")
    def details_view(self):
        document = db.get_or_404(Transaction, request.args.get("id", type=int))
        serials = line_serials(db.session, [line.id for line in document.lines])
        return self.render("sos/transaction_details.html", document=document, serials=serials,
                           is_shipment=document.type == SHIPMENT)

    @expose("/packing-list/")
    def packing_list_view(self):
        document = db.get_or_404(Transaction, request.args.get("id", type=int))
        if document.type != SHIPMENT:
            abort(404)
        return render_template("sos/packing_list.html", **packing_list_context(db.session, document))


def _summary(document) -> str:
    parts = []
    for line in document.lines:
        unit = "unit" if abs(line.quantity) == 1 else "units"
        parts.append(f"{abs(line.quantity)} {unit} of {line.item.name}")
    return ", ".join(parts)
