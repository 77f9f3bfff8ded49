"""Which packages the wheel holds: found on disk, never listed by hand.

``sos_serial`` and every package under it, and the card's top-level folders (models, views, hooks,
fixtures, migrations) with their subpackages, mapped into the ``sos_serial`` namespace so that an
installed wheel holds only ``sos_serial``. Everything else is declared in pyproject.toml.
"""
from setuptools import find_packages, setup

MAPPED_FOLDERS = ("models", "views", "hooks", "fixtures", "migrations")


def packages() -> list[str]:
    found = find_packages(include=["sos_serial", "sos_serial.*"])
    for folder in MAPPED_FOLDERS:
        found.append(f"sos_serial.{folder}")
        found += [f"sos_serial.{folder}.{sub}" for sub in find_packages(where=folder)]
    return found


setup(
    packages=packages(),
    package_dir={"sos_serial": "sos_serial", **{f"sos_serial.{f}": f for f in MAPPED_FOLDERS}},
)
