"""Deploying officers on an activity: the one form the Agenda's ``o`` and the Gaps screen's ``o``
open (issue 17, rev17d). It names the activity, lists who is free and qualified for its open
places now (or why nobody is offered), and may release a deployed officer instead.
"""

from __future__ import annotations

from typing import Any

from store import agenda, roster, staffing
from store.agenda import Activity
from store.clock import local_span
from store.db import Store
from words.deployments import phrase, refused

from .. import labels
from ..i18n import _
from ..literal import plain
from .base import BaseScreen, Unfit
from .forms import DeployForm, Field


def deploy_on(screen: BaseScreen[Any], activity_id: str) -> None:
    """Read the activity, who is free and qualified for it and who is on it (in a worker),
    then open the deploy form on ``screen``."""
    screen.read_then(  # keys typed meanwhile are the form's (dropped when it is refused)
        lambda store: (
            agenda.get_activity(store, activity_id),
            roster.deployable(store, activity_id),
            [s.callsign for s in roster.deployed_officers(store, activity_id)],
            roster.lapsing_within(store, activity_id),
        ),
        lambda found: deploy_form(screen, *found),
        group="options",
    )


def _offered(item: Activity, free: list[roster.Candidate]) -> str:
    """Who the form offers, or why nobody."""
    if item.status == "cancelled":  # said at once: a release is all it may take
        return refused([{"code": "activity_cancelled", "params": {}}])
    if free:
        return _("Free and qualified for its open places now: {who}.").format(
            who="; ".join(
                f"{c.callsign} ({c.unit}, "
                + ", ".join(labels.label("qualification", q) for q in c.fills)
                + ")"
                for c in free
            )
        )
    if item.concept is None:
        return _("It has no concept yet (c): a concept says which officers it needs.")
    return _("No officer is free and qualified for its open places now.")


def _kept_out(lapsing: list[roster.Problem]) -> str:
    """Why officers on duty are not offered: a qualification they need lapses within (R8)."""
    if not lapsing:
        return ""
    return " " + _("Not offered: {why}.").format(why="; ".join(phrase(p) for p in lapsing))


def deploy_form(
    screen: BaseScreen[Any],
    item: Activity,
    free: list[roster.Candidate],
    on: list[str],
    lapsing: list[roster.Problem] | None = None,
) -> None:
    """The deploy form on ``item``: deploy callsigns, or release one deployed officer; none
    for an activity that has ended (its deployments no longer change: said at once, in the
    deploy form's words, rev17g). ``lapsing``: officers on duty not offered because a
    qualification they need lapses within it (R8), said in the form's note."""
    if item.end_at <= screen.store.clock.now():
        over = {"title": item.title, "moment": item.end_at}
        said = refused([{"code": "activity_over", "params": over}])
        screen.refuse_key(plain(said))
        return
    if item.status == "cancelled" and not on:
        # nobody to release and none may be deployed: a form that could only be refused on
        # saving (rev17h); refused at once as an ended activity is
        said = refused([{"code": "activity_cancelled", "params": {}}])
        screen.refuse_key(plain(said))
        return

    def save(store: Store, values: dict[str, str]) -> list[roster.Deployment] | roster.Deployment:
        callsigns = values["callsigns"].replace(",", " ").split()
        gone = values["release"].strip()
        if gone:  # ends one deployment instead (a stranded officer, say), with a reason
            if callsigns:
                raise Unfit(_("Deploy officers or release one, not both at once."))
            return roster.release(store, item.id, gone, values["reason"])
        return staffing.deploy(store, item.id, callsigns)

    def done(made: list[roster.Deployment] | roster.Deployment) -> str:
        if isinstance(made, roster.Deployment):
            return _("Released {who} from '{title}'.").format(who=made.callsign, title=item.title)
        return _("Deployed {who} on '{title}'.").format(
            who=", ".join(d.callsign for d in made), title=item.title
        )

    screen.open_form(
        DeployForm(
            _("Deploy officers on '{title}' ({person}, {when})").format(
                title=item.title,
                person=item.person,
                when=local_span(item.start_at, item.end_at),
            ),
            [
                Field(
                    "callsigns",
                    _("Callsigns"),
                    placeholder=_("e.g. {who}").format(
                        who=" ".join(c.callsign for c in free[:2]) or "RT-0012 RT-0044"
                    ),
                ),
                Field(
                    "release",
                    _("Or release"),
                    "choice",
                    choices=tuple((c, c) for c in on),
                    blank=_("nobody (deploy)") if on else _("nobody is deployed here"),
                ),
                Field("reason", _("Reason (for a release)")),
            ],
            save,
            button=_("Deploy"),
            note=(_("Deployed here now: {who}.").format(who=", ".join(on)) + " " if on else "")
            + _offered(item, free)
            + _kept_out(lapsing or [])
            + " "
            + _(
                "Each officer must be on duty, free, rested and hold the concept's "
                "qualifications on the day (R8); the store says why not."
            ),
        ),
        done,
    )
