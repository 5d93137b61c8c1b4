"""Subject chats, the director's chats and the system channels: who is
offered which, who moderates, who writes (issue 12, items 7–9)."""
import re

import pytest
from support import form_errors
from test_chats import _rules

from onboarding.chats import creating, operations as chats
from onboarding.core.errors import PermissionDenied
from onboarding.models import AuditEvent, Chat, ChatMember, Membership, utcnow
from onboarding.orgs import structure as orgs


def titles(session, user, org):
    session.rollback()
    return [chat.title for chat in chats.eligible_chats(session, user.id, org.id)]


def unit(session, org, name):
    return next(u for u in orgs.list_units(session, org.id) if u.name == name)


def subject_chat(session, org, teacher, with_parents=False, name="Математика", unit_name="5А"):
    chat = creating.create_subject_chat(session, org, unit_id=unit(session, org, unit_name).id, subject=name,
                                        with_parents=with_parents, creator_id=teacher.id, now=utcnow())
    session.commit()
    return chat


@pytest.fixture
def school(session, make_org, make_user, make_member):
    """A school with a verified teacher of 5А, pupils and parents of 5А and 2Б."""
    org = make_org()
    people = {name: make_user(email=f"{name}@school.ru") for name in
              ("teacher", "pupil", "parent", "other_pupil", "other_parent", "pending", "admin")}
    make_member(people["teacher"], org, "teacher")
    make_member(people["teacher"], org, "teacher", unit="5А")
    make_member(people["pupil"], org, "student", unit="5А")
    make_member(people["parent"], org, "parent", unit="5А")
    make_member(people["other_pupil"], org, "student", unit="2Б")
    make_member(people["other_parent"], org, "parent", unit="2Б")
    make_member(people["pending"], org, "teacher", verification="pending")
    make_member(people["pending"], org, "teacher", unit="5А", verification="pending")
    make_member(people["admin"], org, "admin")
    return org, people


# --- 7. Subject chats -------------------------------------------------------------


def test_a_subject_chat_is_offered_to_the_class_pupils_only(session, school):
    org, p = school
    chat = subject_chat(session, org, p["teacher"])
    assert chat.title == "Математика · 5А"
    assert "Математика · 5А" in titles(session, p["pupil"], org)
    for outsider in ("other_pupil", "parent", "other_parent", "pending", "admin"):
        assert "Математика · 5А" not in titles(session, p[outsider], org), outsider


def test_with_parents_ticked_the_class_parents_are_offered_it_too(session, school):
    org, p = school
    subject_chat(session, org, p["teacher"], with_parents=True)
    assert "Математика · 5А" in titles(session, p["parent"], org)
    assert "Математика · 5А" in titles(session, p["pupil"], org)
    assert "Математика · 5А" not in titles(session, p["other_parent"], org)


def test_the_creator_moderates_from_the_start_and_again_after_rejoining(session, school):
    org, p = school
    chat = subject_chat(session, org, p["teacher"])
    row = session.query(ChatMember).filter_by(chat_id=chat.id, user_id=p["teacher"].id).one()
    assert row.role == "moderator" and row.left_at is None
    chats.leave_chat(session, chat.id, user_id=p["teacher"].id, now=utcnow())
    chats.join_chat(session, chat.id, user_id=p["teacher"].id, now=utcnow())
    assert row.role == "moderator"
    # A pupil who joins is a member, by their own action only.
    assert session.query(ChatMember).filter_by(chat_id=chat.id, user_id=p["pupil"].id).count() == 0
    assert chats.join_chat(session, chat.id, user_id=p["pupil"].id, now=utcnow()).role == "member"
    assert session.query(AuditEvent).filter_by(action="chat.created").count() >= 1


def test_a_pending_teacher_or_a_teacher_of_another_class_cant_make_one(session, school, make_user, make_member):
    org, p = school
    with pytest.raises(PermissionDenied):
        subject_chat(session, org, p["pending"])
    session.rollback()
    with pytest.raises(PermissionDenied):
        subject_chat(session, org, p["teacher"], unit_name="2Б")


def test_a_kindergarten_subject_chat_is_for_parents(session, make_org, make_user, make_member):
    org = make_org(kind="kindergarten", units="Солнышко")
    teacher, parent = make_user(), make_user()
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="Солнышко")
    make_member(parent, org, "parent", unit="Солнышко")
    chat = subject_chat(session, org, teacher, name="Музыка", unit_name="Солнышко")
    assert chat.audience == "parent"
    assert "Музыка · Солнышко" in titles(session, parent, org)


