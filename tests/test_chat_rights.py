"""Who may be in which chat and read which list: a parent's chats of a unit
open only with a confirmed child there; a pending teacher sees nobody beyond
the staff room; a rejected teacher loses every chat and list at once."""
from support import PASSWORD, unit_named
from test_chats import _rules
from test_registration_roles import _chat, fresh

from onboarding.chats import operations as chats
from onboarding.models import ChatMember, Membership, ParentLink, utcnow


def test_a_parent_of_another_class_gets_no_parents_chat_by_its_link(app, client, session, auth, make_org,
                                                                   make_user, make_member, make_invite):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")  # confirmed in 2Б
    _rules(session, parent, org)
    _invite, link = make_invite(org, kind="parent", unit="5А")
    auth.login("p@mail.ru")
    response = client.post(link.replace("/i/", "/register/redeem/"), data={"step": "confirm", "child_name": "Сидоров Петя", "agree": "y"})
    assert response.status_code in (200, 302), response.text
    assert fresh(session).query(ParentLink).filter_by(parent_id=parent.id, status="pending").count() == 1

    other = _chat(session, org, "parents", "5А")
    choose = client.get(f"/chats/org/{org.id}")
    assert "Родители класса 5А" not in choose.text
    assert client.post(f"/chats/{other.id}/join").status_code == 403
    assert not chats.is_member(fresh(session), other.id, parent.id)
    titles = [chat.title for chat in chats.eligible_chats(session, parent.id, org.id)]
    assert titles == ["Родители класса 2Б", "Общешкольный канал"]  # and the system channel


def _teacher_in_chats(session, make_user, make_member, org, verification):
    teacher = make_user(email="t@school.ru", password=PASSWORD)
    make_member(teacher, org, "teacher", verification=verification)
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True, verification=verification)
    _rules(session, teacher, org)
    return teacher


def test_a_pending_teacher_sees_nobody_beyond_the_staff_room(app, client, session, auth, make_org, make_user,
                                                            make_member, make_invite):
    org = make_org()
    parent = make_user(email="p@mail.ru", last_name="Родителева")
    make_member(parent, org, "parent", unit="2Б")
    chats.join_chat(session, _chat(session, org, "parents", "2Б").id, user_id=parent.id, now=utcnow())
    session.commit()
    make_invite(org, kind="parent", unit="2Б")
    teacher = _teacher_in_chats(session, make_user, make_member, org, "pending")
    titles = [chat.title for chat in chats.eligible_chats(session, teacher.id, org.id)]
    assert titles == ["Чат сотрудников", "Канал сотрудников"]  # the staff room's chat and channel
    auth.login("t@school.ru")
    parents_chat = _chat(session, org, "parents", "2Б")
    assert client.post(f"/chats/{parents_chat.id}/join").status_code == 403
    assert client.get(f"/chats/{parents_chat.id}/members").status_code == 403
    unit = unit_named(session, org, "2Б")
    for path in (f"/org/{org.id}/invites", f"/org/{org.id}/units/{unit.id}/invites"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "Родителева" not in page.text


def test_a_rejected_teacher_loses_every_chat_and_list_at_once(app, client, session, auth, make_org, make_user,
                                                             make_member, make_invite, register):
    org = make_org()
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    # While pending they joined what was offered then (data from before this rule).
    teacher = _teacher_in_chats(session, make_user, make_member, org, "verified")
    chat_ids = [_chat(session, org, kind, unit).id
                for kind, unit in (("staff", None), ("class", "2Б"), ("parents", "2Б"), ("teachers", "2Б"))]
    for chat_id in chat_ids:
        chats.join_chat(session, chat_id, user_id=teacher.id, now=utcnow())
    session.commit()
    staff = fresh(session).query(Membership).filter_by(user_id=teacher.id, is_lead=False).one()
    for membership in session.query(Membership).filter_by(user_id=teacher.id):
        membership.verification = "pending"
    session.commit()
    assert session.query(ChatMember).filter_by(user_id=teacher.id, left_at=None, role="moderator").count() == 3

    auth.login("admin@school.ru")
    response = client.post(f"/org/{org.id}/review/teachers/{staff.id}/reject",
                           data={f"r{staff.id}-reason": "Не работает у нас"})
    assert response.status_code == 302
    assert fresh(session).query(ChatMember).filter_by(user_id=teacher.id, left_at=None).count() == 0
    client.post("/logout")

    auth.login("t@school.ru")
    parents_chat = _chat(session, org, "parents", "2Б")
    assert client.get(f"/chats/{parents_chat.id}/members").status_code == 403
    unit = unit_named(session, org, "2Б")
    assert client.get(f"/org/{org.id}/invites").status_code == 403
    assert client.get(f"/org/{org.id}/units/{unit.id}/invites").status_code == 403
    assert "Родители класса 2Б" not in client.get("/chats/").text
