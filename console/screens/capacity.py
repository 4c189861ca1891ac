"""Capacity: per unit, bars of demand against supply for the coming week (red where the roster
falls short; they scroll under their day labels, Tab onto them, and a line says how many units
are out of view), and below them in tabs the bottleneck windows, a what-if scenario whose result
appears beside the baseline (it changes nothing in the database), the restrictions per unit and
week, and the letter's capacity reinforcements.

Keys: ``b`` bottlenecks, ``w`` what-if scenario (Enter in its fields, or ``ctrl+s`` anywhere on
its tab, runs it), ``r`` restrictions, ``f`` reinforcements (funding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.widgets import Button, Input, Select, Static, TabbedContent, TabPane

from store import access
from store import capacity as model
from store.catalogue import list_reinforcements, list_units, reinforcement_totals
from store.clock import day_bounds, today
from store.db import Store
from store.staff import find_staff
from store.validate import visible, whole_text
from words.access import roles

from ..actions import Action
from ..i18n import _, ngettext
from ..literal import literal, template
from ..times import at
from ..widgets.inputs import FormSelect, TextInput
from ..widgets.table import Column, RecordTable, Row
from .base import BaseScreen, Unfit

DAYS = 7
BLOCKS = " ▁▂▃▄▅▆▇█"
KINDS = (
    (_("add officers"), "add_officers"),
    (_("remove officers"), "remove_officers"),
    (_("lend officers"), "lend"),
    (_("add protected persons"), "add_persons"),
)


@dataclass(frozen=True)
class CapacityData:
    start: datetime
    supply: float
    demand: float
    short: float
    axis: Text  # the day labels over the bars
    bars: Text  # a line per unit, then the legend
    unit_count: int
    bottlenecks: list[Row]
    restrictions: list[Row]
    reinforcements: list[Row]
    units: list[str]
    own_unit: str | None  # the acting person's unit: the scenario's default
    #: of the demand and the shortfall, the hours assumed (activities without a valid concept,
    #: counted at the lightest valid concept: ``CapacityRow.demand_assumed_hours``)
    assumed: float = 0.0
    short_assumed: float = 0.0


def render_bars(daily: dict[str, list[model.CapacityRow]]) -> tuple[Text, Text]:
    """The day labels (a line that stays in view), and under them one row per unit (those
    short first) with per day a block for occupancy (demand / supply) and the hours short,
    then the legend. Day labels and cells share one width, so they line up."""
    if not daily:
        return Text(""), Text(_("0 units with supply or demand in this period."))
    width = 9
    days = [row.key for row in next(iter(daily.values()))]
    axis = Text(no_wrap=True, overflow="ellipsis")
    axis.append(" " * 10, style="bold")
    for day in days:
        axis.append(f"{day[5:]:>{width}}", style="bold")
    text = Text(no_wrap=True, overflow="ellipsis")
    short_first = sorted(daily, key=lambda u: (-sum(r.shortfall_hours for r in daily[u]), u))
    for unit in short_first:
        text.append(f"{visible(unit)[:9]:<10}", style="bold")
        for row in daily[unit]:
            level = min(8, round((row.occupancy or 0) * 8)) if row.supply_hours else 8
            text.append(" ")  # every cell: a space, the block, the hours short (or blank)
            if row.shortfall_hours:
                text.append(
                    f"{BLOCKS[level]}{row.shortfall_hours:>6.1f}h", style="bold white on red3"
                )
            else:
                text.append(f"{BLOCKS[level]:<{width - 1}}", style="green3")
        text.append("\n")
    text.append(_("block = demand ÷ supply; red = officer-hours short that day"), style="dim")
    rows = [r for unit_rows in daily.values() for r in unit_rows]
    if any(r.demand_assumed_hours for r in rows):
        short = sum(r.shortfall_assumed_hours for r in rows)
        per_unit = [
            f"{visible(unit)} {hours:.0f}"
            for unit in short_first
            if (hours := sum(r.demand_assumed_hours for r in daily[unit]))
        ]
        text.append("\n")
        text.append(_("h assumed per unit: {units}").format(units=", ".join(per_unit)), style="dim")
        text.append("\n")
        text.append(
            _(
                "assumed = demand of activities without a valid concept, counted at the\n"
                "lightest valid concept; of the shortfall {short} h is assumed"
            ).format(short=f"{short:.0f}"),
            style="dim",
        )
    return axis, text


def fetch_capacity(store: Store) -> CapacityData:
    start = day_bounds(today(store.clock))[0]
    end = start + timedelta(days=DAYS)
    daily, worst = model.week_overview(store, start, DAYS)
    restricted = model.restriction_report(store, start - timedelta(days=28), end)
    rows = [r for rows in daily.values() for r in rows]
    reinforcements = [
        Row(str(i), (literal(r.organisation), literal(r.fte), literal(r.purpose)))
        for i, r in enumerate(list_reinforcements(store))
    ] + [
        Row(
            f"total:{organisation}",
            (literal(organisation, "b"), literal(fte, "b"), literal(_("total"))),
        )
        for organisation, fte in reinforcement_totals(store).items()
    ]
    return CapacityData(
        start,
        sum(r.supply_hours for r in rows),
        sum(r.demand_hours for r in rows),
        sum(r.shortfall_hours for r in rows),
        *render_bars(daily),
        len(daily),
        [
            Row(
                str(i),
                (
                    Text(at(gap.start)[5:], end=""),
                    Text(at(gap.end, date=False), end=""),
                    literal(gap.unit),
                    literal(gap.qualification.replace("_", " ")),
                    literal(gap.shortfall, "b red"),
                    Text(f"{gap.shortfall_hours:.1f}", end=""),
                ),
            )
            for i, gap in enumerate(worst)
        ],
        [
            Row(
                f"{row['unit']}:{row['week']}",
                tuple(
                    literal(row[k])
                    for k in ("unit", "week", "capacity", "threat", "tbp_choice", "total")
                ),
            )
            for row in restricted
        ],
        reinforcements,
        [u.code for u in list_units(store)],
        _own_unit(store),
        sum(r.demand_assumed_hours for r in rows),
        sum(r.shortfall_assumed_hours for r in rows),
    )


def _own_unit(store: Store) -> str | None:
    """The acting person's unit (None for someone not on the staff list)."""
    person = find_staff(store, store.actor.callsign)
    return None if person is None else person.unit


