"""A plugin whose rule crashes: the module must refuse the write, not carry on."""
from sos_serial.hookspecs import hookimpl


@hookimpl
def validate_item_change(item):
    raise RuntimeError(f"plugin fault while checking {item.name}")
