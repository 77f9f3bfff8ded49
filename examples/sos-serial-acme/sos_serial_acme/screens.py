"""Task 5, an admin page: Integrations > Acme posting log, for the roles holding the plugin's own permission."""
from flask_admin import expose

from sos_serial.declarations import Permission
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.views import INTEGRATIONS, SecuredBaseView

from .notifications import logged_postings

VIEW_LOG = Permission(name="acme.view_log", label="See Acme's posting log", roles=("admin", "clerk"))


class PostingLogView(SecuredBaseView):
    """The last postings Acme's notification logged; only roles holding acme.view_log see it."""

    read_right = VIEW_LOG.name
    # Beside this file; the page extends the admin layout, so it has the module's menus.
    template_folder = "templates"

    @expose("/")
    def index(self):
        with db.engine.connect() as connection:
            rows = logged_postings(connection)
        return self.render("acme_posting_log.html", rows=rows)


@hookimpl
def permissions():
    return [VIEW_LOG]


@hookimpl
def admin_views():
    # A new instance for every app built, as the hook asks.
    return [PostingLogView(name="Acme posting log", category=INTEGRATIONS, endpoint="acme_posting_log")]
