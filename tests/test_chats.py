"""Choosing chats, «My chats», leaving, member lists (names and roles only)."""
from test_registration_roles import _chat, fresh

from onboarding import texts
from onboarding.chats import operations as chats
from onboarding.consent import operations as consent
from onboarding.models import ChatMember, utcnow


def _rules(session, user, org):
    consent.accept_chat_rules(session, user_id=user.id, org_id=org.id, text="rules", version=texts.CHAT_RULES_VERSION,
                              now=utcnow(), ip=None, user_agent=None)
    session.commit()


def test_the_offer_fits_the_role(session, make_org, make_user, make_member):
    org = make_org()
    pupil, parent, lead = make_user(), make_user(), make_user()
    make_member(pupil, org, "student", unit="2Б")
    make_member(parent, org, "parent", unit="2Б")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    titles = lambda user: [c.title for c in chats.eligible_chats(session, user.id, org.id)]  # noqa: E731
    channels = ["Общешкольный канал", "Канал сотрудников"]
    assert titles(pupil) == ["Чат класса 2Б", channels[0]]
    assert titles(parent) == ["Родители класса 2Б", channels[0]]
    assert titles(lead) == ["Чат сотрудников", "Чат класса 2Б", "Родители класса 2Б", "Учителя класса 2Б", *channels]
    outsider = make_user()
    assert titles(outsider) == []


def test_join_leave_and_join_again(app, client, session, auth, make_org, make_user, make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    chat = _chat(session, org, "parents", "2Б")
    auth.login("p@mail.ru")
    assert client.post(f"/chats/{chat.id}/join").status_code == 302
    mine = client.get("/chats/")
    assert "Родители класса 2Б" in mine.text and f"/chats/{chat.id}/leave" in mine.text
    asked = client.post(f"/chats/{chat.id}/leave")  # leaving asks first
    assert asked.status_code == 200 and "Покинуть чат «Родители класса 2Б»?" in asked.text
    assert fresh(session).query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 1
    assert client.post(f"/chats/{chat.id}/leave", data={"confirmed": "yes"}).status_code == 302
    row = fresh(session).query(ChatMember).filter_by(user_id=parent.id).one()
    assert row.left_at is not None
    fresh(session)
    assert f"/chats/{chat.id}/leave" not in client.get("/chats/").text
    assert client.post(f"/chats/{chat.id}/join").status_code == 302
    assert fresh(session).query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 1


def test_a_chat_of_another_class_cant_be_joined(app, client, session, auth, make_org, make_user, make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    other = _chat(session, org, "class", "5А")
    auth.login("p@mail.ru")
    assert client.post(f"/chats/{other.id}/join").status_code == 403
    assert fresh(session).query(ChatMember).count() == 0


def test_an_outsider_sees_nothing_of_the_organisation(app, client, session, auth, make_org, make_user):
    org = make_org()
    make_user(email="x@mail.ru")
    chat = _chat(session, org, "class", "2Б")
    auth.login("x@mail.ru")
    assert client.get(f"/chats/org/{org.id}").status_code == 404
    assert client.get(f"/chats/org/{org.id}/rules").status_code == 404
    assert client.post(f"/chats/{chat.id}/join").status_code == 404
    assert client.get(f"/chats/{chat.id}/members").status_code == 404


def test_the_member_list_shows_names_and_roles_only(app, client, session, auth, make_org, make_user, make_member):
    org = make_org()
    lead = make_user(email="lead@school.ru", last_name="Кузнецова", first_name="Мария", patronymic="Ивановна")
    lead.phone = "+79120000000"
    session.commit()
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    parent = make_user(email="p@mail.ru", last_name="Петрова", first_name="Анна")
    make_member(parent, org, "parent", unit="2Б")
    chat = _chat(session, org, "parents", "2Б")
    for user in (lead, parent):
        _rules(session, user, org)
        chats.join_chat(session, chat.id, user_id=user.id, now=utcnow())
        session.commit()
    auth.login("p@mail.ru")
    page = client.get(f"/chats/{chat.id}/members")
    assert page.status_code == 200
    assert "Кузнецова М. И." in page.text and "Петрова А." in page.text
    assert "lead@school.ru" not in page.text and "p@mail.ru" not in page.text and "79120000000" not in page.text
    assert "модератор" in page.text or "moderator" in page.text


def test_the_done_page_lists_joined_chats_and_how_to_log_in(app, client, session, auth, make_org, make_user,
                                                           make_member):
    org = make_org()
    pupil = make_user(email=None, login="kolya.petrov")
    make_member(pupil, org, "student", unit="5А")
    _rules(session, pupil, org)
    chat = _chat(session, org, "class", "5А")
    auth.login("kolya.petrov")
    client.post(f"/chats/{chat.id}/join")
    page = client.get(f"/chats/org/{org.id}/done")
    assert "Чат класса 5А" in page.text and "kolya.petrov" in page.text and "http://localhost/login" in page.text


def test_the_member_list_asks_the_database_the_same_for_a_big_chat(app, client, session, auth, make_org, make_user,
                                                                    make_member):
    from sqlalchemy import event

    org = make_org()
    chat = _chat(session, org, "parents", "2Б")

    def add_parents(count, start):
        session.rollback()
        for n in range(start, start + count):
            parent = make_user(email=f"parent{n}@mail.ru", last_name="Родителев", first_name=f"Пётр{chr(1040 + n % 30)}")
            make_member(parent, org, "parent", unit="2Б")
            _rules(session, parent, org)
            chats.join_chat(session, chat.id, user_id=parent.id, now=utcnow())
            session.commit()

    def statements():
        seen = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        engine = app.extensions["db"]["engine"]
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get(f"/chats/{chat.id}/members")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert page.status_code == 200
        return len(seen), page.text.count("Родителев")

    add_parents(2, 0)
    auth.login("parent0@mail.ru")
    statements()
    few = statements()
    add_parents(15, 2)
    many = statements()
    assert (few[1], many[1]) == (2, 17)
    assert few[0] == many[0]
