"""The console's forms, declared as fields: a caption and a one-line widget per field, the first
field focused, defaults taken from the selected record, codes shown in words.

Each form hands its values to ``save(store, values)``, which runs in a worker (``FormScreen``)
and calls the same store function as the command line; a refusal is shown in the form, inline,
and the form stays open with nothing written. Headings, choices and refusals quote what people
typed, so they are shown literally (``console.literal``); a value put back into an input for
editing has its control characters written out, and a field left as it was prefilled gives back
the record's own value (``Form.values``), never its on-screen form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from store import agenda, logbook, preview, signals
from store.agenda import Activity, ConceptOption
from store.db import Store
from store.errors import BadInput
from words import person as person_words
from words.errors import concept_why

from .. import labels
from ..i18n import _
from ..literal import literal, plain
from ..times import at
from ..widgets.inputs import FlagBox, FormSelect, SecretInput, TextInput
from .base import Confirm, FormScreen, sentence

T = TypeVar("T")
Save = Callable[[Store, dict[str, str]], T]


@dataclass(frozen=True)
class Field:
    """One line of a form. ``kind``: text, secret, choice (from ``choices``: (words, code)
    pairs) or flag (a checkbox, "1" or "")."""

    name: str
    caption: str
    kind: str = "text"
    default: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    blank: str | None = None  # a choice may stay empty, shown with these words
    max_length: int = 0


def codes(kind: str, values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple(labels.choices(kind, list(values)))


def decided_by(reason: str, default: str = "capacity") -> tuple[Field, Field]:
    """A restriction's reason and its deciding authority (R5), as two fields; ``default`` ""
    leaves the reason to be chosen (``Choose…``), as the CLI's --reason is required."""
    return (
        Field(
            "reason",
            reason,
            "choice",
            default,
            codes("restriction_reason", agenda.RESTRICTION_REASONS),
            blank=None if default else _("Choose…"),
        ),
        Field(
            "authority",
            _("Deciding authority"),
            placeholder=_("e.g. OvJ Havenstad, burgemeester, NCTV"),
        ),
    )


class Form(FormScreen[T]):
    """A form of fields; Enter in a text field saves, Escape cancels. The field named
    ``first`` (by default the first field) has the focus when it opens."""

    AUTO_FOCUS = None

    def __init__(
        self,
        heading: str,
        fields: Sequence[Field],
        save: Save[T],
        *,
        button: str = "",
        note: str = "",
        first: str | None = None,
    ) -> None:
        super().__init__(save)
        self.heading = heading
        self.fields = tuple(fields)
        self.button = button or _("Save")
        self.note = note
        self.first = first or (self.fields[0].name if self.fields else None)

    def on_mount(self) -> None:
        if self.first:
            self.query_one(f"#{self.first}").focus()

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(literal(self.heading, limit=None), classes="title")
            if self.note:
                yield Static(literal(self.note, limit=None), classes="note")
            for spec in self.fields:
                with Horizontal(classes="field"):
                    yield Label(spec.caption, classes="caption")
                    yield self.widget(spec)
            yield from self.buttons(self.button)

    def widget(self, spec: Field) -> Widget:
        if spec.kind == "choice":
            value: Any = spec.default if spec.default else Select.NULL
            if spec.blank is None and not spec.default and spec.choices:
                value = spec.choices[0][1]
            return FormSelect(
                [(literal(words), code) for words, code in spec.choices],
                id=spec.name,
                value=value,
                allow_blank=spec.blank is not None,
                prompt=spec.blank or _("Choose…"),
                compact=True,
            )
        if spec.kind == "flag":
            return FlagBox(spec.placeholder, value=spec.default == "1", id=spec.name, compact=True)
        if spec.kind == "secret":
            return SecretInput(id=spec.name)
        return TextInput(
            plain(spec.default),
            id=spec.name,
            placeholder=spec.placeholder,
            max_length=spec.max_length,
            compact=True,
        )

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for spec in self.fields:
            widget = self.query_one(f"#{spec.name}")
            if isinstance(widget, Select):
                found[spec.name] = "" if widget.is_blank() else str(widget.value)
            elif isinstance(widget, Checkbox):
                found[spec.name] = "1" if widget.value else ""
            elif isinstance(widget, Input):
                found[spec.name] = self._typed(spec, widget.value)
        return found

    @staticmethod
    def _typed(spec: Field, value: str) -> str:
        """What the field holds: a prefilled value left as shown is the record's own value, not
        its on-screen form (control characters written out), so nothing the person did not
        change is ever changed."""
        return spec.default if spec.kind == "text" and value == plain(spec.default) else value

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()


