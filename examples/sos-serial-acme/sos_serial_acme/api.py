"""Task 7, an API route: GET /api/v1/acme/postings, the posting log, with sos-serial's token auth."""
from pydantic import BaseModel

from sos_serial.declarations import ApiRoute
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl

from .notifications import logged_postings
from .screens import VIEW_LOG


class LoggedPosting(BaseModel):
    event_id: str
    transaction_id: int
    number: str | None
    type: str
    units: int


class PostingLog(BaseModel):
    postings: list[LoggedPosting]


def list_postings() -> PostingLog:
    with db.engine.connect() as connection:
        return PostingLog(postings=logged_postings(connection))


@hookimpl
def api_routes():
    return [ApiRoute(rule="/acme/postings", method="GET", view=list_postings, right=VIEW_LOG.name,
                     summary="Acme's posting log, newest first", response=PostingLog)]
