"""Moderation by the chat rules (seed 000, part 2): violations, blocks after
more than three for at most a month, unblocking, removals, who may do it."""
import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from matrix_support import daytime_zone
from test_chats import _rules
from test_registration_roles import _chat, fresh

from onboarding.chats import operations as chats
from onboarding.models import AuditEvent, ChatBlock, ChatMember, ChatRemoval, ChatViolation, utcnow
from onboarding.moderation import operations as moderation


def school(session, make_org, make_user, make_member):
    """A parents' chat of 2Б with its homeroom teacher (moderator) and two parents in it."""
    org = make_org(timezone=daytime_zone())
    teacher = make_user(email="t@mail.ru", last_name="Петрова", first_name="Ольга", patronymic="Ивановна")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    parent = make_user(email="p@mail.ru", last_name="Смирнова", first_name="Анна", patronymic="Петровна")
    make_member(parent, org, "parent", unit="2Б")
    other = make_user(email="o@mail.ru", last_name="Кузнецов", first_name="Олег")
    make_member(other, org, "parent", unit="2Б", confirmed_child="Кузнецова Маша")
    chat = _chat(session, org, "parents", "2Б")
    for user in (teacher, parent, other):
        _rules(session, user, org)
        chats.join_chat(session, chat.id, user_id=user.id, now=utcnow())
    session.commit()
    return org, chat, teacher, parent, other


def local_day(org, days):
    return (utcnow().astimezone(ZoneInfo(org.timezone)) + timedelta(days=days)).date()


def violate(client, chat, member, rule="3", note=""):
    return client.post(f"/moderation/chat/{chat.id}/violation", data={
        "violation-member": str(member.id), "violation-rule": rule, "violation-note": note})


def block(client, chat, member, day, rule="3"):
    return client.post(f"/moderation/chat/{chat.id}/block", data={
        "block-member": str(member.id), "block-rule": rule, "block-until": day.isoformat()})


def test_a_block_needs_more_than_three_violations_and_lasts_at_most_a_month(
        app, client, session, auth, make_org, make_user, make_member, sent_mail):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    auth.login("t@mail.ru")
    page = client.get(f"/moderation/chat/{chat.id}")
    assert page.status_code == 200 and "Отметить нарушение" in page.text and len(page.data) < 20_000
    for _ in range(3):
        assert violate(client, chat, parent, note="Грубость в адрес учителя").status_code == 302
    assert sent_mail[-1]["To"] == "p@mail.ru" and "Нарушение правил чата" in sent_mail[-1]["Subject"]
    refused = block(client, chat, parent, local_day(org, 7))
    assert refused.status_code == 400
    assert "больше трёх раз; у этого участника нарушений: 3" in html.unescape(refused.text)
    assert fresh(session).query(ChatBlock).count() == 0
    violate(client, chat, parent)
    too_long = block(client, chat, parent, local_day(org, 32))
    assert too_long.status_code == 400 and "не дольше одного месяца" in html.unescape(too_long.text)
    assert f'value="{local_day(org, 32).isoformat()}"' in too_long.text  # the typing kept
    past = block(client, chat, parent, local_day(org, -1))
    assert past.status_code == 400 and "Эта дата уже прошла" in past.text
    assert block(client, chat, parent, local_day(org, 7)).status_code == 302
    row = fresh(session).query(ChatMember).filter_by(chat_id=chat.id, user_id=parent.id).one()
    assert row.blocked_until.astimezone(ZoneInfo(org.timezone)).date() == local_day(org, 7)
    stored = session.query(ChatBlock).one()
    assert stored.rule == "3" and stored.rules_version == "2026-11-01"
    assert "Блокировка в чате" in sent_mail[-1]["Subject"]
    auth.logout()
    auth.login("p@mail.ru")
    room = client.get(f"/chats/{chat.id}")
    assert 'name="body"' not in room.text
    assert "до " + local_day(org, 7).strftime("%-d") in room.text and "включительно" in room.text