# The Agenda's forms --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityDefaults:
    person: str = ""
    title: str = ""
    start: str = ""
    end: str = ""
    location: str = ""
    kind: str = "work"


class ActivityForm(Form[T]):
    """Add or edit an activity. Times: HH:MM on the board's day, or YYYY-MM-DD HH:MM."""

    def __init__(
        self, save: Save[T], heading: str, subjects: list[str], defaults: ActivityDefaults
    ) -> None:
        fields = [
            Field(
                "person",
                _("Protected person"),
                "choice",
                defaults.person,
                tuple((code, code) for code in subjects),
                blank=_("Choose…"),
            ),
            Field(
                "title", _("Title"), default=defaults.title, placeholder=_("e.g. Zitting rechtbank")
            ),
            Field(
                "start",
                _("Start"),
                default=defaults.start,
                placeholder=_("09:30 or YYYY-MM-DD HH:MM"),
            ),
            Field("end", _("End"), default=defaults.end, placeholder="11:00"),
            Field("location", _("Location"), default=defaults.location),
            Field("kind", _("Kind"), "choice", defaults.kind, codes("activity_kind", agenda.KINDS)),
        ]
        super().__init__(heading, fields, save, first="title" if defaults.person else "person")


class ConceptList(OptionList):
    """The concept choices: the cursor stops at the first and last valid one (no wrapping past
    the concepts that may not be chosen)."""

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def _step(self, direction: int) -> None:
        """Highlight the next option that is not disabled in ``direction`` (1 down, -1 up),
        without wrapping; with none highlighted, the first (down) or last (up) such option;
        with none there, the highlight stays."""
        last = len(self.options) - 1
        here = self.highlighted
        if here is None:
            order = range(last + 1) if direction == 1 else range(last, -1, -1)
        else:
            order = range(here + 1, last + 1) if direction == 1 else range(here - 1, -1, -1)
        found = next((i for i in order if not self.options[i].disabled), None)
        if found is not None:
            self.highlighted = found


class ConceptPicker(FormScreen[T]):
    """Only valid concepts can be chosen; every other one says why not (R1, R3, R4). The
    current concept is marked; the cursor starts on it (or on the first valid one)."""

    def __init__(
        self,
        save: Save[T],
        heading: str,
        options: list[ConceptOption],
        current: str | None,
        required: str | None = None,
    ) -> None:
        super().__init__(save)
        self.heading = heading
        self.options = options
        self.current = current
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(literal(self.heading, limit=None), classes="title")
            items = []
            for option in self.options:
                mark = "●" if option.code == self.current else " "
                if option.valid:
                    text = f"{mark} {option.code:<10} {option.level}  {option.name}"
                else:
                    why = concept_why(option.why, option.params)
                    text = f"{mark} {option.code:<10} {option.level}  ✗ {why}"
                items.append(
                    Option(literal(text, limit=None), id=option.code, disabled=not option.valid)
                )
            yield ConceptList(*items, id="concept-options")
            yield Static(
                _("● the concept on it now · ✗ may not be chosen, and why"), classes="note"
            )
            yield from self.buttons(_("Assign"))

    def on_mount(self) -> None:
        picker = self.query_one(ConceptList)
        valid = [i for i, o in enumerate(self.options) if o.valid]
        current = next(
            (i for i, o in enumerate(self.options) if o.code == self.current and o.valid), None
        )
        if current is not None:
            picker.highlighted = current
        elif valid:
            picker.highlighted = valid[0]
        picker.focus()

    @on(OptionList.OptionSelected)
    def _on_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """A concept above the required level takes more officers: asked once more."""
        option = self.chosen()
        if option is None or not option.valid or not self.required:
            super().submit()
            return
        if option.level == self.required or option.code == self.current:
            super().submit()
            return
        from .base import Confirm

        question = _(
            "{code} provides {level}, more than the {required} required: it takes more "
            "officers. Put it on?"
        ).format(code=option.code, level=option.level, required=self.required)

        def answered(sure: bool | None) -> None:
            if sure:
                super(ConceptPicker, self).submit()

        self.app.push_screen(Confirm(question, _("Assign")), answered)

    def chosen(self) -> ConceptOption | None:
        picker = self.query_one(ConceptList)
        if picker.highlighted is None:
            return None
        return self.options[picker.highlighted]

    def values(self) -> dict[str, str]:
        option = self.chosen()
        return {"concept": option.code if option and option.valid else ""}


