"""Each role's path through real forms: form → code → consent → chat rules →
choosing chats → done."""
import re

from support import PASSWORD, unit_named

from onboarding.models import Chat, ChatMember, ConsentRecord, Invite, InviteRedemption, Membership, ParentLink, User
from onboarding.orgs import structure as orgs


def fresh(session):
    """End the test session's snapshot and forget loaded rows, to see what
    requests committed."""
    session.rollback()
    session.expire_all()
    return session


def _user(session, **where):
    return fresh(session).query(User).filter_by(**where).one()


def _chat(session, org, kind, unit=None):
    query = fresh(session).query(Chat).filter_by(org_id=org.id, kind=kind)
    if unit is not None:
        query = query.filter_by(unit_id=unit_named(session, org, unit).id)
    chat = query.one()
    fresh(session)
    return chat


def accept_rules(client, org):
    assert client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}).status_code == 302


def test_teacher_registers_awaits_verification_and_joins_the_staff_chat(
        app, client, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="staff", max_uses=10)
    # Role and unit in the posted form are ignored: they come from the invite.
    response = register.adult(link, email="Teacher@Mail.ru", role="admin",
                              unit_id=str(unit_named(session, org, "5А").id), kind="parent")
    assert response.status_code == 302, response.text
    assert register.last_mail()["To"] == "teacher@mail.ru"
    response = register.confirm_and_consent()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/chats/org/{org.id}")

    user = _user(session, email="teacher@mail.ru")
    assert user.status == "active"
    held = session.query(Membership).filter_by(user_id=user.id).all()
    assert [(m.role, m.unit_id, m.verification) for m in held] == [
        ("teacher", orgs.staff_room(session, org.id).id, "pending")]
    assert fresh(session).get(Invite, invite.id).uses == 1
    fresh(session)

    # The chat rules come before choosing chats, in the organisation's local time.
    page = client.get(f"/chats/org/{org.id}")
    assert page.status_code == 302 and "/rules" in page.headers["Location"]
    rules = client.get(page.headers["Location"])
    assert "21:00" in rules.text and "07:00" in rules.text and "UTC+05:00" in rules.text
    accept_rules(client, org)
    page = client.get(f"/chats/org/{org.id}")
    assert "Чат сотрудников" in page.text
    # Nothing is joined without the member's own action.
    assert fresh(session).query(ChatMember).filter_by(user_id=user.id).count() == 0
    chat = _chat(session, org, "staff")
    assert client.post(f"/chats/{chat.id}/join").status_code == 302
    done = client.get(f"/chats/org/{org.id}/done")
    assert "Чат сотрудников" in done.text and "teacher@mail.ru" in done.text
    assert "can't create invitations or chats" in done.text or "не можете создавать" in done.text
    home = client.get("/")
    assert "Awaiting verification" in home.text or "Ожидает проверки" in home.text


def test_guardian_invite_links_the_parent_to_the_child_at_once(
        app, client, session, make_org, make_user, make_member, make_invite, register):
    org = make_org()
    child = make_user(email=None, login="petya.ivanov", first_name="Петя")
    make_member(child, org, "student", unit="2Б")
    invite, link = make_invite(org, kind="guardian", unit="2Б", max_uses=1, child_id=child.id)
    assert register.adult(link, email="mama@mail.ru").status_code == 302
    assert register.confirm_and_consent().status_code == 302
    parent = _user(session, email="mama@mail.ru")
    link_row = session.query(ParentLink).filter_by(parent_id=parent.id).one()
    assert (link_row.child_id, link_row.status) == (child.id, "confirmed")
    assert session.query(Membership).filter_by(user_id=parent.id, role="parent").one().unit_id == invite.unit_id
    assert session.query(InviteRedemption).filter_by(invite_id=invite.id, user_id=parent.id).count() == 1
    fresh(session)
    accept_rules(client, org)
    page = client.get(f"/chats/org/{org.id}")
    assert "Родители класса 2Б" in page.text and "Чат класса 2Б" not in page.text


def test_unit_parent_link_names_the_child_and_waits_for_the_teacher(
        app, client, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="parent", unit="1А")
    form = client.get(link.replace("/i/", "/register/"))
    assert 'name="child_name"' in form.text
    assert register.adult(link, email="papa@mail.ru", child_name="Сидоров Петя").status_code == 302
    assert register.confirm_and_consent().status_code == 302
    parent = _user(session, email="papa@mail.ru")
    link_row = session.query(ParentLink).filter_by(parent_id=parent.id).one()
    assert (link_row.child_id, link_row.child_name_given, link_row.status) == (None, "Сидоров Петя", "pending")
    fresh(session)
    # The parent never sees a list of pupils.
    assert "Сидоров" not in client.get(f"/chats/org/{org.id}", follow_redirects=True).text.replace("Сидоров Петя", "")


def test_student_aged_14_registers_with_own_email_and_consents_himself(
        app, client, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="student", unit="9В")
    response = register.student_start(link, "2010-01-15")
    assert response.status_code == 302 and response.headers["Location"].endswith("/student")
    page = client.get(response.headers["Location"])
    assert 'name="email"' in page.text and 'name="parent_email"' not in page.text
    response = client.post(response.headers["Location"], data={"email": "petya@mail.ru", "password": PASSWORD})
    assert response.status_code == 302, response.text
    assert register.last_mail()["To"] == "petya@mail.ru"
    assert register.confirm_and_consent().status_code == 302
    user = _user(session, email="petya@mail.ru")
    assert str(user.birth_date) == "2010-01-15"
    record = session.query(ConsentRecord).filter_by(subject_id=user.id).one()
    assert (record.given_by_id, record.given_by_email) == (user.id, None)
    assert session.query(Membership).filter_by(user_id=user.id).one().role == "student"


