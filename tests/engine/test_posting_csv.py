"""Serials from an uploaded .csv file: columns, headers, encodings, line ends, duplicates and counts."""
import codecs

import pytest

from sos_serial.engine.serial_csv import read_serials_csv
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.models import SerialUnit
from tests.support.world import count, line, line_serials, lines_of, post, snapshot, units_of


def receive_csv(co, data, quantity, item_id=None):
    return post(type="item_receipt", location_id=co.main,
                lines=[line(item_id or co.clock, quantity, serials_csv=data)])


def serials_of(co):
    return [u.serial_number for u in units_of(co.clock)]


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_serials_come_from_the_first_column(co, as_bytes):
    data = "CLK-0001,walnut\n CLK-0002 ,oak\nCLK-0003\n"
    document = receive_csv(co, data.encode() if as_bytes else data, 3)
    assert serials_of(co) == ["CLK-0001", "CLK-0002", "CLK-0003"]
    assert line_serials(lines_of(document)[0].id) == ["CLK-0001", "CLK-0002", "CLK-0003"]


def test_a_header_names_the_serial_column_and_is_skipped(co):
    receive_csv(co, "Item,S/N,Notes\nclock,CLK-0001,first\nclock,CLK-0002,second\n", 2)
    assert serials_of(co) == ["CLK-0001", "CLK-0002"]


@pytest.mark.parametrize("header", ["serial", "Serial Number", "S/N", "sn", "SERIALS", " serial_number "])
def test_every_header_spelling_names_the_serial_column(header):
    parsed = read_serials_csv(f"Item,{header},Notes\nclock,CLK-0001,first\nclock,CLK-0002,second\n")
    assert parsed.serials == ["CLK-0001", "CLK-0002"]
    assert parsed.rows == [2, 3]


def test_without_a_header_the_first_row_is_a_serial():
    assert read_serials_csv("Item,Notes\nCLK-0001,x\n").serials == ["Item", "CLK-0001"]


def test_a_header_in_the_first_column_is_skipped(co):
    receive_csv(co, "Serial Number\nCLK-0001\n", 1)
    assert serials_of(co) == ["CLK-0001"]


def test_blank_rows_are_ignored(co):
    data = "\n\nserial\n\nCLK-0001\n ,\n\n CLK-0002\n\n"
    receive_csv(co, data, 2)
    assert serials_of(co) == ["CLK-0001", "CLK-0002"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", "utf-16"])
def test_unicode_encodings_spreadsheets_save_are_read(co, encoding):
    text = "Serial\r\nÜHR-0001\r\nCLK-0002\r\n"
    if encoding == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    receive_csv(co, data, 2)
    assert serials_of(co) == ["ÜHR-0001", "CLK-0002"]


def test_a_bom_in_a_text_upload_is_dropped(co):
    receive_csv(co, "\ufeffCLK-0001\r\nCLK-0002", 2)
    assert serials_of(co) == ["CLK-0001", "CLK-0002"]


@pytest.mark.parametrize("data", [
    "CLK-é001\nCLK-0002\n".encode("latin-1"),                          # latin-1 "\xe9"
    codecs.BOM_UTF16_LE + "CLK-0001\n".encode("utf-16-le") + b"\x00\xd8",  # a lone surrogate
    "CLK-0001\nCLK-0002\n".encode("utf-16-le"),                        # UTF-16 without its BOM
], ids=["latin-1", "broken-utf-16", "utf-16-without-bom"])
def test_bytes_that_are_not_utf8_or_utf16_are_refused_clearly(co, data):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        receive_csv(co, data, 2)
    assert "lines[0].serials_csv" in refused.value.message
    assert "UTF" in refused.value.message
    assert [e.field for e in refused.value.errors] == ["lines[0].serials_csv"]
    assert snapshot() == before


def test_duplicate_rows_are_a_conflict_listing_their_row_numbers(co):
    data = "serial\nCLK-0001\nCLK-0002\n\nclk-0001\nCLK-0002\nCLK-0003\nCLK-0001\n"
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receive_csv(co, data, 6)
    message = refused.value.message
    assert "CLK-0001 on rows 2, 5, 8" in message
    assert "CLK-0002 on rows 3, 6" in message
    assert "CLK-0003" not in message
    assert snapshot() == before


@pytest.mark.parametrize("quantity", [2, 4])
def test_a_count_other_than_the_quantity_is_invalid_giving_both(co, quantity):
    with pytest.raises(InvalidInput) as refused:
        receive_csv(co, "serial\nCLK-0001\nCLK-0002\nCLK-0003\n", quantity)
    assert f"the file holds 3 serial numbers but the line's quantity is {quantity}" in refused.value.message
    assert refused.value.errors[0].field == "lines[0].serials_csv"
    assert count(SerialUnit) == 0


def test_csv_serials_follow_the_serial_text_rules(co):
    with pytest.raises(InvalidInput, match="65 characters long") as refused:
        receive_csv(co, "CLK-0001\n" + "X" * 65 + "\n", 2)
    assert refused.value.errors[0].field == "lines[0].serials"


def test_csv_on_a_line_that_takes_existing_units_is_refused(co):
    receive_csv(co, "CLK-0001\n", 1)
    with pytest.raises(InvalidInput, match="pick their serials"):
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials_csv="CLK-0001\n")])


def test_read_serials_csv_reports_the_files_row_numbers():
    parsed = read_serials_csv(b"\xef\xbb\xbfID;x,S/N\r\n\r\n1,A-1\r\n2,\r\n3,\"B,2\"\r\n")
    assert parsed.serials == ["A-1", "B,2"]
    assert parsed.rows == [3, 5]


@pytest.mark.parametrize("data, expected", [
    ("Serial Number;Description\nCLK-0001;walnut, polished\nCLK-0002;oak\n", ["CLK-0001", "CLK-0002"]),
    ("Description;S/N\nwalnut;CLK-0001\noak;CLK-0002\n", ["CLK-0001", "CLK-0002"]),
    ("CLK-0001;walnut\r\nCLK-0002;oak\r\n", ["CLK-0001", "CLK-0002"]),
    ("CLK-0001\twalnut\nCLK-0002\toak\n", ["CLK-0001", "CLK-0002"]),
    ("Note\tSerial\nwalnut\tCLK-0001\noak\tCLK-0002\n", ["CLK-0001", "CLK-0002"]),
    ('"walnut; polished",x\nCLK-0002,y\n', ["walnut; polished", "CLK-0002"]),
    ("Serial\rCLK-0001\rCLK-0002\r", ["CLK-0001", "CLK-0002"]),
], ids=["semicolon-header", "semicolon-second-column", "semicolon-no-header", "tab", "tab-header",
        "comma-with-quoted-semicolon", "old-mac-line-ends"])
def test_semicolon_and_tab_separated_files_are_read_by_their_separator(data, expected):
    assert read_serials_csv(data).serials == expected


def test_a_semicolon_file_posts_its_serials_not_whole_lines(co):
    receive_csv(co, "Serial Number;Description\nCLK-0001;walnut\nCLK-0002;oak\n", 2)
    assert serials_of(co) == ["CLK-0001", "CLK-0002"]