def restrict_fields(
    item: Activity, start: str, end: str, kinds: Sequence[str] = agenda.RESTRICTION_KINDS
) -> list[Field]:
    """The restriction's fields; ``kinds``: those the store takes now (``restriction_kinds``:
    an activity that has ended only moves, and that is then chosen). Its focus starts on the
    authority, past the reason (fix17s), so its reason is chosen, never a default nobody
    chose (rev17r); and its present times are past, which no move takes (rev17r: the first
    save always refused), so its new times start empty."""
    ended = tuple(kinds) == ("moved",)
    if ended:
        start = end = ""
    return [
        Field(
            "kind",
            _("What happens"),
            "choice",
            kinds[0] if len(kinds) == 1 else "",  # a move: never a cancellation typed ahead
            codes("restriction_kind", kinds),
            blank=_("Choose…"),  # no default: typing ahead never cancels an activity
        ),
        *decided_by(_("Reason"), default="" if ended else "capacity"),
        Field(
            "start",
            _("New start"),
            default=start,
            placeholder=_("a time still ahead, HH:MM") if ended else _("HH:MM (moved, shortened)"),
        ),
        Field("end", _("New end"), default=end, placeholder=_("HH:MM (moved, shortened)")),
        Field(
            "location",
            _("New location"),
            default=item.location,
            placeholder=_("(moved to another place)"),
        ),
        Field("note", _("Note")),
    ]


class DeployForm(Form[T]):
    """The deploy form: its release field offers the officers deployed on the activity, and
    the button says what Enter does (deploy, or release the one chosen)."""

    @on(Select.Changed, "#release")
    def _release_chosen(self, event: Select.Changed) -> None:
        button = self.query_one("#save", Button)
        button.label = self.button if event.select.is_blank() else _("Release")


class RestrictForm(Form[T]):
    """Record a facilitation restriction (R5): what happens, reason, deciding authority; the
    times and place start as the activity's own."""

    def __init__(
        self,
        save: Save[T],
        heading: str,
        item: Activity,
        start: str,
        end: str,
        kinds: Sequence[str] = agenda.RESTRICTION_KINDS,
    ) -> None:
        # the one kind the store takes (an ended activity: a move) is chosen already: the
        # focus starts on the deciding authority, the first field to fill in (the authority
        # typed at once went into the kind's closed list and was lost, fix17s)
        super().__init__(
            heading,
            restrict_fields(item, start, end, kinds),
            save,
            button=_("Record restriction"),
            first="authority" if len(kinds) == 1 else None,
        )
        self.item = item

    def submit(self) -> None:
        """Save once what happens is chosen; a cancellation is asked first (it is final)."""
        if self.saving:
            return
        kind = self.values()["kind"]
        if not kind:
            self.query_one(".error", Static).update(
                _("Choose what happens: moved, shortened, relocated or cancelled.")
            )
            self.query_one("#kind").focus()
            return
        if not self.values()["reason"]:  # required, as the CLI's --reason (rev17r)
            self.query_one(".error", Static).update(_("Choose the reason of the restriction."))
            self.query_one("#reason").focus()
            return
        over = self.item.end_at <= self.store.clock.now()  # the clock, not the database
        if kind != "cancelled" or over:  # an activity that is over: refused inline, not asked
            super().submit()
            return
        proceed = super().submit

        def answered(sure: bool | None) -> None:
            if sure:
                proceed()

        self.app.push_screen(
            Confirm(
                _("Cancel '{title}' ({person}, {when}) for good?").format(
                    title=self.item.title, person=self.item.person, when=at(self.item.start_at)
                ),
                _("Cancel the activity"),
                _("Keep it"),  # not "Cancel (n)" beside "Cancel the activity (y)"
            ),
            answered,
        )