def _young_pupil(client, register, link, parent="mama@mail.ru", birth_date="2019-03-01"):
    response = register.student_start(link, birth_date)
    page = client.get(response.headers["Location"])
    assert 'name="parent_email"' in page.text and 'name="email"' not in page.text
    suggested = re.search(r'name="login"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="login"', page.text)
    login = next(group for group in suggested.groups() if group)
    assert login == "petya.sidorov"
    response = client.post(response.headers["Location"], data={
        "login": login, "password": PASSWORD, "parent_email": parent})
    assert response.status_code == 302, response.text
    return login


def test_young_pupil_is_confirmed_by_the_parents_code(app, client, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="student", unit="1А")
    login = _young_pupil(client, register, link)
    letter = register.last_mail("mama@mail.ru")
    body = letter.get_content()
    # Who registered, where, what is kept and why, the code, a link, the class's parent invite.
    assert "Сидоров Петя" in body and "Школа №\u00a01" in body and "1А" in body
    assert "Согласие на обработку персональных данных" in body
    assert "http://localhost/register/parent/" in body and "http://localhost/i/" in body
    user = _user(session, login=login)
    assert user.status == "unconfirmed" and user.email is None
    fresh(session)
    confirm = client.get("/register/confirm")
    assert "m•••@mail.ru" in confirm.text
    response = client.post("/register/confirm", data={"code": register.code("mama@mail.ru")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/chats/org/{org.id}")
    user = _user(session, login=login)
    assert user.status == "active"
    record = session.query(ConsentRecord).filter_by(subject_id=user.id, kind="personal_data").one()
    assert record.given_by_email == "mama@mail.ru" and record.given_by_id is None
    assert record.text_version and record.user_agent is not None
    fresh(session)
    client.post("/logout")
    assert client.post("/login", data={"identifier": login, "password": PASSWORD}).status_code == 302


def test_young_pupil_is_confirmed_by_the_parent_on_their_own_phone(
        app, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="student", unit="5А")
    pupil_screen = register.client
    login = _young_pupil(pupil_screen, register, link, birth_date="2014-09-01")
    url = re.search(r"http://localhost(/register/parent/\S+)", register.last_mail("mama@mail.ru").get_content()).group(1)
    phone = app.test_client()
    page = phone.get(url, headers={"User-Agent": "Parent phone"})
    assert page.status_code == 200 and "Сидоров Петя" in page.text and 'method="post"' in page.text
    assert _user(session, login=login).status == "unconfirmed"  # opening the link changes nothing
    fresh(session)
    # Not confirmed yet: the pupil's «Continue» says so.
    assert pupil_screen.post("/register/confirm/continue").headers["Location"].endswith("/register/confirm")
    response = phone.post(url, data={"agree": "y"}, headers={"User-Agent": "Parent phone"})
    assert response.status_code == 200 and login in response.text and "/i/" in response.text
    user = _user(session, login=login)
    assert user.status == "active"
    record = session.query(ConsentRecord).filter_by(subject_id=user.id).one()
    assert (record.given_by_email, record.user_agent) == ("mama@mail.ru", "Parent phone")
    fresh(session)
    # The link works once; the pupil's screen goes on.
    again = phone.post(url, data={"agree": "y"})
    assert again.status_code == 200 and ("already been confirmed" in again.text or "уже подтверждена" in again.text)
    assert fresh(session).query(ConsentRecord).filter_by(subject_id=user.id).count() == 1
    response = pupil_screen.post("/register/confirm/continue")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/chats/org/{org.id}")


def test_the_parent_letter_reuses_the_class_parent_invite(app, client, session, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="student", unit="1А")
    _young_pupil(client, register, link)
    first = re.search(r"http://localhost(/i/\S+)", register.last_mail().get_content()).group(1)
    other = app.test_client()
    from conftest import RegistrationActions
    RegistrationActions(other, register.sent_mail).student_start(link, "2019-05-05", first_name="Маша")
    other.post(link.replace("/i/", "/register/") + "/student",
               data={"login": "masha.sidorova", "password": PASSWORD, "parent_email": "papa@mail.ru"})
    second = re.search(r"http://localhost(/i/\S+)", register.last_mail("papa@mail.ru").get_content()).group(1)
    assert first == second
    landing = client.get(first)
    assert landing.status_code == 200


def test_kindergarten_has_no_pupil_registration(app, client, make_org, make_invite):
    org = make_org(kind="kindergarten", name="Детский сад «Солнышко»", units="Солнышко")
    invite, link = make_invite(org, kind="student", unit="Солнышко")
    assert client.get(link.replace("/i/", "/register/")).status_code == 404


def test_the_parents_letter_is_in_russian_even_if_the_pupil_reads_the_site_in_english(
        app, client, session, make_org, make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="student", unit="1А")
    client.post("/language", data={"lang": "en"})
    _young_pupil(client, register, link)
    letter = register.last_mail("mama@mail.ru")
    assert letter["Subject"] == "Сидоров Петя: подтвердите регистрацию"
    assert "Здравствуйте" in letter.get_content() and "Hello" not in letter.get_content()
