"""The home page: the figures a clerk opens the day with, links onward, and nothing of costs."""
from sos_serial.extensions import db
from sos_serial.fixtures import load_demo_data
from sos_serial.models import SerialUnit, Transaction
from sos_serial.models.serial_unit import IN_STOCK


def test_the_home_page_shows_stock_by_location_and_the_last_documents(app, login):
    with app.app_context():
        load_demo_data(db.session)
        in_stock = db.session.query(SerialUnit).filter_by(status=IN_STOCK).count()
        newest = db.session.query(Transaction).order_by(Transaction.id.desc()).first().number
        db.session.remove()
    html = login("support").get("/admin/").text
    assert f'data-figure="in-stock">{in_stock}<' in html
    assert 'data-table="stock-by-location"' in html and "Main Warehouse" in html
    assert newest in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_an_empty_company_is_told_where_to_start(app, login):
    html = login("clerk").get("/admin/").text
    assert "No serial unit is in stock yet." in html and "Nothing posted yet." in html
    assert "stock-by-location-data" not in html


def test_the_home_page_links_support_only_to_screens_support_may_open(app, login):
    with app.app_context():
        load_demo_data(db.session)
        db.session.remove()
    support = login("support").get("/admin/").text
    assert 'href="/admin/serial_inventory/"' in support
    assert 'href="/admin/shipments/"' not in support and "/admin/transactions/details/" not in support
    clerk = login("clerk", "carla").get("/admin/").text
    assert 'href="/admin/shipments/"' in clerk and "/admin/transactions/details/" in clerk