class MoveForm(Form[T]):
    """An edit that moves an activity (time, length, place): either a correction of a mistake
    in the agenda (with its reason) or a restriction decided by an authority (R5) — exactly the
    ways the store allows the acting person (``agenda.move_ways``), the others said in the
    note in the store's words."""

    def __init__(
        self,
        save: Save[T],
        heading: str,
        *,
        ways: tuple[str, ...] = ("correction", "restriction"),
        note: str = "",
    ) -> None:
        named = {
            "correction": _("a correction: the agenda was wrong"),
            "restriction": _("a restriction: it was decided (R5)"),
        }
        choices = tuple((named[w], w) for w in ways)
        fields = [
            Field("how", _("This change is"), "choice", ways[0], choices),
            *(
                [Field("why", _("What was wrong"), placeholder=_("e.g. typo in the start time"))]
                if "correction" in ways
                else []
            ),
            *(decided_by(_("Restriction reason")) if "restriction" in ways else ()),
        ]
        first = "why" if "correction" in ways else None
        super().__init__(heading, fields, save, first=first, note=note)


class AssessForm(Form[T]):
    """A threat assessment (level, domain, summary). As a level is typed, what recording it
    would change is previewed under the note (issue 20: ``preview.preview_assessment``, the real
    assessment tried and rolled back in a worker; nothing is written until the button).

    Typing is let settle (``SETTLE`` seconds) before a preview starts, one preview runs at a
    time, and only the preview of what the fields hold now is ever shown: a value changed while
    one runs starts the next when it ends, and a value that is the subject's own or no level
    shows the note alone (or why it is no level)."""

    SETTLE = 0.4

    def __init__(self, save: Save[T], heading: str, fields: Sequence[Field], code: str) -> None:
        note = _(
            "The required resistance and package follow from the level (R2); "
            "activities it leaves short are flagged for re-planning at once (R1)."
        )
        super().__init__(heading, fields, save, button=_("Record assessment"), note=note)
        self.code = code
        self.shown = {f.name: f.default for f in fields}  # the subject as it is
        self.asked: tuple[str, str] | None = None  # the level and domain the note is about
        self.running = False
        self.timer: Any = None

    def _say(self, more: str = "") -> None:
        said = f"{self.note}\n{more}" if more else self.note
        self.query_one(".note", Static).update(literal(said, limit=None, lines=True))

    @on(Input.Changed, "#level")
    @on(Select.Changed, "#domain")
    def _changed(self) -> None:
        if self.timer is not None:
            self.timer.stop()
        values = self.values()
        self.asked = (values["level"], values["domain"])
        if all(values[k] == self.shown[k] for k in ("level", "domain")) or not values["level"]:
            self._say()  # the subject as it is: nothing to preview
            return
        self.timer = self.set_timer(self.SETTLE, self._start)

    def _start(self) -> None:
        """The preview of what the fields hold now, unless one is still running (it starts
        this one when it ends)."""
        from store.validate import whole_text

        self.timer = None
        if self.running or self.asked is None:
            return
        typed, domain = asked = self.asked
        if all(a == self.shown[k] for a, k in zip(asked, ("level", "domain"), strict=True)):
            return
        try:
            level = whole_text(typed, _("The threat level"), low=0, high=1000)
        except BadInput as error:
            self._say(sentence(error))
            return
        code = self.code
        self.running = True

        def shown(said: str) -> None:
            self.running = False
            if self.asked == asked:
                self._say(said)
            else:
                self._start()  # the fields changed meanwhile: their preview next

        self.call_store(
            lambda store: preview.preview_assessment(
                store, code, level=level, domain=domain or None
            ),
            lambda seen: shown(person_words.preview_text(seen)),
            group="preview",
            failed=lambda error: shown(sentence(error)),
        )


class LogForm(Form[T]):
    """A log entry: its text, its kind, and whether it is flagged (carried into every handover
    until a shift leader clears it)."""

    def __init__(self, save: Save[T], about: str) -> None:
        fields = [
            Field("text", _("Entry"), placeholder=_("what happened")),
            Field("kind", _("Kind"), "choice", "note", codes("log_kind", logbook.KINDS)),
            Field(
                "flag",
                _("Flag"),
                "flag",
                placeholder=_("carry to each handover until cleared"),
            ),
        ]
        heading = _("Operational log (journaal) — {about}").format(about=about or _("general"))
        super().__init__(heading, fields, save, button=_("Log"))


# Forms on every screen -----------------------------------------------------------------------


