"""Statistics for the administrators and the director: figures per unit and
for the organisation, week by week, as a spreadsheet; counted by the
database in a constant number of queries."""
import re
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import event, insert
from support import unit_named
from test_registration_roles import _chat, fresh

from onboarding.matrix.inbound import handle_events
from onboarding.models import (ChatMember, ChatWeekCount, MatrixRoom, Membership, ParentLink, RosterEntry, User,
                               utcnow)
from onboarding.people.roster import name_key
from onboarding.stats import charts
from onboarding.stats.figures import organisation_statistics
from onboarding.stats.weeks import school_year_start, week_start, weeks_of_school_year


def _admin(make_user, make_member, org, email="admin@school.ru"):
    admin = make_user(email=email)
    make_member(admin, org, "admin")
    return admin


def test_only_administrators_read_the_statistics(client, session, auth, make_org, make_user, make_member):
    org = make_org()
    _admin(make_user, make_member, org)
    teacher, parent, outsider = (make_user(email=e) for e in ("t@school.ru", "p@mail.ru", "o@mail.ru"))
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    make_member(parent, org, "parent", unit="2Б")
    make_member(outsider, make_org(name="Школа № 2"), "admin")
    for email, status in (("o@mail.ru", 404), ("p@mail.ru", 403), ("t@school.ru", 403), ("admin@school.ru", 200)):
        auth.login(email)
        for path in ("", "chats", "report.xlsx"):
            assert client.get(f"/org/{org.id}/stats/{path}").status_code == status, (email, path)
        auth.logout()
    assert client.get(f"/org/{org.id}/stats/").status_code == 302  # logged out: the log-in page


def test_the_director_reads_the_statistics(client, session, auth, make_org, make_user, make_member):
    org = make_org()
    director = make_user(email="d@school.ru")
    membership = make_member(director, org, "teacher")
    membership.position = "director"
    session.commit()
    auth.login("d@school.ru")
    assert client.get(f"/org/{org.id}/stats/").status_code == 200
    assert f'href="/org/{org.id}/stats/"' in client.get("/").text  # from the director's home page
    membership.verification = "pending"
    session.commit()
    assert client.get(f"/org/{org.id}/stats/").status_code == 403


def _school(session, make_org, make_user, make_member):
    """2Б: 4 names on the list, 2 pupils registered (1 in the class chat),
    a confirmed parent in the parents' chat and one awaiting confirmation."""
    org = make_org()
    unit = unit_named(session, org, "2Б")
    for name in ("Петров Алёша", "Сидорова Катя", "Кузнецов Миша", "Орлова Ира"):
        session.add(RosterEntry(org_id=org.id, unit_id=unit.id, full_name=name, name_key=name_key(name)))
    session.commit()
    pupils = [make_user(email=f"pupil{n}@mail.ru") for n in range(2)]
    for pupil in pupils:
        make_member(pupil, org, "student", unit="2Б")
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б", confirmed_child=None)
    session.add(ParentLink(org_id=org.id, unit_id=unit.id, parent_id=parent.id, child_id=pupils[0].id,
                           status="confirmed", created_at=utcnow()))
    waiting = make_user(email="w@mail.ru")
    make_member(waiting, org, "parent", unit="2Б", confirmed_child=None)
    session.add(ParentLink(org_id=org.id, unit_id=unit.id, parent_id=waiting.id, child_name_given="Орлова Ира",
                           status="pending", created_at=utcnow()))
    session.commit()
    class_chat, parents_chat = _chat(session, org, "class", "2Б"), _chat(session, org, "parents", "2Б")
    session.add_all([ChatMember(org_id=org.id, chat_id=class_chat.id, user_id=pupils[0].id),
                     ChatMember(org_id=org.id, chat_id=parents_chat.id, user_id=parent.id)])
    session.commit()
    return org, class_chat, parents_chat


def _cells(html):
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)]


