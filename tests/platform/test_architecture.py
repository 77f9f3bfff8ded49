"""The import direction of docs/architecture.md, read from the source of every module.

import-linter cannot see this tree: the card's top-level folders (models/, views/, ...) are mapped
into sos_serial by setup.py, and its graph builder only walks the sos_serial folder. So the check
reads each file's imports (lazy ones inside functions included) with the ast module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAPPED_FOLDERS = ("models", "views", "hooks", "fixtures", "migrations")

# Top to bottom: a layer may import the layers below it, never one above. Packages on one line are
# siblings that must not import each other either.
LAYERS = (
    # The testing kit builds apps and posts documents for a plugin's tests, as a caller from outside does.
    ("sos_serial.testing",),
    ("sos_serial.ops",),
    # The demo company is written in the API's JSON shape and read by its schema.
    ("sos_serial.fixtures",),
    ("sos_serial.views", "sos_serial.api"),
    ("sos_serial.security",),
    ("sos_serial.plugins",),
    ("sos_serial.engine", "sos_serial.hooks"),
    ("sos_serial.database",),
    ("sos_serial.models",),
)
# The base every layer may use; it imports none of the layers.
BASE = ("sos_serial.errors", "sos_serial.hookspecs", "sos_serial.money", "sos_serial.extensions", "sos_serial.limits",
        "sos_serial.config", "sos_serial.declarations")
# The app factory (sos_serial/__init__.py) and the migrations wire everything and are left out.
NO_WEB_CODE = ("sos_serial.engine", "sos_serial.hooks", "sos_serial.models", "sos_serial.database")
WEB_PACKAGES = ("flask", "flask_admin", "flask_login", "flask_wtf", "werkzeug", "wtforms")
# Password hashing is no web code, though Werkzeug ships it.
NOT_WEB = ("werkzeug.security",)


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "sos_serial").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__")] = path
    for folder in MAPPED_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            parts = ("sos_serial", *path.relative_to(ROOT).with_suffix("").parts)
            found[".".join(p for p in parts if p != "__init__")] = path
    return found


def _imports(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            # "from sos_serial import engine" imports the package sos_serial.engine.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _layer(module: str) -> int | None:
    for index, siblings in enumerate(LAYERS):
        for package in siblings:
            if module == package or module.startswith(package + "."):
                return index
    return None


def _package(module: str) -> str | None:
    for siblings in LAYERS:
        for package in siblings:
            if module == package or module.startswith(package + "."):
                return package
    return None


MODULES = _modules()


def _violations(modules: dict[str, Path]) -> list[str]:
    found = []
    for module, path in sorted(modules.items()):
        if module.startswith("sos_serial.migrations") or module == "sos_serial":
            continue
        own_layer, own_package = _layer(module), _package(module)
        for target in sorted(_imports(module, path)):
            if not target.startswith("sos_serial."):
                continue
            in_base = any(target == b or target.startswith(b + ".") for b in BASE)
            if own_layer is None:
                # A base module: it may import only the base.
                if not in_base and _layer(target) is not None:
                    found.append(f"{module} (base) imports {target}")
                continue
            target_layer, target_package = _layer(target), _package(target)
            if target_layer is None or target_package == own_package:
                continue
            if target_layer < own_layer:
                found.append(f"{module} imports {target}, a layer above it")
            elif target_layer == own_layer:
                found.append(f"{module} imports {target}, a sibling it must not depend on")
    return found


def test_imports_run_one_way():
    assert _violations(MODULES) == []


# The engine and the database adapters run on a plain SQLAlchemy session, without the app's extension
# object; database/__init__.py is the one place that binds the adapters to an app.
PLAIN_SESSION = ("sos_serial.engine", "sos_serial.database")


@pytest.mark.parametrize("package", PLAIN_SESSION)
def test_the_engine_and_the_adapters_need_no_app(package):
    offending = sorted(
        f"{module} imports {target}"
        for module, path in MODULES.items()
        if (module == package or module.startswith(package + ".")) and module != "sos_serial.database"
        for target in _imports(module, path)
        if target == "sos_serial.extensions" or target.startswith("sos_serial.extensions.")
    )
    assert offending == []


@pytest.mark.parametrize("package", NO_WEB_CODE)
def test_the_inner_layers_import_no_web_code(package):
    offending = sorted(
        f"{module} imports {target}"
        for module, path in MODULES.items() if module == package or module.startswith(package + ".")
        for target in _imports(module, path)
        if target.split(".")[0] in WEB_PACKAGES and not any(target.startswith(ok) for ok in NOT_WEB)
    )
    assert offending == []


def test_the_check_sees_every_layer_and_catches_a_wrong_import(tmp_path):
    # The check must read the mapped folders too, or an empty graph would pass it.
    for siblings in LAYERS:
        for package in siblings:
            assert package in MODULES, f"{package} was not found, so nothing in it is checked"
    assert "sos_serial.views.transaction" in MODULES and "sos_serial.models.item" in MODULES
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def later():\n    from ..api import bp\n")
    assert _violations({"sos_serial.engine.wrong": wrong}) == [
        "sos_serial.engine.wrong imports sos_serial.api, a layer above it",
        "sos_serial.engine.wrong imports sos_serial.api.bp, a layer above it",
    ]
    sibling = tmp_path / "sibling.py"
    sibling.write_text("from sos_serial.api.representations import item_json\n")
    assert _violations({"sos_serial.views.sibling": sibling})[0].endswith("a sibling it must not depend on")
