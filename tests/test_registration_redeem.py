"""An existing user takes a new invite without registering again."""
from support import unit_named
from test_registration_roles import fresh

from onboarding.models import ConsentRecord, Invite, Membership, ParentLink


def _held(session, user):
    return sorted((m.role, m.unit.name, m.is_lead, m.verification)
                  for m in fresh(session).query(Membership).filter_by(user_id=user.id, left_at=None))


def _with_consent(session, user, org):
    from onboarding import texts
    from onboarding.consent import operations as consent
    consent.record_consent(session, org_id=org.id, subject_id=user.id, kind="personal_data", text="x",
                           version=texts.PERSONAL_DATA_VERSION, now=user.created_at, ip=None, user_agent=None)
    session.commit()


def test_parent_of_two_children_in_two_classes(app, client, session, auth, make_org, make_user, make_member,
                                               make_invite):
    org = make_org()
    first, second = make_user(email=None, login="anya.p"), make_user(email=None, login="vanya.p")
    make_member(first, org, "student", unit="2Б")
    make_member(second, org, "student", unit="5А")
    parent = make_user(email="mama@mail.ru")
    make_member(parent, org, "parent", unit="2Б", confirmed_child=None)
    session.add(ParentLink(org_id=org.id, unit_id=unit_named(session, org, "2Б").id, parent_id=parent.id,
                           child_id=first.id, status="confirmed"))
    session.commit()
    _with_consent(session, parent, org)
    invite, link = make_invite(org, kind="guardian", unit="5А", max_uses=1, child_id=second.id)
    auth.login("mama@mail.ru")
    landing = client.get(link)
    assert "/register/redeem/" in landing.text
    token = link.removeprefix("/i/")
    response = client.post(f"/register/redeem/{token}")  # what the landing page posts
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/chats/org/{org.id}")
    assert _held(session, parent) == [("parent", "2Б", False, None), ("parent", "5А", False, None)]
    links = fresh(session).query(ParentLink).filter_by(parent_id=parent.id, status="confirmed").all()
    assert sorted(link.child_id for link in links) == sorted([first.id, second.id])
    assert fresh(session).get(Invite, invite.id).uses == 1
    # No second consent for the same organisation.
    assert fresh(session).query(ConsentRecord).filter_by(subject_id=parent.id).count() == 1


def test_teacher_invited_to_a_second_unit(app, client, session, auth, make_org, make_user, make_member,
                                          make_invite):
    org = make_org()
    teacher = make_user(email="t@school.ru")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    _with_consent(session, teacher, org)
    invite, link = make_invite(org, kind="staff", lead_unit_id=unit_named(session, org, "5А").id)
    session.commit()
    auth.login("t@school.ru")
    response = client.post(f"/register/redeem/{link.removeprefix('/i/')}")
    assert response.status_code == 302, response.text
    assert _held(session, teacher) == [
        ("teacher", "2Б", True, "verified"), ("teacher", "5А", True, "verified"),
        ("teacher", "Учительская", False, "verified")]


def test_a_pupil_of_another_class_is_refused_with_an_explanation(
        app, client, session, auth, make_org, make_user, make_member, make_invite):
    org = make_org()
    pupil = make_user(email="kolya@mail.ru")
    make_member(pupil, org, "student", unit="2Б")
    invite, link = make_invite(org, kind="student", unit="5А")
    auth.login("kolya@mail.ru")
    response = client.post(f"/register/redeem/{link.removeprefix('/i/')}")
    assert response.status_code == 403
    assert "administrator" in response.text or "администратор" in response.text
    assert _held(session, pupil) == [("student", "2Б", False, None)]
    assert fresh(session).get(Invite, invite.id).uses == 0


def test_a_new_organisation_asks_for_consent_and_the_childs_name(
        app, client, session, auth, make_org, make_user, make_member, make_invite):
    home_org = make_org(name="Школа № 2")
    org = make_org(name="Школа № 3")
    parent = make_user(email="papa@mail.ru")
    make_member(parent, home_org, "parent", unit="1А")
    invite, link = make_invite(org, kind="parent", unit="1А")
    auth.login("papa@mail.ru")
    token = link.removeprefix("/i/")
    # From the landing page: nothing is stored, the page asks for more.
    page = client.post(f"/register/redeem/{token}")
    assert page.status_code == 200 and 'name="child_name"' in page.text and 'name="agree"' in page.text
    assert "Школа №\u00a03" in page.text
    assert _held(session, parent) == [("parent", "1А", False, None)]
    refused = client.post(f"/register/redeem/{token}", data={"step": "confirm", "child_name": "Козлов Дима"})
    assert refused.status_code == 200 and fresh(session).get(Invite, invite.id).uses == 0
    response = client.post(f"/register/redeem/{token}",
                           data={"step": "confirm", "child_name": "Козлов Дима", "agree": "y"})
    assert response.status_code == 302
    records = fresh(session).query(ConsentRecord).filter_by(subject_id=parent.id, org_id=org.id).all()
    assert [r.kind for r in records] == ["personal_data"]
    pending = session.query(ParentLink).filter_by(parent_id=parent.id, org_id=org.id).one()
    assert (pending.status, pending.child_name_given) == ("pending", "Козлов Дима")


def test_a_logged_in_user_on_the_registration_form_goes_to_redeem(
        app, client, make_org, make_user, make_invite, auth):
    org = make_org()
    make_user(email="x@mail.ru")
    invite, link = make_invite(org, kind="staff")
    auth.login("x@mail.ru")
    response = client.get(link.replace("/i/", "/register/"))
    assert response.status_code == 302 and "/register/redeem/" in response.headers["Location"]
