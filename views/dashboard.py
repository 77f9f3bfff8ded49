"""The admin home page: stock by location, this month's shipments, warranties ending soon, the last documents."""
from datetime import date

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from sos_serial.engine.dashboard_figures import WARRANTY_HORIZON_DAYS, dashboard_figures
from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit
from sos_serial.models.serial_unit import STATUS_LABELS
from sos_serial.security.auth import READ_SERIAL_UNITS, can

# The chart shows the largest locations; the table under it lists every one.
CHART_LOCATIONS = 12


class DashboardView(AdminIndexView):
    # The home page of every role: counts only, no costs or values.
    read_right = READ_SERIAL_UNITS

    def is_accessible(self) -> bool:
        return can(current_user, self.read_right)

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        figures = dashboard_figures(db.session, date.today())
        by_status = dict(
            db.session.execute(select(SerialUnit.status, func.count()).group_by(SerialUnit.status)).all()
        )
        counts = {
            "items": db.session.scalar(select(func.count()).select_from(Item)),
            "tracked_items": db.session.scalar(
                select(func.count()).select_from(Item).where(Item.track_serials.is_(True))
            ),
        }
        statuses = [(label, by_status.get(status, 0)) for status, label in STATUS_LABELS.items()]
        chart = {"labels": [name for name, _ in figures.in_stock_by_location[:CHART_LOCATIONS]],
                 "counts": [count for _, count in figures.in_stock_by_location[:CHART_LOCATIONS]]}
        # A card links only to the screens this user may open (support sees no documents).
        may_open = {view.endpoint for view in self.admin._views if view.is_accessible()}
        return self.render("sos/dashboard.html", counts=counts, statuses=statuses, figures=figures, chart=chart,
                           horizon_days=WARRANTY_HORIZON_DAYS, may_open=may_open)
