"""The plugin's settings: read from the app's config, else from the environment as JSON."""
import json
import os

from flask import current_app, has_app_context


def setting(name: str) -> dict:
    if has_app_context() and current_app.config.get(name) is not None:
        return current_app.config[name]
    return json.loads(os.environ.get(name, "{}"))
