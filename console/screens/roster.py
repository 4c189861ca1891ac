"""Roster & gaps: per unit a time line of demand against shortfall (gaps in red), the list of
gaps, and for a selected gap its activities and what can still be done (*wat kan wél*), with why
an option would not work beside it.

Keys: ``[``/``]`` day, ``0`` today, ``p`` apply the selected suggestion (asked first; a move
asks who decides), ``o`` deploy officers on the selected activity, ``n`` add a shift, ``j`` the
selected activity on the Agenda. Everything goes through the store, in workers; the lists
refresh after each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from store import access, agenda, machine, posts, roster
from store.agenda import Activity
from store.clock import day_bounds, local, parse_time_on, today
from store.db import Store
from store.errors import PermissionDenied
from store.gaps import Gap, gaps_by_hour, live_first, shortfall_hours
from store.staffing import deployment_violations
from store.suggest import Option, apply_suggestion, may_apply, option_needs, suggest
from words.counts import counted
from words.facts import reason
from words.suggestions import cost, describe

from ..actions import Action, KeyedTitle
from ..i18n import _
from ..literal import literal, template
from ..times import at, step_day, told
from ..widgets.dayboard import span_text
from ..widgets.drawer import Drawer, DrawerTitle
from ..widgets.table import Column, RecordTable, Row
from ..widgets.timeline import Timeline, render_timeline
from .base import BaseScreen, Unfit, sentence
from .deploying import deploy_on
from .forms import ConceptPicker, Field, Form, StepForm

HOURS = 48


@dataclass(frozen=True)
class RosterData:
    start: datetime
    gaps: list[Gap]
    rows: list[Row]
    timeline: tuple[Text, Text]  # the hour axis, the units' rows
    broken: int = 0  # deployments that break a rule now (``gaps --violations``)


@dataclass(frozen=True)
class GapDetail:
    """The activities and standing posts of one gap, read in a worker when the gap is
    highlighted."""

    gap: Gap
    activities: list[Activity]
    posts: list[posts.Post]


def posts_said(found: list[posts.Post]) -> str:
    """What a gap on standing posts asks for: re-planning those below the required level (c),
    else officers (a shift, officers lent)."""
    below = sum(p.needs_replanning for p in found)
    if below:
        return _("{posts}, {below} below the required level: re-plan with c.").format(
            posts=counted(len(found), "{n} standing post", "{n} standing posts"), below=below
        )
    return counted(
        len(found),
        "{n} standing post at the required level: add a shift (n) or lend officers.",
        "{n} standing posts at the required level: add a shift (n) or lend officers.",
    )


def fetch_roster(store: Store, day: date) -> RosterData:
    start = day_bounds(day)[0]
    # an index that no longer matches its table hides an activity from the gaps: refused as
    # damage, as `gaps` refuses it (rev14q)
    store.refuse_damaged_tables(machine.GAP_TABLES)
    found, profile = gaps_by_hour(store, start, HOURS)
    now = store.clock.now()
    found = live_first(found, now)  # what the shift can still act on first; ended ones dimmed
    rows = [
        Row(
            str(index),
            (
                Text(at(gap.start)[5:], end=""),
                Text(at(gap.end, date=False), end=""),
                literal(gap.unit),
                literal(gap.qualification.replace("_", " ")),
                Text(str(gap.required), end=""),
                Text(str(gap.available), end=""),
                literal(gap.shortfall, "b red"),
                Text(str(len(gap.activities)) if gap.activities else _("post"), end=""),
            ),
            style="dim" if gap.end <= now else "",
        )
        for index, gap in enumerate(found)
    ]
    broken = len(deployment_violations(store, start, start + timedelta(hours=HOURS)))
    return RosterData(start, found, rows, render_timeline(start, profile), broken)


def option_row(number: int, option: Option, refusal: str | None = None) -> Row:
    """An option as a row; one the acting person may not apply (``refusal``) is dim and says
    so first in Why not, before its other reasons."""
    style = "green" if option.feasible else "yellow" if option.partial else "dim"
    return Row(
        str(number),
        (
            literal(describe(option.what), "dim" if refusal else style),
            literal(why_not(option, refusal)),
            literal(cost(option.price)),
        ),
    )


def why_not(option: Option, refusal: str | None) -> str:
    would_not = "" if option.feasible or option.action == "none" else _("would not work")
    why = reason("", option.fact) or would_not
    if refusal:
        return "; ".join(filter(None, (_("not for your role"), why)))
    return why


def option_refusal(actor: access.Actor, option: Option, concept: str | None) -> str | None:
    """Why the acting person may not apply ``option`` (the store's own refusal, in words), or
    None when they may: the same permissions ``apply_option`` requires."""
    try:
        for permission in option_needs(option, concept):
            access.require(actor, permission)
    except PermissionDenied as error:
        return sentence(error)
    return None


class RosterScreen(BaseScreen[RosterData]):
    MODE = "roster"
    MAIN = "#gap-list"
    RECORDS: ClassVar[dict[str, str]] = {"suggestion": "#suggestions", "activity": "#gap-list"}
    TITLE = _("Roster & gaps")
    PURPOSE = _(
        "where the roster (rooster) falls short, per unit and hour, and what can still be done"
    )
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "p",
            "apply",
            _("Apply"),
            _("Apply the selected suggestion"),
            _(
                "Deploy the officer, use the concept, keep the team on, or move the activity "
                "(asks who decides: a restriction, R5); asked before it is done"
            ),
            permission=may_apply,
            selects="suggestion",
        ),
        Action(
            "o",
            "deploy",
            _("Officers"),
            _("Deploy officers on the gap's activity"),
            _("Put named officers on the selected activity of the gap (R8 checked)"),
            permission="staff.write",
            selects="activity",
        ),
        Action(
            "n",
            "new_shift",
            _("Shift"),
            _("Add a shift to the roster"),
            _("An officer on duty from a start to an end (supply for the gaps)"),
            permission="staff.write",
            about=True,
        ),
        Action(
            "c",
            "replan_post",
            _("Post"),
            _("Re-plan the gap's standing post"),
            _(
                "Another concept on the selected gap's standing post below the required level "
                "(R1, R3, R4)"
            ),
            permission="staff.write",
        ),
        Action(
            "j",
            "to_agenda",
            _("Agenda"),
            _("Show the gap's activity on the Agenda"),
            _("The selected activity on its day, with the cursor on it"),
            selects="activity",
        ),
        Action(
            "left_square_bracket",
            "day(-1)",
            _("Prev"),
            _("Previous day (gaps)"),
            _("The 48 hours from the day before"),
            display="[",
        ),
        Action(
            "right_square_bracket",
            "day(1)",
            _("Next"),
            _("Next day (gaps)"),
            _("The 48 hours from the day after"),
            display="]",
        ),
        Action(
            "0",
            "go_today",
            _("Today"),
            _("Gaps from today"),
            _("The 48 hours from today"),
            show=False,
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.detail: GapDetail | None = None
        self.options: list[Option] = []
        self.refusals: list[str | None] = []  # per option: why this person may not apply it

    def compose_body(self) -> ComposeResult:
        yield Static("", id="roster-summary", classes="summary")
        yield Static("", id="timeline-axis")  # stays in view while the units scroll
        with VerticalScroll(id="timeline"):  # Tab onto it, arrows scroll it
            yield Timeline(id="timeline-units")
        with Container(id="roster-top"):
            yield RecordTable(
                [
                    Column(_("From"), 11),
                    Column(_("To"), 5),
                    Column(_("Unit"), 8),
                    Column(_("Qualification"), 18),
                    Column(_("Req"), 3, align="right"),
                    Column(_("Av"), 3, align="right"),
                    Column(_("Short"), 5, align="right"),
                    Column(_("Acts"), 4, align="right"),
                ],
                id="gap-list",
                empty=_("0 gaps in these 48 hours."),
            )
            with Drawer(id="gap-detail"):
                yield DrawerTitle(_("Activities in this gap"), id="gap-title")
                yield RecordTable(
                    [
                        Column(_("Time"), 11, fit=17),
                        Column(_("Person"), 10),
                        Column(_("Title"), 16, grow=True, drop=1),
                        Column(_("Concept"), 9),
                    ],
                    id="gap-activities",
                    zebra=False,
                    empty=_("Select a gap."),
                )
        with Drawer(id="suggestion-panel"):
            yield DrawerTitle(_("What can still be done (wat kan wél) — p applies"))
            yield RecordTable(
                [
                    Column(_("Option"), 27, grow=True),
                    Column(_("Why not"), 30, grow=True),
                    Column(_("Cost"), 16),
                ],
                id="suggestions",
                zebra=False,
                empty=_("Select an activity of the gap."),
            )
            yield Static("", id="option-why")  # the selected option and its reason, whole

    KEYED_TITLES = (
        KeyedTitle(
            "#suggestion-panel DrawerTitle",
            _("What can still be done (wat kan wél)"),
            (("apply", _("p applies")),),
        ),
    )

    def on_mount(self) -> None:
        self.day = today(self.store.clock)
        self.query_one("#gap-list", RecordTable).focus()
        super().on_mount()

    load = staticmethod(fetch_roster)

    def params(self) -> tuple[Any, ...]:
        return (self.day or today(self.store.clock),)

    @classmethod
    def opening(cls, app: Any) -> tuple[Any, ...]:
        return (today(app.store.clock),)

    def show(self, data: RosterData) -> None:
        axis, rows = data.timeline
        self.query_one("#timeline-axis", Static).update(axis)
        self.query_one(Timeline).update(rows)
        hours = shortfall_hours(data.gaps)
        units = len({g.unit for g in data.gaps})
        self.query_one("#roster-summary", Static).update(
            template(
                _(
                    "[b]$day[/] and the next day · $count in $units · [b]$hours[/] officer-hours "
                    "short"
                ),
                day=at(data.start)[:10],
                count=counted(len(data.gaps), "{n} gap", "{n} gaps"),
                units=counted(units, "{n} unit", "{n} units"),
                hours=f"{hours:.1f}",
            )
            + (
                " · "
                + counted(
                    data.broken,
                    "{n} deployment breaks a rule now (gaps --violations)",
                    "{n} deployments break a rule now (gaps --violations)",
                )
                if data.broken
                else ""
            )
        )
        self.query_one("#gap-list", RecordTable).set_rows(data.rows)
        self.load_gap()

    def selected_gap(self) -> Gap | None:
        key = self.query_one("#gap-list", RecordTable).cursor_key
        if self.data is None or key is None:
            return None
        return self.data.gaps[int(key)]

    @on(RecordTable.Highlighted, "#gap-list")
    def _gap_highlighted(self) -> None:
        self.load_gap()

    @on(RecordTable.Highlighted, "#gap-activities")
    def _activity_highlighted(self) -> None:
        self.load_suggestions()

    def load_gap(self) -> None:
        gap = self.selected_gap()
        if gap is None:
            self.detail = None
            self.query_one("#gap-activities", RecordTable).set_rows([])
            self.query_one("#suggestions", RecordTable).set_rows([])
            self.query_one("#option-why", Static).update("")
            return

        def read(store: Store) -> GapDetail:
            return GapDetail(
                gap,
                [agenda.get_activity(store, i) for i in gap.activities],
                [posts.get_post(store, i) for i in gap.posts],
            )

        self.call_store(read, self.show_gap, group="gap")

    def show_gap(self, detail: GapDetail) -> None:
        self.detail = detail
        gap = detail.gap
        self.query_one("#gap-title", Static).update(
            template(
                _("Activities in this gap · $unit $qualification $from–$to"),
                unit=gap.unit,
                qualification=gap.qualification.replace("_", " "),
                **{"from": at(gap.start, date=False)},
                to=at(gap.end, date=False),
            )
        )
        table = self.query_one("#gap-activities", RecordTable)
        if detail.activities:
            table.empty = ""
            table.set_rows(
                [
                    Row(
                        item.id,
                        (
                            Text(span_text(item, local(gap.start).date()), end=""),
                            literal(item.person),
                            literal(item.title),
                            literal(item.concept or _("none")),
                        ),
                    )
                    for item in detail.activities
                ]
            )
        else:
            table.empty = posts_said(detail.posts)
            table.set_rows([])
        self.load_suggestions()

    @on(RecordTable.Highlighted, "#suggestions")
    def _option_highlighted(self) -> None:
        self.show_option()

    def show_option(self) -> None:
        """The selected option in full below the table (its reason is cut in a narrow cell):
        what it does, and why it would not work or covers only part."""
        key = self.query_one("#suggestions", RecordTable).cursor_key
        line = self.query_one("#option-why", Static)
        if key is None or not self.options or int(key) >= len(self.options):
            line.update("")
            return
        option = self.options[int(key)]
        refusal = self.refusals[int(key)] if int(key) < len(self.refusals) else None
        why = why_not(option, None)
        why = "; ".join(filter(None, (refusal and refusal.rstrip("."), why)))
        line.update(literal(f"{describe(option.what)}: {why}" if why else "", limit=None))

    def selected_activity(self) -> str | None:
        if self.detail is None or not self.detail.activities:
            return None
        return self.query_one("#gap-activities", RecordTable).cursor_key

    def load_suggestions(self) -> None:
        table = self.query_one("#suggestions", RecordTable)
        self.options = []
        activity_id = self.selected_activity()
        if activity_id is None:
            on_posts = self.detail.posts if self.detail and not self.detail.activities else []
            below = any(p.needs_replanning for p in on_posts)
            table.empty = (
                self._post_says(_("move or re-staff"), below=below)
                if on_posts
                else _("Select an activity of the gap.")
            )
            table.set_rows([])
            self.query_one("#option-why", Static).update("")
            return
        table.empty = _("Working out what can still be done…")
        table.set_rows([])
        self.query_one("#option-why", Static).update("")

        def done(options: list[Option]) -> None:
            if activity_id != self.selected_activity():
                return  # the selection moved on while this was worked out
            self.options = options
            concept = (
                next((a.concept for a in self.detail.activities if a.id == activity_id), None)
                if self.detail is not None
                else None
            )
            actor = self.console_app.actor
            self.refusals = [option_refusal(actor, o, concept) for o in options]
            table.empty = _("0 options.")
            table.set_rows([option_row(i, o, self.refusals[i]) for i, o in enumerate(options)])
            self.show_option()

        self.call_store(lambda store: suggest(store, activity_id), done, group="suggest")

    # Actions ---------------------------------------------------------------------------------

    def action_day(self, step: int) -> None:
        if self.day is None:
            return
        day, stopped = step_day(self.day, step)  # never past the days a time may fall on
        if stopped is not None and day == self.day:  # at the end already: nothing done
            self.refuse_key(stopped)
            return
        if stopped is not None:
            self.notify(stopped)
        if day != self.day:
            self.day = day
            self.reload()

    def action_go_today(self) -> None:
        day = today(self.store.clock)
        if self.day == day:
            self.notify(_("Already showing the gaps from today ({day}).").format(day=day))
            return
        self.day = day
        self.reload()

    def _post_says(self, what: str, below: bool = False) -> str:
        """What to do on a standing post's gap, which has no activity (rev17f): officers on
        duty at its unit cover it, so a shift (n) is what adds one there; a Capacity scenario
        only shows what lending would do and writes nothing. A post below the required level
        is re-planned first (c, plan21)."""
        gap = self.selected_gap()
        unit = gap.unit if gap is not None else _("its unit")
        if below:
            return _(
                "A standing post has no activity to {what}: re-plan it with a concept at the "
                "required level (c), then add a shift (n) for an officer of {unit}."
            ).format(what=what, unit=unit)
        return _(
            "A standing post has no activity to {what}: add a shift (n) for an officer of {unit}."
        ).format(what=what, unit=unit)

    def _said_on_a_post(self, what: str) -> bool:
        """On a standing post's gap: says at once what to do instead (no "press it again")."""
        if self.detail is not None and not self.detail.activities:
            self.refuse_key(self._post_says(what))
            return True
        return False

    def action_apply(self) -> None:
        if self._said_on_a_post(_("apply a suggestion to")):
            return
        if not self.in_view("#suggestions", _("what can still be done")):
            return
        table = self.query_one("#suggestions", RecordTable)
        activity_id = self.selected_activity()
        key = table.cursor_key
        if activity_id is None or key is None or not self.options:
            self.refuse_key(_("Select a gap with an activity and a suggestion first."))
            return
        option = self.options[int(key)]
        refusal = self.refusals[int(key)] if int(key) < len(self.refusals) else None
        if refusal and option.action != "none":  # refused at once, never asked first
            self.refuse_key(refusal)
            return
        if option.action == "none":  # nothing to do: the key did nothing, its burst is dropped
            self.refuse_key(literal(describe(option.what)).plain)
            return
        if not (option.feasible or option.partial):
            self.refuse_key(
                _("That option would not work: {why}").format(why=reason("", option.fact))
            )
            return
        if option.action == "move":
            self._ask_authority(activity_id, option)
            return
        self.confirm(
            _("{what}? (cost: {cost})").format(what=describe(option.what), cost=cost(option.price)),
            _("Apply"),
            lambda: self._apply(activity_id, option),
        )

    def _apply(self, activity_id: str, option: Option) -> None:
        def run(store: Store) -> int:
            before = len(roster.list_deployments(store, activity_id))
            apply_suggestion(store, activity_id, token=option.token)  # as shown, or refused
            return len(roster.list_deployments(store, activity_id)) - before

        def toast(added: int) -> str:
            if option.action == "combine" and not added:
                return _("Nothing changed: no one of that team is free for it.")
            return _("Done: {what}.").format(what=describe(option.what))

        self.write(run, toast)

    def _ask_authority(self, activity_id: str, option: Option) -> None:
        """A move is a restriction (R5): ask who decides, then apply it."""

        def save(store: Store, values: dict[str, str]) -> Activity:
            return apply_suggestion(
                store, activity_id, token=option.token, authority=values["text"]
            )[1]

        self.open_form(
            StepForm(
                save,
                _("{what} — a restriction for capacity (R5)").format(what=describe(option.what)),
                _("Deciding authority"),
                button=_("Move it"),
            ),
            _("Done: {what}.").format(what=describe(option.what)),
        )

    def action_deploy(self) -> None:
        if self._said_on_a_post(_("put officers on")):  # said at once (fix17)
            return
        if not self.in_view("#gap-activities", _("the gap's activities")):
            return
        activity_id = self.selected_activity()
        if activity_id is None:
            self.refuse_key(_("Select a gap with an activity first."))
            return
        deploy_on(self, activity_id)

    def action_new_shift(self) -> None:
        day = self.day or today(self.store.clock)
        gap = None if self.elsewhere else self.selected_gap()  # its times, seen only here

        def save(store: Store, values: dict[str, str]) -> roster.Shift:
            if not values["callsign"].strip():
                raise Unfit(_("Give the officer's callsign."))
            return roster.add_shift(
                store,
                values["callsign"],
                start=parse_time_on(values["start"], day, store.clock),
                end=parse_time_on(values["end"], day, store.clock),
            )

        self.open_form(
            Form(
                _("Add a shift on {day}").format(day=day),
                [
                    Field("callsign", _("Officer"), placeholder=_("callsign, e.g. RT-0012")),
                    Field(
                        "start",
                        _("Start"),
                        default=at(gap.start) if gap else "",
                        placeholder=_("HH:MM or YYYY-MM-DD HH:MM"),
                    ),
                    Field("end", _("End"), default=at(gap.end) if gap else ""),
                ],
                save,
                button=_("Add shift"),
            ),
            lambda shift: _("Shift added for {who}.").format(who=shift.callsign),
        )

    def action_replan_post(self) -> None:
        """The concept picker for the gap's first standing post below the required level (else
        its first post): valid concepts only, each other one saying why (R1, R3, R4)."""
        chosen = (
            next((p for p in sorted(self.detail.posts, key=lambda p: not p.needs_replanning)), None)
            if self.detail is not None
            else None
        )
        if chosen is None:
            self.refuse_key(_("Select a gap on a standing post first."))
            return
        post = chosen

        def save(store: Store, values: dict[str, str]) -> posts.Post:
            if not values["concept"]:
                raise Unfit(_("No valid concept to choose; see the reasons above."))
            return posts.assign_post_concept(store, post.id, values["concept"])

        heading = _("Concept for the standing post of {person}, {span} — requires {level}").format(
            person=post.subject,
            span=f"{at(post.start_at)}–{at(post.end_at, date=False)}",
            level=post.required_level or "—",
        )

        def picker(options: list[agenda.ConceptOption]) -> None:
            self.open_form(
                ConceptPicker(save, heading, options, post.concept, post.required_level),
                lambda done: _("{concept} ({level}) on the standing post of {person}.").format(
                    concept=done.concept, level=done.concept_level, person=done.subject
                ),
            )

        # keys typed meanwhile are the picker's
        self.read_then(
            lambda store: posts.post_concept_options(store, post.id), picker, group="options"
        )

    def action_to_agenda(self) -> None:
        if not self.elsewhere and self._said_on_a_post(_("show on the agenda")):
            return
        activity_id = self.selected_activity()
        if activity_id is None:
            self.refuse_key(_("Select a gap with an activity first."))
            return
        self.console_app.action_go("agenda")
        screen = self.console_app.main_screen()
        if screen is not None and hasattr(screen, "reveal"):
            screen.when_mounted(lambda: screen.reveal(activity_id))

    def signal_context(self) -> tuple[str | None, str | None, str]:
        activity_id = self.selected_activity()
        if activity_id is None or self.detail is None:
            return None, None, ""
        item = next(a for a in self.detail.activities if a.id == activity_id)
        return item.person, item.id, f"{item.title} ({item.person}, {told(item.start_at)})"
