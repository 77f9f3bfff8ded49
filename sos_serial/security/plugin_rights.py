"""The rights plugins declare (``Permission`` records), checked at start-up and held per app for can()."""
from __future__ import annotations

from sos_serial.declarations import Permission
from sos_serial.models.user import ROLES
from sos_serial.plugins.declared import declared, note_declaration

from .auth import MODULE_RIGHTS, PLUGIN_RIGHTS_KEY

# app.extensions key: each declared right's name -> the plugin that declared it.
DECLARED_RIGHTS_KEY = "sos_serial.plugin_right_owners"


def init_plugin_rights(app, manager) -> None:
    """Read the ``permissions`` hook of the switched-on plugins and give each role its rights in this app.

    A right held in ``app.extensions``, not in the module-level RIGHTS, so two apps in one process
    (one with a plugin, one without) never share what a role may do.
    """
    owners: dict[str, str] = {}
    granted: dict[str, set[str]] = {role: set() for role in ROLES}
    for plugin, permission in declared(manager, "permissions", Permission, "Permission records"):
        name = permission.name
        if not isinstance(name, str) or not name.strip():
            raise RuntimeError(f"The plugin '{plugin}' declares a permission without a name. "
                               "Name it with the plugin's prefix, such as 'acme.audit'.")
        if name in MODULE_RIGHTS:
            raise RuntimeError(f"The plugin '{plugin}' declares the permission '{name}', which is one of the "
                               "module's own rights and cannot be redeclared. Name it with the plugin's prefix, "
                               f"such as 'acme.{name}'.")
        if name in owners:
            raise RuntimeError(f"The plugin '{plugin}' declares the permission '{name}', which the plugin "
                               f"'{owners[name]}' already declared. Each plugin names its rights with its own prefix.")
        roles = (permission.roles,) if isinstance(permission.roles, str) else tuple(permission.roles)
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise RuntimeError(f"The plugin '{plugin}' gives the permission '{name}' to the unknown role(s) "
                               f"{', '.join(map(repr, unknown))}; the roles are {', '.join(ROLES)}.")
        owners[name] = plugin
        for role in roles:
            granted[role].add(name)
        note_declaration(app, plugin, f"permission {name} ({permission.label}) for {', '.join(roles) or 'no role'}")
    app.extensions[PLUGIN_RIGHTS_KEY] = {role: frozenset(rights) for role, rights in granted.items()}
    app.extensions[DECLARED_RIGHTS_KEY] = owners


def require_known_right(app, plugin: str, right, what: str) -> None:
    """Stop the start-up if ``what`` (a plugin's screen or route) requires a right nobody declared."""
    if right in MODULE_RIGHTS or right in app.extensions.get(DECLARED_RIGHTS_KEY, {}):
        return
    raise RuntimeError(f"The plugin '{plugin}' adds {what}, which requires the right {right!r} that neither the "
                       "module nor any plugin declares. Declare it with a Permission in the plugin's 'permissions' "
                       f"hook, or use one of the module's rights ({', '.join(sorted(MODULE_RIGHTS))}).")
