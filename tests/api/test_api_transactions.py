"""POST /transactions: every transaction type posts, answers 201 with its lines, and reads back."""
import pytest

from tests.support.api import DATE, find_unit, line, post_doc, receive, receive_plain, ship

LINE_KEYS = {"item_id", "quantity", "unit_cost", "cost", "role", "serials"}


def state(client, item_id, serial):
    unit = find_unit(client, item_id, serial)
    return unit["status"], unit["location_id"], unit["customer_id"]


def figures(client, item_id):
    item = client.ok("GET", f"/items/{item_id}")
    return item["quantity_on_hand"], item["value"]


def assert_reads_back(client, document):
    assert client.ok("GET", f"/transactions/{document['id']}") == document


# ---------------------------------------------------------------------------- inbound
def test_item_receipt_with_typed_serials(clerk, world):
    doc = post_doc(clerk, type="item_receipt", vendor_id=world.vendor, location_id=world.main, memo="PO 1001",
                   lines=[line(world.clock, 2, serials=["CLK-0001", " CLK-0002 "], unit_cost="140.00")])
    assert {"id", "type", "number", "date", "vendor_id", "location_id", "lines"} <= set(doc)
    assert (doc["type"], doc["date"], doc["vendor_id"], doc["location_id"]) == (
        "item_receipt", DATE, world.vendor, world.main)
    assert isinstance(doc["id"], int) and doc["number"]
    [only] = doc["lines"]
    assert LINE_KEYS <= set(only)
    assert (only["item_id"], only["quantity"], only["unit_cost"], only["cost"], only["role"]) == (
        world.clock, 2, "140.00", "280.00", None)
    assert only["serials"] == ["CLK-0001", "CLK-0002"]  # trimmed
    assert state(clerk, world.clock, "CLK-0002") == ("in_stock", world.main, None)
    assert find_unit(clerk, world.clock, "CLK-0001")["unit_cost"] == "140.00"
    assert figures(clerk, world.clock) == (2, "280.00")
    assert_reads_back(clerk, doc)


def test_a_receipt_line_without_unit_cost_takes_the_items_cost(clerk, world):
    doc = receive(clerk, world.clock, ["DEF-1"], world.main)
    assert (doc["lines"][0]["unit_cost"], doc["lines"][0]["cost"]) == (None, "149.99")
    assert find_unit(clerk, world.clock, "DEF-1")["unit_cost"] == "149.99"


def test_unit_cost_is_taken_as_a_json_number_too(clerk, world):
    doc = receive(clerk, world.clock, ["NUM-1", "NUM-2"], world.main, unit_cost=99.5)
    assert (doc["lines"][0]["unit_cost"], doc["lines"][0]["cost"]) == ("99.50", "199.00")


def test_item_receipt_with_auto_serials_answers_every_assigned_serial(admin, clerk, world):
    admin.ok("PATCH", "/settings", {"purchasing": {"auto_serial_enabled": True, "auto_serial_prefix": "CLK-",
                                                   "auto_serial_length": 4, "auto_serial_next_number": 7}})
    doc = post_doc(clerk, type="item_receipt", location_id=world.main,
                   lines=[line(world.clock, 3, auto_serials=True), line(world.grandfather, 1, serials=["GF-1"])])
    assert doc["lines"][0]["serials"] == ["CLK-0007", "CLK-0008", "CLK-0009"]
    assert doc["lines"][1]["serials"] == ["GF-1"]
    assert state(clerk, world.clock, "CLK-0008") == ("in_stock", world.main, None)
    assert admin.ok("GET", "/settings")["purchasing"]["auto_serial_next_number"] == 10
    assert_reads_back(clerk, doc)


def test_random_auto_serials_are_prefix_and_digits_of_the_set_length(admin, clerk, world):
    admin.ok("PATCH", "/settings", {"purchasing": {"auto_serial_enabled": True, "auto_serial_prefix": "R",
                                                   "auto_serial_length": 9, "auto_serial_mode": "random"}})
    serials = post_doc(clerk, type="item_receipt", location_id=world.main,
                       lines=[line(world.clock, 5, auto_serials=True)])["lines"][0]["serials"]
    assert len(set(serials)) == 5
    assert all(s[0] == "R" and len(s) == 10 and s[1:].isdigit() for s in serials)


def test_item_receipt_with_serials_csv(clerk, world):
    csv_text = "\ufeffItem,S/N\r\nclock,CSV-1\r\n\r\nclock,CSV-2\r\nclock,CSV-3\r\n"
    doc = post_doc(clerk, type="item_receipt", location_id=world.main,
                   lines=[line(world.clock, 3, serials_csv=csv_text)])
    assert doc["lines"][0]["serials"] == ["CSV-1", "CSV-2", "CSV-3"]
    assert state(clerk, world.clock, "CSV-3") == ("in_stock", world.main, None)
    assert_reads_back(clerk, doc)


