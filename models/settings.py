"""The company's settings: plan, inventory, purchasing (auto serials) and sales. One row."""
from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.errors import FieldError, InvalidInput
from sos_serial.extensions import db

from ._columns import in_list

PLANS = ("companion", "plus", "pro")
# Serial tracking is a feature of these plans only.
SERIAL_PLANS = ("plus", "pro")
VALUATION_METHODS = ("fifo", "average")
AUTO_SERIAL_MODES = ("sequential", "random")
AUTO_SERIAL_MAX_LENGTH = 18


class Settings(db.Model):
    __tablename__ = "settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(in_list("plan", PLANS), name="plan_known"),
        CheckConstraint(in_list("valuation_method", VALUATION_METHODS), name="valuation_method_known"),
        CheckConstraint(in_list("auto_serial_mode", AUTO_SERIAL_MODES), name="auto_serial_mode_known"),
        CheckConstraint(
            f"auto_serial_length BETWEEN 1 AND {AUTO_SERIAL_MAX_LENGTH}", name="auto_serial_length_range"
        ),
        CheckConstraint("auto_serial_next_number >= 0", name="auto_serial_next_number_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    plan: Mapped[str] = mapped_column(String(16), nullable=False, default="pro")
    # Inventory settings
    value_serials_by_specific_id: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    valuation_method: Mapped[str] = mapped_column(String(8), nullable=False, default="fifo")
    # Purchasing settings: automatic serial numbers
    auto_serial_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    auto_serial_prefix: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    auto_serial_length: Mapped[int] = mapped_column(nullable=False, default=6)
    auto_serial_mode: Mapped[str] = mapped_column(String(12), nullable=False, default="sequential")
    auto_serial_next_number: Mapped[int] = mapped_column(nullable=False, default=1)
    # Sales settings
    show_warranty_on_serial_units: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @classmethod
    def current(cls, session, for_update: bool = False) -> "Settings":
        """The settings row; the migrations create it, and a missing one is recreated with defaults."""
        query = session.query(cls).filter_by(id=1)
        if for_update:
            query = query.with_for_update()
        with session.no_autoflush:
            settings = query.one_or_none()
        if settings is None:
            # One may be waiting in this session, added earlier and not yet flushed.
            settings = next((obj for obj in session.new if isinstance(obj, cls)), None)
        if settings is None:
            # Added, not flushed: this may run inside a flush (the rule hooks read settings).
            settings = cls(id=1, **{c.key: c.default.arg for c in cls.__table__.columns if c.default is not None
                                    and c.key != "id"})
            session.add(settings)
        return settings

    def __repr__(self) -> str:
        return f"<Settings plan={self.plan}>"


# The settings groups as the API nests them: group -> {field: kind}.
SETTINGS_GROUPS = {
    "inventory": {"value_serials_by_specific_id": bool, "valuation_method": VALUATION_METHODS},
    "purchasing": {
        "auto_serial_enabled": bool,
        "auto_serial_prefix": str,
        "auto_serial_length": int,
        "auto_serial_mode": AUTO_SERIAL_MODES,
        "auto_serial_next_number": int,
    },
    "sales": {"show_warranty_on_serial_units": bool},
}
AUTO_SERIAL_PREFIX_MAX = 32


def settings_as_dict(settings: Settings) -> dict:
    data = {"plan": settings.plan}
    for group, fields in SETTINGS_GROUPS.items():
        data[group] = {name: getattr(settings, name) for name in fields}
    return data


def apply_settings(settings: Settings, data: dict) -> None:
    """Apply a nested subset such as {"purchasing": {"auto_serial_length": 8}}; all or nothing."""
    if not isinstance(data, dict):
        raise InvalidInput("Settings must be given as an object of groups.")
    problems: list[FieldError] = []
    values: dict = {}
    for key, given in data.items():
        if key == "plan":
            if given not in PLANS:
                problems.append(FieldError("plan", f"The plan must be one of {', '.join(PLANS)}."))
            else:
                values["plan"] = given
        elif key in SETTINGS_GROUPS and isinstance(given, dict):
            for name, value in given.items():
                field = f"{key}.{name}"
                kind = SETTINGS_GROUPS[key].get(name)
                message = _check_setting(name, kind, value)
                if message:
                    problems.append(FieldError(field, message))
                else:
                    values[name] = value.strip() if isinstance(value, str) and kind is str else value
        else:
            problems.append(FieldError(key, f"There is no settings group named {key!r}."))
    if problems:
        raise InvalidInput("Some settings could not be accepted: " + "; ".join(p.message for p in problems), problems)
    for name, value in values.items():
        setattr(settings, name, value)


def _check_setting(name, kind, value) -> str | None:
    if kind is None:
        return f"There is no setting named {name!r}."
    if kind is bool:
        return None if isinstance(value, bool) else f"{name} must be true or false."
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} must be a whole number."
        if name == "auto_serial_length" and not 1 <= value <= AUTO_SERIAL_MAX_LENGTH:
            return f"The serial number length must be between 1 and {AUTO_SERIAL_MAX_LENGTH} digits."
        if name == "auto_serial_next_number" and value < 0:
            return "The next serial number cannot be negative."
        return None
    if kind is str:
        if not isinstance(value, str):
            return f"{name} must be text."
        if len(value.strip()) > AUTO_SERIAL_PREFIX_MAX:
            return f"The serial number prefix can be at most {AUTO_SERIAL_PREFIX_MAX} characters."
        if any(not ch.isprintable() for ch in value):
            return "The serial number prefix must be printable text (no tabs or line breaks)."
        return None
    if value not in kind:
        return f"{name} must be one of {', '.join(kind)}."
    return None
