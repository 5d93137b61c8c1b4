"""Letters to the people a movement or a staff change affects: in Russian
(the organisation's language, in the words of its kind), queued in the
request's transaction."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, lazy_gettext as _l

from ..db import get_session
from ..mail import outbox
from ..models import Chat, Organisation, Unit, User
from ..people import members
from ..security import external_url
from ..vocabulary import words
from ..web import now
from .departures import EmployeeDeparture, PupilDeparture
from .movement import Transfer
from .wording import staff_words


def send(org: Organisation, user: User | None, subject, template: str, **context) -> None:
    """One letter to this person, if they have an address; `subject` is lazy.
    The template gets the sentences of the organisation's kind as `sw`."""
    if user is None or not user.email:
        return
    with force_locale("ru"):
        outbox.enqueue(get_session(), to=user.email, subject=str(subject), now=now(), org_id=org.id,
                       body=render_template(f"staff/mail/{template}.txt", org=org, user=user,
                                            sw=staff_words(org.kind), login_url=external_url("auth.login"),
                                            **context))


def transferred(org: Organisation, transfer: Transfer) -> None:
    """The pupil's parents: the class changed, the new parents' chat awaits them."""
    chats_url = external_url("chats.choose", org_id=org.id)
    for parent in transfer.parents:
        send(org, parent, _l("Your child has moved to %(unit)s", unit=transfer.to_unit.name), "transferred",
             transfer=transfer, chats_url=chats_url)


def pupil_left(org: Organisation, departure: PupilDeparture) -> None:
    removed = {parent.id for parent in departure.parents_removed}
    for parent in departure.parents:
        send(org, parent, _l("%(name)s has left the organisation", name=departure.pupil.short_name), "pupil_left",
             departure=departure, removed=parent.id in removed)


def employee_left(org: Organisation, departure: EmployeeDeparture) -> None:
    send(org, departure.employee, _l("You have left the organisation"), "employee_left", departure=departure)
    if departure.successor is not None and departure.led_units:
        units = ", ".join(unit.name for unit in departure.led_units)
        send(org, departure.successor, _l("New duties: %(units)s", units=units), "successor", departure=departure,
             units=units)


def staff_change(org: Organisation, user: User | None, change: str, unit=None, position: str | None = None) -> None:
    """A position given or taken: the person concerned is told."""
    if unit is not None:
        subject = _l("Changes in your duties: %(unit)s", unit=unit.name)
    elif change.startswith("admin"):
        subject = _l("Administrator rights")
    else:
        subject = _l("Your position")
    send(org, user, subject, "staff_change", change=change, unit=unit, position=position)


def unmoderated(org: Organisation, chats: list[Chat], former: list[User], unit: Unit | None = None) -> None:
    """The administrators: these chats have no moderator of their own now
    (`former` moderated them; with `unit`, its homeroom teacher was removed
    without a successor), so the administrators moderate them."""
    if not chats:
        return
    if unit is not None:
        subject = _l("The chats %(unit_genitive)s %(unit)s are moderated by the administrators",
                     unit_genitive=words(org.kind).unit_genitive, unit=unit.name)
    else:
        subject = _l("Chats without a moderator")
    names = ", ".join(user.short_name for user in former)
    for admin in members.administrators(get_session(), org.id):
        send(org, admin, subject, "unmoderated", chats=chats, names=names, unit=unit,
             moderation_url=external_url("moderation.overview", org_id=org.id))
