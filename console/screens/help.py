"""The help screen (``?``): every key, and what each screen is for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from ..i18n import _

HELP = _("""\
# Schildwacht — keys

| Key | Where | What |
|---|---|---|
| `t` | anywhere | **Today**: protected subjects, threat level, required resistance, package, today's activities |
| `a` | anywhere | **Agenda**: the day board for one day |
| `g` | anywhere | **Roster & gaps**: per unit a time line (red digits = officers short), the gaps, suggestions |
| `p` | Roster & gaps | apply the selected suggestion: deploy the officer, use the concept, or move (asks who decides) |
| `s` | anywhere | **Signals**: my signals, or the inbox of the information organisation; signal reports |
| `h` | anywhere | **Handover**: the ISBAR draft as a document, open items, notes, signed handovers |
| `x` / `c` / `j` | Handover | sign with your notes (outgoing) / accept the selected handover (incoming) / go to the selected open item (re-planning, open signals and conflicts: the record itself) |
| `k` | anywhere | **Capacity**: per unit the coming week's demand against supply (red = hours short), bottlenecks, the letter's reinforcements, and a what-if scenario beside the baseline |
| `y` | anywhere | **Sync**: the team's devices, export to / import from the shared folder (`e` / `i`, `f` to change the folder), the receipt, open conflicts with both values side by side, and changes of other laptops quarantined because the team's rules refused them |
| `1` / `2` / `v` | Sync | keep the first / second value of the selected conflict, or enter another (the rules still hold: R1 refuses a concept below the required level) |
| `!` | anywhere | raise a signal (person and activity taken from where you are) |
| `u` | anywhere | switch user: who acts from now on (callsign and secret; the laptop's operator needs none) |
| `ctrl+p` | anywhere | command palette: every action by name |
| `?` | anywhere | this help |
| `q` | anywhere | quit (the console remembers the screen and day) |
| `n` | Agenda | new activity |
| `e` | Agenda | edit the selected activity |
| `c` | Agenda | choose a concept: only valid ones can be picked; the others say why not |
| `r` | Agenda | restrict (cancel, move, shorten, relocate) with reason and authority (R5) |
| `[` / `]` | Agenda, Roster & gaps | previous / next day; `0` back to today (Agenda) |
| `l` | Agenda | write in the operational log |
| `v` `f` `i` `x` | Signals | information organisation: receive, follow up, interpret (*duiding*), close |
| `w` | Signals | add a sighting to someone else's signal (seen again, not seen, false positive) |
| `m` / `o` | Signals | my signals or all I may see / open the selected signal report |

**Colours on the day board:** green — the concept meets the required level; red — needs
re-planning (the threat rose, or the activity changed); yellow — no concept yet; grey — cancelled.

**No concession on the resistance level (R1):** a concept below the person's required level can
never be put on an activity. Scarcity may move or cancel an activity — recorded with reason and
deciding authority — but never lower its protection.

Press `escape` to close.
""")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", _("Close")), Binding("question_mark", "dismiss", "")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Markdown(HELP)