def test_positive_adjustment_takes_new_serials(clerk, world):
    doc = post_doc(clerk, type="adjustment", location_id=world.showroom,
                   lines=[line(world.clock, 2, serials=["ADJ-1", "ADJ-2"], unit_cost="50")])
    assert (doc["lines"][0]["quantity"], doc["lines"][0]["serials"], doc["lines"][0]["cost"]) == (
        2, ["ADJ-1", "ADJ-2"], "100.00")
    assert state(clerk, world.clock, "ADJ-2") == ("in_stock", world.showroom, None)
    assert_reads_back(clerk, doc)


def test_a_unit_that_left_stock_is_received_back_as_the_same_unit(clerk, world):
    receive(clerk, world.clock, ["BUY-1"], world.main)
    before = find_unit(clerk, world.clock, "BUY-1")
    ship(clerk, world.clock, ["BUY-1"], world.main, world.acme)
    receive(clerk, world.clock, ["buy-1"], world.showroom, unit_cost="80.00")  # a buyback, typed in lower case
    after = find_unit(clerk, world.clock, "BUY-1")
    assert after["id"] == before["id"]
    assert (after["serial_number"], after["status"], after["location_id"], after["unit_cost"]) == (
        "BUY-1", "in_stock", world.showroom, "80.00")
    kinds = [row["transaction_type"] for row in clerk.ok("GET", f"/serials/{after['id']}/history")]
    assert kinds == ["item_receipt", "shipment", "item_receipt"]


# ---------------------------------------------------------------------------- outbound and moves
@pytest.fixture
def stock(clerk, world):
    """Four clocks in stock at Main Warehouse, received at 100.00 each; ten bottles of oil."""
    receive(clerk, world.clock, ["S-1", "S-2", "S-3", "S-4"], world.main, unit_cost="100.00")
    receive_plain(clerk, world.oil, 10, world.main)


def test_shipment_ships_to_the_customer_and_starts_the_warranty(clerk, world, stock):
    doc = post_doc(clerk, type="shipment", date="2026-03-31", location_id=world.main, customer_id=world.acme,
                   lines=[line(world.clock, 2, serials=["s-1", "S-2"]), line(world.oil, 3)])
    assert doc["customer_id"] == world.acme
    clocks, oil = doc["lines"]
    assert (clocks["quantity"], clocks["serials"], clocks["cost"]) == (2, ["S-1", "S-2"], "200.00")
    assert (oil["quantity"], oil["serials"], oil["cost"]) == (3, [], "12.75")
    unit = find_unit(clerk, world.clock, "S-1")
    assert (unit["status"], unit["location_id"], unit["customer_id"]) == ("shipped", None, world.acme)
    assert (unit["warranty_id"], unit["warranty_name"], unit["warranty_start"], unit["warranty_end"]) == (
        world.one_year, "1 year parts and labor", "2026-03-31", "2027-03-31")
    assert figures(clerk, world.clock) == (2, "200.00")
    assert figures(clerk, world.oil)[0] == 7
    assert_reads_back(clerk, doc)


def test_transfer_moves_units_and_quantities_between_locations(clerk, world, stock):
    doc = post_doc(clerk, type="transfer", location_id=world.main, to_location_id=world.showroom,
                   lines=[line(world.clock, 1, serials=["S-3"]), line(world.oil, 4)])
    assert doc["to_location_id"] == world.showroom
    assert doc["lines"][0]["serials"] == ["S-3"]
    assert state(clerk, world.clock, "S-3") == ("in_stock", world.showroom, None)
    assert figures(clerk, world.clock) == (4, "400.00")
    # The moved oil is at the showroom now: shipping 4 from there works, a fifth is short.
    post_doc(clerk, type="shipment", location_id=world.showroom, customer_id=world.acme, lines=[line(world.oil, 4)])
    post_doc(clerk, status=409, type="shipment", location_id=world.showroom, customer_id=world.acme,
             lines=[line(world.oil, 1)])
    assert_reads_back(clerk, doc)


def test_negative_adjustment_adjusts_units_out(clerk, world, stock):
    doc = post_doc(clerk, type="adjustment", location_id=world.main,
                   lines=[line(world.clock, -1, serials=["S-4"]), line(world.oil, -2)])
    assert (doc["lines"][0]["quantity"], doc["lines"][0]["serials"], doc["lines"][0]["cost"]) == (
        -1, ["S-4"], "100.00")
    assert doc["lines"][1]["quantity"] == -2
    assert state(clerk, world.clock, "S-4") == ("adjusted_out", None, None)
    assert figures(clerk, world.clock) == (3, "300.00")
    assert figures(clerk, world.oil)[0] == 8
    assert_reads_back(clerk, doc)


def test_return_takes_back_units_shipped_to_that_customer(clerk, world, stock):
    ship(clerk, world.clock, ["S-1"], world.main, world.acme)
    doc = post_doc(clerk, type="return", location_id=world.showroom, customer_id=world.acme,
                   lines=[line(world.clock, 1, serials=["S-1"])])
    assert doc["lines"][0]["serials"] == ["S-1"]
    assert state(clerk, world.clock, "S-1") == ("in_stock", world.showroom, None)
    assert figures(clerk, world.clock) == (4, "400.00")
    assert_reads_back(clerk, doc)


