"""Locations, customers and vendors: master records known by a unique name."""
from .custom_fields import CustomFieldsView
from .secured_view import SecuredModelView
from .text_limits import long_text


class NamedRecordView(CustomFieldsView, SecuredModelView):
    column_list = ("name", "notes", "created_at")
    column_labels = {"created_at": "Added"}
    column_searchable_list = ("name",)
    column_default_sort = "name"
    form_columns = ("name", "notes")
    form_args = {"notes": long_text("Notes")}
    # Removing one that units or documents still use is refused by the database and explained.
    delete_right = "edit_master"
    can_export = True

    def __init__(self, *args, read_right: str = "read", **kwargs):
        # Customers are read by every role; locations and vendors by those who read everything.
        self.read_right = read_right
        super().__init__(*args, **kwargs)
