"""Labels through the API: GET /transactions/{id}/labels and GET /serials/labels, as PDF or ZPL, for every
role that reads serial units; the PDFs decode back to the serials, GTINs and serials; the label settings."""
import pytest

from tests.support.api import assert_problem, find_unit, receive, receive_plain
from tests.support.labels import decode_pdf, page_count

GTIN = "09506000134352"


@pytest.fixture
def stocked(clerk, world):
    clerk.ok("PATCH", f"/items/{world.clock}", {"gtin": GTIN})
    receipt = receive(clerk, world.clock, ["AL-2", "AL-1"], world.main)
    receive(clerk, world.grandfather, ["GF-7"], world.main)
    return receipt


def codes(pdf: bytes) -> list[tuple[str, str]]:
    return sorted((code.symbology, code.text) for page in decode_pdf(pdf) for code in page)


@pytest.mark.parametrize("role", ["admin", "clerk", "support"])
def test_a_documents_labels_as_pdf_decode_back_to_gtin_and_serial(api, stocked, role):
    answer = api(role).get(f"/transactions/{stocked['id']}/labels")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == f'inline; filename="labels-{stocked["number"]}.pdf"'
    found = [code.gtin_and_serial for page in decode_pdf(answer.data) for code in page]
    assert sorted(found) == [(GTIN, "AL-1"), (GTIN, "AL-2")]


def test_a_documents_labels_as_zpl(clerk, stocked):
    answer = clerk.get(f"/transactions/{stocked['id']}/labels", query_string={"format": "zpl"})
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    zpl = answer.get_data(as_text=True)
    assert zpl.count("^XA") == zpl.count("^XZ") == 2
    assert f"^FD_101{GTIN}21AL-1^FS" in zpl and f"^FD_101{GTIN}21AL-2^FS" in zpl


def test_units_by_id_in_the_order_given(clerk, world, stocked):
    first, other = find_unit(clerk, world.clock, "AL-1"), find_unit(clerk, world.grandfather, "GF-7")
    answer = clerk.get("/serials/labels", query_string={"ids": f"{other['id']},{first['id']}"})
    assert answer.status_code == 200
    assert codes(answer.data) == [("Code128", "GF-7"), ("DataMatrix", f"(01){GTIN}(21)AL-1")]
    zpl = clerk.get("/serials/labels", query_string={"ids": str(other["id"]), "format": "zpl"}).get_data(as_text=True)
    assert "^BCN," in zpl and "^FDGF-7^FS" in zpl


def test_bad_requests_are_problems_naming_what_is_wrong(clerk, world, stocked):
    assert_problem(clerk.get("/serials/labels", query_string={"ids": "1,x"}), 422, "ids")
    assert_problem(clerk.get("/serials/labels", query_string={"ids": ""}), 422, "ids")
    assert_problem(clerk.get("/serials/labels", query_string={"q": "NOTHING-"}), 404)
    assert_problem(clerk.get("/serials/labels", query_string={"ids": "1", "format": "docx"}), 422, "format")
    assert_problem(clerk.get("/serials/labels", query_string={"ids": "0"}), 422, "ids")
    assert_problem(clerk.get("/serials/labels", query_string={"ids": "1,9999999999"}), 422, "ids")
    assert "999999" in assert_problem(clerk.get("/serials/labels", query_string={"ids": "999999"}), 404)["detail"]
    assert_problem(clerk.get("/transactions/999999/labels"), 404)
    plain = receive_plain(clerk, world.oil, 2, world.main)
    assert "no serial units" in assert_problem(clerk.get(f"/transactions/{plain['id']}/labels"), 404)["detail"]


def test_labels_need_a_token(anonymous, stocked):
    assert_problem(anonymous.get(f"/transactions/{stocked['id']}/labels"), 401)
    assert_problem(anonymous.get("/serials/labels", query_string={"ids": "1"}), 401)


def test_the_label_settings_are_read_and_changed_with_the_others(admin, clerk, stocked):
    assert admin.ok("GET", "/settings")["labels"] == {"label_layout": "a4_3x7", "label_show_warranty_end": True}
    changed = admin.ok("PATCH", "/settings", {"labels": {"label_layout": "roll_2.25x1.25in",
                                                          "label_show_warranty_end": False}})
    assert changed["labels"] == {"label_layout": "roll_2.25x1.25in", "label_show_warranty_end": False}
    assert page_count(clerk.get(f"/transactions/{stocked['id']}/labels").data) == 2
    zpl = clerk.get(f"/transactions/{stocked['id']}/labels", query_string={"format": "zpl"}).get_data(as_text=True)
    assert "^PW457" in zpl and "^LL254" in zpl
    assert_problem(admin.patch("/settings", {"labels": {"label_layout": "a5_1x1"}}), 422, "labels.label_layout")
    assert_problem(clerk.patch("/settings", {"labels": {"label_layout": "a4_3x7"}}), 403)


def test_units_a_search_finds_without_ids(clerk, world, stocked):
    by_item = clerk.get("/serials/labels", query_string={"item_id": world.clock})
    assert codes(by_item.data) == [("DataMatrix", f"(01){GTIN}(21)AL-1"), ("DataMatrix", f"(01){GTIN}(21)AL-2")]
    every = clerk.get("/serials/labels", query_string={"location_id": world.main, "format": "zpl"})
    assert every.get_data(as_text=True).count("^XA") == 3
    by_prefix = clerk.get("/serials/labels", query_string={"q": "gf-"})
    assert codes(by_prefix.data) == [("Code128", "GF-7")]
