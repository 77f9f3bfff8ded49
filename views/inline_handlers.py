"""Flask-Admin's templates as the Content-Security-Policy lets them work (their inline click handlers moved to data
attributes) and as a screen reader reads them (the list's selection boxes named)."""
from __future__ import annotations

import re
from pathlib import Path

import flask_admin
from jinja2 import BaseLoader

FLASK_ADMIN_TEMPLATES = Path(flask_admin.__file__).parent
# onclick="..." in a tag of Flask-Admin's templates. The policy runs no inline handler (it allows scripts
# from the app's files and nonce-marked blocks only), so each becomes data-sos-onclick="...", which
# static/inline_handlers.js reads and attaches as a listener with the same effect.
ONCLICK = re.compile(r"(\s)onclick=")
# The list's selection boxes carry only a title ("Select record"), which axe-core rates a serious failure
# (label-title-only): the same words become their accessible name too.
SELECTION_TITLE = re.compile(r'(class="action-(?:rowtoggle|checkbox)"[^>]*?)title="([^"]*)"')


class InlineHandlerLoader(BaseLoader):
    """Wraps the app's template loader: a template of Flask-Admin's own comes with its handlers moved."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        if filename and Path(filename).is_relative_to(FLASK_ADMIN_TEMPLATES):
            source = ONCLICK.sub(r"\1data-sos-onclick=", source)
            source = SELECTION_TITLE.sub(r'\1title="\2" aria-label="\2"', source)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


def init_app(app) -> None:
    app.jinja_env.loader = InlineHandlerLoader(app.jinja_env.loader)
