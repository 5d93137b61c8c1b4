"""A chat never stays without a moderator: when the homeroom teacher is
removed without a successor (or a moderator leaves some other way), the
organisation's administrators moderate the chats until a new one is named,
and the pages and letters say so."""
from __future__ import annotations

import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from support import form_errors, unit_named
from test_more_chats import director_chat, subject_chat
from test_registration_roles import _chat, fresh
from test_staff import _login_admin, _rules, staff  # noqa: F401 (the fixture)

from onboarding.chats import operations as chats
from onboarding.models import AuditEvent, Chat, ChatViolation, MatrixAccount, MatrixRoom, OutboxMessage, utcnow
from onboarding.moderation.moderators import moderators_of
from onboarding.staff import departures, positions

STANDING_IN = "Пока не назначен новый классный руководитель, чаты класса 5А модерируют администраторы организации."


def _parent_in_chat(session, org, make_user, make_member):
    """A parent of 5А in the class's parents' chat."""
    parent = make_user(email="parent@mail.ru", last_name="Орлова", first_name="Анна")
    make_member(parent, org, "parent", unit="5А")
    _rules(session, parent, org)
    chat = _chat(session, org, "parents", "5А")
    chats.join_chat(session, chat.id, user_id=parent.id, now=utcnow())
    session.commit()
    return parent, chat


def _moderators_line(page: str, title: str) -> str:
    """The line «Модераторы: …» of one chat's section of the administrator's view."""
    section = page.split(f"<h2>{title}</h2>", 1)[1].split("</section>", 1)[0]
    return html.unescape(re.search(r"<p>Модераторы:(.*?)</p>", section, re.S).group(1))


