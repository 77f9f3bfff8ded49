"""The company a load run works in: users with API tokens, master data, and units in stock, posted through the API."""
from __future__ import annotations

import logging
import secrets

from ..common import make_app, migrate

ITEMS = ("Load Clock", "Load Radio", "Load Drill", "Load Scanner")
LOCATIONS = ("Main Warehouse", "Annex")


def seed(url: str, units_per_item_location: int = 250) -> dict:
    """Migrate, create the users and the company, receive ``units_per_item_location`` units of each item at each
    location; return what the locustfile needs (ids, tokens), without its run-specific keys."""
    from sos_serial.extensions import db
    from sos_serial.models import ApiToken, User

    migrate(url)
    app = make_app(url)
    # The seed's own requests and postings are not the run's: their log lines would bury the figures.
    logging.getLogger("sos_serial").setLevel(logging.WARNING)
    tag = secrets.token_hex(3)
    password = secrets.token_urlsafe(16)
    with app.app_context():
        tokens: dict[str, list[str]] = {"clerk": [], "support": [], "poller": []}
        admin_token = None
        for name, role in (("load-admin", "admin"), ("clerk-1", "clerk"), ("clerk-2", "clerk"),
                           ("clerk-3", "clerk"), ("support-1", "support"), ("support-2", "support"),
                           ("poller-1", "support")):
            user = User(username=name, role=role)
            user.set_password(password)
            record, token = ApiToken.issue(user)
            db.session.add_all([user, record])
            if role == "admin":
                admin_token = token
            else:
                tokens["poller" if name.startswith("poller") else role].append(token)
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {admin_token}"}

        def api(path: str, body: dict) -> dict:
            response = client.post(f"/api/v1{path}", json=body, headers=headers)
            if response.status_code != 201:
                raise RuntimeError(f"seeding {path} answered {response.status_code}: {response.get_data(True)}")
            return response.get_json()

        warranty = api("/warranties", {"name": "One year", "duration": 1, "unit": "years"})["id"]
        items = [api("/items", {"name": name, "sku": f"LD-{n}", "track_serials": True, "warranty_id": warranty,
                                "cost": "10.00"})["id"] for n, name in enumerate(ITEMS, 1)]
        locations = [api("/locations", {"name": name})["id"] for name in LOCATIONS]
        customers = [api("/customers", {"name": f"Customer {n}"})["id"] for n in range(1, 6)]
        vendor = api("/vendors", {"name": "Load Supplies"})["id"]
        for item_id, item_name in zip(items, ITEMS):
            for location_id in locations:
                api("/transactions", {
                    "type": "item_receipt", "date": "2026-01-05", "vendor_id": vendor, "location_id": location_id,
                    "lines": [{"item_id": item_id, "quantity": units_per_item_location, "unit_cost": "10.00",
                               "serial_ranges": [{"first": f"S{tag}-{item_id}-{location_id}-00001",
                                                  "count": units_per_item_location}]}]})
        db.session.remove()
        db.engine.dispose()
    return {
        "tag": tag, "tokens": tokens, "admin": {"username": "load-admin", "password": password},
        "items": items, "hot_item": items[0], "locations": locations, "customers": customers, "vendor": vendor,
        "units_per_item_location": units_per_item_location,
        "seeded_units": units_per_item_location * len(items) * len(locations),
        "search_terms": [f"S{tag}-{items[0]}", "Load Radio", "Annex", f"{tag}-{items[1]}-", "Customer 3"],
    }
