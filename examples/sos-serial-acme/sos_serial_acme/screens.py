"""Task 5, an admin page: Integrations > Acme posting log, for the roles holding the plugin's own permission."""
from importlib import resources

from flask import current_app

from sos_serial.declarations import Permission
from sos_serial.hookspecs import hookimpl

VIEW_LOG = Permission(name="acme.view_log", label="See Acme's posting log", roles=("admin", "clerk"))


@hookimpl
def permissions():
    return [VIEW_LOG]


@hookimpl
def admin_views():
    # A new instance for every app built, as the hook asks.
    from sos_serial.views import INTEGRATIONS

    return [posting_log_view_class()(name="Acme posting log", category=INTEGRATIONS, endpoint="acme_posting_log")]


def posting_log_view_class():
    from flask_admin import expose

    from sos_serial.extensions import db
    from sos_serial.views import SecuredBaseView

    from .notifications import logged_postings

    class PostingLogView(SecuredBaseView):
        """The last postings Acme's notification logged; only roles holding acme.view_log see it."""

        read_right = VIEW_LOG.name

        @expose("/")
        def index(self):
            with db.engine.connect() as connection:
                rows = logged_postings(connection)
            page = resources.files(__package__).joinpath("templates", "acme_posting_log.html").read_text()
            return self.render(current_app.jinja_env.from_string(page), rows=rows)

    return PostingLogView
