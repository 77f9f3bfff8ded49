"""The load mix: clerks posting, support staff correcting warranties, admins on the Serial inventory screens, API clients polling.

Run through bench/load_run.py, which seeds the database, starts the server and writes the file named by
SOS_LOAD_CONFIG (users' tokens, the seeded records' ids); locust alone works too once that file exists:

    SOS_LOAD_CONFIG=run.json locust -f bench/load/locustfile.py --headless -u 20 -r 4 -t 1m --host http://127.0.0.1:8000

Every answer is tallied by kind of request and status into the file named by the config's ``statuses``:
a 409 of a posting is a collision answered as the contract says (counted, not a failure); any 5xx, or a
body holding "database is locked", is a failure.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["SOS_LOAD_CONFIG"]).read_text())
API = "/api/v1"
# A shipment or transfer picks from the first page of the hot item's available units this share of the
# time: several clerks then reach for the same units at once, and all but one must get a 409.
SHARED_POOL_SHARE = 0.5
SHARED_POOL_SIZE = 20

STATUSES: Counter = Counter()
LOCKED_MESSAGES: Counter = Counter()
_serial_numbers = itertools.count(1)


@events.request.add_listener
def _tally(request_type, name, response, exception, **_kwargs):
    status = getattr(response, "status_code", None) or f"no answer ({type(exception).__name__})"
    STATUSES[f"{request_type} {name}|{status}"] += 1
    if response is not None and status != 200 and status != 201 and "database is locked" in (response.text or ""):
        LOCKED_MESSAGES[f"{request_type} {name}"] += 1


@events.quitting.add_listener
def _write_statuses(**_kwargs):
    target = CONFIG.get("statuses")
    if target:
        Path(target).write_text(json.dumps({"statuses": dict(STATUSES), "database_is_locked": dict(LOCKED_MESSAGES)},
                                           indent=2))


def _expect(response, *allowed: int) -> None:
    """Mark an answer a failure unless its status is one the contract gives for this request under load."""
    if response.status_code in allowed:
        response.success()
    else:
        response.failure(f"{response.status_code}: {response.text[:200]}")


def _today() -> str:
    return date.today().isoformat()


class ApiUser(HttpUser):
    abstract = True
    role = "clerk"

    def on_start(self):
        tokens = CONFIG["tokens"][self.role]
        self.client.headers["Authorization"] = f"Bearer {random.choice(tokens)}"


class Clerk(ApiUser):
    """Receipts of 1–500 serials, shipments and transfers of units picked from what is available."""

    weight = 4
    wait_time = between(0.5, 2)

    def _available(self, item_id: int, location_id: int, shared: bool) -> list[str]:
        per_page = SHARED_POOL_SIZE if shared else 50
        page = 1
        if not shared:
            total = CONFIG["units_per_item_location"]
            page = random.randint(1, max(1, total // per_page))
        with self.client.get(f"{API}/items/{item_id}/available-serials",
                             params={"location_id": location_id, "page": page, "per_page": per_page},
                             name="available-serials (picker)", catch_response=True) as response:
            _expect(response, 200)
            if response.status_code != 200:
                return []
            units = response.json()["items"]
            if not units and page > 1:
                return self._available(item_id, location_id, shared=True)
            return [unit["serial_number"] for unit in units]

    def _post(self, name: str, document: dict) -> None:
        with self.client.post(f"{API}/transactions", json=document, name=name, catch_response=True) as response:
            # 409: another clerk took one of the units first; 503: the write lock did not come in time.
            _expect(response, 201, 409, 503)

    @task(5)
    def receipt(self):
        quantity = random.randint(1, 10) if random.random() < 0.8 else random.randint(11, 500)
        serials = [f"{CONFIG['tag']}-{os.getpid()}-{next(_serial_numbers):07d}" for _ in range(quantity)]
        kind = "receipt 1-10" if quantity <= 10 else "receipt 11-500"
        self._post(kind, {
            "type": "item_receipt", "date": _today(), "vendor_id": CONFIG["vendor"],
            "location_id": random.choice(CONFIG["locations"]),
            "lines": [{"item_id": random.choice(CONFIG["items"]), "quantity": quantity, "unit_cost": "12.50",
                       "serials": serials}]})

    def _pick(self) -> tuple[int, int, list[str]]:
        shared = random.random() < SHARED_POOL_SHARE
        item_id = CONFIG["hot_item"] if shared else random.choice(CONFIG["items"])
        location_id = CONFIG["locations"][0] if shared else random.choice(CONFIG["locations"])
        available = self._available(item_id, location_id, shared)
        return item_id, location_id, random.sample(available, min(len(available), random.randint(1, 5)))

    @task(3)
    def shipment(self):
        item_id, location_id, serials = self._pick()
        if serials:
            self._post("shipment", {
                "type": "shipment", "date": _today(), "location_id": location_id,
                "customer_id": random.choice(CONFIG["customers"]),
                "lines": [{"item_id": item_id, "quantity": len(serials), "serials": serials}]})

    @task(2)
    def transfer(self):
        item_id, location_id, serials = self._pick()
        if serials:
            to_location = next(other for other in CONFIG["locations"] if other != location_id)
            self._post("transfer", {
                "type": "transfer", "date": _today(), "location_id": location_id, "to_location_id": to_location,
                "lines": [{"item_id": item_id, "quantity": len(serials), "serials": serials}]})


class Support(ApiUser):
    """Look a unit up by serial, read its history, correct its warranty dates."""

    weight = 2
    role = "support"
    wait_time = between(1, 3)

    def _some_unit(self) -> dict | None:
        page = random.randint(1, max(1, CONFIG["seeded_units"] // 50))
        with self.client.get(f"{API}/serials", params={"page": page, "per_page": 50},
                             name="/serials (page)", catch_response=True) as response:
            _expect(response, 200)
            units = response.json()["items"] if response.status_code == 200 else []
        return random.choice(units) if units else None

    @task(3)
    def look_up(self):
        unit = self._some_unit()
        if unit is None:
            return
        prefix = unit["serial_number"][: max(4, len(unit["serial_number"]) - 2)]
        with self.client.get(f"{API}/serials", params={"q": prefix}, name="/serials?q=",
                             catch_response=True) as response:
            _expect(response, 200)
        with self.client.get(f"{API}/serials/{unit['id']}/history", name="/serials/{id}/history",
                             catch_response=True) as response:
            _expect(response, 200)

    @task(2)
    def correct_warranty(self):
        unit = self._some_unit()
        if unit is None:
            return
        with self.client.get(f"{API}/serials/{unit['id']}", name="/serials/{id}", catch_response=True) as response:
            _expect(response, 200)
            etag = response.headers.get("ETag")
        start = date(2026, 1, 1) + timedelta(days=random.randint(0, 300))
        headers = {"If-Match": etag} if etag else {}
        with self.client.patch(f"{API}/serials/{unit['id']}", name="/serials/{id} warranty", headers=headers,
                               json={"warranty_start": start.isoformat(),
                                     "warranty_end": (start + timedelta(days=365)).isoformat()},
                               catch_response=True) as response:
            # 409: another support user changed the unit between the read and the write (If-Match).
            _expect(response, 200, 409, 503)


class Admin(HttpUser):
    """Signed in on the screens: pages through and searches the Serial inventory list."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        with self.client.get("/login", name="screen: sign-in form", catch_response=True) as response:
            _expect(response, 200)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
        with self.client.post("/login", name="screen: sign in", allow_redirects=False, catch_response=True,
                              data={"username": CONFIG["admin"]["username"], "password": CONFIG["admin"]["password"],
                                    "csrf_token": token.group(1) if token else ""}) as response:
            _expect(response, 302, 303)

    @task(3)
    def page(self):
        page = random.randint(0, max(0, CONFIG["seeded_units"] // 20 - 1))
        with self.client.get("/admin/serial_inventory/", params={"page": page}, name="screen: Serial inventory page",
                             allow_redirects=False, catch_response=True) as response:
            _expect(response, 200)

    @task(2)
    def search(self):
        text = random.choice(CONFIG["search_terms"])
        with self.client.get("/admin/serial_inventory/", params={"search": text},
                             name="screen: Serial inventory search", allow_redirects=False,
                             catch_response=True) as response:
            _expect(response, 200)


class Poller(ApiUser):
    """An integration polling the lists."""

    weight = 2
    role = "poller"
    wait_time = between(1, 3)

    @task
    def transactions(self):
        with self.client.get(f"{API}/transactions", params={"page": 1, "per_page": 50}, name="/transactions",
                             catch_response=True) as response:
            _expect(response, 200)

    @task
    def serials(self):
        with self.client.get(f"{API}/serials", params={"status": "in_stock", "page": 1, "per_page": 100},
                             name="/serials?status=in_stock", catch_response=True) as response:
            _expect(response, 200)

    @task
    def items(self):
        with self.client.get(f"{API}/items", name="/items", catch_response=True) as response:
            _expect(response, 200)
