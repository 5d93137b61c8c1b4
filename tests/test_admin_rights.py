"""Administrator rights: a link that makes an administrator is personal,
single-use and bound to the e-mail it names; administrator rights need a
verified status (the operator's first administrator excepted); nobody decides
on their own verification, join request or parent link."""
import pytest
from support import form_errors, unit_named
from test_invites_views import create_form, school  # noqa: F401 (fixture)
from test_registration_roles import fresh

from onboarding.core.errors import PermissionDenied
from onboarding.invites import operations as invites
from onboarding.models import Invite, JoinRequest, Membership, ParentLink, User, utcnow
from onboarding.people import members, teachers
from onboarding.register import join_requests


def _staff_admin_link(client, org, **data):
    response = create_form(client, org, kind="staff", extra="admin", max_uses="40", **data)
    return response


def test_an_administrator_link_needs_the_newcomers_email_and_works_once(app, client, auth, school, session):
    org = school["org"]
    auth.login("admin@school.ru")
    response = _staff_admin_link(client, org)
    assert response.status_code == 422
    assert any("почт" in error for error in form_errors(response.text)), form_errors(response.text)
    assert fresh(session).query(Invite).filter_by(grants_admin=True).count() == 0

    response = _staff_admin_link(client, org, invitee_email="Deputy@School.RU")
    assert response.status_code == 302, form_errors(response.text)
    invite = fresh(session).query(Invite).filter_by(grants_admin=True).one()
    assert (invite.max_uses, invite.invitee_email) == (1, "deputy@school.ru")


def _link_for(app, session, invite_row):
    """A working link of an existing invite (its nonce is replaced)."""
    from onboarding.core import tokens
    from onboarding.security import signing_keys

    nonce = tokens.new_nonce()
    invite_row.nonce_hash = tokens.hash_nonce(nonce)
    session.commit()
    with app.app_context():
        return "/i/" + invites.invite_token(signing_keys(), invite_row, nonce)


def test_a_stranger_cannot_register_by_an_administrator_link(app, client, session, school, make_invite, register):
    org = school["org"]
    _invite, link = make_invite(org, kind="staff", grants_admin=True, max_uses=1,
                                invitee_email="deputy@school.ru")
    response = register.adult(link, email="stranger@mail.ru")
    assert response.status_code == 200
    errors = form_errors(response.text)
    assert any("deputy@school.ru" not in e and "d•••@school.ru" in e for e in errors), errors
    assert 'value="Петрова"' in response.text
    assert fresh(session).query(User).filter_by(email="stranger@mail.ru").count() == 0


def test_the_operators_link_is_bound_to_the_administrators_email(app, client, session, make_org, register):
    org = make_org(units="")
    invite, nonce = invites.create_admin_invite(session, org, name="Директорова Анна", email="director@school.ru",
                                                now=utcnow())
    session.commit()
    from onboarding.security import signing_keys

    with app.app_context():
        link = "/i/" + invites.invite_token(signing_keys(), invite, nonce)
    response = register.adult(link, email="someone.else@mail.ru")
    assert response.status_code == 200 and form_errors(response.text)
    assert fresh(session).query(User).filter_by(email="someone.else@mail.ru").count() == 0
    response = register.adult(link, email="director@school.ru")
    assert response.status_code == 302
    register.confirm_and_consent("director@school.ru")
    user = fresh(session).query(User).filter_by(email="director@school.ru").one()
    assert any(m.role == "admin" for m in members.memberships_of(session, user.id, org.id))
    assert client.get(f"/org/{org.id}/admin/").status_code == 200  # the operator vouches for them


