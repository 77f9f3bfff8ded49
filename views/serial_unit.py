"""Serial inventory: every serialized unit, where it is or whom it went to, and its warranty."""
from sos_serial.models.serial_unit import STATUS_LABELS
from sos_serial.money import format_money

from .secured_view import SecuredModelView


def _status(view, context, model, name):
    return STATUS_LABELS.get(model.status, model.status)


def _place(view, context, model, name):
    return model.place


class SerialUnitView(SecuredModelView):
    # Units are added and moved by postings; their screens come with the transaction engine.
    create_right = None
    edit_right = None
    column_list = ("item", "serial_number", "place", "status", "unit_cost", "warranty_start", "warranty_end")
    column_labels = {"serial_number": "Serial number", "place": "Location / customer", "unit_cost": "Cost"}
    column_formatters = {"status": _status, "place": _place, "unit_cost": lambda v, c, m, n: format_money(m.unit_cost)}
    column_searchable_list = ("serial_number",)
    column_filters = ("item.name", "status", "location.name", "customer.name", "warranty_end")
    column_sortable_list = ("serial_number", ("item", "item.name"), "status", "warranty_start", "warranty_end")
    column_default_sort = "id"
    can_view_details = True