def test_without_a_homeroom_teacher_the_administrators_moderate_the_class_chats(session, staff):
    org, admin, lead, teacher, _pending = staff
    unit = unit_named(session, org, "5А")
    chat = _chat(session, org, "parents", "5А")
    before = moderators_of(session, chat)
    assert [u.id for u in before.users] == [lead.id] and not before.administrators
    change = positions.set_lead(session, org.id, unit.id, None, actor_id=admin.id, now=utcnow())
    session.commit()
    assert {c.title for c in change.unmoderated} >= {"Чат класса 5А", "Родители класса 5А"}
    after = moderators_of(session, chat)
    assert [u.id for u in after.users] == [admin.id] and after.administrators
    positions.set_lead(session, org.id, unit.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    named = moderators_of(session, chat)
    assert [u.id for u in named.users] == [teacher.id] and not named.administrators


def test_removing_the_homeroom_teacher_is_confirmed_and_the_administrators_take_over(
        session, client, auth, staff, make_user, make_member, sent_mail):
    org, admin, lead, _teacher, _pending = staff
    parent, chat = _parent_in_chat(session, org, make_user, make_member)
    unit_id = unit_named(session, org, "5А").id
    org_id, admin_id, lead_id, *_ = _login_admin(session, auth, staff)
    url = f"/org/{org_id}/staff/units/{unit_id}"

    # «Никто» on the class's page asks first: nothing changes yet.
    asked = client.post(url + "/lead", data={"lead-teacher": ""})
    assert asked.status_code in (302, 303) and asked.headers["Location"].endswith(url + "/lead/remove")
    confirm = client.get(url + "/lead/remove")
    assert confirm.status_code == 200 and STANDING_IN in html.unescape(confirm.text)
    assert [m.user_id for m in positions.leads_of(fresh(session), unit_id)] == [lead_id]
    unticked = client.post(url + "/lead/remove", data={})
    assert unticked.status_code == 400 and form_errors(unticked.text) == ["Отметьте, чтобы подтвердить."]
    assert [m.user_id for m in positions.leads_of(fresh(session), unit_id)] == [lead_id]
    overview = client.get(f"/moderation/org/{org_id}").text
    assert "Смирнова" in _moderators_line(overview, "Родители класса 5А")

    done = client.post(url + "/lead/remove", data={"remove-confirm": "y"}, follow_redirects=True)
    assert done.status_code == 200 and "Руководство записано." in done.text
    assert positions.leads_of(fresh(session), unit_id) == []

    letter = next(m for m in sent_mail if m["To"] == "admin@school.ru")
    assert letter["Subject"] == "Чаты класса 5А модерируют администраторы"
    body = letter.get_content()
    assert STANDING_IN[:-1] in body and "Родители класса 5А" in body and "Чат класса 5А" in body

    # The administrator's view names the administrators as the class chat's moderators ...
    line = _moderators_line(client.get(f"/moderation/org/{org_id}").text, "Родители класса 5А")
    assert "Админова" in line and "Смирнова" not in line and "администраторы" in line
    # ... and an administrator records a violation there.
    recorded = client.post(f"/moderation/chat/{chat.id}/violation", data={
        "violation-member": str(parent.id), "violation-rule": "3", "violation-note": ""})
    assert recorded.status_code == 302
    violation = fresh(session).query(ChatViolation).one()
    assert (violation.chat_id, violation.user_id, violation.moderator_id) == (chat.id, parent.id, admin_id)

    # The chat's members see who moderates it now.
    auth.logout()
    auth.login("parent@mail.ru")
    members = html.unescape(client.get(f"/chats/{chat.id}/members").text)
    assert "Чат модерируют администраторы организации: Админова" in members


def test_nothing_to_confirm_where_nobody_leads(session, client, auth, staff):
    org, *_ = staff
    unit_id = unit_named(session, org, "9В").id
    org_id, *_ = _login_admin(session, auth, staff)
    url = f"/org/{org_id}/staff/units/{unit_id}"
    response = client.post(url + "/lead", data={"lead-teacher": ""}, follow_redirects=True)
    assert "Ничего не изменилось." in response.text
    response = client.post(url + "/lead/remove", data={"remove-confirm": "y"}, follow_redirects=True)
    assert "Ничего не изменилось." in response.text


def test_a_subject_chat_whose_teacher_is_detached_goes_to_the_administrators(
        session, client, auth, staff, sent_mail):
    org, admin, _lead, teacher, _pending = staff
    unit = unit_named(session, org, "9В")
    positions.attach_teacher(session, org.id, unit.id, teacher.id, actor_id=admin.id, now=utcnow())
    session.commit()
    chat = subject_chat(session, org, teacher, unit_name="9В")
    org_id, admin_id, _lead_id, teacher_id, _pending_id = _login_admin(session, auth, staff)
    response = client.post(f"/org/{org_id}/staff/units/{unit.id}/teachers/{teacher_id}/detach")
    assert response.status_code == 302
    after = moderators_of(fresh(session), chat)
    assert [u.id for u in after.users] == [admin_id] and after.administrators
    letter = next(m for m in sent_mail if m["To"] == "admin@school.ru")
    assert letter["Subject"] == "Чаты без модератора"
    body = letter.get_content()
    assert "Математика · 9В" in body and "теперь их модерируют администраторы организации" in body


def test_an_employee_leaving_leaves_their_directors_chat_to_the_administrators(
        session, client, auth, staff, sent_mail):
    org, admin, lead, teacher, _pending = staff
    positions.set_position(session, org.id, teacher.id, "director", actor_id=admin.id, now=utcnow())
    session.commit()
    chat = director_chat(session, org, teacher, "teachers")
    assert departures.needs_successor(session, org.id, teacher.id)  # they moderate a chat
    org_id, admin_id, lead_id, teacher_id, _pending_id = _login_admin(session, auth, staff)
    response = client.post(f"/org/{org_id}/staff/people/{teacher_id}/depart",
                           data={"leave-confirm": "y", "leave-successor": str(lead_id)})
    assert response.status_code == 302
    after = moderators_of(fresh(session), chat)
    assert [u.id for u in after.users] == [admin_id] and after.administrators
    letter = next(m for m in sent_mail if m["To"] == "admin@school.ru")
    assert letter["Subject"] == "Чаты без модератора" and chat.title in letter.get_content()


def test_a_moderator_who_leaves_on_the_site_is_warned_and_the_administrators_are_told(
        session, client, auth, staff, sent_mail):
    """Leaving stays voluntary, for a moderator too; the page says who
    moderates afterwards, and the administrators learn they do now."""
    org, _admin, _lead, _teacher, _pending = staff
    chat = _chat(session, org, "parents", "5А")
    chat_id = chat.id
    session.rollback()
    auth.login("lead@school.ru")
    asked = client.post(f"/chats/{chat_id}/leave", data={})
    assert asked.status_code == 200
    assert "После вашего выхода чат будут модерировать администраторы организации" in html.unescape(asked.text)
    left = client.post(f"/chats/{chat_id}/leave", data={"confirmed": "yes"})
    assert left.status_code == 302
    letter = next(m for m in sent_mail if m["To"] == "admin@school.ru")
    assert letter["Subject"] == "Чаты без модератора"
    body = letter.get_content()
    assert "Смирнова" in body and "Родители класса 5А" in body
    assert moderators_of(fresh(session), fresh(session).get(Chat, chat_id)).administrators


def _lead_leaves_in_an_app(app, session, staff) -> tuple[int, dict]:
    """The homeroom teacher's account and the parents' chat's room on the
    homeserver; the leave event Synapse pushes when they leave in an app."""
    app.config["MATRIX_HS_TOKEN"] = "hs"
    org, _admin, lead, _teacher, _pending = staff
    chat = _chat(session, org, "parents", "5А")
    session.add_all([MatrixRoom(chat_id=chat.id, room_id="!p:school.test"),
                     MatrixAccount(user_id=lead.id, mxid="@s_lead:school.test")])
    session.commit()
    return chat.id, {"type": "m.room.member", "room_id": "!p:school.test", "event_id": "$leave1",
                     "sender": "@s_lead:school.test", "state_key": "@s_lead:school.test",
                     "content": {"membership": "leave"}}


def test_a_moderator_who_leaves_in_an_app_leaves_the_chat_to_the_administrators_who_are_told(
        app, session, client, staff):
    chat_id, leave = _lead_leaves_in_an_app(app, session, staff)
    pushed = client.put("/_matrix/app/v1/transactions/1", json={"events": [leave]},
                        headers={"Authorization": "Bearer hs"})
    assert pushed.status_code == 200
    # Queued for the mail worker (a push is answered without waiting on mail).
    letters = fresh(session).query(OutboxMessage).filter_by(recipient="admin@school.ru").all()
    assert [letter.subject for letter in letters] == ["Чаты без модератора"]
    assert "Родители класса 5А" in letters[0].body_text and "Смирнова" in letters[0].body_text
    assert moderators_of(fresh(session), fresh(session).get(Chat, chat_id)).administrators
    # Pushed again (Synapse missed the answer): no second letter.
    client.put("/_matrix/app/v1/transactions/1", json={"events": [leave]}, headers={"Authorization": "Bearer hs"})
    assert fresh(session).query(OutboxMessage).filter_by(recipient="admin@school.ru").count() == 1


def test_only_the_organisations_administrators_remove_its_homeroom_teacher(
        session, client, auth, staff, make_org, make_user, make_member):
    """Who may read the confirmation and who may act: not the teacher
    removed, not another teacher, not another organisation's administrator."""
    org, _admin, lead, _teacher, _pending = staff
    unit_id = unit_named(session, org, "5А").id
    other = make_org(name="Другая школа")
    stranger = make_user(email="stranger@other.ru", last_name="Чужая")
    make_member(stranger, other, "admin")
    url = f"/org/{org.id}/staff/units/{unit_id}/lead/remove"
    lead_id = lead.id
    session.commit()
    # A member is refused; to an outsider the organisation's pages don't exist.
    for email, status in (("lead@school.ru", 403), ("teacher@school.ru", 403), ("stranger@other.ru", 404)):
        auth.login(email)
        assert client.get(url).status_code == status
        assert client.post(url, data={"remove-confirm": "y"}).status_code == status
        auth.logout()
    assert [m.user_id for m in positions.leads_of(fresh(session), unit_id)] == [lead_id]


def test_copies_of_a_moderators_leave_pushed_at_the_same_moment_are_handled_once(app, session, staff):
    """Synapse resends a push it got no answer for; copies racing each other
    all get 200 (no error for Synapse to retry on), and the leave is
    recorded, and the administrators told, once."""
    _chat_id, leave = _lead_leaves_in_an_app(app, session, staff)
    copies = 6
    start = threading.Barrier(copies, timeout=60)

    def push(_n):
        client = app.test_client()
        start.wait()
        return client.put("/_matrix/app/v1/transactions/5", json={"events": [leave]},
                          headers={"Authorization": "Bearer hs"}).status_code

    with ThreadPoolExecutor(max_workers=copies) as pool:
        statuses = list(pool.map(push, range(copies)))
    assert statuses == [200] * copies
    assert fresh(session).query(OutboxMessage).filter_by(recipient="admin@school.ru").count() == 1
    assert fresh(session).query(AuditEvent).filter_by(action="chat.left").count() == 1