def test_pick_ticket_names_units_and_moves_nothing(clerk, world, stock):
    doc = post_doc(clerk, type="pick_ticket", location_id=world.main, customer_id=world.acme,
                   lines=[line(world.clock, 2, serials=["S-1", "S-2"]), line(world.oil, 1)])
    assert doc["lines"][0]["serials"] == ["S-1", "S-2"]
    assert doc["lines"][0]["cost"] == "0.00"
    assert state(clerk, world.clock, "S-1") == ("in_stock", world.main, None)
    assert figures(clerk, world.clock) == (4, "400.00")
    assert figures(clerk, world.oil)[0] == 10
    assert_reads_back(clerk, doc)


def test_rental_and_rental_return(clerk, world, stock):
    rental = post_doc(clerk, type="rental", location_id=world.main, customer_id=world.baker,
                      lines=[line(world.clock, 1, serials=["S-2"])])
    assert rental["lines"][0]["serials"] == ["S-2"]
    assert state(clerk, world.clock, "S-2") == ("rented", None, world.baker)
    assert figures(clerk, world.clock)[0] == 3
    back = post_doc(clerk, type="rental_return", location_id=world.showroom, customer_id=world.baker,
                    lines=[line(world.clock, 1, serials=["S-2"])])
    assert back["lines"][0]["serials"] == ["S-2"]
    assert state(clerk, world.clock, "S-2") == ("in_stock", world.showroom, None)
    assert figures(clerk, world.clock)[0] == 4
    assert_reads_back(clerk, rental)
    assert_reads_back(clerk, back)


@pytest.mark.parametrize("kind", ["build", "process"])
def test_build_and_process_use_inputs_and_make_outputs(clerk, world, stock, kind):
    doc = post_doc(clerk, type=kind, location_id=world.main, lines=[
        line(world.clock, 1, role="input", serials=["S-1"]),
        line(world.oil, 2, role="input"),
        line(world.grandfather, 1, role="output", serials=["GF-100"]),
    ])
    clock, oil, output = doc["lines"]
    assert (clock["role"], clock["serials"], clock["cost"]) == ("input", ["S-1"], "100.00")
    assert (oil["role"], oil["serials"], oil["cost"]) == ("input", [], "8.50")
    # The output takes the inputs' cost: 100.00 + 2 x 4.25.
    assert (output["role"], output["serials"], output["cost"]) == ("output", ["GF-100"], "108.50")
    assert state(clerk, world.clock, "S-1") == ("used", None, None)
    gf = find_unit(clerk, world.grandfather, "GF-100")
    assert (gf["status"], gf["location_id"], gf["unit_cost"]) == ("in_stock", world.main, "108.50")
    assert figures(clerk, world.grandfather) == (1, "108.50")
    assert_reads_back(clerk, doc)


def test_lines_of_plain_items_carry_only_quantity(clerk, world):
    doc = post_doc(clerk, type="item_receipt", location_id=world.main, lines=[line(world.oil, 6, unit_cost="5")])
    assert (doc["lines"][0]["quantity"], doc["lines"][0]["serials"], doc["lines"][0]["cost"]) == (6, [], "30.00")
    assert figures(clerk, world.oil) == (6, "30.00")


# ---------------------------------------------------------------------------- valuation of outbound lines
@pytest.mark.parametrize("specific_id, method, cost", [(True, "fifo", "400.00"), (False, "fifo", "200.00"),
                                                       (False, "average", "300.00")])
def test_outbound_cost_follows_the_valuation_settings(admin, clerk, world, specific_id, method, cost):
    admin.ok("PATCH", "/settings", {"inventory": {"value_serials_by_specific_id": specific_id,
                                                  "valuation_method": method}})
    receive(clerk, world.clock, ["V-1", "V-2"], world.main, unit_cost="100.00")
    receive(clerk, world.clock, ["V-3", "V-4"], world.main, unit_cost="200.00")
    doc = ship(clerk, world.clock, ["V-3", "V-4"], world.main, world.acme)
    assert doc["lines"][0]["cost"] == cost


# ---------------------------------------------------------------------------- reading and listing
def test_transactions_list_newest_first_without_lines(clerk, world):
    first = receive_plain(clerk, world.oil, 1, world.main)
    second = receive_plain(clerk, world.oil, 2, world.main)
    page = clerk.ok("GET", "/transactions")
    assert (page["total"], page["page"]) == (2, 1)
    assert [d["id"] for d in page["items"]] == [second["id"], first["id"]]
    assert all("lines" not in d for d in page["items"])


def test_an_unknown_transaction_is_a_404(clerk, world):
    assert clerk.get("/transactions/999999").status_code == 404
    assert clerk.get("/transactions/999999/packing-list").status_code == 404
