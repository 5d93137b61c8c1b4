"""The chats on a real Synapse: the site decides, the homeserver follows;
leaving in a Matrix app counts on the site."""
import html
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from matrix_support import APP_REDIRECT, daytime_zone, get_without_redirect, wait_for
from test_chats import _rules
from test_registration_roles import _chat

from onboarding.chats import operations as chats
from onboarding.matrix.client import MatrixClient, MatrixError, quote
from onboarding.matrix.worker import get_client, run_due
from onboarding.models import (AuditEvent, Chat, ChatMember, ChatWeekCount, Membership, MatrixAccount, MatrixRoom,
                               MatrixTask, utcnow)


@pytest.fixture
def app(matrix_app):
    return matrix_app


def _client(app):
    return get_client(app)


def room_members(app, session, chat) -> dict[str, str]:
    """mxid → membership, as Synapse has the chat's room."""
    session.rollback()
    room = session.get(MatrixRoom, chat.id)
    state = _client(app).room_state(room.room_id)
    return {e["state_key"]: e["content"]["membership"] for e in state if e["type"] == "m.room.member"}


def mxid_of(session, user) -> str:
    session.rollback()
    return session.get(MatrixAccount, user.id).mxid


def _parent(session, make_org, make_user, make_member, email="p@mail.ru"):
    org = make_org(timezone=daytime_zone())
    parent = make_user(email=email, last_name="Смирнова", first_name="Анна", patronymic="Петровна")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    return org, parent, _chat(session, org, "parents", "2Б")


