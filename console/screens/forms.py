"""Modal forms of the Agenda screen: add/edit an activity, pick a concept, restrict.

Each form hands its values to a ``save`` callback that calls the store and returns ``None`` on
success or the store's refusal sentence, which the form shows inline and stays open. So every
rule is checked once, in the store, exactly as on the command line. Headings, choices and
refusals quote what people typed, so they are shown literally (``console.literal``); a value
put back into an input for editing has its control characters written out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from store.agenda import KINDS, RESTRICTION_KINDS, RESTRICTION_REASONS, ConceptOption

from ..i18n import _
from ..literal import literal, plain
from ..widgets.inputs import TextInput

Save = Callable[[dict[str, str]], str | None]


@dataclass(frozen=True)
class ActivityDefaults:
    person: str = ""
    title: str = ""
    start: str = ""
    end: str = ""
    location: str = ""
    kind: str = "work"


class FormScreen(ModalScreen[bool]):
    """Shared behaviour: escape cancels, the error line, calling ``save``."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"))]

    def __init__(self, save: Save) -> None:
        super().__init__()
        self.save = save

    def action_cancel(self) -> None:
        self.dismiss(False)

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def submit(self) -> None:
        error = self.save(self.values())
        if error:
            self.query_one(".error", Static).update(literal(error, limit=None))
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#save")
    def _on_save(self) -> None:
        self.submit()

    @on(Button.Pressed, "#cancel")
    def _on_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    def _on_enter(self) -> None:
        self.submit()

    def buttons(self, label: str) -> ComposeResult:
        yield Static("", classes="error")
        with Horizontal(classes="buttons"):
            yield Button(label, id="save", variant="primary")
            yield Button(_("Cancel"), id="cancel")


class ActivityForm(FormScreen):
    """Add or edit an activity. Times: HH:MM on the board's day, or YYYY-MM-DD HH:MM."""

    def __init__(
        self, save: Save, heading: str, subjects: list[str], defaults: ActivityDefaults
    ) -> None:
        super().__init__(save)
        self.heading = heading
        self.subjects = subjects
        self.defaults = defaults

    def compose(self) -> ComposeResult:
        d = self.defaults
        with VerticalScroll(classes="form"):
            yield Label(literal(self.heading), classes="title")
            yield Label(_("Protected person (code name)"))
            yield Select(
                [(literal(code), code) for code in self.subjects],
                id="person",
                value=d.person or Select.NULL,
                prompt=_("Choose…"),
            )
            yield Label(_("Title"))
            yield TextInput(plain(d.title), id="title", placeholder=_("e.g. Zitting rechtbank"))
            yield Label(_("Start and end (HH:MM, or YYYY-MM-DD HH:MM, Europe/Amsterdam)"))
            with Horizontal(classes="times"):
                yield TextInput(plain(d.start), id="start", placeholder="09:30")
                yield TextInput(plain(d.end), id="end", placeholder="11:00")
            yield Label(_("Location"))
            yield TextInput(plain(d.location), id="location")
            yield Label(_("Kind"))
            yield Select([(k, k) for k in KINDS], id="kind", value=d.kind, allow_blank=False)
            yield from self.buttons(_("Save"))

    def on_mount(self) -> None:
        target = "#title" if self.defaults.person else "#person"
        self.query_one(target).focus()

    def values(self) -> dict[str, str]:
        person = self.query_one("#person", Select)
        return {
            "person": "" if person.is_blank() else str(person.value),
            "title": self.query_one("#title", Input).value,
            "start": self.query_one("#start", Input).value,
            "end": self.query_one("#end", Input).value,
            "location": self.query_one("#location", Input).value,
            "kind": str(self.query_one("#kind", Select).value),
        }


class ConceptPicker(FormScreen):
    """Only valid concepts can be chosen; every other one says why not (R1, R3, R4)."""

    def __init__(self, save: Save, heading: str, options: list[ConceptOption]) -> None:
        super().__init__(save)
        self.heading = heading
        self.options = options

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Label(literal(self.heading), classes="title")
            items = []
            for option in self.options:
                if option.valid:
                    items.append(
                        Option(
                            literal(f"{option.code:<10} {option.level}  {option.name}"),
                            id=option.code,
                        )
                    )
                else:
                    items.append(
                        Option(
                            literal(f"{option.code:<10} {option.level}  ✗ {option.reason}"),
                            id=option.code,
                            disabled=True,
                        )
                    )
            yield OptionList(*items, id="concept-options")
            yield from self.buttons(_("Assign"))

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        for index, option in enumerate(self.options):
            if option.valid:
                picker.highlighted = index
                break
        picker.focus()

    @on(OptionList.OptionSelected)
    def _on_selected(self) -> None:
        self.submit()

    def values(self) -> dict[str, str]:
        picker = self.query_one(OptionList)
        if picker.highlighted is None:
            return {"concept": ""}
        return {"concept": str(picker.get_option_at_index(picker.highlighted).id)}