class SignalForm(Form[T]):
    """Raise a signal: what, category, urgency, TLP, when it was seen; person and activity
    taken from where it was raised."""

    def __init__(self, person: str | None, activity: str | None, where: str) -> None:
        self.activity = activity
        # the activity is the person's: typing another person unlinks it (said in the note)
        self.activity_person = person if activity else None
        self.where = where
        fields = [
            Field(
                "text",
                _("What did you see?"),
                placeholder=_("e.g. grey van passed the house twice"),
            ),
            Field(
                "category",
                _("Category"),
                "choice",
                "possible_surveillance",
                codes("signal_category", signals.CATEGORIES),
            ),
            Field(
                "urgency", _("Urgency"), "choice", "priority", codes("urgency", signals.URGENCIES)
            ),
            Field(
                "tlp",
                _("TLP"),
                "choice",
                "amber",
                tuple((f"TLP:{t.upper()}", t) for t in signals.TLPS),
            ),
            Field("person", _("Person (code name)"), default=person or "", placeholder=_("none")),
            Field(
                "observed",
                _("Observed at"),
                placeholder=_("now, HH:MM (the last one) or YYYY-MM-DD HH:MM"),
            ),
            Field("location", _("Where")),
        ]
        note = _("About: {what}").format(what=where) if where else ""
        super().__init__(
            _("Raise a signal to the information organisation"),
            fields,
            self._raise,
            button=_("Raise signal"),
            note=note,
        )

    def _linked(self, person: str) -> bool:
        """Whether the signal is about the activity: its person is the activity's."""
        return self.activity_person is not None and (
            person.strip().casefold() == self.activity_person.casefold()
        )

    @on(Input.Changed, "#person")
    def _person_changed(self, event: Input.Changed) -> None:
        if self.activity_person is None:
            return
        note = self.query_one(".note", Static)
        if self._linked(event.value):
            note.update(literal(_("About: {what}").format(what=self.where), limit=None))
        else:
            note.update(
                literal(
                    _(
                        "Not about {what}: that activity is {person}'s; the signal is raised "
                        "without it."
                    ).format(what=self.where, person=self.activity_person),
                    limit=None,
                )
            )

    #: read with the save (``signals.reaches_with_export``): the signal reaches the information
    #: organisation only with the next sync export, so the toast does not say it has it
    waits_for_export = False

    def _raise(self, store: Store, values: dict[str, str]) -> Any:
        self.waits_for_export = signals.reaches_with_export(store)
        return signals.raise_signal(
            store,
            values["text"],
            category=values["category"],
            urgency=values["urgency"],
            tlp=values["tlp"],
            person=values["person"].strip() or None,
            activity=self.activity if self._linked(values["person"]) else None,
            location=values["location"],
            observed_at=observed_at(store, values["observed"]),
        )


def observed_at(store: Store, typed: str) -> datetime | None:
    """When a signal was seen, as typed in its form: empty or ``now`` (what the placeholder
    offers) is now; ``HH:MM`` is the last such time, today or, when later than now,
    yesterday (rev17m f4: 23:50 typed at 00:10 was refused as in the future); refused, the
    sentence lists every accepted form."""
    from store.clock import TIME_FORMS, parse_past_time

    text = typed.strip()
    if text.casefold() in ("", "now", _("now").casefold()):
        return None
    try:
        return parse_past_time(text, store.clock)
    except BadInput as error:
        if error.code != "not_a_time":
            raise
        forms = "'now', 'HH:MM' (" + _("today, or yesterday when later than now") + "), "
        forms += TIME_FORMS
        params = {**error.params, "forms": forms}
        raise BadInput(code="not_a_time", **params) from None


class StepForm(Form[T]):
    """One workflow step: a text line, and optionally a choice (an outcome, a sighting)."""

    def __init__(
        self,
        save: Save[T],
        heading: str,
        caption: str,
        choices: tuple[tuple[str, str], ...] = (),
        *,
        default: str = "",
        button: str = "",
        choice_caption: str = "",
        chosen: bool = True,
        placeholder: str = "",
        note: str = "",
    ) -> None:
        fields = []
        if choices:  # the first choice by default, or none when ``chosen`` is False
            fields.append(
                Field(
                    "choice",
                    choice_caption or _("Choose"),
                    "choice",
                    choices[0][1] if chosen else "",
                    choices,
                    blank=None if chosen else _("Choose…"),
                )
            )
        # an empty line says what goes in it, never a blank (issue 17)
        hint = placeholder or _("type here, then Enter")
        fields.append(Field("text", caption, default=default, placeholder=hint))
        super().__init__(heading, fields, save, button=button or _("Save"), note=note)