def test_the_teacher_makes_one_on_the_page_with_errors_beside_the_field(app, client, session, auth, school):
    org, p = school
    _rules(session, p["teacher"], org)
    session.rollback()
    auth.login("teacher@school.ru")
    page = client.get(f"/chats/org/{org.id}/new/subject")
    assert page.status_code == 200 and "Создать чат" in page.text and len(page.data) < 20_000
    five_a = unit(session, org, "5А")
    session.rollback()
    bad = client.post(f"/chats/org/{org.id}/new/subject", data={"unit": five_a.id, "subject": "М4тем"})
    assert bad.status_code == 200
    assert "М4тем" in bad.text  # the typing kept
    assert any("букв" in error for error in form_errors(bad.text))
    assert session.query(Chat).filter_by(kind="subject").count() == 0
    session.rollback()
    made = client.post(f"/chats/org/{org.id}/new/subject",
                       data={"unit": five_a.id, "subject": "  русский язык ", "with_parents": "y"})
    assert made.status_code == 302 and made.location.endswith("/chats/"), made.location
    session.rollback()
    chat = session.query(Chat).filter_by(kind="subject").one()
    assert chat.title == "Русский язык · 5А" and chat.audience == "student,parent"
    session.rollback()
    assert "Русский язык · 5А" in client.get("/chats/").text


def test_the_choose_page_leads_a_verified_teacher_to_create_and_no_one_else(app, client, session, auth, school):
    org, p = school
    for name in ("teacher", "pupil"):
        _rules(session, p[name], org)
    auth.login("teacher@school.ru")
    assert f"/chats/org/{org.id}/new/subject" in client.get(f"/chats/org/{org.id}").text
    auth.logout()
    auth.login("pupil@school.ru")
    assert "/new/subject" not in client.get(f"/chats/org/{org.id}").text
    assert client.get(f"/chats/org/{org.id}/new/subject").status_code == 403


# --- 8. The director's chats -------------------------------------------------------


@pytest.fixture
def director(session, school, make_user, make_member):
    org, p = school
    boss = make_user(email="director@school.ru", last_name="Орлова")
    make_member(boss, org, "teacher")
    session.query(Membership).filter_by(user_id=boss.id).update({"position": "director"})
    session.commit()
    return org, p, boss


def director_chat(session, org, creator, audience, chosen=()):
    chat = creating.create_director_chat(session, org, audience=audience, chosen=[u.id for u in chosen],
                                         creator_id=creator.id, now=utcnow())
    session.commit()
    return chat


def test_all_teachers_is_by_role_now_and_later(session, director, make_user, make_member):
    org, p, boss = director
    chat = director_chat(session, org, boss, "teachers")
    assert chat.title == "Директор и учителя"
    assert "Директор и учителя" in titles(session, p["teacher"], org)
    for outsider in ("pending", "pupil", "parent"):
        assert "Директор и учителя" not in titles(session, p[outsider], org), outsider
    newcomer = make_user()
    make_member(newcomer, org, "teacher")
    assert "Директор и учителя" in titles(session, newcomer, org)


def test_a_chosen_audience_is_offered_to_the_chosen_only(session, director):
    org, p, boss = director
    chat = director_chat(session, org, boss, "parents_committee", chosen=[p["parent"]])
    assert chat.title == "Родительский комитет"
    assert "Родительский комитет" in titles(session, p["parent"], org)
    assert "Родительский комитет" not in titles(session, p["other_parent"], org)
    assert "Родительский комитет" in titles(session, boss, org)
    row = session.query(ChatMember).filter_by(chat_id=chat.id, user_id=boss.id).one()
    assert row.role == "moderator"


def test_an_administrator_makes_one_for_the_director_who_moderates_it(session, director):
    org, p, boss = director
    chat = director_chat(session, org, p["admin"], "deputies", chosen=[p["teacher"]])
    assert "Директор и заместители" in titles(session, boss, org)
    assert chats.join_chat(session, chat.id, user_id=boss.id, now=utcnow()).role == "moderator"


def test_a_non_director_cant_make_one(session, director):
    org, p, boss = director
    with pytest.raises(PermissionDenied):
        director_chat(session, org, p["teacher"], "teachers")


