"""Custom fields: declarations checked when the app starts, and every value checked by its field's type."""
from __future__ import annotations

import pytest

from sos_serial.declarations import CustomField
from sos_serial.engine.custom_fields import CustomFields, DeclarationError, check_custom_fields
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.limits import CUSTOM_FIELD_TEXT_MAX_LENGTH
from tests.support import custom_fields_plugin
from tests.support.custom_fields_plugin import FIELDS

FIELDS_OF_APP = CustomFields([("tests.support.custom_fields_plugin", f) for f in FIELDS])


# ---------------------------------------------------------------------------- declarations
@pytest.mark.parametrize("field, words", [
    (CustomField("warehouse", "bin", "Bin"), "unknown model 'warehouse'"),
    (CustomField("item", "bin", "Bin", "colour"), "unknown type 'colour'"),
    (CustomField("item", "Bin", "Bin"), "lower-case letters"),
    (CustomField("item", "2bin", "Bin"), "lower-case letters"),
    (CustomField("item", "bin-no", "Bin"), "lower-case letters"),
    (CustomField("item", "grade", "Grade", "choice"), "without choices"),
    (CustomField("customer", "tier", "Tier", "text", locked=True), "only fields on serial units"),
    (CustomField("item", "bin", ""), "no label"),
    ("item.bin", "not a sos_serial.declarations.CustomField"),
])
def test_a_wrong_declaration_names_the_plugin_and_the_field(field, words):
    with pytest.raises(DeclarationError) as refused:
        CustomFields([("acme_fields", field)])
    message = str(refused.value)
    assert "the plugin 'acme_fields'" in message and words in message, message
    if isinstance(field, CustomField):
        assert f"'{field.name}'" in message


def test_one_name_on_one_model_is_declared_by_one_plugin_only():
    with pytest.raises(DeclarationError) as refused:
        CustomFields([("acme", CustomField("customer", "tier", "Tier")),
                      ("globex", CustomField("customer", "tier", "Level"))])
    assert "the plugin 'globex' declares the custom field 'tier'" in str(refused.value)
    assert "already declared by the plugin 'acme'" in str(refused.value)
    # The same name on two models is two fields.
    both = CustomFields([("acme", CustomField("customer", "tier", "Tier")),
                         ("globex", CustomField("vendor", "tier", "Tier"))])
    assert [f.model for f in both.of("customer") + both.of("vendor")] == ["customer", "vendor"]


def test_the_app_refuses_to_start_with_a_wrong_declaration(app_config, stock_free_app_factory):
    class Wrong:
        from sos_serial.hookspecs import hookimpl

        @hookimpl
        def custom_fields(self):
            return [CustomField("serial_unit", "Grade", "Grade")]

    with pytest.raises(DeclarationError) as refused:
        stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [Wrong()]})
    assert "Wrong" in str(refused.value) and "'Grade'" in str(refused.value)


def test_each_app_keeps_the_fields_of_its_own_plugins(app, app_config, stock_free_app_factory):
    from sos_serial.plugins.custom_fields import custom_fields_of

    own = stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [custom_fields_plugin]})
    assert [f.name for f in custom_fields_of(own).of("customer")] == ["key_account"]
    assert not custom_fields_of(app)


# ---------------------------------------------------------------------------- values
def check(model, given, **options):
    return check_custom_fields(FIELDS_OF_APP, model, "Test record", given, **options)


def test_values_are_stored_in_their_json_form():
    assert check("item", {"shelf_life_days": 365, "origin": "AM"}) == {"shelf_life_days": 365, "origin": "AM"}
    assert check("item", {"shelf_life_days": 1.5}) == {"shelf_life_days": 1.5}
    assert check("customer", {"key_account": True}) == {"key_account": True}
    assert check("serial_unit", {"calibrated_on": "2026-02-28", "inspector": "  Ani "}, creating=True) == \
        {"calibrated_on": "2026-02-28", "inspector": "Ani"}
    # A date object (a form's date input) is stored as its ISO text.
    from datetime import date
    assert check("serial_unit", {"calibrated_on": date(2026, 3, 1)}) == {"calibrated_on": "2026-03-01"}