def test_nobody_but_a_moderator_moderates(app, client, session, auth, make_org, make_user, make_member):
    org, chat, teacher, parent, other = school(session, make_org, make_user, make_member)
    stranger = make_user(email="x@mail.ru")  # a verified teacher of another class
    make_member(stranger, org, "teacher")
    make_member(stranger, org, "teacher", unit="5А", is_lead=True)
    for email in ("p@mail.ru", "x@mail.ru"):
        auth.login(email)
        assert client.get(f"/moderation/chat/{chat.id}").status_code == 403
        assert violate(client, chat, other).status_code == 403
        assert block(client, chat, other, local_day(org, 3)).status_code == 403
        assert client.post(f"/moderation/chat/{chat.id}/remove", data={
            "removal-member": str(other.id), "removal-rule": "3"}).status_code == 403
        assert client.post(f"/moderation/chat/{chat.id}/redact", data={"event_id": "$x"}).status_code == 403
        assert client.get(f"/moderation/org/{org.id}").status_code == 403
        auth.logout()
    outsider_org = make_org(name="Школа № 2")
    outsider = make_user(email="out@mail.ru")
    make_member(outsider, outsider_org, "admin")
    auth.login("out@mail.ru")
    assert client.get(f"/moderation/chat/{chat.id}").status_code == 404
    assert fresh(session).query(ChatViolation).count() == 0


def test_a_member_sees_their_own_violations_and_why_and_nobody_elses(app, client, session, auth, make_org,
                                                                     make_user, make_member):
    org, chat, teacher, parent, other = school(session, make_org, make_user, make_member)
    auth.login("t@mail.ru")
    violate(client, chat, parent, rule="1", note="Открытки в чате")
    violate(client, chat, other, rule="4", note="Слова о соседях")
    auth.logout()
    auth.login("p@mail.ru")
    assert "Мои нарушения" in client.get("/chats/").text
    mine = html.unescape(client.get("/moderation/mine").text)
    assert "Засорение чата" in mine and "Открытки в чате" in mine and "Родители класса 2Б" in mine
    assert "Слова о соседях" not in mine and "Разжигание вражды" not in mine


def test_the_wrong_point_or_a_long_note_is_refused_beside_the_field(app, client, session, auth, make_org,
                                                                    make_user, make_member):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    auth.login("t@mail.ru")
    long_note = violate(client, chat, parent, note="я" * 501)
    assert long_note.status_code == 400 and "не длиннее 500 символов" in long_note.text
    no_point = violate(client, chat, parent, rule="")
    assert no_point.status_code == 400 and "Выберите пункт правил" in no_point.text
    unknown = violate(client, chat, parent, rule="99")
    assert unknown.status_code == 400
    assert fresh(session).query(ChatViolation).count() == 0


def test_a_removed_member_cannot_join_back_until_the_moderator_lets_them(app, client, session, auth, make_org,
                                                                         make_user, make_member, sent_mail):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    auth.login("t@mail.ru")
    no_rule = client.post(f"/moderation/chat/{chat.id}/remove", data={"removal-member": str(parent.id)})
    assert no_rule.status_code == 400 and "Выберите пункт правил" in no_rule.text
    assert client.post(f"/moderation/chat/{chat.id}/remove", data={
        "removal-member": str(parent.id), "removal-rule": "3", "removal-note": "Оскорбления"}).status_code == 302
    assert "Удаление из чата" in sent_mail[-1]["Subject"]
    auth.logout()
    auth.login("p@mail.ru")
    refused = client.post(f"/chats/{chat.id}/join", follow_redirects=True)
    assert "вернуть вас в чат может только модератор" in refused.text
    assert not chats.is_member(fresh(session), chat.id, parent.id)
    auth.logout()
    auth.login("t@mail.ru")
    page = client.get(f"/moderation/chat/{chat.id}")
    assert "Вернуть в чат" in page.text
    removal_id = fresh(session).query(ChatRemoval).one().id
    assert client.post(f"/moderation/chat/{chat.id}/readmit/{removal_id}").status_code == 302
    assert chats.is_member(fresh(session), chat.id, parent.id)


