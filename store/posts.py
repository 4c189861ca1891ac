"""Standing posts: a concept on a protected object or service for a period (``standing_post``).

A post has no officers deployed on it: the gap sweep counts its concept's staffing as demand
(``gaps``). When its subject's required level rises above the post's concept, the post needs
re-planning (``gaps.posts_below_required``); ``assign_post_concept`` puts another concept on it,
checked as a concept on an activity is (R1, R3, R4, ``agenda.check_concept``) in the same write
transaction, audited ``post.assign``. The change syncs as a field change of ``standing_post``,
which the sync judge checks the same way (``sync.plan_checks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .agenda import ConceptOption, check_concept, concept_options
from .clock import from_db, to_db
from .db import Store, resolve_id
from .errors import BadInput
from .gaps import POST_REPLAN
from .subjects import get_subject, subject_by_id


@dataclass(frozen=True)
class Post:
    """A standing post as it is now.

    Attributes:
        id: the post's id.
        subject: its subject's code.
        subject_id: its subject's id.
        concept: the concept on it.
        concept_level: the level the concept provides.
        required_level: the subject's required level now, or None (no assessment).
        start_at: when it starts (aware UTC).
        end_at: when it ends (aware UTC).
        needs_replanning: it needs re-planning (``replan_reason`` set).
        replan_reason: why, as for an activity (``POST_REPLAN``: ``below_required``,
            ``outside_package`` …), or None.
    """

    id: str
    subject: str
    subject_id: str
    concept: str
    concept_level: str
    required_level: str | None
    start_at: datetime
    end_at: datetime
    needs_replanning: bool
    replan_reason: str | None = None


_SELECT = (
    "SELECT p.id, s.code AS subject, p.subject_id, p.concept, cr.level AS concept_level,"
    f" sp.required_level, p.start_at, p.end_at, {POST_REPLAN} AS replan_reason"
    " FROM standing_post p JOIN subject s ON s.id = p.subject_id"
    " JOIN concept_rank cr ON cr.concept = p.concept"
    " JOIN concept c ON c.code = p.concept"
    " LEFT JOIN subject_protection sp ON sp.subject_id = p.subject_id"
)


def _post(row: object) -> Post:
    r = dict(row)  # type: ignore[call-overload]
    return Post(
        r["id"],
        r["subject"],
        r["subject_id"],
        r["concept"],
        r["concept_level"],
        r["required_level"],
        from_db(r["start_at"]),
        from_db(r["end_at"]),
        r["replan_reason"] is not None,
        r["replan_reason"],
    )


def list_posts(
    store: Store,
    *,
    subject: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    below: bool = False,
) -> list[Post]:
    """The standing posts, by start.

    Args:
        store: the open database.
        subject: only this subject's (its code), or None for all.
        start: only posts ending after this moment (aware), or None.
        end: only posts starting before this moment (aware), or None.
        below: only those that need re-planning (below the required level, outside the
            package, the subject's kind or the pilot scope: ``POST_REPLAN``).

    Returns:
        The posts, by start then id.

    Raises:
        NotFound: ``subject`` names no subject.
    """
    where, params = [], []
    if subject is not None:
        where.append("p.subject_id = ?")
        params.append(get_subject(store, subject).id)
    if start is not None:
        where.append("p.end_at > ?")
        params.append(to_db(start))
    if end is not None:
        where.append("p.start_at < ?")
        params.append(to_db(end))
    if below:
        where.append(f"({POST_REPLAN}) IS NOT NULL")
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    return [_post(r) for r in store.query(sql + " ORDER BY p.start_at, p.id", tuple(params))]


def get_post(store: Store, post_id: str) -> Post:
    """One standing post.

    Args:
        store: the open database.
        post_id: the post's id, or a unique prefix of at least 8 characters.

    Returns:
        The post as it is now.

    Raises:
        NotFound: no post has that id.
        BadInput: the prefix matches more than one post.
    """
    full = resolve_id(store, "standing_post", post_id, "standing post")
    row = store.one(_SELECT + " WHERE p.id = ?", (full,))
    assert row is not None  # resolve_id found it
    return _post(row)


def post_concept_options(store: Store, post_id: str) -> list[ConceptOption]:
    """Every concept judged for the post's subject, as ``assign_post_concept`` judges it
    (``agenda.concept_options``: R1, R2, R3, R4; a post has no officers deployed on it).

    Args:
        store: the open database.
        post_id: the post's id, or a unique prefix of at least 8 characters.

    Returns:
        One ``ConceptOption`` per concept, in the catalogue's order.

    Raises:
        NotFound: no post has that id.
        BadInput: the prefix matches more than one post.
    """
    post = get_post(store, post_id)
    return concept_options(store, subject_by_id(store, post.subject_id))


def assign_post_concept(store: Store, post_id: str, concept: str) -> Post:
    """Put another concept on a standing post, checked against its subject's level, package,
    kind and pilot scope as they are now (R1, R3, R4) inside the write transaction (audited
    ``post.assign``; the database's R1 trigger checks it again).

    Args:
        store: the open database, acting as a person who may ``staff.write`` (posts are
            planned with the roster).
        post_id: the post's id, or a unique prefix of at least 8 characters.
        concept: the concept's code (any case).

    Returns:
        The post as stored after the change.

    Raises:
        PermissionDenied: the acting person may not plan the roster.
        NotFound: no such post or concept.
        BadInput: the post has that concept already (``post_unchanged``; nothing written).
        RuleViolation: the concept may not go on the subject (``agenda.check_concept``).
    """
    detail: dict[str, str | None] = {}
    with store.write("post.assign", None, detail, require="staff.write") as conn:
        post = get_post(store, post_id)
        store.target(post.id)
        chosen = check_concept(store, subject_by_id(store, post.subject_id), concept)
        if chosen.code == post.concept:
            raise BadInput(code="post_unchanged", concept=post.concept)
        detail.update({"person": post.subject, "from": post.concept, "to": chosen.code})
        conn.execute("UPDATE standing_post SET concept = ? WHERE id = ?", (chosen.code, post.id))
    return get_post(store, post.id)
