"""Serial unit history report: one row per event of every unit, oldest first."""
from .secured_view import SecuredModelView


class SerialHistoryReportView(SecuredModelView):
    create_right = None
    edit_right = None
    column_list = ("date", "serial_unit", "transaction_type", "status", "location_id", "customer_id", "recorded_at")
    column_labels = {"serial_unit": "Serial unit", "transaction_type": "Event"}
    column_filters = ("transaction_type", "date")
    column_default_sort = ("id", False)
    can_export = True
