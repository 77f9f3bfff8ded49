"""A posting is all or nothing: a refusal, a hook that raises or a crash midway leaves every table as it was."""
import logging

import pytest
from sqlalchemy import func, select

import sos_serial.engine.posting.writes as posting_module
from sos_serial.errors import Conflict, RuleFailed
from sos_serial.hookspecs import hookimpl
from sos_serial.models import (
    SerialHistory,
    SerialUnit,
    StockLevel,
    TransactionLineSerial,
)
from tests.support.world import (
    count,
    figures,
    line,
    post,
    receive,
    receive_plain,
    set_settings,
    settings,
    snapshot,
    stock_at,
    unit,
)


class ArmedPlugin:
    """A plugin whose hooks do what the test arms them to, only while a transaction posts."""

    def __init__(self):
        self.validate = None          # exception to raise from validate_transaction
        self.crash_on_write = None    # (item id, exception): raise when the posting changes that item's figures
        self.notify = None            # exception to raise from transaction_posted
        self.seen = []                # what the hooks saw

    @hookimpl
    def validate_transaction(self, session, document, settings):
        self.seen.append([list(li.resolved_serials) for li in document.lines])
        if self.validate:
            raise self.validate

    @hookimpl
    def validate_item_change(self, session, item, changes, posting):
        # Called from the flush that writes the posting's item figures: its rows are already sent.
        if posting and self.crash_on_write and item.id == self.crash_on_write[0] and "quantity_on_hand" in changes:
            with session.no_autoflush:
                self.seen.append({"units": session.scalar(select(func.count()).select_from(SerialUnit)),
                                  "history": session.scalar(select(func.count()).select_from(SerialHistory))})
            raise self.crash_on_write[1]

    @hookimpl
    def transaction_posted(self, document):
        self.seen.append(document.number)
        if self.notify:
            raise self.notify


@pytest.fixture
def plugin():
    return ArmedPlugin()


# The company lives in an app that also loads ``plugin``.
pytestmark = pytest.mark.own_app(plugins=["plugin"])


@pytest.fixture(autouse=True)
def opening_stock(co):
    """Two clocks at 100 and ten bottles of oil at Main Warehouse; automatic serials A0001 onwards."""
    receive(co.clock, ["CLK-1", "CLK-2"], co.main, unit_cost="100")
    receive_plain(co.oil, 10, co.main, unit_cost="4")
    set_settings(auto_serial_enabled=True, auto_serial_prefix="A", auto_serial_length=4)


def busy_document(co):
    """A build touching every kind of row: units moved and received, auto numbers, plain stock, layers."""
    return dict(type="build", location_id=co.main, lines=[
        line(co.clock, 1, role="input", serials=["CLK-1"]),
        line(co.oil, 3, role="input"),
        line(co.grandfather, 2, role="output", auto_serials=True),
        line(co.clock, 1, role="output", serials=["NEW-1"])])


def test_a_hook_refusing_in_validate_transaction_changes_nothing(co, plugin):
    plugin.validate = Conflict("No builds on inventory day.")
    before = snapshot()
    with pytest.raises(Conflict, match="No builds on inventory day"):
        post(**busy_document(co))
    assert snapshot() == before
    assert settings().auto_serial_next_number == 1
    # The hook saw the whole document, automatic numbers included.
    assert plugin.seen[-1] == [["CLK-1"], [], ["A0001", "A0002"], ["NEW-1"]]


def test_a_hook_crashing_in_validate_transaction_changes_nothing(co, plugin):
    plugin.validate = RuntimeError("plugin fault")
    # A crash is not let through: it becomes a refusal that says nothing was saved.
    before = snapshot()
    with pytest.raises(RuleFailed, match=r"nothing was saved\. Tell your administrator incident [0-9a-f]{8}\.") as failed:
        post(**busy_document(co))
    assert "plugin fault" not in failed.value.message
    assert snapshot() == before


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), Conflict("refused late")])
def test_a_hook_raising_after_rows_are_written_changes_nothing(co, plugin, error):
    before = snapshot()
    units, rows = count(SerialUnit), count(SerialHistory)
    plugin.crash_on_write = (co.grandfather, error)  # an output line: written after the inputs
    # A refusal passes through as it is; a crash comes out as RuleFailed with an incident id.
    told = str(error) if isinstance(error, Conflict) else "incident [0-9a-f]{8}"
    with pytest.raises(Conflict if isinstance(error, Conflict) else RuleFailed, match=told):
        post(**busy_document(co))
    # The rows had been written when the hook raised ...
    written = plugin.seen[-1]
    assert written["units"] > units and written["history"] > rows
    # ... and none of them stayed.
    assert snapshot() == before
    assert figures(co.clock) == (2, 200) and figures(co.oil) == (10, 40)
    assert settings().auto_serial_next_number == 1
    assert unit(co.clock, "CLK-1").status == "in_stock"
    # The session is usable again, and the same document now posts.
    plugin.crash_on_write = None
    post(**busy_document(co))
    assert unit(co.clock, "CLK-1").status == "used" and unit(co.grandfather, "A0002").status == "in_stock"


def test_a_crash_midway_through_the_writes_changes_nothing(co, monkeypatch):
    """The second line's cost layer fails after the first lines' rows are in."""
    calls = []
    real_add_layer = posting_module.add_layer

    def failing_add_layer(session, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            assert session.scalar(select(func.count()).select_from(TransactionLineSerial)) > 0
            raise RuntimeError("connection lost")
        return real_add_layer(session, *args, **kwargs)

    monkeypatch.setattr(posting_module, "add_layer", failing_add_layer)
    before = snapshot()
    with pytest.raises(RuntimeError, match="connection lost"):
        post(**busy_document(co))
    assert len(calls) == 2
    assert snapshot() == before
    assert stock_at(co.oil, co.main) == 10


def test_a_refused_line_among_good_ones_changes_nothing(co):
    before = snapshot()
    with pytest.raises(Conflict, match="CLK-9 of Armenian Mantel Clock is not in the inventory"):
        post(type="shipment", location_id=co.main, customer_id=co.acme, lines=[
            line(co.clock, 1, serials=["CLK-1"]), line(co.oil, 2), line(co.clock, 1, serials=["CLK-9"])])
    assert snapshot() == before
    assert count(StockLevel) == 1


def test_a_failing_notification_does_not_undo_the_posting(co, plugin, caplog):
    plugin.notify = RuntimeError("mail server down")
    with caplog.at_level(logging.ERROR, logger="sos_serial.engine.posting"):
        document = post(type="shipment", location_id=co.main, customer_id=co.acme,
                        lines=[line(co.clock, 1, serials=["CLK-1"])])
    assert plugin.seen[-1] == document.number
    assert unit(co.clock, "CLK-1").status == "shipped"
    assert "transaction_posted hook failed" in caplog.text


def test_the_notification_comes_only_after_a_posting_commits(co, plugin):
    plugin.seen.clear()
    with pytest.raises(Conflict):
        post(type="shipment", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["X"])])
    plugin.crash_on_write = (co.clock, RuntimeError("late"))
    with pytest.raises(RuleFailed):
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials=["CLK-1"])])
    assert not any(isinstance(seen, str) for seen in plugin.seen)