class RestrictForm(FormScreen):
    """Record a facilitation restriction (R5): kind, reason, deciding authority."""

    def __init__(self, save: Save, heading: str) -> None:
        super().__init__(save)
        self.heading = heading

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Label(literal(self.heading), classes="title")
            yield Label(_("What happens to the activity"))
            yield Select(
                [(k, k) for k in RESTRICTION_KINDS], id="kind", value="cancelled", allow_blank=False
            )
            yield Label(_("Reason"))
            yield Select(
                [(r, r) for r in RESTRICTION_REASONS],
                id="reason",
                value="capacity",
                allow_blank=False,
            )
            yield Label(_("Deciding authority"))
            yield TextInput(id="authority", placeholder=_("e.g. OvJ Havenstad, burgemeester, NCTV"))
            yield Label(_("New start / end (moved, shortened) — HH:MM"))
            with Horizontal(classes="times"):
                yield TextInput(id="start", placeholder="14:00")
                yield TextInput(id="end", placeholder="15:00")
            yield Label(_("New location (relocated)"))
            yield TextInput(id="location")
            yield Label(_("Note"))
            yield TextInput(id="note")
            yield from self.buttons(_("Record restriction"))

    def values(self) -> dict[str, str]:
        return {
            "kind": str(self.query_one("#kind", Select).value),
            "reason": str(self.query_one("#reason", Select).value),
            "authority": self.query_one("#authority", Input).value,
            "start": self.query_one("#start", Input).value,
            "end": self.query_one("#end", Input).value,
            "location": self.query_one("#location", Input).value,
            "note": self.query_one("#note", Input).value,
        }


class MoveForm(FormScreen):
    """An edit that moves an activity (time, length, place): either a correction of a mistake
    in the agenda (with its reason) or a restriction decided by an authority (R5)."""

    def __init__(self, save: Save, heading: str) -> None:
        super().__init__(save)
        self.heading = heading

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Label(literal(self.heading, limit=None), classes="title")
            yield Label(_("What is this change?"))
            yield Select(
                [
                    (_("A correction: the agenda was wrong"), "correction"),
                    (_("A restriction: it was decided to move it (R5)"), "restriction"),
                ],
                id="how",
                value="correction",
                allow_blank=False,
            )
            yield Label(_("Correction: what was wrong"))
            yield Input(id="why", placeholder=_("e.g. typo in the start time"))
            yield Label(_("Restriction: reason and deciding authority"))
            yield Select(
                [(r, r) for r in RESTRICTION_REASONS],
                id="reason",
                value="capacity",
                allow_blank=False,
            )
            yield Input(id="authority", placeholder=_("e.g. OvJ Havenstad, burgemeester, NCTV"))
            yield from self.buttons(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#why").focus()

    def values(self) -> dict[str, str]:
        return {
            "how": str(self.query_one("#how", Select).value),
            "why": self.query_one("#why", Input).value,
            "reason": str(self.query_one("#reason", Select).value),
            "authority": self.query_one("#authority", Input).value,
        }


class SignalForm(FormScreen):
    """Raise a signal: text, category, urgency, TLP; person and activity pre-filled."""

    def __init__(
        self,
        save: Save,
        subjects: list[str],
        person: str | None,
        activity: str | None,
        activity_label: str,
    ) -> None:
        super().__init__(save)
        self.subjects = subjects
        self.person = person
        self.activity = activity
        self.activity_label = activity_label

    def compose(self) -> ComposeResult:
        from store.signals import CATEGORIES, TLPS, URGENCIES

        with VerticalScroll(classes="form"):
            yield Label(_("Raise a signal to the information organisation"), classes="title")
            yield Label(_("What did you see?"))
            yield TextInput(id="text", placeholder=_("e.g. grey van passed the house twice"))
            with Horizontal(classes="times"):
                yield Select(
                    [(c.replace("_", " "), c) for c in CATEGORIES],
                    id="category",
                    value="possible_surveillance",
                    allow_blank=False,
                )
                yield Select(
                    [(u, u) for u in URGENCIES], id="urgency", value="priority", allow_blank=False
                )
                yield Select(
                    [(f"TLP:{t.upper()}", t) for t in TLPS],
                    id="tlp",
                    value="amber",
                    allow_blank=False,
                )
            yield Label(_("Person concerned"))
            yield Select(
                [(literal(code), code) for code in self.subjects],
                id="person",
                value=self.person or Select.NULL,
                prompt=_("none"),
            )
            yield Label(
                literal(_("Activity: {label}").format(label=self.activity_label or _("none")))
            )
            yield Label(_("Where"))
            yield TextInput(id="location")
            yield from self.buttons(_("Raise signal"))

    def on_mount(self) -> None:
        self.query_one("#text").focus()

    def values(self) -> dict[str, str]:
        person = self.query_one("#person", Select)
        return {
            "text": self.query_one("#text", Input).value,
            "category": str(self.query_one("#category", Select).value),
            "urgency": str(self.query_one("#urgency", Select).value),
            "tlp": str(self.query_one("#tlp", Select).value),
            "person": "" if person.is_blank() else str(person.value),
            "activity": self.activity or "",
            "location": self.query_one("#location", Input).value,
        }


class StepForm(FormScreen):
    """One workflow step: a text line, and optionally a choice (an outcome, a sighting)."""

    def __init__(
        self,
        save: Save,
        heading: str,
        label: str,
        choices: tuple[str, ...] = (),
        required: bool = False,
    ) -> None:
        super().__init__(save)
        self.heading = heading
        self.label = label
        self.choices = choices
        self.required = required

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Label(literal(self.heading), classes="title")
            if self.choices:
                yield Select(
                    [(c.replace("_", " "), c) for c in self.choices],
                    id="choice",
                    value=self.choices[0],
                    allow_blank=False,
                )
            yield Label(literal(self.label))
            yield TextInput(id="text")
            yield from self.buttons(_("Record"))

    def on_mount(self) -> None:
        self.query_one("#text").focus()

    def values(self) -> dict[str, str]:
        choice = self.query("#choice")
        return {
            "text": self.query_one("#text", Input).value,
            "choice": str(choice.first(Select).value) if choice else "",
        }
