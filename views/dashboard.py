"""The admin home page: what is in stock at a glance, and where to go next."""
from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit, Transaction
from sos_serial.models.serial_unit import STATUS_LABELS
from sos_serial.security.auth import READ_SERIAL_UNITS, can


class DashboardView(AdminIndexView):
    # The home page of every role: counts only, no costs or values.
    read_right = READ_SERIAL_UNITS

    def is_accessible(self) -> bool:
        return can(current_user, self.read_right)

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        by_status = dict(
            db.session.execute(select(SerialUnit.status, func.count()).group_by(SerialUnit.status)).all()
        )
        counts = {
            "items": db.session.scalar(select(func.count()).select_from(Item)),
            "tracked_items": db.session.scalar(
                select(func.count()).select_from(Item).where(Item.track_serials.is_(True))
            ),
            "transactions": db.session.scalar(select(func.count()).select_from(Transaction)),
        }
        statuses = [(label, by_status.get(status, 0)) for status, label in STATUS_LABELS.items()]
        return self.render("sos/dashboard.html", counts=counts, statuses=statuses)
