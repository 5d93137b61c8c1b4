"""The steps of a registration path, by role: one function decides them, and
every page of the path (the invitation, the forms, the code, consent, the
chat rules) says «Шаг 2 из 3» from it.

The chat rules are a step only where a chat is open at the end of the
forms. A parent whose child the teacher has yet to confirm has nothing to
join: their path ends at consent, on the page that says they wait, and they
accept the rules when they first choose a chat (`chats.views.choose`).

A pupil's path depends on the date of birth: under 14 or in grades 1-4 a
parent confirms by a code (the parent's consent; the pupil meets no consent
step), otherwise the pupil confirms an e-mail and consents. Until the date
is known (the first page of a class above grade 4) the count is «4–5».

The path after log-in is kept in the session under PATH (with the chat rules
still ahead, or ended), so that the chat rules page can say its step, the
end of the path can say «Регистрация завершена» once, and back or reload of
a registration page land on the chats.
"""
from __future__ import annotations

from collections.abc import MutableMapping

from flask_babel import gettext as _

from .blueprint import bp

START = "start"  # a pupil's name and date of birth
FORM = "form"
CODE = "code"  # the e-mail code the person types
PARENT_CODE = "parent_code"  # a young pupil's parent confirms
CONSENT = "consent"
RULES = "rules"  # the chat rules
ACCOUNT = "account"  # the parent's own account, on the page of their child's confirmation

CHILD_PARENT = "child_parent"  # the path of a parent who confirmed a young pupil's registration

PATH = "registration_path"


def registration_steps(kind: str, route: str | None = None) -> list[str]:
    """The steps of the registration by an invite of `kind`, in order.

    `route` is a pupil's: "parent" (a parent confirms), "own", or None while
    the date of birth is unknown (the own route, the longer one)."""
    if kind == "join":
        return [FORM]  # a request: the administrator answers by e-mail
    if kind in ("student", "pupil"):
        if route == "parent":
            return [START, FORM, PARENT_CODE, RULES]
        return [START, FORM, CODE, CONSENT, RULES]
    if kind == CHILD_PARENT:
        return [ACCOUNT, RULES]  # the address and the parentage proved by confirming the child
    if kind == "admin":
        return [FORM, CODE, CONSENT]  # then the console: the organisation has no chats yet
    if kind == "parent":
        return [FORM, CODE, CONSENT]  # then the child waits for the teacher: no chat to join yet
    return [FORM, CODE, CONSENT, RULES]  # staff (the staff room's chat), guardian (linked at once)


@bp.app_template_global()
def path_kind(invite) -> str:
    """The kind whose steps this invite's path takes: a letter's parent link
    naming a pupil without an account waits for the teacher like a class's
    parent link."""
    if invite.kind == "guardian" and invite.child_id is None:
        return "parent"
    return invite.kind


def pupil_route_known(kind: str, route: str | None) -> bool:
    return kind not in ("student", "pupil") or route is not None


@bp.app_template_global()
def registration_step(kind: str, route: str | None, step: str) -> str:
    """«Шаг 2 из 4» for this step of this path ("" if the path has no such step)."""
    steps = registration_steps(kind, route)
    if step not in steps:
        return ""
    number = steps.index(step) + 1
    if pupil_route_known(kind, route):
        return _("Step %(number)d of %(total)d", number=number, total=len(steps))
    shorter = len(registration_steps(kind, "parent"))
    return _("Step %(number)d of %(shorter)d–%(total)d", number=number, shorter=shorter, total=len(steps))


@bp.app_template_global()
def registration_steps_of(kind: str, route: str | None = None) -> list[str]:
    return registration_steps(kind, route)


def remember_path(cookie: MutableMapping, *, org_id: int, kind: str, route: str | None) -> bool:
    """After log-in at the end of the forms, on the way to the chats: the
    path, so that the chat rules can say their step and back or reload land
    on the chats. Whether the path ended with the forms (no chat rules step)."""
    ended = RULES not in registration_steps(kind, route)
    cookie[PATH] = {"org": org_id, "kind": kind, "route": route, "ended": ended}
    return ended


def path_in_progress(cookie: MutableMapping, org_id: int) -> dict | None:
    """The path whose chat rules are still ahead, in this organisation."""
    path = cookie.get(PATH)
    if isinstance(path, dict) and path.get("org") == org_id and not path.get("ended"):
        return path
    return None


def finish_path(cookie: MutableMapping, org_id: int) -> bool:
    """The chat rules accepted (or nothing to accept: no chat on offer):
    whether that ended a registration path."""
    path = path_in_progress(cookie, org_id)
    if path is None:
        return False
    cookie[PATH] = {**path, "ended": True}
    return True
