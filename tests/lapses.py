"""Deployments made before a lapse is recorded (R8): the store refuses a deployment whose group
a lapse already leaves a place short (``staffing.judge_deployments``), so a test of what a
lapse does to a deployed group records the lapse after the deployment, as it happens."""

from __future__ import annotations

from store import staff, staffing
from store.db import Store
from store.roster import Deployment
from store.staff import get_staff


def deploy_before_the_lapse(
    store: Store, activity_id: str, callsigns: list[str]
) -> list[Deployment]:
    """Deploy the officers with every qualification the group holds valid (those deployed there
    already too), then record each last valid day again: the lapse recorded after the
    deployment (listed, never refused).

    Args:
        store: the open database, acting as a person who may ``staff.write``.
        activity_id: the activity's id.
        callsigns: the officers.

    Returns:
        The deployments made.
    """
    group = [o.callsign for o in staffing.deployed_officers(store, activity_id)] + callsigns
    ends = {
        (c, q.code): q.valid_until
        for c in group
        for q in get_staff(store, c).qualifications
        if q.valid_until is not None
    }
    for (callsign, code), _until in ends.items():
        staff.set_qualification(store, callsign, code, None)
    made = staffing.deploy(store, activity_id, callsigns)
    for (callsign, code), until in ends.items():
        staff.set_qualification(store, callsign, code, until)
    return made
