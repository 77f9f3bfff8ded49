"""The reading of a typed or scanned serial: plain serials pass through, GS1 element strings give their AI 21."""
import datetime as dt

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sos_serial.engine.gs1 import GS, Scan, UnreadableScan, may_be_scan, read_scanned_serial, search_text

GTIN = "09506000134352"
EXPECTED = Scan(serial="ABC123", gtin14=GTIN, lot="LOT7", expiry=dt.date(2027, 12, 31), gs1=True)


@pytest.mark.parametrize("text", [
    "(01)09506000134352(21)ABC123(10)LOT7(17)271231",
    "]d2010950600013435221ABC123" + GS + "10LOT7" + GS + "17271231",
    "]C1010950600013435217271231" + "21ABC123" + GS + "10LOT7",
    "]Q3010950600013435210LOT7" + GS + "17271231" + "21ABC123",
    GS + "010950600013435221ABC123" + GS + "10LOT7" + GS + "17271231",
    "]d2010950600013435221ABC123" + GS + "10LOT7" + GS + "17271231\r\n",
    "  (01)09506000134352(21)ABC123(10)LOT7(17)271231  ",
])
def test_each_form_of_a_gs1_scan_gives_the_serial_of_ai_21_and_its_data(text):
    assert read_scanned_serial(text) == EXPECTED


@pytest.mark.parametrize("text", [
    "0123456", "01234567890123456789", "SN-0001", "(01)", "ABC(01)09506000134352(21)X", "]XYZ", "]",
    "010950600013435321ABC123",  # the strict form, but its GTIN's check digit is wrong: a plain serial
    "0109506000134352 21ABC123", "0109506000134352", "21ABC123", "10LOT7", " spaced serial ", "",
    "straße", "٣٣٣",
])
def test_an_ordinary_serial_is_never_misread(text):
    assert read_scanned_serial(text) == Scan(text)


def test_the_strict_all_digits_form_is_a_scan_without_identifier_or_gs():
    assert read_scanned_serial("010950600013435221ABC123") == Scan("ABC123", gtin14=GTIN, gs1=True)
    assert read_scanned_serial("01095060001343522100042") == Scan("00042", gtin14=GTIN, gs1=True)


def test_another_symbology_identifier_is_taken_off_a_plain_serial():
    assert read_scanned_serial("]C0SN-0001") == Scan("SN-0001")
    assert read_scanned_serial("]A0SN-0001") == Scan("SN-0001")


def test_dd_00_is_the_months_last_day_and_the_production_date_is_kept():
    scan = read_scanned_serial("]C121X1" + GS + "11240200" + "17250600")
    assert scan == Scan("X1", production_date=dt.date(2024, 2, 29), expiry=dt.date(2025, 6, 30), gs1=True)


@pytest.mark.parametrize("text, words", [
    ("]d20109506000134352", "no serial number"),
    ("(01)09506000134352(10)LOT7", "no serial number"),
    ("]d2017", "could not be read"),
    ("(01)09506000134353(21)X", "check digit"),
    ("]C121X" + GS + "17271340", "could not be read"),
])
def test_a_scan_that_cannot_be_read_is_refused_naming_it(text, words):
    with pytest.raises(UnreadableScan) as refused:
        read_scanned_serial(text)
    assert words in refused.value.message
    assert "<GS>" not in text and GS not in refused.value.message


def test_search_looks_for_the_serial_a_scan_carries():
    assert search_text("]d2010950600013435221ABC123" + GS + "10LOT7") == "ABC123"
    assert search_text("CLK-00") == "CLK-00"
    assert search_text("]d20109506000134352") == "]d20109506000134352"
    assert search_text("") == "" and search_text(None) is None


# ------------------------------------------------------------------ round trips: build a message, read it back
SERIAL_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./_"
gtins = st.text("0123456789", min_size=13, max_size=13).map(lambda body: body + str(gs1_standard_check_digit(body)))
serials = st.text(SERIAL_CHARACTERS, min_size=1, max_size=20)
lots = st.none() | st.text(SERIAL_CHARACTERS, min_size=1, max_size=20)
dates = st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31))
# The shared test machine can be slow to draw examples; what is checked is the reading, not the speed.
patient = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _yymmdd(day: dt.date) -> str:
    return day.strftime("%y%m%d")


@patient
@given(gtin=st.none() | gtins, serial=serials, lot=lots, expiry=dates, produced=dates,
       order=st.permutations(["21", "10", "17", "11"]), form=st.sampled_from(["]d2", "]C1", "]Q3", "", "hri"]))
def test_a_built_message_reads_back(gtin, serial, lot, expiry, produced, order, form):
    fields = {"21": serial, "10": lot, "17": expiry and _yymmdd(expiry), "11": produced and _yymmdd(produced)}
    parts = ([("01", gtin)] if gtin else []) + [(ai, fields[ai]) for ai in order if fields[ai] is not None]
    if form == "hri":
        text = "".join(f"({ai}){value}" for ai, value in parts)
        if not gtin:
            # Only a leading (01) marks the printed form as GS1; a scanner's GS does the same without it.
            text = GS + "".join(f"{ai}{value}" + (GS if ai in ("21", "10") else "") for ai, value in parts)
    else:
        # FNC1 (GS) after each variable-length field that is not last; none needed after fixed-length ones.
        text = form + ("" if form else GS)
        for index, (ai, value) in enumerate(parts):
            text += ai + value + (GS if ai in ("21", "10") and index < len(parts) - 1 else "")
    # Biip reads a date's century by GS1's sliding window; the dates drawn lie within it for years to come.
    assert read_scanned_serial(text) == Scan(serial, gtin14=gtin, lot=lot, expiry=expiry, production_date=produced,
                                             gs1=True)


@patient
@given(st.text(SERIAL_CHARACTERS + " ", min_size=1, max_size=64).filter(
    lambda text: not text.strip(" ").startswith(("(01)", "]"))))
def test_typed_serials_without_marks_pass_through(text):
    scan = read_scanned_serial(text)
    # Only the strict "01" + GTIN-14 + "21" form could be read as GS1; anything else is the serial unchanged.
    assert scan == Scan(text) or (scan.gs1 and text.strip().startswith("01") and len(text.strip()) >= 19)


@patient
@given(st.text(SERIAL_CHARACTERS + " ()]\x1d", max_size=40) | st.sampled_from(
    ["]C0X", "(01)09506000134352(21)X", "010950600013435221X", " \x1d0109506000134352\x1d21X"]))
def test_the_quick_test_for_a_scan_misses_none(text):
    # The posting asks may_be_scan of every serial and reads only those: a text it passes over reads as itself.
    if not may_be_scan(text):
        assert read_scanned_serial(text) == Scan(text)
