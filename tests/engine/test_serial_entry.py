"""An S/N entry is read one way on the screen and on the save: a GS1 scan is one serial, a range is a range."""
import pytest

from sos_serial.engine.serial_entry import entered_serials_request, read_entered_serials

GS = "\x1d"


@pytest.mark.parametrize("entry, serials, ranges", [
    ("0100 - 0199", [], [{"first": "0100", "last": "0199"}]),  # starts like a GS1 "01" scan but is a range
    ("]A0SN-1 +3", [], [{"first": "SN-1", "count": 3}]),  # a symbology identifier before a range
    ("SN-0001", ["SN-0001"], []),
    ("]d2010950600013435221ABC123" + GS + "10LOT7", ["]d2010950600013435221ABC123" + GS + "10LOT7"], []),
])
def test_the_save_sends_what_the_screen_showed(entry, serials, ranges):
    shown = read_entered_serials([entry])
    request = entered_serials_request([entry])
    assert request.get("serials", []) == serials
    assert request.get("serial_ranges", []) == ranges
    # What the screen says it expands to is what is sent as a range.
    assert (shown.ranges[0] is not None) == bool(ranges)