def test_the_page_shows_each_units_figures_and_the_organisations(client, session, auth, make_org, make_user,
                                                                 make_member):
    org, class_chat, parents_chat = _school(session, make_org, make_user, make_member)
    _admin(make_user, make_member, org)
    auth.login("admin@school.ru")
    page = client.get(f"/org/{org.id}/stats/")
    assert page.status_code == 200 and len(page.data) < 20_000
    cells = _cells(page.text)
    row = cells.index("2Б")
    # 2 of 4 pupils; parents: 2 registered, 1 confirmed, 1 waiting; 1 of 2 pupils and 1 of 2 parents in the chats.
    assert cells[row:row + 5] == ["2Б", "2 из 4", "2, 1, 1", "50 %", "50 %"]
    assert "Ученики: зарегистрировано из списка." in page.text
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page.text))
    assert facts["Родителей зарегистрировано"] == "2" and facts["Родителей подтверждено"] == "1"
    assert facts["Родители ждут подтверждения"] == "1" and facts["Учеников зарегистрировано"] == "2"
    # The chart is readable without sight, and its figures are in a table.
    assert '<svg viewBox="0 0 320 160" width="100%" role="img"' in page.text and "<title id=\"people-t\">" in page.text
    assert "сейчас учеников: 2, родителей: 2" in page.text
    chats = client.get(f"/org/{org.id}/stats/chats")
    cells = _cells(chats.text)
    row = cells.index("Родители класса 2Б")
    assert cells[row + 1] == "1 (50 %)" and cells[row + 2] == "0"


def test_a_kindergarten_speaks_of_groups_and_has_no_pupils(client, session, auth, make_org, make_user, make_member):
    org = make_org(kind="kindergarten", units="Солнышко Ромашка")
    _admin(make_user, make_member, org)
    auth.login("admin@school.ru")
    page = client.get(f"/org/{org.id}/stats/")
    assert page.status_code == 200 and "Группы" in page.text and "Солнышко" in page.text
    assert "Учеников" not in page.text and "ученик" not in page.text.lower()


def _room(session, chat, room_id):
    session.add(MatrixRoom(chat_id=chat.id, room_id=room_id))
    session.commit()


def _message(room_id, n, when=None):
    stamp = int((when or datetime.now(timezone.utc)).timestamp() * 1000)
    return {"type": "m.room.message", "room_id": room_id, "event_id": f"$m{n}{room_id}", "sender": "@s_1:school.test",
            "origin_server_ts": stamp, "content": {"msgtype": "m.text", "body": "секрет"}}


def test_messages_are_counted_per_chat_and_week_without_text_or_sender(session, make_org):
    org = make_org(timezone="Asia/Yekaterinburg")
    chat, other = _chat(session, org, "parents", "2Б"), _chat(session, org, "class", "2Б")
    _room(session, chat, "!a:school.test")
    _room(session, other, "!b:school.test")
    # Sunday 23:30 local (+05:00) is still the week before; Monday 00:30 starts the next.
    sunday = datetime(2026, 11, 22, 18, 30, tzinfo=timezone.utc)
    monday = datetime(2026, 11, 22, 19, 30, tzinfo=timezone.utc)
    events = [_message("!a:school.test", 1, sunday), _message("!a:school.test", 2, monday),
              _message("!a:school.test", 3, monday), _message("!b:school.test", 4, monday),
              _message("!unknown:school.test", 5, monday),
              {"type": "m.room.member", "room_id": "!a:school.test", "event_id": "$j", "state_key": "@x:school.test",
               "sender": "@x:school.test", "content": {"membership": "join"}}, "junk", {"type": "m.room.message"}]
    handle_events(session, events, now=utcnow())
    session.commit()
    handle_events(session, [_message("!a:school.test", 6, monday)], now=utcnow())
    session.commit()
    rows = {(row.chat_id, row.week_start): row.messages for row in fresh(session).query(ChatWeekCount)}
    assert rows == {(chat.id, date(2026, 11, 16)): 1, (chat.id, date(2026, 11, 23)): 3,
                    (other.id, date(2026, 11, 23)): 1}
    assert {column.name for column in ChatWeekCount.__table__.columns} == {"chat_id", "week_start", "messages"}


def test_the_spreadsheet_has_a_sheet_per_table_russian_headers_and_dates(client, session, auth, make_org,
                                                                         make_user, make_member):
    org, class_chat, parents_chat = _school(session, make_org, make_user, make_member)
    this_week = week_start(datetime.now(timezone(timedelta(hours=5))).date())
    session.add(ChatWeekCount(chat_id=parents_chat.id, week_start=this_week, messages=7))
    session.commit()
    _admin(make_user, make_member, org)
    auth.login("admin@school.ru")
    response = client.get(f"/org/{org.id}/stats/report.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Классы", "Чаты", "Сообщения по неделям", "По неделям", "Очереди"]
    units = [list(row) for row in book["Классы"].iter_rows(values_only=True)]
    assert units[0][:3] == ["Класс", "В списке", "Учеников зарегистрировано"]
    assert ["2Б", 4, 2, 2, 1, 1, 50, 50] in units
    weekly = list(book["Сообщения по неделям"].iter_rows(values_only=True))
    assert weekly[1] == ("Родители класса 2Б", datetime.combine(this_week, datetime.min.time()), 7)
    assert book["Сообщения по неделям"]["B2"].number_format == "DD.MM.YYYY"
    by_week = list(book["По неделям"].iter_rows(values_only=True))
    assert by_week[-1][0].date() == this_week and by_week[-1][3] == 7


