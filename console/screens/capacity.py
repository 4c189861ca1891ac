"""Capacity: per unit, bars of demand against supply for the coming week (red where the roster
falls short), the bottleneck windows, the letter's reinforcements, and a scenario panel whose
result appears beside the baseline. A scenario changes nothing in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static

from store import access
from store import capacity as model
from store.catalogue import list_reinforcements, list_units, reinforcement_totals
from store.clock import day_bounds, local_text, today
from store.errors import StoreError
from store.gaps import Gap
from store.validate import visible

from ..i18n import _
from ..literal import literal
from ..widgets.inputs import TextInput

DAYS = 7
BLOCKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class CapacityData:
    start: datetime
    daily: dict[str, list[model.CapacityRow]]
    bottlenecks: list[Gap]
    restrictions: list[dict[str, object]]


def render_bars(daily: dict[str, list[model.CapacityRow]]) -> Text:
    """One row per unit; per day a block for occupancy (demand / supply) and the hours short."""
    text = Text()
    if not daily:
        return Text("0 units with supply or demand in this period.")
    days = [row.key[5:] for row in next(iter(daily.values()))]
    text.append(f"{'':10}" + "".join(f"{d:>9}" for d in days) + "\n", style="bold")
    for unit, rows in daily.items():
        text.append(f"{visible(unit)[:9]:<10}", style="bold")
        for row in rows:
            level = min(8, round((row.occupancy or 0) * 8)) if row.supply_hours else 8
            cell = (
                f"{BLOCKS[level]}{row.shortfall_hours:>5.1f}h "
                if row.shortfall_hours
                else f"{BLOCKS[level]}        "
            )
            style = "bold white on red3" if row.shortfall_hours else "green3"
            text.append(cell.rjust(9), style=style)
        text.append("\n")
    text.append("block = demand ÷ supply; red = officer-hours short that day", style="dim")
    return text


class CapacityScreen(Screen[None]):
    TITLE = _("Capacity")

    def __init__(self) -> None:
        super().__init__()
        self.data: CapacityData | None = None

    def compose(self) -> ComposeResult:
        units = [(u.code, u.code) for u in list_units(self.app.store)]  # type: ignore[attr-defined]
        yield Header()
        yield Static("", id="capacity-summary", classes="summary")
        yield Static(id="capacity-bars")
        with Horizontal(id="capacity-body"):
            with Vertical():
                yield Static(_("Bottleneck windows"), classes="section-title")
                yield DataTable(id="bottlenecks", cursor_type="row")
                yield Static(
                    _("Restrictions per unit and week (last four weeks)"), classes="section-title"
                )
                yield DataTable(id="restrictions", cursor_type="row")
                yield Static(_("Capacity reinforcements (the letter)"), classes="section-title")
                yield DataTable(id="reinforcements", cursor_type="row")
            with Vertical(id="scenario-panel"):
                yield Static(_("Scenario (what if) — writes nothing"), classes="section-title")
                with Horizontal(classes="times"):
                    yield Select(
                        [
                            (_("add officers"), "add_officers"),
                            (_("remove officers"), "remove_officers"),
                            (_("lend officers"), "lend"),
                            (_("add protected persons"), "add_persons"),
                        ],
                        id="scenario-kind",
                        value="add_officers",
                        allow_blank=False,
                    )
                    yield TextInput("2", id="scenario-count", type="integer")
                with Horizontal(classes="times"):
                    yield Select(units, id="scenario-unit", value="RT", allow_blank=False)
                    yield Select(units, id="scenario-to", prompt=_("to unit"))
                    yield TextInput(
                        "", id="scenario-level", placeholder=_("threat level"), type="integer"
                    )
                yield Button(_("Run scenario"), id="scenario-run", variant="primary")
                yield Static("", id="scenario-error", classes="error")
                yield DataTable(id="scenario-result", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#restrictions", DataTable).add_columns(
            _("Unit"), _("Week"), _("Capacity"), _("Threat"), _("TBP's choice"), _("Total")
        )
        self.query_one("#bottlenecks", DataTable).add_columns(
            _("From"), _("To"), _("Unit"), _("Qualification"), _("Short"), _("Hours")
        )
        table = self.query_one("#reinforcements", DataTable)
        table.add_columns(_("Organisation"), _("FTE"), _("Purpose"))
        store = self.app.store  # type: ignore[attr-defined]
        for row in list_reinforcements(store):
            table.add_row(literal(row.organisation), str(row.fte), literal(row.purpose))
        for organisation, fte in reinforcement_totals(store).items():
            table.add_row(literal(organisation, "b"), literal(fte, "b"), _("total"))
        if not access.allowed(store.actor.role, "capacity.scenario"):
            self.query_one("#scenario-run", Button).disabled = True
            self.query_one("#scenario-error", Static).update(
                _("Scenarios are for capacity analysts, planners and shift leaders.")
            )
        self.query_one("#scenario-result", DataTable).add_columns(
            _("Unit"), _("Baseline h short"), _("Scenario h short"), _("Change")
        )
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        start = day_bounds(today(store.clock))[0]
        end = start + timedelta(days=DAYS)
        daily, worst = model.week_overview(store, start, DAYS)
        data = CapacityData(
            start, daily, worst, model.restriction_report(store, start - timedelta(days=28), end)
        )
        self.app.call_from_thread(self.show, data)

    def show(self, data: CapacityData) -> None:
        self.data = data
        supply = sum(r.supply_hours for rows in data.daily.values() for r in rows)
        demand = sum(r.demand_hours for rows in data.daily.values() for r in rows)
        short = sum(r.shortfall_hours for rows in data.daily.values() for r in rows)
        self.query_one("#capacity-summary", Static).update(
            _(
                "Next {days} days from {day}: supply {supply:.0f} h · demand {demand:.0f} h · "
                "short {short:.0f} officer-hours"
            ).format(
                days=DAYS,
                day=local_text(data.start)[:10],
                supply=supply,
                demand=demand,
                short=short,
            )
        )
        self.query_one("#capacity-bars", Static).update(render_bars(data.daily))
        restricted = self.query_one("#restrictions", DataTable)
        restricted.clear()
        for row in data.restrictions:
            restricted.add_row(
                *(
                    literal(row[k])
                    for k in ("unit", "week", "capacity", "threat", "tbp_choice", "total")
                )
            )
        if not data.restrictions:
            restricted.add_row("—", "—", "0", "0", "0", "0")
        table = self.query_one("#bottlenecks", DataTable)
        table.clear()
        for gap in data.bottlenecks:
            table.add_row(
                local_text(gap.start),
                local_text(gap.end, with_date=False),
                literal(gap.unit),
                literal(gap.qualification),
                literal(gap.shortfall, "b red"),
                f"{gap.shortfall_hours:.1f}",
            )

    @on(Button.Pressed, "#scenario-run")
    def run_scenario(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        error = self.query_one("#scenario-error", Static)
        error.update("")
        kind = str(self.query_one("#scenario-kind", Select).value)
        to_unit = self.query_one("#scenario-to", Select)
        level_text = self.query_one("#scenario-level", Input).value
        try:
            count = int(self.query_one("#scenario-count", Input).value or "0")
            change = model.Change(
                kind,
                count,
                str(self.query_one("#scenario-unit", Select).value),
                level=int(level_text) if level_text else None,
                to_unit=None if to_unit.is_blank() else str(to_unit.value),
            )
            start = day_bounds(today(store.clock))[0]
            rows = model.run_scenario(store, [change], start, start + timedelta(days=DAYS))
        except ValueError:
            error.update(_("The number and the threat level are whole numbers."))
            return
        except StoreError as exc:
            error.update(literal(exc, limit=None))
            return
        table = self.query_one("#scenario-result", DataTable)
        table.clear()
        for row in rows:
            style = "red" if row.change_hours > 0 else "green" if row.change_hours < 0 else ""
            change_text = f"{row.change_hours:+.1f}"
            table.add_row(
                literal(row.unit),
                f"{row.baseline_shortfall_hours:.1f}",
                f"{row.scenario_shortfall_hours:.1f}",
                literal(change_text, style),
            )
