"""Handover: the ISBAR draft as a document that refreshes as the database changes, the open items
with a key to go to the screen where each is handled, the outgoing leader's notes, and the
history of signed handovers.

Keys: ``j`` (or Enter) go to the selected open item (its screen; for activities to re-plan, open
signals, flagged log entries and sync conflicts the first such record itself), ``n`` write the
notes (Escape leaves them), ``x`` sign the draft with the notes (asked first), ``c`` accept the
selected signed handover (asked first), ``w`` withdraw it (its signer or an admin, with the
reason), ``d`` read the document (it is beside the items on a wide
screen). The open items and the recommendations are worded here from the draft's kinds and
counts, with the console's keys; every other line by ``words.handover`` from the item's facts
(never parsed back from a sentence).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Static, TextArea

from store import access
from store import handover as model
from store.clock import local_span
from store.db import Store
from store.errors import StoreError
from words.handover import item_text, period_ends, period_short, quarantined_write

from ..actions import Action, KeyedTitle
from ..i18n import _, ngettext
from ..literal import literal, plain
from ..times import at
from ..widgets.drawer import Drawer, DrawerTitle
from ..widgets.inputs import NotesArea
from ..widgets.table import Column, RecordTable, Row
from .base import BaseScreen, sentence
from .document import DocumentScreen
from .forms import StepForm

#: Which screen handles each kind of open item.
#: Why a role that may not sign has no notes to write (said under the box and by ``n``).
NOTES_NOT_YOURS = _(
    "Notes are written by the shift leader who signs the handover; your log entries (l) go into it."
)

JUMPS = {
    "gaps": "roster",
    "replan": "agenda",
    "open_signals": "signals",
    "flagged_log": "agenda",
    "expiring": "roster",
    "care_not_offered": "today",  # the subject's panel lists its package's care modules
    "conflicts": "sync",
    "quarantined": "sync",
    "overlapping_handovers": "handover",  # the signed handovers below, marked
    # trust findings (store.findings): the Sync screen lists them under its summary
    "witness": "sync",
    "clash": "sync",
    "outside": "sync",
    "own_refused": "sync",
    "back_dated": "sync",
    "clocks_apart": "sync",
    "clock_ahead": "sync",
    "own_stamps": "sync",
}

#: The open items in the console's words (from the item's kind and count).
ITEMS = {
    "gaps": _("open gaps in the next shift"),
    "replan": _("activities need re-planning"),
    "replan_posts": _("standing posts below required level"),
    "open_signals": _("signals not yet closed"),
    "flagged_log": _("flagged log entries not cleared"),
    "conflicts": _("unresolved sync conflicts"),
    "quarantined": _("changes quarantined at sync"),
    "expiring": _("qualifications lapse within a week"),
    "care_not_offered": _("care modules a package change added, not offered"),
    "overlapping_handovers": _("signed handovers overlapping in force"),
    "witness": _("audit trails cut or rewritten: admin"),
    "clash": _("names given twice offline"),
    "secret": _("secrets set by someone else"),
    "outside": _("changes made outside Schildwacht"),
    "own_refused": _("own changes refused by other laptops"),
    "back_dated": _("records dated back"),
    "clocks_apart": _("changes passed as clocks apart"),
    "clock_ahead": _("laptops with a clock ahead"),
    "own_stamps": _("this laptop's stamps ahead of its clock"),
}

#: What to do about each kind, with the console's keys.
ADVICE = {
    "gaps": _("Fill the gaps: g, select a gap and its activity, p applies a suggestion."),
    "replan": _("Re-plan: j goes to the first; c chooses a valid concept, or r restricts."),
    "replan_posts": _("Re-plan the standing posts with a concept at the required level."),
    "open_signals": _(
        "Check the open signals with the information organisation: j goes to them (the "
        "information organisation receives with v, interprets with i)."
    ),
    "flagged_log": _("Act on the flagged log entries, or clear them: j, then x with a reason."),
    "conflicts": _("Resolve the sync conflicts: j, then 1, 2 or v."),
    "quarantined": _("Look at the quarantined changes with the team admin: j."),
    "expiring": _("Arrange renewal or replacement for the lapsing qualifications."),
    "care_not_offered": _(
        "Offer the care modules the package change added (on the command line: `care record "
        "CODE --member M --module MOD --status offered`)."
    ),
    "overlapping_handovers": _(
        "Overlapping signed handovers (marked below): each signer supersedes their own with a "
        "period that no longer overlaps."
    ),
    "witness": _("Tell the admin: a laptop's audit trail was cut or rewritten (j shows it)."),
    "clash": _("Check the clashing names: one person or two? (j shows them)"),
    "secret": _(
        "Ask each person whose secret someone else set to set their own: U, acting as "
        "themselves (u)."
    ),
    "outside": _("Ask who changed the database outside Schildwacht, and why (j shows it)."),
    "own_refused": _("Ask the admin about this laptop's refused changes (j, then export)."),
    "back_dated": _("Check the clock of the laptop that dated records back (j shows it)."),
    "clocks_apart": _("Check the clocks of the laptops named as apart (j shows what passed)."),
    "clock_ahead": _("Have the clock of the laptop that is ahead put right (j shows it)."),
    "own_stamps": _(
        "Check this laptop's clock; until its stamps catch up, pass anything urgent by phone "
        "or enter it on another laptop (j shows until when the others hold its changes)."
    ),
}

SECTIONS = (
    ("identify", _("I — Identify")),
    ("situation", _("S — Situation")),
    ("background", _("B — Background")),
    ("assessment", _("A — Assessment")),
    ("recommendation", _("R — Recommendation")),
)


@dataclass(frozen=True)
class HandoverData:
    draft: dict[str, Any]
    document: Text
    items: list[Row]
    history: list[model.HandoverRecord]
    history_rows: list[Row]


def item_key(kind: str, number: int, seen: set[str]) -> str:
    key = kind if kind not in seen else f"{kind}:{number}"
    seen.add(kind)  # a kind may repeat: one quarantined write per row
    return key


def render_document(draft: dict[str, Any], max_subjects: int = 25) -> Text:
    """The ISBAR draft (``handover_facts``) as a document; everything people typed is shown
    literally; the period as every face heads it (``words.handover.period_ends``)."""
    start, end = period_ends(draft["period"])
    text = Text()
    text.append(_("Handover {start} – {end}").format(start=start, end=end) + "\n", style="bold")
    for name, title in SECTIONS:
        items = draft[name]
        text.append("\n" + title + "\n", style="bold underline")
        if name == "recommendation":
            for item in items:
                if item["count"]:
                    advice = ADVICE.get(item["kind"])
                    text.append("• ")
                    text.append_text(literal(advice or item_text(name, item), limit=None))
                    text.append("\n")
            if not any(i["count"] for i in items):
                text.append(_("• Nothing open was counted; check with the incoming leader.\n"))
            continue
        subjects = 0
        for item in items:
            if item["kind"] == "subject":
                subjects += 1
                if subjects > max_subjects:
                    continue
            style = "b red" if name == "assessment" and item["count"] else ""
            text.append("• ", style=style)
            text.append_text(literal(item_text(name, item), style, limit=None))
            text.append("\n")
        if subjects > max_subjects:
            text.append(
                "• "
                + ngettext(
                    "… and {n} more subject (the full list: the signed record)",
                    "… and {n} more subjects (the full list: the signed record)",
                    subjects - max_subjects,
                ).format(n=subjects - max_subjects)
                + "\n",
                style="italic",
            )
    return text


def handover_state(record: model.HandoverRecord) -> tuple[str, str]:
    """A signed handover's standing in words, and its style: withdrawn, superseded, overlapping
    another in force, or in force (its own column: the period cell is cut at its width)."""
    if record.withdrawn_at is not None:
        return _("withdrawn"), "b red"
    if record.superseded_by:
        return _("superseded"), "yellow"
    if record.overlaps:
        return _("overlaps"), "b yellow"
    return _("in force"), ""


def fetch_handover(store: Store) -> HandoverData:
    draft = model.handover_facts(model.draft_handover(store))
    history = model.list_handovers(store)
    seen: set[str] = set()
    items = []
    for number, item in enumerate(draft["assessment"]):
        words = ITEMS.get(item["kind"], item["kind"].replace("_", " "))
        count = item["count"]
        if item["kind"] == "quarantined" and "changes" in item["params"]:
            # one row per quarantined write, counting its changes as the Sync screen does
            count = item["params"]["changes"]
            words = quarantined_write(item["params"])
        elif item["kind"] == "quarantined" and item["count"]:
            words = item_text("assessment", item, details=False)
        items.append(
            Row(
                item_key(item["kind"], number, seen),
                (literal(count, "b red" if count else ""), literal(words)),
            )
        )
    return HandoverData(
        draft,
        render_document(draft),
        items,
        history,
        [
            Row(
                record.id,
                (
                    Text(period_short(record.period_start, record.period_end), end=""),
                    literal(record.signed_by),
                    literal(*handover_state(record)),
                    literal(record.accepted_by or _("not yet")),
                ),
            )
            for record in history
        ],
    )


class HandoverScreen(BaseScreen[HandoverData]):
    MODE = "handover"
    MAIN = "#open-items"
    RECORDS: ClassVar[dict[str, str]] = {
        "open item": "#open-items",
        "signed handover": "#handover-history",
    }
    TITLE = _("Handover")
    PURPOSE = _("the ISBAR handover (overdracht): open items, notes, sign and accept")
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "j",
            "jump",
            _("Go to"),
            _("Go to the selected open item"),
            _("The screen where it is handled, on the first such record"),
            selects="open item",
        ),
        Action(
            "n",
            "notes",
            _("Notes"),
            _("Write the handover notes"),
            _("Notes for the incoming shift (Escape leaves the notes)"),
        ),
        # d before sign, accept and withdraw: reading the draft is every shift's, and at 80
        # columns the footer has room up to here (withdraw, rarest, is left out there: fix17)
        Action(
            "d",
            "document",
            _("Document"),
            _("Read the handover document"),
            _("The whole ISBAR draft as a document"),
        ),
        Action(
            "x",
            "sign",
            _("Sign"),
            _("Sign the handover"),
            _(
                "Sign the draft with your notes (outgoing shift leader); asked first, refused "
                "at once when another leader signed this shift"
            ),
            permission="handover.sign",
        ),
        Action(
            "c",
            "accept",
            _("Accept"),
            _("Accept the selected signed handover"),
            _("As the incoming shift leader (not the one who signed); asked first"),
            permission="handover.sign",
            selects="signed handover",
        ),
        Action(
            "w",
            "withdraw",
            _("Withdraw"),
            _("Withdraw the selected signed handover"),
            _("Its signer or an admin, with the reason; it stays recorded, no longer in force"),
            permission="handover.sign",
            selects="signed handover",
        ),
    )

    def compose_body(self) -> ComposeResult:
        with Container(id="handover-body"):
            with VerticalScroll(id="handover-document"):
                yield Static(_("Drawing the handover…"), id="handover-text")
            with Vertical(id="handover-side"):
                yield Static(_("Open items — j to go there"), classes="section-title")
                yield RecordTable(
                    [Column(_("Open"), 4, align="right"), Column(_("Item"), 30, grow=True)],
                    id="open-items",
                    zebra=False,
                    empty=_("Counting…"),
                )
                yield Static(
                    _("Notes for the incoming shift — n, Escape leaves"), classes="section-title"
                )
                yield Static(NOTES_NOT_YOURS, id="notes-why", classes="note")
                yield HandoverNotes(id="handover-notes")
                with Drawer(id="history-panel"):
                    yield DrawerTitle(_("Signed handovers — c to accept"))
                    yield RecordTable(
                        [
                            Column(_("Period"), 19),  # 11-28 23:00–07:00+1
                            # who signed decides who may accept: it goes last
                            Column(_("Signed by"), 9, drop=1),
                            Column(_("State"), 10),
                            Column(_("Accepted by"), 11, grow=True, drop=2),
                        ],
                        id="handover-history",
                        zebra=False,
                        empty=_("0 signed handovers."),
                    )

    KEYED_TITLES = (
        KeyedTitle(
            "#history-panel DrawerTitle", _("Signed handovers"), (("accept", _("c to accept")),)
        ),
    )

    #: Seconds without a keystroke in the notes after which they are kept (``save_draft_notes``).
    NOTES_KEPT_AFTER = 1.5

    def on_mount(self) -> None:
        self.query_one("#open-items", RecordTable).focus()
        super().on_mount()
        self._notes_kept: str | None = None  # the notes as last kept in the store, once read
        self._notes_timer: Timer | None = None
        self._notes_typed = ""  # what the notes box holds (its children are gone at unmount)
        self._notes_of = self.actor.callsign  # whose notes the box holds
        if self._keeps_notes():  # the notes typed and not yet signed are shown again
            self.call_store(model.draft_notes, self._notes_read, group="notes-read")

    def show_role(self) -> None:
        """After Switch user the box holds the next person's own notes, never the last one's
        (those were kept when the switch form took the focus from the box)."""
        super().show_role()
        self._notes_for_role()
        who = self.actor.callsign
        if getattr(self, "_notes_of", who) == who:
            return
        self._notes_of = who
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        self._notes_kept = None
        self.query_one("#handover-notes", TextArea).load_text("")
        self._notes_typed = ""
        if self._keeps_notes():
            self.call_store(model.draft_notes, self._notes_read, group="notes-read")

    def _notes_for_role(self) -> None:
        """Only a role that may sign keeps notes (they go into what it signs): for any other
        the box takes no typing and one line says why (rev17t: an operator's notes were
        typed, shown and never stored)."""
        keeps = self._keeps_notes()
        area = self.query_one("#handover-notes", TextArea)
        area.read_only = not keeps
        area.can_focus = keeps
        self.query_one("#notes-why", Static).display = not keeps

    def _keeps_notes(self) -> bool:
        return access.may(self.actor, "handover.sign")

    def _notes_read(self, notes: str) -> None:
        area = self.query_one("#handover-notes", TextArea)
        if area.text.strip():  # typed before the draft was read: what is typed is kept
            self._notes_changed()
            return
        self._notes_kept = notes
        if notes:
            area.load_text(notes)
            area.move_cursor(area.document.end)

    @on(TextArea.Changed, "#handover-notes")
    def _notes_changed(self) -> None:
        """Keep the notes in the store once typing pauses: a dropped session loses at most the
        last ``NOTES_KEPT_AFTER`` seconds of typing (leaving the notes or the console keeps them
        at once)."""
        self._notes_typed = self.query_one("#handover-notes", TextArea).text
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        if self._keeps_notes() and self._notes_kept is not None:
            self._notes_timer = self.set_timer(self.NOTES_KEPT_AFTER, self._keep_notes)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.id == "handover-notes":
            self._keep_notes()

    def _keep_notes(self) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        notes = self.query_one("#handover-notes", TextArea).text
        if self._notes_kept is None or notes == self._notes_kept:
            return
        self._notes_kept = notes

        def failed(error: BaseException) -> None:
            self._notes_kept = None if self._notes_kept == notes else self._notes_kept
            self.report_failure(error)

        self.call_store(
            lambda store: model.save_draft_notes(store, notes),
            lambda _saved: None,
            group="notes",
            failed=failed,
            every=True,
        )

    def on_unmount(self) -> None:
        """Leaving the console (``q``, F10, a hung-up terminal) keeps the notes not yet kept, on
        this thread: the workers are being cancelled."""
        if self._notes_timer is not None:
            self._notes_timer.stop()
        notes = self._notes_typed
        if self._notes_kept is None or notes == self._notes_kept:
            return
        with contextlib.suppress(StoreError):  # nowhere left to say it; the store wrote nothing
            model.save_draft_notes(self.console_app.store, notes)

    load = staticmethod(fetch_handover)

    def show(self, data: HandoverData) -> None:
        self.query_one("#handover-text", Static).update(data.document)
        self.query_one("#open-items", RecordTable).set_rows(data.items)
        self.query_one("#handover-history", RecordTable).set_rows(data.history_rows)

    @on(RecordTable.Selected, "#open-items")
    def _item_chosen(self) -> None:
        self.action_jump()

    def action_notes(self) -> None:
        if not self._keeps_notes():
            self.refuse_key(NOTES_NOT_YOURS)
            return
        # at once, not after a refresh: the keys typed after n go into the box (rev17h)
        self.set_focus(self.query_one("#handover-notes", TextArea))

    def action_document(self) -> None:
        if self.data is None:
            return
        self.app.push_screen(
            DocumentScreen(
                _("Handover (draft)"), render_document(self.data.draft, max_subjects=10_000)
            )
        )

    def action_sign(self) -> None:
        self._keep_notes()  # kept first: signing removes them, asking may end in "no"
        notes = self.query_one("#handover-notes", TextArea).text

        def asked(refusal: model.AlreadySigned | None) -> None:
            if refusal is None:
                self._ask_sign(notes)
            elif refusal.may_supersede:  # your own signature: only a new one with a reason
                self._ask_to_supersede(refusal, notes)
            else:  # another leader signed it: refused at once, nothing asked (rev17g)
                self.refuse_key(plain(sentence(refusal)))

        # the store says whether the period is signed already (as c, accept, does), first;
        # the keys typed meanwhile answer the question (rev17m: "xy" went to Sync beneath)
        self.read_then(model.signing_refusal, asked, group="sign")

    def _ask_sign(self, notes: str) -> None:
        when = "–".join(period_ends(self.data.draft["period"])) if self.data else ""
        self.confirm(
            _(
                "Sign the handover of {when}{notes}? A signed handover cannot be changed; only "
                "superseded, with a reason."
            ).format(
                when=when, notes=_(" with your notes") if notes.strip() else _(" without notes")
            ),
            _("Sign"),
            lambda: self._sign(notes),
        )

    def _sign(self, notes: str) -> None:
        def failed(error: BaseException) -> None:
            if isinstance(error, model.AlreadySigned) and error.may_supersede:
                self._ask_to_supersede(error, notes)  # only its signer replaces a handover
            else:
                self.report_failure(error)

        self.call_store(
            lambda store: model.sign_handover(store, notes=notes),
            self._signed,
            group="write",
            failed=failed,
            every=True,
        )

    def _signed(self, record: model.HandoverRecord) -> None:
        self._notes_kept = "" if self._notes_kept is not None else None  # signing removed them
        self.query_one("#handover-notes", TextArea).text = ""
        self.notify(  # the period a person knows it by; ids and digests are in the CLI's output
            _("Handover of {period} signed by {who}.").format(
                period=local_span(record.period_start, record.period_end), who=record.signed_by
            ),
            markup=False,
        )
        self.console_app.changed()

    def _ask_to_supersede(self, refusal: model.AlreadySigned, notes: str) -> None:
        """The period is signed already: sign again only to supersede it, with a reason."""

        def save(store: Store, values: dict[str, str]) -> model.HandoverRecord:
            return model.sign_handover(
                store, notes=notes, supersedes=refusal.handover_id, reason=values["text"]
            )

        self.open_form(
            StepForm(
                save,
                _("This period is already signed (handover {id}). Supersede it?").format(
                    id=refusal.handover_id[:13]
                ),
                _("Why does this handover replace the signed one?"),
                button=_("Sign again"),
                placeholder=_("e.g. the night's incident was missing"),
            ),
            None,
            self._signed,
        )

    def action_accept(self) -> None:
        if not self.in_view("#handover-history", _("the signed handovers")):
            return
        table = self.query_one("#handover-history", RecordTable)
        key = table.cursor_key
        if key is None or self.data is None:
            self.refuse_key(_("0 signed handovers to accept."))
            return
        record = next(r for r in self.data.history if r.id == key)

        def asked(refusal: StoreError | None) -> None:
            if refusal is not None:  # signed by you, withdrawn, superseded: nothing is asked
                self.refuse_key(plain(sentence(refusal)))
            else:
                self._ask_accept(record)

        # the store says whether it would refuse (the same checks as accepting), before asking
        self.read_then(lambda store: model.acceptance_refusal(store, key), asked, group="accept")

    def _ask_accept(self, record: model.HandoverRecord) -> None:
        key = record.id
        warning = ""
        if record.overlaps:
            warning = _(" It overlaps another signed handover in force ({ids}).").format(
                ids=", ".join(i[:13] for i in record.overlaps)
            )
        self.confirm(
            _("Accept the handover of {when}, signed by {who}?").format(
                when=at(record.period_start), who=record.signed_by
            )
            + warning,
            _("Accept"),
            lambda: self.write(
                lambda store: model.accept_handover(store, key), _("Handover accepted.")
            ),
        )

    def action_withdraw(self) -> None:
        if not self.in_view("#handover-history", _("the signed handovers")):
            return
        key = self.query_one("#handover-history", RecordTable).cursor_key
        if key is None or self.data is None:
            self.refuse_key(_("0 signed handovers to withdraw."))
            return
        record = next(r for r in self.data.history if r.id == key)

        def save(store: Store, values: dict[str, str]) -> model.HandoverRecord:
            return model.withdraw_handover(store, key, values["text"])

        self.open_form(
            StepForm(
                save,
                _("Withdraw the handover of {when}, signed by {who}?").format(
                    when=at(record.period_start), who=record.signed_by
                ),
                _("Why is it withdrawn?"),
                button=_("Withdraw"),
            ),
            _("Handover withdrawn."),
        )

    def action_jump(self) -> None:
        key = self.query_one("#open-items", RecordTable).cursor_key
        if key is None or self.data is None:
            return
        kind, _sep, number = key.partition(":")
        items = self.data.draft["assessment"]
        if number.isdigit() and int(number) < len(items):
            ids = items[int(number)]["ids"]
        else:
            ids = next((i["ids"] for i in items if i["kind"] == kind), [])
        self.console_app.action_go(JUMPS.get(kind, "today"))
        screen = self.console_app.main_screen()
        if not ids or screen is None:
            return
        reveal = None
        if kind == "flagged_log":
            reveal = getattr(screen, "reveal_log", None)
        elif kind in ("replan", "open_signals", "conflicts", "quarantined"):
            reveal = getattr(screen, "reveal", None)
        if reveal is not None:  # the first open item of that kind, with the cursor on it
            first = ids[0]
            screen.when_mounted(lambda: reveal(first))


class HandoverNotes(NotesArea):
    """The notes: Escape leaves them (back to the open items), so screen keys work again."""

    BINDINGS = [Binding("escape", "leave", _("Leave notes"))]

    def action_leave(self) -> None:
        self.screen.query_one("#open-items").focus()
