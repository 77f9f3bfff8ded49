"""What each kind of document does is one table: the menus, screens, numbers, party rules and form read it."""
import html
import re
from pathlib import Path

import pytest

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting import post_transaction
from sos_serial.errors import InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Item, Location, Transaction
from sos_serial.models.document_kind import KIND_CODES, KINDS, NEW_SERIALS, PARTY_FIELDS, document_kind

VIEWS = Path(__file__).resolve().parents[2] / "views"


def test_the_table_holds_the_ten_kinds_once_each():
    assert KIND_CODES == ("item_receipt", "shipment", "transfer", "adjustment", "return", "pick_ticket", "rental",
                          "rental_return", "build", "process")
    for attribute in ("code", "label", "menu_label", "endpoint", "number_prefix", "sequence"):
        values = [getattr(kind, attribute) for kind in KINDS]
        assert len(set(values)) == len(values), attribute
    for kind in KINDS:
        assert document_kind(kind.code) is kind
        assert kind.new_serials in NEW_SERIALS
        assert set(kind.required_parties) <= {name for name, _ in kind.header_fields} <= set(PARTY_FIELDS)
    with pytest.raises(KeyError):
        document_kind("invoice")


def test_the_database_knows_exactly_the_table_s_kinds(app):
    constraint = next(c for c in Transaction.__table__.constraints if str(c.name).endswith("type_known"))
    assert re.findall(r"'(\w+)'", str(constraint.sqltext)) == list(KIND_CODES)
    # The migrated schema agrees: a new kind needs its migration.
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            definition = conn.exec_driver_sql("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                              "WHERE conname = 'ck_transactions_type_known'").scalar()
        else:
            table = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'transactions'").scalar()
            # The type_known constraint only: the table's other checks list other words (its status).
            definition = re.search(r"type_known\s+CHECK\s*\((.*?)\)\)", table, re.S).group(1)
    assert sorted(set(re.findall(r"'(\w+)'", definition))) == sorted(KIND_CODES)


def test_every_menu_entry_and_screen_comes_from_the_table(app):
    views = {view.endpoint: view for view in app.extensions["admin"][0]._views}
    screens = [view for view in views.values() if getattr(view, "kind", None)]
    assert sorted(view.kind for view in screens) == sorted(KIND_CODES)
    for kind in KINDS:
        view = views[kind.endpoint]
        assert (view.kind, view.name, view.category) == (kind.code, kind.menu_label, kind.menu_category)
    # Within a menu, the screens follow the kinds' sequence.
    order = [view.kind for view in app.extensions["admin"][0]._views if getattr(view, "kind", None)]
    assert order == [kind.code for kind in sorted(KINDS, key=lambda k: k.sequence)]


@pytest.mark.parametrize("kind", KINDS, ids=KIND_CODES)
def test_each_entry_form_shows_what_its_kind_says(login, kind):
    page = login("clerk").get(f"/admin/{kind.endpoint}/new/").text
    assert f"New {kind.label.lower()}" in page
    form = re.search(r'<form[^>]*id="transaction-form"[^>]*>', page).group(0)
    assert f'data-new-serials="{kind.new_serials}"' in form
    assert f'data-picker-party="{kind.takes_from}"' in form
    labels = re.findall(r'<label for="(\w+_id)">([^<]*)</label>', page)
    assert [(name, html.unescape(label)) for name, label in labels] == list(kind.header_fields)
    for name, _ in kind.header_fields:
        first = re.search(rf'<select[^>]*id="{name}"[^>]*>\s*<option value="">([^<]*)</option>', page).group(1)
        assert first == ("Choose…" if name in kind.required_parties else "(none)")
    assert ('aria-label="Role"' in page) == kind.line_roles
    assert ('aria-label="Unit cost"' in page) == kind.takes_unit_cost


@pytest.mark.parametrize("kind", KINDS, ids=KIND_CODES)
def test_each_kind_s_required_parties_are_refused_when_missing(kind):
    with pytest.raises(InvalidInput) as refused:
        read_document({"type": kind.code, "date": "2026-01-05", "lines": [
            {"item_id": 1, "quantity": 1, **({"role": "input"} if kind.line_roles else {})}]})
    assert {problem.field for problem in refused.value.errors} == set(kind.required_parties)
    for problem in refused.value.errors:
        assert problem.message == f"A {kind.label.lower()} needs {problem.field.removesuffix('_id')}."


def test_document_numbers_take_their_kind_s_prefix(app, demo):
    with app.app_context():
        oil = db.session.query(Item).filter_by(name="Clock Oil 10 ml").one().id
        warehouse = db.session.query(Location).filter_by(name="Main Warehouse").one().id
        showroom = db.session.query(Location).filter_by(name="Showroom").one().id
        receipt = post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-01-05", "location_id": warehouse,
            "lines": [{"item_id": oil, "quantity": 5}]}))
        transfer = post_transaction(db.session, read_document({
            "type": "transfer", "date": "2026-01-06", "location_id": warehouse, "to_location_id": showroom,
            "lines": [{"item_id": oil, "quantity": 2}]}))
        for document in (receipt, transfer):
            assert document.number == f"{document.kind.number_prefix}-{document.id:06d}"
            assert document.type_label == document.kind.label


def _string_literals(code: str) -> str:
    return rf"""["'`]{re.escape(code)}["'`]"""


@pytest.mark.parametrize("path", ["static/transaction_form.js", "templates/sos/transaction_form.html",
                                  "templates/sos/transaction_details.html"])
def test_the_form_s_script_and_templates_name_no_kind(path):
    source = (VIEWS / path).read_text(encoding="utf-8")
    for code in KIND_CODES:
        assert not re.search(_string_literals(code), source), f"{path} names the kind {code}"
        if "_" in code:  # a code no ordinary word spells
            assert code not in source, f"{path} names the kind {code}"


def test_line_rules_name_the_kinds_the_table_gives_them():
    def messages(data):
        with pytest.raises(InvalidInput) as refused:
            read_document({"date": "2026-01-05", "location_id": 1, **data})
        return [problem.message for problem in refused.value.errors]

    assert messages({"type": "shipment", "customer_id": 1, "lines": [{"item_id": 1, "quantity": -1}]}) == [
        "Only adjustments take negative quantities; use a positive quantity."]
    assert messages({"type": "build", "lines": [{"item_id": 1, "quantity": 1}]}) == [
        "Build and process lines need a role: input or output."]
    assert messages({"type": "rental", "customer_id": 1, "lines": [{"item_id": 1, "quantity": 1, "role": "input"}]}) \
        == ["Only build and process lines have a role."]
    assert messages({"type": "transfer", "to_location_id": 1, "lines": [{"item_id": 1, "quantity": 1}]}) == [
        "A transfer must go to a different location."]
