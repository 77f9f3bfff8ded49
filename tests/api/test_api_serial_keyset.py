"""GET /serials?after=ID: keyset pages in id order, every unit once, however deep; the paged list unchanged."""
from tests.support.api import receive, ship


def test_after_walks_every_unit_once_with_filters_kept(clerk, support, world):
    serials = [f"KS-{n:03d}" for n in range(1, 24)]
    receive(clerk, world.clock, serials, world.main)
    ship(clerk, world.clock, serials[::2], world.main, world.acme, date="2026-02-10")
    everything = [u["id"] for u in support.ok("GET", "/serials", query_string={"per_page": 100})["items"]]
    for query, expected in (({}, everything),
                            ({"status": "shipped"}, [u["id"] for u in support.ok(
                                "GET", "/serials", query_string={"per_page": 100, "status": "shipped"})["items"]])):
        first = support.ok("GET", "/serials", query_string={**query, "per_page": 5})
        seen, after, pages = [u["id"] for u in first["items"]], first["items"][-1]["id"], 1
        while after is not None:
            page = support.ok("GET", "/serials", query_string={**query, "per_page": 5, "after": after})
            seen += [u["id"] for u in page["items"]]
            after = page["next_after"]
            pages += 1
            assert pages < 20
        assert seen == sorted(expected) and len(set(seen)) == len(seen)


def test_after_gives_the_rows_past_the_id_and_says_when_there_are_no_more(support, clerk, world):
    receive(clerk, world.clock, [f"KT-{n}" for n in range(1, 8)], world.main)
    ids = [u["id"] for u in support.ok("GET", "/serials", query_string={"per_page": 100})["items"]]
    page = support.ok("GET", "/serials", query_string={"after": ids[2], "per_page": 3})
    assert [u["id"] for u in page["items"]] == ids[3:6] and page["next_after"] == ids[5]
    last = support.ok("GET", "/serials", query_string={"after": ids[5], "per_page": 3})
    assert [u["id"] for u in last["items"]] == ids[6:] and last["next_after"] is None
    assert "next_after" not in support.ok("GET", "/serials")
