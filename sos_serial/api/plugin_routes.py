"""The plugins' API routes: each ``ApiRoute`` an endpoint under /api/v1, answering the API's way.

A route's view gets the rule's variables as keywords, plus ``body`` (its ``request`` model, read
and refused like the module's own bodies: every field at fault named in a 422, unknown fields
refused). Its answer is its ``response`` model, a dict, or None for no content. A view that
writes does it in ``sos_serial.engine.unit_of_work.unit_of_work(db.session)``, as the module's
endpoints do: committed whole when the block ends, rolled back on any error.
"""
from __future__ import annotations

import logging
import re
import secrets
import traceback
from functools import cache

from flask import jsonify
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from sos_serial.declarations import ApiRoute
from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.plugins import EXTENSION_KEY
from sos_serial.plugins.declared import declared, note_declaration
from sos_serial.security.plugin_rights import require_known_right

from . import api_blueprint, bp, problem, require
from .openapi import PLUGIN_PATHS_KEY, shape_names
from .reading import body

log = logging.getLogger(__name__)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What the API's error handlers answer in their own words; anything else a route raises is a crash.
ANSWERED = (SerialInventoryError, HTTPException, IntegrityError, DataError, OverflowError)
VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def add_plugin_routes(app) -> None:
    """Serve each switched-on plugin's routes on a blueprint of this app, or stop the start-up naming the
    plugin at fault. Called once the module's own API is registered, so a clash with it is seen."""
    routes = declared(app.extensions[EXTENSION_KEY], "api_routes", ApiRoute, "ApiRoute records")
    if not routes:
        return
    taken = {_key(rule.rule, method): "the module" for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(bp.name + ".") for method in rule.methods - {"HEAD", "OPTIONS"}}
    blueprint = api_blueprint("api_plugins")
    # Each name in the document's components, and the one shape it stands for (None: the module's).
    names: dict[str, type | None] = dict.fromkeys(shape_names())
    documented = []
    for index, (plugin, route) in enumerate(routes):
        method = str(route.method).upper()
        what = f"the API route {method} /api/v1{route.rule}"
        _check(plugin, route, method, what)
        require_known_right(app, plugin, route.right, what)
        key = _key(bp.url_prefix + route.rule, method)
        if key in taken:
            clash = taken[key] if taken[key] == "the module" else f"the plugin '{taken[key]}'"
            raise RuntimeError(f"The plugin '{plugin}' adds {what}, which {clash} already answers. "
                               "Put the plugin's routes under a path of its own, such as /api/v1/<plugin name>/...")
        taken[key] = plugin
        shape = _refusing_unknown_fields(route.request)
        for model in (shape, route.response):
            _require_own_name(plugin, model, names, what)
        endpoint = re.sub(r"\W", "_", plugin) + f"_{index}"
        blueprint.add_url_rule(route.rule, endpoint, _endpoint(plugin, route, shape), methods=[method])
        # A route without a response model answers None with no content: documented so.
        status = 204 if route.response is None and route.status == 200 else route.status
        variables = tuple((name, "int" if converter == "int" else "string")
                          for converter, name in VARIABLE.findall(route.rule))
        documented.append((VARIABLE.sub(r"{\2}", route.rule), method.lower(), route.summary, shape, route.response,
                           status, None, variables))
        note_declaration(app, plugin, f"route {method} /api/v1{route.rule} (needs {route.right})")
    app.register_blueprint(blueprint)
    app.extensions[PLUGIN_PATHS_KEY] = tuple(documented)


def _key(rule: str, method: str) -> tuple[str, str]:
    # Two rules that differ only in their variables' names or converters answer the same paths.
    return VARIABLE.sub("<>", rule), method


def _check(plugin: str, route: ApiRoute, method: str, what: str) -> None:
    problems = []
    if method not in METHODS:
        problems.append(f"its method must be one of {', '.join(METHODS)}")
    if not isinstance(route.rule, str) or not route.rule.startswith("/"):
        problems.append("its rule must be a path starting with '/' (relative to /api/v1)")
    if not callable(route.view):
        problems.append("its view must be a function")
    for field in ("request", "response"):
        model = getattr(route, field)
        if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
            problems.append(f"its {field} must be a pydantic model class or None")
    if problems:
        raise RuntimeError(f"The plugin '{plugin}' adds {what}, but {'; '.join(problems)}.")


@cache
def _refusing_unknown_fields(model):
    """The request model, refusing fields it does not name as the module's own bodies do."""
    if model is None or model.model_config.get("extra") == "forbid":
        return model
    return type(model.__name__, (model,), {"__module__": model.__module__, "__doc__": model.__doc__,
                                           "model_config": ConfigDict(extra="forbid")})


def _require_own_name(plugin: str, model, names: dict[str, type | None], what: str) -> None:
    # The OpenAPI document names each shape once in its components; two shapes of one name would
    # describe one route with another's schema.
    if model is None or names.setdefault(model.__name__, model) is model:
        return
    raise RuntimeError(f"The plugin '{plugin}' adds {what} with the model '{model.__name__}', a name another "
                       "shape of the API already has in /api/v1/openapi.json. Give the model a name of its own, "
                       "such as one starting with the plugin's name.")


def _endpoint(plugin: str, route: ApiRoute, shape):
    def answer(**variables):
        require(route.right)
        arguments = dict(variables)
        if shape is not None:
            arguments["body"] = body(shape, "The request")
        try:
            return _answer(route, route.view(**arguments))
        except ANSWERED:
            raise
        except Exception as exc:
            # The exception's text may carry SQL and its parameters: the log has it, the client an incident id.
            db.session.rollback()
            incident = secrets.token_hex(4)
            log.error("Incident %s: the plugin '%s' crashed in its API route %s /api/v1%s; nothing was saved.\n%s",
                      incident, plugin, route.method.upper(), route.rule,
                      "".join(traceback.format_exception(exc)).rstrip())
            return problem(500, "Internal error", "Something went wrong on the server; nothing was saved. "
                           f"Tell your administrator incident {incident}.")

    answer.__name__ = getattr(route.view, "__name__", "plugin_route")
    return answer


def _answer(route: ApiRoute, result):
    """The view's answer as JSON with the route's status; an answer its ``response`` refuses is the plugin's fault."""
    if result is None:
        return "", 204
    if route.response is not None:
        model = result if isinstance(result, route.response) else route.response.model_validate(result)
        result = model.model_dump(mode="json")
    elif isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    return jsonify(result), route.status