def test_a_change_merges_with_the_stored_values_and_none_clears():
    stored = {"shelf_life_days": 30, "origin": "DE"}
    assert check("item", {"origin": "JP"}, stored=stored) == {"shelf_life_days": 30, "origin": "JP"}
    assert check("item", {"origin": None}, stored=stored) == {"shelf_life_days": 30}
    assert check("item", None, stored=stored) == stored


@pytest.mark.parametrize("model, given, field, words", [
    ("item", {"shelf_life_days": True}, "shelf_life_days", "Must be a number"),
    ("item", {"shelf_life_days": "12"}, "shelf_life_days", "Must be a number"),
    ("item", {"shelf_life_days": float("nan")}, "shelf_life_days", "Must be a number"),
    ("item", {"origin": "FR"}, "origin", "one of AM, DE, JP"),
    ("item", {"origin": 1}, "origin", "one of AM, DE, JP"),
    ("customer", {"key_account": "yes"}, "key_account", "true or false"),
    ("customer", {"key_account": 1}, "key_account", "true or false"),
    ("serial_unit", {"calibrated_on": "2026-02-30"}, "calibrated_on", "YYYY-MM-DD"),
    ("serial_unit", {"calibrated_on": "20260201"}, "calibrated_on", "YYYY-MM-DD"),
    ("serial_unit", {"inspector": 7}, "inspector", "Must be text"),
    ("serial_unit", {"inspector": "x" * (CUSTOM_FIELD_TEXT_MAX_LENGTH + 1)}, "inspector", "at most"),
    ("customer", {"tier": "gold"}, "tier", "Unknown field"),
])
def test_a_wrong_value_is_refused_naming_the_field(model, given, field, words):
    with pytest.raises(InvalidInput) as refused:
        check(model, given)
    assert [e.field for e in refused.value.errors] == [f"custom_fields.{field}"]
    assert words in refused.value.errors[0].message or words in refused.value.message
    assert refused.value.message.startswith("Test record")


def test_every_wrong_value_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        check("item", {"shelf_life_days": "x", "origin": "FR"})
    assert {e.field for e in refused.value.errors} == {"custom_fields.shelf_life_days", "custom_fields.origin"}


def test_not_an_object_is_refused():
    with pytest.raises(InvalidInput) as refused:
        check("item", ["origin"])
    assert refused.value.errors[0].field == "custom_fields"


def test_required_fields_are_required_on_create_and_cannot_be_cleared():
    with pytest.raises(InvalidInput) as refused:
        check("vendor", {}, creating=True)
    assert [e.field for e in refused.value.errors] == ["custom_fields.vendor_code"]
    assert "Vendor code is required" in refused.value.message
    # A change that leaves a required field alone passes; one that clears it does not.
    assert check("vendor", {}, stored={}) == {}
    with pytest.raises(InvalidInput):
        check("vendor", {"vendor_code": " "}, stored={"vendor_code": "Y-1"})
    # A posting's new units are not direct creates: they take no values.
    assert check("serial_unit", None, creating=True, direct=False) == {}


def test_a_locked_field_is_set_by_postings_and_plugins_only():
    with pytest.raises(Conflict) as refused:
        check("serial_unit", {"rfid": "E200-1"}, stored={"inspector": "Ani"})
    assert refused.value.errors[0].field == "custom_fields.rfid" and "RFID tag" in refused.value.message
    # The same value again is no change, and a plugin may set it.
    assert check("serial_unit", {"rfid": "E2"}, stored={"rfid": "E2"}) == {"rfid": "E2"}
    assert check("serial_unit", {"rfid": "E3"}, stored={"rfid": "E2"}, direct=False) == {"rfid": "E3"}