class ScenarioPanel(Vertical):
    """The What-if tab: its fields, button and result. Out of sight when the screen opens, so
    mounted after the screen's first paint (``Lazy``): its selects, inputs and table are a
    third of the screen's widgets, styled and laid out on the UI thread (issue 18)."""

    def on_mount(self) -> None:
        screen = self.screen
        if isinstance(screen, CapacityScreen):
            screen.scenario_mounted()


class UnitBars(VerticalScroll):
    """The units' bars: a Tab stop whose arrows scroll them; the screen says how many units
    are out of view whenever the view moves or changes size."""

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._tell()

    def on_resize(self) -> None:
        self._tell()

    def on_focus(self) -> None:
        self._tell()

    def on_blur(self) -> None:
        self._tell()

    def _tell(self) -> None:
        screen = self.screen
        if isinstance(screen, CapacityScreen):
            screen.call_after_refresh(screen.count_hidden_units)


class CapacityScreen(BaseScreen[CapacityData]):
    MODE = "capacity"
    MAIN = "#bottlenecks-table"
    TITLE = _("Capacity")
    #: ctrl+s runs the scenario as it saves a form (README: "save with Enter (or ctrl+s) in
    #: any field"); shown in the footer while the What-if tab is open.
    BINDINGS = [Binding("ctrl+s", "save", _("Run"), key_display="^s")]
    PURPOSE = _("supply against demand per unit for the week (capaciteit), bottlenecks, scenarios")
    ACTIONS: ClassVar[tuple[Action, ...]] = (
        Action(
            "b",
            "tab('bottlenecks')",
            _("Bottlenecks"),
            _("Bottleneck windows"),
            _("The gaps that cost the most officer-hours this week"),
        ),
        Action(
            "w",
            "scenario",
            _("What if"),
            _("Run a capacity scenario (what if)"),
            _(
                "Add, remove or lend officers, or add protected persons, and see each unit's "
                "shortfall beside the baseline; writes nothing"
            ),
            permission="capacity.scenario",
        ),
        Action(
            "r",
            "tab('restrictions')",
            _("Restrictions"),
            _("Restrictions per unit and week"),
            _("Facilitation restrictions recorded in the last four weeks, by reason (R5)"),
        ),
        Action(
            "f",
            "tab('reinforcements')",
            _("Funding"),
            _("Capacity reinforcements"),
            _("The letter's table of capacity reinforcements (FTE)"),
        ),
    )

    def compose_body(self) -> ComposeResult:
        yield Static(_("Loading…"), id="capacity-summary", classes="summary")
        yield Static(id="capacity-axis")  # the days stay in view while the units scroll
        with UnitBars(id="capacity-bars"):  # Tab onto it, arrows scroll it
            yield Static(id="capacity-units")
        yield Static("", id="capacity-more")  # "+3 more units below": none is hidden unsaid
        with TabbedContent(id="capacity-tabs", initial="bottlenecks"):
            with TabPane(_("Bottlenecks (b)"), id="bottlenecks"):
                yield RecordTable(
                    [
                        Column(_("From"), 11),
                        Column(_("To"), 5),
                        Column(_("Unit"), 8),
                        Column(_("Qualification"), 16, grow=True),
                        Column(_("Short"), 5, align="right"),
                        Column(_("Hours"), 6, align="right"),
                    ],
                    id="bottlenecks-table",
                    empty=_("0 bottlenecks this week."),
                )
            with TabPane(_("What if (w)"), id="scenario"), Lazy(ScenarioPanel(id="scenario-panel")):
                with Horizontal(classes="scenario-line"):
                    yield from self._scenario_inputs()
                yield Static("", id="scenario-error", classes="error")
                yield RecordTable(
                    [
                        Column(_("Unit"), 10),
                        Column(_("Now: h short"), 12, align="right"),
                        Column(_("Scenario: h short"), 17, align="right"),
                        Column(_("Change"), 8, align="right"),
                        Column(_("Lent"), 20, grow=True),
                    ],
                    id="scenario-result",
                    empty=_(
                        "Choose a change and run it: the result appears here, beside the baseline."
                    ),
                )
            with TabPane(_("Restrictions (r)"), id="restrictions"):
                yield RecordTable(
                    [
                        Column(_("Unit"), 8),
                        Column(_("Week"), 9),
                        Column(_("Capacity"), 8, align="right"),
                        Column(_("Threat"), 6, align="right"),
                        Column(_("TBP's choice"), 12, align="right"),
                        Column(_("Total"), 5, align="right"),
                    ],
                    id="restrictions-table",
                    empty=_("0 restrictions in the last four weeks."),
                )
            with TabPane(_("Funding (f)"), id="reinforcements"):
                yield RecordTable(
                    [
                        Column(_("Organisation"), 12),
                        Column(_("FTE"), 6, align="right"),
                        Column(_("Purpose"), 40, grow=True),
                    ],
                    id="reinforcements-table",
                    zebra=False,
                )

    def _scenario_inputs(self) -> ComposeResult:
        """The What-if line: the kind of change, how many, the units, the level, Run."""
        yield FormSelect(
            KINDS, id="scenario-kind", value="add_officers", allow_blank=False, compact=True
        )
        yield TextInput(
            "2", id="scenario-count", type="integer", compact=True, placeholder=_("how many")
        )
        yield FormSelect([], id="scenario-unit", prompt=_("unit"), compact=True)
        yield FormSelect([], id="scenario-to", prompt=_("to unit (lend)"), compact=True)
        yield TextInput(
            "", id="scenario-level", type="integer", compact=True, placeholder=_("threat level")
        )
        yield Button(_("Run"), id="scenario-run", variant="primary", compact=True)

    def __init__(self) -> None:
        super().__init__()
        #: What waits for the What-if panel to be mounted; None once it is.
        self._scenario_waiting: list[Callable[[], object]] | None = []
        #: The units the What-if's two unit lists offer (set again only when they change).
        self._units_offered: list[str] = []

    def on_mount(self) -> None:
        self.query_one("#bottlenecks-table", RecordTable).focus()
        super().on_mount()

    def scenario_mounted(self) -> None:
        """The What-if panel is mounted (after the screen's first paint, ``Lazy``): offered to
        the roles it is for, filled with the units, then what waited for it done."""
        if not access.may(self.actor, "capacity.scenario"):
            self.query_one("#scenario-run", Button).disabled = True
            self.query_one("#scenario-error", Static).update(
                _("Scenarios are for: {roles}.").format(
                    roles=roles(sorted(access.PERMISSIONS["capacity.scenario"]))
                )
            )
        if self.data is not None:
            self._offer_units(self.data.units, self.data.own_unit)
        waiting, self._scenario_waiting = self._scenario_waiting or [], None
        for callback in waiting:
            callback()

    def when_scenario(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the What-if panel is mounted (now, when it is)."""
        if self._scenario_waiting is None:
            callback()
        else:
            self._scenario_waiting.append(callback)

    load = staticmethod(fetch_capacity)

    #: The figures a shown scenario was worked out against (None: no scenario shown).
    scenario_basis: tuple[float, float, float] | None = None

    def show(self, data: CapacityData) -> None:
        basis = (data.supply, data.demand, data.short)
        if self.scenario_basis is not None and basis != self.scenario_basis:
            self.query_one("#scenario-error", Static).update(
                _(
                    "The data changed since this scenario was worked out: its figures are out "
                    "of date; Run it again."
                )
            )
        self.query_one("#capacity-summary", Static).update(
            template(
                # one line at 80 columns (h: officer-hours, as in the bars' legend)
                _(
                    "$days days from $day · supply $supply h · demand $demand h · "
                    "[b]short $short h[/]"
                )
                if not data.assumed
                # one line at 80 columns still: the bars' legend says what is assumed
                else _(
                    "From $day · supply $supply h · demand $demand h ($assumed assumed) · "
                    "[b]short $short h[/]"
                ),
                days=DAYS,
                day=at(data.start)[:10],
                supply=f"{data.supply:.0f}",
                demand=f"{data.demand:.0f}",
                short=f"{data.short:.0f}",
                assumed=f"{data.assumed:.0f}",
            )
        )
        self.query_one("#capacity-axis", Static).update(data.axis)
        self.query_one("#capacity-units", Static).update(data.bars)
        self.call_after_refresh(self.count_hidden_units)
        self.query_one("#bottlenecks-table", RecordTable).set_rows(data.bottlenecks)
        self.query_one("#restrictions-table", RecordTable).set_rows(data.restrictions)
        self.query_one("#reinforcements-table", RecordTable).set_rows(data.reinforcements)
        if self._scenario_waiting is None:  # the panel is mounted (else it asks when it is)
            self._offer_units(data.units, data.own_unit)

    def count_hidden_units(self) -> None:
        """Say how many units the bars' box hides above or below its view (a short terminal
        holds seven of eleven): Tab onto the bars and the arrows bring them in (issue 17)."""
        more = self.query_one("#capacity-more", Static)
        box = self.query_one("#capacity-bars", UnitBars)
        count = 0 if self.data is None else self.data.unit_count
        top = round(box.scroll_y)
        above = min(top, count)
        below = max(0, count - top - box.scrollable_content_region.height)
        if below and box.has_focus:
            words = ngettext(
                "+{n} more unit below: ↓ shows it", "+{n} more units below: ↓ shows them", below
            ).format(n=below)
        elif below:
            words = ngettext(
                "+{n} more unit below: Tab to the bars, then ↓",
                "+{n} more units below: Tab to the bars, then ↓",
                below,
            ).format(n=below)
        elif above:
            words = ngettext(
                "+{n} more unit above: ↑ in the bars", "+{n} more units above: ↑ in the bars", above
            ).format(n=above)
        else:
            words = ""
        more.update(words)
        more.display = bool(words)

    def _offer_units(self, units: list[str], own: str | None = None) -> None:
        if units != self._units_offered:
            self._units_offered = list(units)
            for name in ("#scenario-unit", "#scenario-to"):
                select = self.query_one(name, Select)
                keep = select.value
                select.set_options([(u, u) for u in units])
                if keep in units:
                    select.value = keep
        unit = self.query_one("#scenario-unit", Select)
        if unit.is_blank() and units:
            unit.value = own if own in units else units[0]

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        table = self.query(f"#{tab}-table")
        if table:
            table.first().focus()

    def action_leave_field(self) -> None:
        """Escape from the scenario's fields: to its result, where the screen's keys work."""
        active = self.query_one(TabbedContent).active
        table = "#scenario-result" if active == "scenario" else f"#{active}-table"
        found = self.query(table)  # the What-if panel may not be mounted yet
        if found:
            self.set_focus(found.first())  # now: the next key is the screen's (fix17m)

    def action_scenario(self) -> None:
        self.query_one(TabbedContent).active = "scenario"
        self.when_scenario(lambda: self.query_one("#scenario-count", Input).focus())

    def _scenario_open(self) -> bool:
        """Whether the What-if tab is the one shown, its panel mounted."""
        return self._scenario_waiting is None and self.query_one(TabbedContent).active == "scenario"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":  # ctrl+s: on the What-if tab, for the roles it is for
            return self._scenario_open() and access.may(self.actor, "capacity.scenario")
        return super().check_action(action, parameters)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.refresh_bindings()  # ^s Run is in the footer on the What-if tab alone

    def action_save(self) -> None:
        """ctrl+s (and Enter on a drop-down) on the What-if tab: run the scenario."""
        if self._scenario_open():
            self.run_scenario()

    @on(Input.Submitted, "#scenario-panel Input")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_scenario()

    @on(Button.Pressed, "#scenario-run")
    def run_scenario(self) -> None:
        error = self.query_one("#scenario-error", Static)
        kind = str(self.query_one("#scenario-kind", Select).value)
        to_unit = self.query_one("#scenario-to", Select)
        unit = self.query_one("#scenario-unit", Select)
        count_text = self.query_one("#scenario-count", Input).value
        level_text = self.query_one("#scenario-level", Input).value
        error.update(_("Working it out…"))

        def run(store: Store) -> list[model.ScenarioRow]:
            try:
                change = model.Change(
                    kind,
                    whole_text(count_text or "0", _("The number"), low=0, high=1000),
                    "" if unit.is_blank() else str(unit.value),
                    level=(
                        whole_text(level_text, _("The threat level"), low=0, high=1000)
                        if level_text
                        else None
                    ),
                    to_unit=None if to_unit.is_blank() else str(to_unit.value),
                )
            except ValueError:
                raise Unfit(_("The number and the threat level are whole numbers.")) from None
            start = day_bounds(today(store.clock))[0]
            return model.run_scenario(store, [change], start, start + timedelta(days=DAYS))

        def failed(exc: BaseException) -> None:
            from .base import sentence

            error.update(literal(sentence(exc), limit=None))

        about = None if unit.is_blank() else str(unit.value)
        self.call_store(
            run, lambda rows: self.show_scenario(rows, about), group="scenario", failed=failed
        )

    def show_scenario(self, rows: list[model.ScenarioRow], unit: str | None = None) -> None:
        """The scenario's rows beside the baseline, the cursor on the unit it changes: on a
        short screen that unit's row may be below the rows in sight (80x24: RT, issue 17)."""
        if self.data is not None:
            self.scenario_basis = (self.data.supply, self.data.demand, self.data.short)
        self.query_one("#scenario-error", Static).update(
            _("Scenario worked out; nothing was written.")
        )
        self.query_one("#scenario-result", RecordTable).set_rows(
            [
                Row(
                    row.unit,
                    (
                        literal(row.unit),
                        Text(f"{row.baseline_shortfall_hours:.1f}", end=""),
                        Text(f"{row.scenario_shortfall_hours:.1f}", end=""),
                        literal(
                            f"{row.change_hours:+.1f}",
                            "red"
                            if row.change_hours > 0
                            else "green"
                            if row.change_hours < 0
                            else "",
                        ),
                        literal(
                            (_("in: ") + ", ".join(row.lent_in) if row.lent_in else "")
                            + (_(" out: ") + ", ".join(row.lent_out) if row.lent_out else "")
                        ),
                    ),
                )
                for row in rows
            ]
        )
        self.query_one("#scenario-result", RecordTable).move_to(unit)