def test_the_director_chooses_people_on_the_page_searching_by_name(app, client, session, auth, director,
                                                                  make_user, make_member):
    org, p, boss = director
    deputy = make_user(email="deputy@school.ru", last_name="Сёмина", first_name="Ирина")
    make_member(deputy, org, "teacher")
    _rules(session, boss, org)
    session.rollback()
    auth.login("director@school.ru")
    assert f"/chats/org/{org.id}/new/director" in client.get(f"/chats/org/{org.id}").text
    found = client.get(f"/chats/org/{org.id}/new/director/deputies?q=семина")
    assert found.status_code == 200 and "Сёмина Ирина" in found.text and "Орлова" not in found.text
    assert len(found.data) < 20_000
    nobody = client.post(f"/chats/org/{org.id}/new/director/deputies", data={"action": "create"})
    assert nobody.status_code == 200 and form_errors(nobody.text)
    made = client.post(f"/chats/org/{org.id}/new/director/deputies",
                       data={"action": "create", "people": [str(deputy.id)]})
    assert made.status_code == 302
    session.rollback()
    assert titles(session, deputy, org)[-1:] == ["Директор и заместители"]
    assert "Директор и заместители" not in titles(session, p["teacher"], org)


def test_a_teacher_cant_open_the_directors_page(app, client, session, auth, director):
    org, p, boss = director
    _rules(session, p["teacher"], org)
    auth.login("teacher@school.ru")
    assert client.get(f"/chats/org/{org.id}/new/director").status_code == 403


# --- 9. System channels ------------------------------------------------------------


def test_every_organisation_gets_its_channels_once(session, make_org):
    school = make_org()
    kindergarten = make_org(kind="kindergarten", name="Детский сад № 5", units="Солнышко")
    channels = lambda org: sorted(  # noqa: E731
        c.title for c in session.query(Chat).filter_by(org_id=org.id, kind="channel"))
    assert channels(school) == ["Канал сотрудников", "Общешкольный канал"]
    assert channels(kindergarten) == ["Канал сотрудников"]
    assert creating.create_channels(session, school, now=utcnow()) == []


def test_everyone_is_offered_the_school_channel_and_staff_the_staff_channel(session, school):
    org, p = school
    assert "Общешкольный канал" in titles(session, p["pupil"], org)
    assert "Общешкольный канал" in titles(session, p["parent"], org)
    assert "Канал сотрудников" not in titles(session, p["parent"], org)
    assert "Канал сотрудников" in titles(session, p["teacher"], org)
    assert "Канал сотрудников" in titles(session, p["admin"], org)
    assert "Канал сотрудников" in titles(session, p["pending"], org)  # as the staff chat
    assert "Общешкольный канал" not in titles(session, p["pending"], org)  # nobody beyond the staff room


def channel(session, org, audience="all"):
    return session.query(Chat).filter_by(org_id=org.id, kind="channel", audience=audience).one()


def test_only_administrators_post_in_a_channel(session, school):
    org, p = school
    chat = channel(session, org)
    for name in ("parent", "admin", "teacher"):
        chats.join_chat(session, chat.id, user_id=p[name].id, now=utcnow())
    assert chats.may_post(session, chat, p["admin"].id, now=utcnow())
    assert not chats.may_post(session, chat, p["parent"].id, now=utcnow())
    assert not chats.may_post(session, chat, p["teacher"].id, now=utcnow())
    assert chats.may_read(session, chat, p["parent"].id)


def test_a_parent_sees_no_box_in_a_channel_and_cant_post(app, client, session, auth, school):
    org, p = school
    chat = channel(session, org)
    _rules(session, p["parent"], org)
    session.rollback()
    auth.login("parent@school.ru")
    assert client.post(f"/chats/{chat.id}/join").status_code == 302
    page = client.get(f"/chats/{chat.id}")
    assert "В этом канале пишут только администраторы" in page.text
    assert 'name="body"' not in page.text
    sent = client.post(f"/chats/{chat.id}", data={"body": "Здравствуйте", "txn": "t-1"}, follow_redirects=True)
    assert "В этом канале пишут только администраторы" in sent.text


def test_the_choose_page_explains_the_new_kinds(app, client, session, auth, school):
    org, p = school
    _rules(session, p["parent"], org)
    auth.login("parent@school.ru")
    page = client.get(f"/chats/org/{org.id}").text
    assert re.search(r"Общешкольный канал.*администратор", page, re.S)


def test_demo_adds_the_channels_and_stays_idempotent(app, runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    session.rollback()
    assert session.query(Chat).filter_by(kind="channel").count() == 2