def test_a_new_administrator_waits_for_verification(app, client, session, auth, school, make_invite, register):
    org = school["org"]
    _invite, link = make_invite(org, kind="staff", grants_admin=True, max_uses=1, invitee_email="deputy@school.ru")
    register.adult(link, email="deputy@school.ru")
    register.confirm_and_consent("deputy@school.ru")
    deputy = fresh(session).query(User).filter_by(email="deputy@school.ru").one()
    own = session.query(Membership).filter_by(user_id=deputy.id, role="teacher").one()
    assert client.get(f"/org/{org.id}/admin/").status_code == 403
    home = client.get("/")
    assert f"/org/{org.id}/admin/" not in home.text and "другой администратор подтвердит" in home.text
    assert client.get(f"/org/{org.id}/review/teachers").status_code == 403
    assert client.post(f"/org/{org.id}/review/teachers/{own.id}/verify").status_code == 403
    assert client.get(f"/org/{org.id}/invites/new").status_code == 403
    assert fresh(session).get(Membership, own.id).verification == "pending"

    client.post("/logout")
    auth.login("admin@school.ru")
    assert client.post(f"/org/{org.id}/review/teachers/{own.id}/verify").status_code == 302
    client.post("/logout")
    auth.login("deputy@school.ru")
    assert client.get(f"/org/{org.id}/admin/").status_code == 200


def test_an_administrator_does_not_verify_themselves(app, client, session, auth, school, make_member):
    """The operator's administrator who also joined the staff room as a teacher."""
    org = school["org"]
    admin = fresh(session).query(User).filter_by(email="admin@school.ru").one()
    own = make_member(admin, org, "teacher", verification="pending")
    auth.login("admin@school.ru")
    queue = client.get(f"/org/{org.id}/review/teachers")
    assert f"/teachers/{own.id}/verify" not in queue.text
    assert client.post(f"/org/{org.id}/review/teachers/{own.id}/verify").status_code == 403
    assert fresh(session).get(Membership, own.id).verification == "pending"
    with pytest.raises(PermissionDenied):
        teachers.decide_teacher(session, org.id, own.id, verified=True, actor_id=admin.id, now=utcnow())


def test_a_teacher_does_not_confirm_their_own_child(app, client, session, auth, school, make_user, make_member):
    org = school["org"]
    teacher = fresh(session).query(User).filter_by(email="teacher@school.ru").one()
    unit = unit_named(session, org, "5А")
    make_member(teacher, org, "parent", unit="5А", confirmed_child=None)
    link = ParentLink(org_id=org.id, unit_id=unit.id, parent_id=teacher.id, child_id=None,
                      child_name_given="Петров Коля", status="pending", created_at=utcnow())
    session.add(link)
    session.commit()
    auth.login("teacher@school.ru")
    assert f"/parents/{link.id}/confirm" not in client.get(f"/org/{org.id}/review/parents").text
    assert client.post(f"/org/{org.id}/review/parents/{link.id}/reject").status_code == 403
    assert fresh(session).get(ParentLink, link.id).status == "pending"


def test_nobody_decides_their_own_join_request(session, school):
    org = school["org"]
    admin = session.query(User).filter_by(email="admin@school.ru").one()
    request = JoinRequest(org_id=org.id, last_name=admin.last_name, first_name=admin.first_name,
                          email=admin.email, role="teacher", status="pending", created_at=utcnow())
    session.add(request)
    session.commit()
    with pytest.raises(PermissionDenied):
        join_requests.approve_join_request(session, org.id, request.id, actor_id=admin.id, now=utcnow())
    session.rollback()
    with pytest.raises(PermissionDenied):
        join_requests.reject_join_request(session, org.id, request.id, actor_id=admin.id, reason="нет",
                                          now=utcnow())


def test_a_logged_in_teacher_cannot_take_an_administrator_link_made_for_someone_else(
        app, client, session, auth, school, make_invite):
    org = school["org"]
    _invite, link = make_invite(org, kind="staff", grants_admin=True, max_uses=1, invitee_email="deputy@school.ru")
    auth.login("teacher@school.ru")
    page = client.post(link.replace("/i/", "/register/redeem/"), data={"step": "confirm", "agree": "y"})
    assert page.status_code == 403 and "d•••@school.ru" in page.text
    teacher = fresh(session).query(User).filter_by(email="teacher@school.ru").one()
    assert not any(m.role == "admin" for m in members.memberships_of(session, teacher.id, org.id))