def _pupils(session, org, count):
    """`count` pupils spread over the classes, each with a parent (confirmed),
    on the list, and in the class chat."""
    fresh(session)
    units = [unit_named(session, org, name) for name in ("1А", "2Б", "5А", "9В")]
    chats = {unit.id: _chat(session, org, "class", unit.name).id for unit in units}
    now = utcnow()
    start = session.query(User).count()
    users = [User(email=f"bulk{start + n}@mail.ru", password_hash="x", last_name="Иванов", first_name="Иван",
                  status="active", created_at=now) for n in range(2 * count)]
    session.add_all(users)
    session.flush()
    ids = [user.id for user in users]
    pupils, parents = ids[:count], ids[count:]
    session.execute(insert(Membership), [
        {"org_id": org.id, "user_id": user_id, "unit_id": units[n % 4].id, "role": role, "created_at": now}
        for n, (pupil, parent) in enumerate(zip(pupils, parents)) for user_id, role in ((pupil, "student"),
                                                                                      (parent, "parent"))])
    session.execute(insert(ParentLink), [
        {"org_id": org.id, "unit_id": units[n % 4].id, "parent_id": parent, "child_id": pupil, "status": "confirmed",
         "created_at": now} for n, (pupil, parent) in enumerate(zip(pupils, parents))])
    session.execute(insert(RosterEntry), [
        {"org_id": org.id, "unit_id": units[n % 4].id, "full_name": f"Иванов Иван {n}", "name_key": f"k{n}",
         "pupil_id": pupil, "created_at": now} for n, pupil in enumerate(pupils)])
    session.execute(insert(ChatMember), [
        {"org_id": org.id, "chat_id": chats[units[n % 4].id], "user_id": pupil, "role": "member", "joined_at": now}
        for n, pupil in enumerate(pupils)])
    session.commit()


def test_a_constant_number_of_queries_for_10_and_for_1000_pupils(app, client, session, auth, make_org, make_user,
                                                                 make_member):
    org = make_org()
    _admin(make_user, make_member, org)
    _pupils(session, org, 10)
    auth.login("admin@school.ru")
    statements = []
    engine = app.extensions["db"]["engine"]
    count = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", count)
    try:
        small = client.get(f"/org/{org.id}/stats/")
        few = len(statements)
        _pupils(session, org, 990)
        statements.clear()
        large = client.get(f"/org/{org.id}/stats/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert small.status_code == large.status_code == 200
    assert len(statements) == few
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", large.text))
    assert facts["Учеников зарегистрировано"] == "1000" and facts["Родителей подтверждено"] == "1000"
    cells = _cells(large.text)
    assert cells[cells.index("2Б"):cells.index("2Б") + 4] == ["2Б", "251 из 251", "251, 251, 0", "100 %"]


def test_weeks_start_on_monday_from_the_week_of_1_september():
    assert school_year_start(date(2026, 11, 24)) == date(2026, 9, 1)
    assert school_year_start(date(2027, 3, 1)) == date(2026, 9, 1)
    weeks = weeks_of_school_year(date(2026, 9, 10))
    assert weeks == [date(2026, 8, 31), date(2026, 9, 7)]
    assert charts.nice_maximum(0) == 1 and charts.nice_maximum(7) == 10 and charts.nice_maximum(1000) == 1000
    assert charts.nice_maximum(1001) == 2000


def test_figures_count_only_present_people(session, make_org, make_user, make_member):
    org, class_chat, parents_chat = _school(session, make_org, make_user, make_member)
    pupil = fresh(session).query(ChatMember).filter_by(chat_id=class_chat.id).one()
    pupil.left_at = utcnow()
    session.commit()
    figures = organisation_statistics(session, fresh(session).get(type(org), org.id), now=utcnow())
    unit = next(u for u in figures.units if u.unit.name == "2Б")
    assert unit.chats["class"].share == 0 and unit.chats["class"].members == 0
    assert figures.weeks[-1].pupils == 2 and figures.weeks[0].week <= date.today()
