"""What the invite pages say: kinds of links, and why something can't be done."""
from __future__ import annotations

from flask_babel import gettext as _

from ..core.errors import PermissionDenied
from ..fields import masked_email
from ..models import Invite, Organisation
from ..people.parents import MAX_GUARDIANS
from ..vocabulary import words
from .operations import AlreadyMember, InviteNotForAccount


def kind_label(kind: str, org: Organisation) -> str:
    w = words(org.kind)
    labels = {
        "admin": _("Administrator"),
        "staff": _("%(staff)s: joining the staff room", staff=str(w.staff_plural).capitalize()),
        "student": _("%(students)s: one link for many", students=str(w.students).capitalize()),
        "parent": _("Parents: one link for many"),
        "pupil": _("One %(student)s: a personal single-use link", student=w.student),
        "guardian": _("Parents of one %(student)s: a personal single-use link", student=w.student),
        "join": _("Request to join the organisation"),
    }
    return labels[kind]


def denial_text(error: PermissionDenied, org: Organisation) -> str:
    """Why the user can't create this invite, in plain words."""
    w = words(org.kind)
    reason = error.args[0] if error.args else ""
    texts = {
        "unverified": _("The administrator has not yet verified your status as a %(role)s. Once they do, you "
                        "can invite %(students)s and parents here.", role=w.staff_role, students=w.students),
        "rejected": _("The administrator has not confirmed that you work in «%(org)s» as a %(role)s. If this is "
                      "a mistake, please contact them.", org=org.display_name, role=w.staff_role),
        "not_staff": _("Only the administrator and verified %(staff)s can create invitation links.",
                       staff=w.staff_plural),
        "not_your_unit": _("You can invite only into the %(units)s where you teach. Ask the administrator to "
                           "add you to one.", units=w.units),
        "admin_only": _("Only an administrator can create this kind of link."),
        "no_learners": _("A kindergarten has no links for children: invite their parents."),
        "wrong_unit": _("Staff and join links lead to the staff room; the others to a %(unit)s.",
                        unit=w.unit_accusative),
        "archived": _("This %(unit)s is archived.", unit=w.unit),
    }
    return texts.get(reason, _("You can't create this kind of link."))


def not_for_account_text(error: InviteNotForAccount, invite: Invite, org: Organisation) -> tuple[str, str]:
    w = words(org.kind)
    texts = {
        "student_account": (
            _("This link is not for a pupil's account"),
            _("You are logged in with a pupil's account, and this link is for parents or staff. If it is meant "
              "for your parent, send the link to their phone, or log out so that they can register here."),
        ),
        "adult_account": (
            _("This link is for pupils"),
            _("You are logged in with an adult's account, and this link is for pupils. Send the link to the "
              "pupil's phone, or log out so that they can register here."),
        ),
        "other_unit": (
            _("You are already in another %(unit)s", unit=w.unit),
            _("A pupil belongs to exactly one %(unit)s. If you have moved, ask the administrator to transfer "
              "you.", unit=w.unit),
        ),
        "own_child": (
            _("This link is for your parents"),
            _("It links a parent to you. Send the link to your parent's phone."),
        ),
        "other_pupil": (
            _("This personal link is for another pupil"),
            _("Send it to the pupil it was made for, or log out so that they can register here."),
        ),
        "other_address": (
            _("This link is for another person"),
            _("It was made for the address %(address)s. Log out so that its owner can register here, or ask "
              "the administrator for a link of your own.", address=masked_email(invite.invitee_email or "")),
        ),
        "too_many_guardians": (
            _("This pupil already has %(max)d parents linked", max=MAX_GUARDIANS),
            _("No more parents can be linked. Please talk to the teacher."),
        ),
    }
    return texts.get(error.reason, (_("This link is not for your account"), _("Please log out or send the link on.")))


def already_member_text(error: AlreadyMember, invite: Invite, org: Organisation) -> str:
    if error.reason == "organisation":
        return _("You are already a member of «%(org)s».", org=org.display_name)
    if error.reason == "guardian":
        return _("You are already linked to this pupil as a parent.")
    return _("You are already in «%(unit)s» with this role.", unit=invite.unit.name)