def test_joining_on_the_site_joins_the_room_with_name_and_role_only(app, client, session, auth, make_org,
                                                                    make_user, make_member):
    org, parent, chat = _parent(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    page = client.post(f"/chats/{chat.id}/join", follow_redirects=True)
    assert "Вы вступили в чат" in page.text
    mxid = mxid_of(session, parent)
    assert room_members(app, session, chat)[mxid] == "join"
    synapse = _client(app)
    profile = synapse.call("GET", f"/_matrix/client/v3/profile/{quote(mxid)}", as_user=mxid)
    assert profile["displayname"] == "Смирнова А. П., родитель"
    assert "p@mail.ru" not in str(profile)
    threepids = synapse.call("GET", f"/_synapse/admin/v2/users/{quote(mxid)}", token=synapse.admin_token())
    assert threepids["threepids"] == [] and threepids["external_ids"] == [
        {"auth_provider": "oidc-school", "external_id": mxid[1:].split(":")[0]}]
    name = synapse.state(session.get(MatrixRoom, chat.id).room_id, "m.room.name")
    assert name["name"] == "Родители класса 2Б"


def test_leaving_on_the_site_takes_the_member_out_of_the_room(app, client, session, auth, make_org, make_user,
                                                             make_member):
    org, parent, chat = _parent(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    r = client.post(f"/chats/{chat.id}/join")
    assert r.status_code == 302 and r.location.endswith(f"/chats/org/{org.id}"), (r.status_code, r.location)
    client.post(f"/chats/{chat.id}/leave", data={"confirmed": "yes"})
    assert room_members(app, session, chat)[mxid_of(session, parent)] == "leave"


def test_leaving_in_an_app_counts_on_the_site_and_nobody_joins_them_back(app, client, session, auth, make_org,
                                                                        make_user, make_member):
    org, parent, chat = _parent(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    client.post(f"/chats/{chat.id}/join")
    mxid = mxid_of(session, parent)
    room_id = session.get(MatrixRoom, chat.id).room_id
    _client(app).leave(room_id, mxid)  # what «Покинуть» in Element does

    def left_on_site():
        session.rollback()
        row = session.query(ChatMember).filter_by(chat_id=chat.id, user_id=parent.id).one()
        return row.left_at is not None
    assert wait_for(left_on_site), "the homeserver's push did not reach the site"
    assert f"/chats/{chat.id}/leave" not in client.get("/chats/").text  # «Мои чаты» no longer lists it
    # The worker runs and nothing joins them back.
    with app.app_context():
        run_due()
    assert room_members(app, session, chat)[mxid] == "leave"
    # They may come back by their own action on the site.
    client.post(f"/chats/{chat.id}/join")
    assert room_members(app, session, chat)[mxid] == "join"


def test_with_the_homeserver_down_nothing_is_lost(app, client, session, auth, make_org, make_user, make_member,
                                                  synapse):
    org, parent, chat = _parent(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    synapse.stop()
    try:
        page = client.post(f"/chats/{chat.id}/join", follow_redirects=True)
        assert page.status_code == 200
        assert "откроется через минуту" in page.text
        session.rollback()
        assert session.query(MatrixTask).filter(MatrixTask.done_at.is_(None)).count() >= 1
    finally:
        synapse.start()
    session.rollback()
    session.query(MatrixTask).update({"next_attempt_at": MatrixTask.created_at})
    session.commit()
    with app.app_context():
        done, failed = run_due()
    assert failed == 0 and done >= 1
    assert room_members(app, session, chat)[mxid_of(session, parent)] == "join"


def _counted(session, messages):
    """Wait until the pushes of the messages posted have been counted (they
    write), and end the read: only then may the test write (SQLite)."""
    def counted():
        session.rollback()
        return sum(row.messages for row in session.query(ChatWeekCount)) >= messages
    assert wait_for(counted), "the homeserver's push did not reach the counter"
    session.rollback()


def _joined_parent(client, session, auth, make_org, make_user, make_member):
    org, parent, chat = _parent(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    client.post(f"/chats/{chat.id}/join")
    return org, parent, chat


def test_a_member_writes_and_reads_on_the_chat_page(app, client, session, auth, make_org, make_user,
                                                    make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    page = client.get(f"/chats/{chat.id}")
    assert page.status_code == 200 and "Сообщений пока нет" in page.text
    sent = client.post(f"/chats/{chat.id}", data={"body": "Здравствуйте!\nСсылка: https://school.test/a?b=1&c=2.",
                                                  "txn": "t-1"})
    assert sent.status_code == 302
    page = client.get(f"/chats/{chat.id}")
    assert "Здравствуйте!<br>Ссылка: " in page.text
    assert ('<a href="https://school.test/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" target="_blank">'
            in page.text)
    assert "Смирнова А. П., родитель" in page.text
    session.rollback()
    room_id = session.get(MatrixRoom, chat.id).room_id
    assert f'href="https://matrix.to/#/{quote(room_id)}?via=school.test"' in page.text  # opens in an app
    # The same send again (a second tap on a weak connection) arrives once.
    client.post(f"/chats/{chat.id}", data={"body": "Здравствуйте!\nСсылка: https://school.test/a?b=1&c=2.",
                                           "txn": "t-1"})
    assert client.get(f"/chats/{chat.id}").text.count("Здравствуйте!<br>") == 1


def test_nothing_is_rendered_as_html_and_bad_text_is_refused_beside_the_box(app, client, session, auth, make_org,
                                                                             make_user, make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    client.post(f"/chats/{chat.id}", data={"body": "<script>alert(1)</script><b>жирный</b>"})
    page = client.get(f"/chats/{chat.id}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;жирный" in page
    refused = client.post(f"/chats/{chat.id}", data={"body": "Оплата \u202eтекст"})
    assert refused.status_code == 400
    assert "Уберите невидимые или служебные символы" in refused.text
    assert "Оплата \u202eтекст</textarea>" in refused.text  # the typing is kept
    long = client.post(f"/chats/{chat.id}", data={"body": "а" * 2001})
    assert long.status_code == 400 and "не длиннее 2000 символов" in long.text
    empty = client.post(f"/chats/{chat.id}", data={"body": "  \n "})
    assert empty.status_code == 400 and "Сначала напишите сообщение" in empty.text


def test_only_members_read_and_a_blocked_member_reads_but_cannot_post(app, client, session, auth, make_org,
                                                                       make_user, make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    client.post(f"/chats/{chat.id}", data={"body": "Только для родителей 2Б"})
    auth.logout()
    _counted(session, 1)
    # A parent of another class, a pending teacher: neither reads nor writes.
    other = make_user(email="o@mail.ru")
    make_member(other, org, "parent", unit="1А")
    pending = make_user(email="t@mail.ru")
    make_member(pending, org, "teacher", unit="2Б", verification="pending")
    for email in ("o@mail.ru", "t@mail.ru"):
        auth.login(email)
        assert client.get(f"/chats/{chat.id}").status_code == 403
        assert client.post(f"/chats/{chat.id}", data={"body": "Привет"}).status_code == 403
        auth.logout()
    # Blocked for a day: still reads, cannot post.
    session.rollback()
    session.query(ChatMember).filter_by(chat_id=chat.id, user_id=parent.id).update(
        {"blocked_until": utcnow() + timedelta(days=1)})
    session.commit()
    auth.login("p@mail.ru")
    page = client.get(f"/chats/{chat.id}")
    assert "Только для родителей 2Б" in page.text and 'name="body"' not in page.text
    refused = client.post(f"/chats/{chat.id}", data={"body": "Всё равно напишу"}, follow_redirects=True)
    assert "можете читать его, но не писать" in refused.text
    assert "Всё равно напишу" not in client.get(f"/chats/{chat.id}").text


def test_the_teacher_sees_the_parents_message_and_answers(app, client, session, auth, make_org, make_user,
                                                          make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    client.post(f"/chats/{chat.id}", data={"body": "Здравствуйте! Когда собрание?"})
    auth.logout()
    _counted(session, 1)
    teacher = make_user(email="t@mail.ru", last_name="Петрова", first_name="Ольга", patronymic="Ивановна")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    _rules(session, teacher, org)
    auth.login("t@mail.ru")
    client.post(f"/chats/{chat.id}/join")
    page = client.get(f"/chats/{chat.id}")
    assert "Здравствуйте! Когда собрание?" in page.text and "Смирнова А. П., родитель" in page.text
    client.post(f"/chats/{chat.id}", data={"body": "В четверг в 18:00."})
    # The homeroom teacher moderates the room.
    session.rollback()
    room_id = session.get(MatrixRoom, chat.id).room_id
    levels = _client(app).state(room_id, "m.room.power_levels")
    assert levels["users"] == {mxid_of(session, teacher): 50}
    auth.logout()
    auth.login("p@mail.ru")
    assert "В четверг в 18:00." in client.get(f"/chats/{chat.id}").text


def test_new_messages_arrive_for_the_script(app, client, session, auth, make_org, make_user, make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    page = client.get(f"/chats/{chat.id}").text
    after = re.search(r'data-after="([^"]+)"', page).group(1)
    client.post(f"/chats/{chat.id}", data={"body": "Новое сообщение"})
    fresh = client.get(f"/chats/{chat.id}/new", query_string={"after": html.unescape(after)})
    assert fresh.status_code == 200 and "Новое сообщение" in fresh.text
    assert fresh.headers["X-Chat-Next"] and fresh.headers["X-Chat-Next"] != after


def test_the_chat_page_with_the_homeserver_down_is_no_500(app, client, session, auth, make_org, make_user,
                                                          make_member, synapse):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    synapse.stop()
    try:
        page = client.get(f"/chats/{chat.id}")
        assert page.status_code == 200 and "недоступен" in page.text
        sent = client.post(f"/chats/{chat.id}", data={"body": "Алло"})
        assert sent.status_code == 503 and "не отправлено" in sent.text and "Алло</textarea>" in sent.text
    finally:
        synapse.start()


def test_the_homeroom_teacher_is_in_the_class_chats_from_the_start_and_moderates(app, client, session, auth,
                                                                                 make_org, make_user, make_member):
    org = make_org()
    teacher = make_user(email="t@mail.ru", last_name="Петрова", first_name="Ольга", patronymic="Ивановна")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    auth.login("t@mail.ru")
    client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"})
    mxid = mxid_of(session, teacher)
    for kind in ("class", "parents", "teachers"):
        chat = _chat(session, org, kind, "2Б")
        assert room_members(app, session, chat)[mxid] == "join"
        room_id = session.get(MatrixRoom, chat.id).room_id
        assert _client(app).state(room_id, "m.room.power_levels")["users"] == {mxid: 50}
    # Not the staff chat, which they join by choice like everyone else.
    staff_chat = session.query(MatrixRoom).join(Chat, Chat.id == MatrixRoom.chat_id).filter(Chat.kind == "staff")
    assert all(mxid not in room_members(app, session, session.get(Chat, r.chat_id)) for r in staff_chat)


def _apply_queue(app):
    with app.app_context():
        return run_due(app=app)


def test_a_rejected_teacher_is_taken_out_of_every_room(app, client, session, auth, make_org, make_user,
                                                       make_member):
    org = make_org()
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    teacher = make_user(email="t@mail.ru")
    staff = make_member(teacher, org, "teacher", verification="pending")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True, verification="pending")
    chat = _chat(session, org, "parents", "2Б")
    for membership in session.query(Membership).filter_by(user_id=teacher.id):
        membership.verification = "verified"
    session.flush()
    chats.join_chat(session, chat.id, user_id=teacher.id, now=utcnow())
    for membership in session.query(Membership).filter_by(user_id=teacher.id):
        membership.verification = "pending"  # data from before the rule that pending teachers stay out
    session.commit()
    assert _apply_queue(app)[1] == 0
    mxid = mxid_of(session, teacher)
    assert room_members(app, session, chat)[mxid] == "join"
    auth.login("admin@school.ru")
    client.post(f"/org/{org.id}/review/teachers/{staff.id}/reject", data={f"r{staff.id}-reason": "Не работает"})
    assert room_members(app, session, chat)[mxid] == "leave"
    room_id = session.get(MatrixRoom, chat.id).room_id
    assert _client(app).state(room_id, "m.room.power_levels")["users"] == {}


def test_the_homeservers_pushes_need_its_token_and_count_once(app, client, session, auth, make_org, make_user,
                                                              make_member, synapse):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    session.rollback()
    mxid, room_id = mxid_of(session, parent), session.get(MatrixRoom, chat.id).room_id
    leave = {"event_id": "$own-leave", "type": "m.room.member", "room_id": room_id, "sender": mxid,
             "state_key": mxid, "content": {"membership": "leave"}}
    forged = client.put("/_matrix/app/v1/transactions/1", json={"events": [leave]},
                        headers={"Authorization": "Bearer not-the-token"})
    assert forged.status_code == 403
    assert session.query(ChatMember).filter_by(chat_id=chat.id, left_at=None).count() == 1
    token = {"Authorization": f"Bearer {synapse.site['hs_token']}"}
    for txn in ("1", "1", "2"):  # transaction ids restart after a homeserver restart: the event id counts
        assert client.put(f"/_matrix/app/v1/transactions/{txn}", json={"events": [leave]}, headers=token).json == {}
    session.rollback()
    assert session.query(AuditEvent).filter_by(action="chat.left").count() == 1
    assert session.query(ChatMember).filter_by(chat_id=chat.id, left_at=None).count() == 0


def test_reconcile_rebuilds_a_new_homeserver_and_finds_who_left_in_an_app(app, client, session, auth, make_org,
                                                                          make_user, make_member, runner, synapse):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    session.rollback()
    old_room = session.get(MatrixRoom, chat.id).room_id
    mxid = mxid_of(session, parent)
    # A new, empty homeserver: every room made again, every member in it.
    result = runner.invoke(args=["matrix", "reconcile", "--org", str(org.id), "--fresh"])
    assert result.exit_code == 0, result.output
    assert "joined 1" in result.output
    session.rollback()
    assert session.get(MatrixRoom, chat.id).room_id != old_room
    assert room_members(app, session, chat)[mxid] == "join"
    # The member leaves in an app while the site can't hear it: reconcile finds out.
    synapse.receiver.refuse = True
    try:
        _client(app).leave(session.get(MatrixRoom, chat.id).room_id, mxid)
        result = runner.invoke(args=["matrix", "reconcile", "--org", str(org.id)])
    finally:
        synapse.receiver.refuse = False
    assert "left_in_app 1" in result.output, result.output
    session.rollback()
    assert session.query(ChatMember).filter_by(chat_id=chat.id, user_id=parent.id).one().left_at is not None
    assert room_members(app, session, chat)[mxid] == "leave"


def test_a_kindergarten_speaks_of_groups_and_its_staff(app, client, session, auth, make_org, make_user,
                                                       make_member):
    org = make_org(kind="kindergarten", name="Детский сад № 7", units="Солнышко")
    carer = make_user(email="v@mail.ru", last_name="Орлова", first_name="Вера", patronymic="Павловна")
    make_member(carer, org, "teacher")
    make_member(carer, org, "teacher", unit="Солнышко", is_lead=True)
    auth.login("v@mail.ru")
    client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"})
    chat = _chat(session, org, "parents", "Солнышко")
    room_id = session.get(MatrixRoom, chat.id).room_id
    assert _client(app).state(room_id, "m.room.name")["name"] == "Родители группы Солнышко"
    mxid = mxid_of(session, carer)
    profile = _client(app).call("GET", f"/_matrix/client/v3/profile/{quote(mxid)}", as_user=mxid)
    assert profile["displayname"] == "Орлова В. П., воспитатель"


def test_quiet_hours_are_kept_by_the_engine_and_teachers_are_exempt(app, client, session, auth, make_org,
                                                                    make_user, make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    session.rollback()
    room_id = session.get(MatrixRoom, chat.id).room_id
    synapse = _client(app)
    # The site wrote the policy's hours into the room, in the school's zone.
    assert synapse.state(room_id, "ru.school.quiet_hours") == {"tz": org.timezone, "start": "21:00",
                                                               "end": "07:00"}
    assert "тихие часы" in client.get(f"/chats/{chat.id}").text
    # A window around now (the engine reads it from the room's state).
    local = datetime.now(ZoneInfo(org.timezone))
    start, end = (local - timedelta(hours=1)).strftime("%H:%M"), (local + timedelta(hours=1)).strftime("%H:%M")
    synapse.put_state(room_id, "ru.school.quiet_hours", {"tz": org.timezone, "start": start, "end": end})
    refused = client.post(f"/chats/{chat.id}", data={"body": "Поздний вопрос"})
    assert refused.status_code == 409
    assert f"Отправьте сообщение после {end}" in refused.text and "Поздний вопрос</textarea>" in refused.text
    # An app gets the same answer from the engine.
    with pytest.raises(MatrixError) as error:
        synapse.send_text(room_id, mxid_of(session, parent), "Из приложения", "app-1")
    assert error.value.status == 403 and error.value.payload["quiet_hours_end"] == end
    # The teacher, a moderator, is exempt.
    auth.logout()
    session.rollback()
    teacher = make_user(email="t@mail.ru")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    auth.login("t@mail.ru")
    client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"})
    assert client.post(f"/chats/{chat.id}", data={"body": "Ответ учителя"}).status_code == 302
    assert "Ответ учителя" in client.get(f"/chats/{chat.id}").text


def _single_sign_on(client, synapse) -> tuple[int, str]:
    """An app's «Войти через школу», driven through its redirects with the
    site's logged-in test client: (status at the end, where it leads)."""
    status, headers, cookies, _ = get_without_redirect(
        f"{synapse.url}/_matrix/client/v3/login/sso/redirect/oidc-school?redirectUrl={APP_REDIRECT}")
    assert status == 302 and headers["Location"].startswith(synapse.receiver_url + "/oauth/authorize?")
    authorize = urlsplit(headers["Location"])
    back = client.get(f"{authorize.path}?{authorize.query}")
    assert back.status_code == 302 and back.location.startswith(synapse.url + "/_synapse/client/oidc/callback?")
    cookie = "; ".join(c.split(";")[0] for c in cookies)
    status, headers, _, body = get_without_redirect(back.location, {"Cookie": cookie})
    return status, headers.get("Location", body)


def test_an_app_signs_in_through_the_school_and_lands_on_the_members_account(app, client, session, auth,
                                                                             make_org, make_user, make_member,
                                                                             synapse):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    mxid = mxid_of(session, parent)
    status, location = _single_sign_on(client, synapse)
    assert status == 302 and location.startswith(APP_REDIRECT + "?loginToken=")
    token = parse_qs(urlsplit(location).query)["loginToken"][0]
    login = MatrixClient(synapse.url, "school.test", "").call(
        "POST", "/_matrix/client/v3/login", {"type": "m.login.token", "token": token})
    assert login["user_id"] == mxid
    # The app reads the same room the site shows.
    assert client.post(f"/chats/{chat.id}", data={"body": "Видно и в приложении"}).status_code == 302
    room_id = session.get(MatrixRoom, chat.id).room_id
    seen = MatrixClient(synapse.url, "school.test", login["access_token"]).call(
        "GET", f"/_matrix/client/v3/rooms/{quote(room_id)}/messages", query={"dir": "b", "limit": "5"})
    assert any(e.get("content", {}).get("body") == "Видно и в приложении" for e in seen["chunk"]), seen
    # The password way in stays closed: the one password is the site's.
    with pytest.raises(MatrixError):
        MatrixClient(synapse.url, "school.test", "").call("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": mxid}, "password": "x"})


def test_single_sign_on_makes_no_account_the_site_did_not(app, client, session, auth, make_org, make_user,
                                                          make_member, synapse):
    org = make_org()
    member = make_user(email="n@mail.ru")
    make_member(member, org, "parent", unit="2Б")  # a member, but in no chat yet: no Matrix account
    auth.login("n@mail.ru")
    status, location = _single_sign_on(client, synapse)
    assert "loginToken" not in location
    session.rollback()
    assert session.get(MatrixAccount, member.id) is None


def test_the_chat_pages_first_screen_stays_within_20_kb(app, client, session, auth, make_org, make_user,
                                                        make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    for n in range(25):
        client.post(f"/chats/{chat.id}", data={"body": f"Сообщение {n}: завтра в школе собрание родителей в 18:00."})
    page = client.get(f"/chats/{chat.id}")
    css = client.get("/static/site.css")
    assert page.text.count('<li class="message') == 20 and "Более ранние сообщения" in page.text
    assert len(page.data) + len(css.data) < 20 * 1024, (len(page.data), len(css.data))


def test_a_message_the_room_refuses_for_another_reason_is_no_500(app, client, session, auth, make_org, make_user,
                                                                 make_member):
    org, parent, chat = _joined_parent(client, session, auth, make_org, make_user, make_member)
    session.rollback()
    room_id, mxid = session.get(MatrixRoom, chat.id).room_id, mxid_of(session, parent)
    levels = _client(app).state(room_id, "m.room.power_levels")
    _client(app).put_state(room_id, "m.room.power_levels", {**levels, "users": {mxid: -1}})  # out of step
    refused = client.post(f"/chats/{chat.id}", data={"body": "Добрый день"})
    assert refused.status_code == 503 and "не отправлено" in refused.text and "Добрый день</textarea>" in refused.text