def test_blocks_end_by_themselves_and_early_only_without_objection(app, session, make_org, make_user, make_member):
    org, chat, teacher, parent, other = school(session, make_org, make_user, make_member)
    now = utcnow()
    for _ in range(4):
        moderation.record_violation(session, chat, member_id=parent.id, rule="2", note=None,
                                    moderator_id=teacher.id, now=now)
    first = moderation.block_member(session, chat, member_id=parent.id, rule="2", until_day=local_day(org, 10),
                                    moderator_id=teacher.id, now=now)
    # Early unblocking: a member objects within the day, the block stays.
    moderation.propose_unblock(session, chat, block_id=first.id, moderator_id=teacher.id, now=now)
    moderation.object_to_unblock(session, chat, block_id=first.id, user_id=other.id, now=now + timedelta(hours=2))
    assert moderation.end_due_blocks(session, now + timedelta(days=2)) == 0
    assert not chats.may_post(session, chat, parent.id, now=now + timedelta(days=2))
    # It runs out at the end of its last day, and then the member writes again.
    assert moderation.end_due_blocks(session, now + timedelta(days=12)) == 1
    assert chats.may_post(session, chat, parent.id, now=now + timedelta(days=12))
    assert first.end_reason == "expired"
    # Blocked again after four more violations; nobody objects: unblocked a day later.
    later = now + timedelta(days=13)
    for _ in range(4):
        moderation.record_violation(session, chat, member_id=parent.id, rule="1", note=None,
                                    moderator_id=teacher.id, now=later)
    second = moderation.block_member(session, chat, member_id=parent.id, rule="1",
                                     until_day=(later.astimezone(ZoneInfo(org.timezone)) + timedelta(days=20)).date(),
                                     moderator_id=teacher.id, now=later)
    moderation.propose_unblock(session, chat, block_id=second.id, moderator_id=teacher.id, now=later)
    assert moderation.end_due_blocks(session, later + timedelta(hours=23)) == 0
    assert moderation.end_due_blocks(session, later + timedelta(days=1, minutes=1)) == 1
    assert second.end_reason == "apology"
    session.commit()
    actions = {e.action for e in session.query(AuditEvent).filter(AuditEvent.action.like("moderation.%"))}
    assert {"moderation.violation", "moderation.blocked", "moderation.unblock_proposed",
            "moderation.unblock_objected", "moderation.unblocked"} <= actions


def test_the_administrator_sees_every_chats_moderation(app, client, session, auth, make_org, make_user,
                                                       make_member):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    admin = make_user(email="a@mail.ru")
    make_member(admin, org, "admin")
    auth.login("t@mail.ru")
    violate(client, chat, parent, rule="5")
    auth.logout()
    auth.login("a@mail.ru")
    page = html.unescape(client.get(f"/moderation/org/{org.id}").text)
    assert "Родители класса 2Б" in page and "Петрова О. И." in page and "Личные вопросы" in page
    # An administrator may moderate any chat of the organisation.
    assert client.get(f"/moderation/chat/{chat.id}").status_code == 200


def test_the_member_list_marks_verified_teachers(app, client, session, auth, make_org, make_user, make_member):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    page = client.get(f"/chats/{chat.id}/members").text
    assert "Петрова О. И. · учитель · <span class=\"verified\">✓ подтверждён</span>" in page
    assert "Смирнова А. П. · родитель ·" not in page.replace("Смирнова А. П. · родитель</li>", "")


def test_the_administrators_view_asks_the_same_number_of_queries_for_1_and_for_12_classes(
        app, client, session, auth, make_org, make_user, make_member):
    statements = []
    engine = app.extensions["db"]["engine"]
    count = lambda *args: statements.append(args[2])  # noqa: E731
    sizes = {}
    for units in ("2Б", "1А 1Б 1В 2А 2Б 2В 3А 3Б 3В 4А 4Б 4В"):
        org = make_org(name=f"Школа {len(units)}", units=units)
        admin = make_user(email=f"a{len(units)}@mail.ru")
        make_member(admin, org, "admin")
        org_id = org.id
        session.commit()
        auth.login(f"a{len(units)}@mail.ru")
        client.get(f"/moderation/org/{org_id}")
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = client.get(f"/moderation/org/{org_id}")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert page.status_code == 200 and "Модераторы:" in html.unescape(page.text)
        sizes[units.count(" ") + 1] = len(statements)
        auth.logout()
    assert sizes[1] == sizes[12]
