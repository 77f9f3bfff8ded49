"""The integrator contract: pluggy hook specifications of the ``sos_serial`` project.

A plugin is any module or object with functions marked ``@hookimpl`` under these names,
published in the entry point group ``sos_serial``. The module's own rules in
``sos_serial.hooks`` are plugins of exactly that kind. A function marked ``@hookimpl`` under
any other name stops the app at start-up, so a misspelled hook never goes unnoticed.

Every hook is called with keyword arguments only; an implementation may accept fewer
arguments than the specification lists. A checking hook refuses by raising one of the
errors in ``sos_serial.errors`` (``InvalidInput``, ``Conflict``, ``PermissionDenied``) with
a message written for the clerk; returning None means "no objection". Any other exception
is treated as a fault and refuses the save too: the module fails closed.

The hooks are grouped by the stage of a save they belong to: checking a change before it is
written, numbering new units, and hearing about a posting after it has committed. One more
group, ``ExtendingSpec``, is called once when the app starts: what a plugin adds to the module
(screens, permissions, API routes, custom fields, migrations), declared with the records of
``sos_serial.declarations``.
"""
import pluggy

PROJECT = "sos_serial"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class ChangeCheckingSpec:
    """Checking a change before it is written: raise to refuse it, return None to allow it.

    The whole save is refused and rolled back on the first refusal.
    """

    @hookspec
    def validate_item_change(self, session, item, changes, settings, posting):
        """Check a change to an item before it is written.

        :param session: the SQLAlchemy session doing the write
        :param item: the ``Item``, with the new values already set
        :param changes: ``{attribute: (old, new)}`` for each changed column; for a new
            item every given column appears with ``old`` None
        :param settings: the company's ``Settings``
        :param posting: True when a transaction posting makes the change
        Raise to refuse the change; return None to allow it.
        """

    @hookspec
    def validate_serial_unit_change(self, session, unit, changes, posting):
        """Check a change to a serial unit's record before it is written.

        :param unit: the ``SerialUnit``, with the new values already set
        :param changes: ``{attribute: (old, new)}`` for each changed column
        :param posting: True when a transaction posting makes the change; False for a
            direct edit (an admin form, an API PATCH, a script)
        Raise to refuse; return None to allow.
        """

    @hookspec
    def validate_bulk_statement(self, session, table, columns, kind, posting):
        """Check a bulk ``update()`` or ``delete()`` issued through the ORM.

        :param table: the name of the table it targets, e.g. ``"items"``
        :param columns: the names of the columns an update sets (empty for a delete)
        :param kind: ``"update"`` or ``"delete"``
        :param posting: True when it runs inside a transaction posting
        Raise to refuse; return None to allow.
        """

    @hookspec
    def validate_history_write(self, session, kind, posting):
        """Check a write to the serial history: ``kind`` is "insert", "update" or "delete".

        History is append-only; raise to refuse.
        """

    @hookspec
    def validate_serial_numbers(self, session, item, serial_numbers, document, line, new_serials):
        """Check the serial numbers a clerk, a file, a scanner or the automatic numbering gives for ``item``.

        Called once per transaction line (and once for a unit added on its own), with every
        serial of the line, so a rule can check a 100,000-unit receipt in one pass. Automatic
        numbers pass through here too, after they are made.

        :param session: the SQLAlchemy session doing the save
        :param item: the ``Item`` the serials belong to
        :param serial_numbers: list of serials as they will be stored (already trimmed)
        :param document: the ``PostingRequest`` being posted (its type, date and parties); None
            for a unit added on its own
        :param line: the ``LineRequest`` the serials belong to; None for a unit added on its own
        :param new_serials: True when the serials are new units (a receipt, an automatic number, a
            unit added on its own); False when they name existing units (a shipment, a transfer),
            so a rule for new serials can let old units through
        Raise ``InvalidInput`` naming the offending serials to refuse; return None to allow.
        """

    @hookspec
    def validate_transaction(self, session, document, settings, limits):
        """Check a whole transaction document before it posts.

        :param document: the ``PostingRequest`` being posted: its type, date, parties and
            lines with the serials each line names or receives
        :param limits: the app's ``Limits`` (engine/limits.py), such as the window of dates a
            document may carry
        Raise to refuse the posting; nothing has been written yet.
        """


class NumberingSpec:
    """Numbering new units: serial numbers the clerk asked the system to make."""

    @hookspec(firstresult=True)
    def next_serial_numbers(self, session, item, count, settings, date, document):
        """Return ``count`` new serial numbers for ``item``, or None to let the next plugin answer.

        :param date: the document's date, for numbers that carry a year or a month
        :param document: the ``PostingRequest`` being posted: its type, parties and lines
        The first non-None answer wins; the built-in implementation numbers from the item's
        own numbering when it has a prefix, else from the purchasing settings, and runs last. It
        answers None for an item neither numbers (no prefix of its own, the company's numbering
        off), so a plugin may number any item; when nobody answers, the line is refused.
        The numbers pass through ``validate_serial_numbers`` afterwards. Raising refuses the
        posting, like a checking hook.
        """


class AfterPostingSpec:
    """After a posting has committed: notifications that can no longer refuse it."""

    @hookspec
    def transaction_posted(self, document, units, event_id):
        """Called once the posting of ``document`` has committed, for notifications.

        :param document: the saved ``Transaction``
        :param units: each unit it moved: ``{"serial_number", "item_id", "from": {"location_id",
            "customer_id", "status"}, "to": {...}}``, as the webhooks' payload has them
        :param event_id: the event's id; an implementation may be called more than once for one
            event (delivery is at least once), so use it to recognise a repeat
        The event is written with the posting and delivered to each implementation on its own,
        right after the commit and by ``flask --app sos_serial events run``: an exception here is
        logged and the call retried later with backoff; it never undoes the posting, and never
        keeps another plugin from hearing of it.
        """


class ExtendingSpec:
    """What a plugin adds to the module, asked once when the app starts; each hook returns a list.

    Declarations are read from the plugins switched on at start-up: switching a plugin off or
    on changes its screens, routes and fields at the next start.
    """

    @hookspec
    def permissions(self):
        """Return the ``Permission`` records the plugin's screens and routes require.

        Each names the roles that hold it; the module's own rights cannot be redeclared.
        """

    @hookspec
    def admin_views(self):
        """Return admin views to add to the screens, built on ``sos_serial.views.SecuredBaseView``
        or ``SecuredModelView`` (so a page needs a signed-in user with its ``read_right``).

        A view's ``category`` may be one of the module's menus (``sos_serial.views.INVENTORY``,
        ``REPORTS``, ``COMPANY``, ``INTEGRATIONS``...) or a new one. Return new instances on each
        call: every app built gets its own.
        """

    @hookspec
    def api_routes(self):
        """Return the ``ApiRoute`` records the plugin adds under ``/api/v1``."""

    @hookspec
    def custom_fields(self):
        """Return the ``CustomField`` records the plugin adds to items, customers, vendors,
        locations, transactions and serial units."""

    @hookspec
    def migration_folders(self):
        """Return the folders of the plugin's own Alembic revisions (paths as strings).

        Its revisions form their own branch (``branch_labels``, ``depends_on`` a module revision);
        ``flask --app sos_serial db upgrade`` runs them with the module's.
        """


# Every stage, in the order a save meets them; the plugin manager registers each of them.
STAGES = (ChangeCheckingSpec, NumberingSpec, AfterPostingSpec, ExtendingSpec)
