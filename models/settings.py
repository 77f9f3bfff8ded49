"""The company's settings: plan, inventory, purchasing (auto serials), sales, labels and the company profile.
One row."""
from sqlalchemy import Boolean, CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db
from sos_serial.limits import AUTO_SERIAL_MAX_LENGTH, AUTO_SERIAL_PREFIX_MAX_LENGTH, NAME_MAX_LENGTH

from ._columns import address, in_list

PLANS = ("companion", "plus", "pro")
# Serial tracking is a feature of these plans only.
SERIAL_PLANS = ("plus", "pro")
VALUATION_METHODS = ("fifo", "average")
AUTO_SERIAL_MODES = ("sequential", "random")
# How labels are printed (engine/labels.py has each one's size): sheets of 3 x 7 (A4, like Avery L7160) and 3 x 10
# (Letter, like Avery 5160), or one label a page on a roll of 62 x 29 mm or 2.25 x 1.25 in.
LABEL_LAYOUTS = ("a4_3x7", "letter_3x10", "roll_62x29mm", "roll_2.25x1.25in")
# The image types a company logo is kept as (re-encoded on upload, so what is served is what was checked).
LOGO_TYPES = ("image/png", "image/jpeg")


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
        CheckConstraint(in_list("label_layout", LABEL_LAYOUTS), name="label_layout_known"),
        CheckConstraint("auto_serial_next_number >= 0", name="auto_serial_next_number_not_negative"),
        CheckConstraint("max_lines_per_document >= 1", name="max_lines_per_document_positive"),
        CheckConstraint("max_serials_per_document >= 1", name="max_serials_per_document_positive"),
        CheckConstraint(in_list("company_logo_type", LOGO_TYPES), name="company_logo_type_known"),
        CheckConstraint("(company_logo IS NULL) = (company_logo_type IS NULL)", name="company_logo_has_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    plan: Mapped[str] = mapped_column(String(16), nullable=False, default="pro")
    # Inventory settings
    value_serials_by_specific_id: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    valuation_method: Mapped[str] = mapped_column(String(8), nullable=False, default="fifo")
    # Purchasing settings: automatic serial numbers
    auto_serial_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    auto_serial_prefix: Mapped[str] = mapped_column(String(AUTO_SERIAL_PREFIX_MAX_LENGTH), nullable=False, default="")
    auto_serial_length: Mapped[int] = mapped_column(nullable=False, default=6)
    auto_serial_mode: Mapped[str] = mapped_column(String(12), nullable=False, default="sequential")
    auto_serial_next_number: Mapped[int] = mapped_column(nullable=False, default=1)
    # Sales settings
    show_warranty_on_serial_units: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Labels
    label_layout: Mapped[str] = mapped_column(String(20), nullable=False, default="a4_3x7")
    label_show_warranty_end: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # What one document may carry; empty: the server's default (SOS_SERIAL_MAX_LINES_PER_DOCUMENT and
    # SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT). Set on the settings screen, by an administrator.
    max_lines_per_document: Mapped[int | None] = mapped_column(nullable=True)
    max_serials_per_document: Mapped[int | None] = mapped_column(nullable=True)
    # The company profile, printed at the head of packing lists.
    company_name: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH))
    company_address: Mapped[str | None] = address()
    # In the database rather than the instance folder: every app process sharing one PostgreSQL serves it, and a
    # backup holds it. Deferred: the settings row is read by every posting, the logo only by papers.
    company_logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    company_logo_type: Mapped[str | None] = mapped_column(String(16))

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


# The settings groups as the API and the settings screen nest them: group -> its fields.
SETTINGS_GROUPS = {
    "inventory": ("value_serials_by_specific_id", "valuation_method"),
    "purchasing": (
        "auto_serial_enabled",
        "auto_serial_prefix",
        "auto_serial_length",
        "auto_serial_mode",
        "auto_serial_next_number",
    ),
    "sales": ("show_warranty_on_serial_units",),
    "labels": ("label_layout", "label_show_warranty_end"),
}


# Kept on the settings screen only: the API's settings keep their shape (API.md).
DOCUMENT_LIMIT_FIELDS = ("max_lines_per_document", "max_serials_per_document")


# The company group of the settings (API.md 1.1): the API's name of each field -> its column.
COMPANY_FIELDS = {"name": "company_name", "address": "company_address"}


def settings_as_dict(settings: Settings) -> dict:
    data = {"plan": settings.plan}
    for group, fields in SETTINGS_GROUPS.items():
        data[group] = {name: getattr(settings, name) for name in fields}
    data["company"] = {name: getattr(settings, column) for name, column in COMPANY_FIELDS.items()}
    return data
