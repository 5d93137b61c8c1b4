"""The class list (roster): a parent is confirmed against a name even while
the class has no pupil accounts; the link follows the child's account once
it exists; who confirms is said on the parent's page and in the e-mail;
the home page counts who waits."""
import re

import pytest
from sqlalchemy import event
from support import PASSWORD, form_errors, unit_named
from test_registration_roles import _chat, fresh

from onboarding.invites import granting
from onboarding.models import Membership, ParentLink, RosterEntry, User, utcnow
from onboarding.people import parents, roster


def _lead(make_user, make_member, org, unit="1А", email="lead@school.ru", **names):
    lead = make_user(email=email, **names)
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit=unit, is_lead=True)
    return lead


def _client(app, email):
    client = app.test_client()
    assert client.post("/login", data={"identifier": email, "password": PASSWORD}).status_code == 302
    return client


def _parent_registers(register, make_invite, org, unit, child_name, email="mama@mail.ru"):
    _invite, link = make_invite(org, kind="parent", unit=unit)
    register.adult(link, email=email, child_name=child_name)
    register.confirm_and_consent()
    assert register.client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}).status_code == 302


def _roster(org, unit):
    return f"/org/{org.id}/review/units/{unit.id}/roster"


def test_a_class_without_pupil_accounts_confirms_a_parent_from_the_list(
        app, session, make_org, make_user, make_member, make_invite, register, sent_mail):
    org = make_org()
    unit = unit_named(session, org, "1А")
    _lead(make_user, make_member, org, last_name="Петрова", first_name="Анна", patronymic="Ивановна")
    teacher = _client(app, "lead@school.ru")
    # Pasted as a column from a spreadsheet: spacing, a repeat and a blank line are tidied.
    page = teacher.post(_roster(org, unit), data={"names": "Петров  Алёша\r\n\r\nСидорова Маша\r\nпетров алёша\r\n"})
    assert page.status_code == 302
    assert [e.full_name for e in roster.current_entries(fresh(session), org.id, unit.id)] == [
        "Петров Алёша", "Сидорова Маша"]
    fresh(session)

    _parent_registers(register, make_invite, org, "1А", "алеша ПЕТРОВ")
    waiting = register.client.get(f"/chats/org/{org.id}")
    assert "Классный руководитель Петрова А. И. подтвердит, что вы родитель ребёнка: алеша ПЕТРОВ" in waiting.text
    assert "вам придёт письмо" in waiting.text and "Сидорова" not in waiting.text
    link = fresh(session).query(ParentLink).one()
    entry = session.query(RosterEntry).filter_by(full_name="Петров Алёша").one()
    fresh(session)

    queue = teacher.get(f"/org/{org.id}/review/parents")
    # The typed name matches the list ignoring case, ё and word order: it is chosen beforehand.
    assert f'<option selected value="e{entry.id}">Петров Алёша</option>' in queue.text
    assert "Сидорова Маша" in queue.text
    assert teacher.post(f"/org/{org.id}/review/parents/{link.id}/confirm",
                        data={f"link{link.id}-child": f"e{entry.id}"}).status_code == 302
    row = fresh(session).get(ParentLink, link.id)
    assert (row.status, row.roster_entry_id, row.child_id) == ("confirmed", entry.id, None)
    fresh(session)

    letter = [m for m in sent_mail if m["To"] == "mama@mail.ru"][-1]
    assert letter["Subject"] == "Вы подтверждены как родитель: Школа № 1"
    text = letter.get_content()
    assert "Ученик: Петров Алёша, класс 1А" in text
    assert "Кто подтвердил: классный руководитель Петрова А. И." in text
    assert f"http://localhost/chats/org/{org.id}" in text and "Адрес сайта: http://localhost/" in text
    chat = _chat(session, org, "parents", "1А")
    assert register.client.post(f"/chats/{chat.id}/join").status_code == 302


def test_the_name_the_parent_typed_joins_the_list(app, session, make_org, make_user, make_member, make_invite,
                                                   register):
    org = make_org()
    unit = unit_named(session, org, "1А")
    _lead(make_user, make_member, org)
    _parent_registers(register, make_invite, org, "1А", "Орлова Катя")
    link = fresh(session).query(ParentLink).one()
    fresh(session)
    teacher = _client(app, "lead@school.ru")
    queue = teacher.get(f"/org/{org.id}/review/parents")
    assert "<select" not in queue.text and "Этого имени ещё нет в списке" in queue.text
    assert teacher.post(f"/org/{org.id}/review/parents/{link.id}/confirm").status_code == 302
    assert [e.full_name for e in roster.current_entries(fresh(session), org.id, unit.id)] == ["Орлова Катя"]
    assert session.get(ParentLink, link.id).status == "confirmed"


def test_a_wrong_choice_is_answered_beside_the_field(app, session, make_org, make_user, make_member, make_invite,
                                                      register):
    org = make_org()
    other = make_org(name="Школа № 2")
    _lead(make_user, make_member, org)
    roster.add_names(session, org.id, unit_named(session, org, "1А").id, ["Иванов Петя"], actor_id=None,
                     now=utcnow())
    foreign = roster.add_names(session, other.id, unit_named(session, other, "1А").id, ["Иванов Петя"],
                               actor_id=None, now=utcnow())[0]
    session.commit()
    _parent_registers(register, make_invite, org, "1А", "Смирнов Дима")
    link = fresh(session).query(ParentLink).one()
    fresh(session)
    teacher = _client(app, "lead@school.ru")
    url = f"/org/{org.id}/review/parents/{link.id}/confirm"
    page = teacher.post(url, data={f"link{link.id}-child": ""})
    assert page.status_code == 422 and form_errors(page.text) == ["Выберите имя из списка."]
    assert teacher.post(url, data={f"link{link.id}-child": "e99999999999"}).status_code == 422
    assert teacher.post(url, data={f"link{link.id}-child": f"e{foreign.id}"}).status_code == 404
    assert fresh(session).get(ParentLink, link.id).status == "pending"


def test_the_link_follows_the_childs_account(app, session, make_org, make_user, make_member, make_invite,
                                             register):
    """Confirmed against a name; the pupil registers by a letter's personal
    link for that name, and the parent is linked to the account."""
    org = make_org()
    unit = unit_named(session, org, "1А")
    lead = _lead(make_user, make_member, org)
    _parent_registers(register, make_invite, org, "1А", "Петров Алёша")
    invite, _path = make_invite(org, kind="pupil", unit="1А", max_uses=1, pupil_name="петров алеша",
                                created_by=lead)  # a printed letter for the pupil
    pupil = make_user(email=None, login="alyosha", last_name="Петров", first_name="Алексей")
    link = fresh(session).query(ParentLink).one()
    fresh(session)
    response = _client(app, "lead@school.ru").post(f"/org/{org.id}/review/parents/{link.id}/confirm")
    assert response.status_code == 302, response.text
    invite, pupil = fresh(session).merge(invite), session.merge(pupil)
    granting.redeem_invite(session, invite, pupil, now=utcnow())
    session.commit()
    assert fresh(session).get(ParentLink, link.id).child_id == pupil.id
    entries = roster.current_entries(session, org.id, unit.id)
    assert [(e.full_name, e.pupil_id) for e in entries] == [("Петров Алёша", pupil.id)]


def test_the_teacher_matches_a_name_to_an_account_on_the_list_page(
        app, session, make_org, make_user, make_member, make_invite, register):
    org = make_org()
    unit = unit_named(session, org, "1А")
    _lead(make_user, make_member, org)
    _parent_registers(register, make_invite, org, "1А", "Петров Алёша")
    link = fresh(session).query(ParentLink).one()
    fresh(session)
    teacher = _client(app, "lead@school.ru")
    teacher.post(f"/org/{org.id}/review/parents/{link.id}/confirm")
    fresh(session)  # (the read above ends before the test writes)
    pupil = make_user(email=None, login="alyosha", last_name="Петров", first_name="Алексей")
    make_member(pupil, org, "student", unit="1А")
    entry = fresh(session).query(RosterEntry).one()
    fresh(session)
    page = teacher.get(_roster(org, unit))
    assert "Петров Алексей" in page.text and "Учётные записи, не связанные с именем в списке" in page.text
    missing = teacher.post(f"{_roster(org, unit)}/match", data={"pupil": str(pupil.id), "entry": ""})
    assert missing.status_code == 422 and form_errors(missing.text) == ["Выберите имя из списка."]
    assert teacher.post(f"{_roster(org, unit)}/match",
                        data={"pupil": str(pupil.id), "entry": str(entry.id)}).status_code == 302
    assert fresh(session).get(ParentLink, link.id).child_id == pupil.id
    # A name with an account (or a confirmed parent) stays on the list.
    teacher.post(f"{_roster(org, unit)}/remove", data={"entry": str(entry.id)})
    assert fresh(session).get(RosterEntry, entry.id).left_at is None


def test_names_come_from_the_printed_letters_and_bad_names_are_refused(
        app, session, make_org, make_user, make_member, make_invite):
    org = make_org()
    unit = unit_named(session, org, "1А")
    lead = _lead(make_user, make_member, org)
    for name in ("Ёлкина Вера", "елкина  вера", "Зуев Олег"):
        make_invite(org, kind="guardian", unit="1А", max_uses=1, pupil_name=name, created_by=lead)
    teacher = _client(app, "lead@school.ru")
    page = teacher.get(_roster(org, unit))
    assert "Ёлкина Вера, Зуев Олег" in page.text
    assert teacher.post(f"{_roster(org, unit)}/letters").status_code == 302
    assert [e.full_name for e in roster.current_entries(fresh(session), org.id, unit.id)] == [
        "Ёлкина Вера", "Зуев Олег"]
    fresh(session)
    page = teacher.post(_roster(org, unit), data={"names": "Петров Ваня\nR2-D2 <script>"})
    assert page.status_code == 422 and "R2-D2 &lt;script&gt;" in page.text  # the typing is kept
    assert form_errors(page.text)[0].startswith("В именах допустимы только буквы")
    page = teacher.post(_roster(org, unit), data={"names": "\n".join(f"Ученик Номер{chr(1072 + n % 32)}{n}"
                                                                     for n in range(3))})
    assert page.status_code == 422  # digits are not letters
    extra = "\n".join(f"Иванов {chr(1040 + a)}{chr(1072 + b)}" for a in range(8) for b in range(8))
    page = teacher.post(_roster(org, unit), data={"names": extra})
    assert page.status_code == 422


def test_only_the_homeroom_teacher_and_administrators_read_the_list(
        app, session, make_org, make_user, make_member):
    org = make_org()
    other = make_org(name="Школа № 2")
    unit = unit_named(session, org, "1А")
    _lead(make_user, make_member, org)
    _lead(make_user, make_member, org, unit="2Б", email="lead2b@school.ru")
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    for email, role, where in (("parent@mail.ru", "parent", "1А"), ("teacher@school.ru", "teacher", None),
                               ("pupil@school.ru", "student", "1А")):
        make_member(make_user(email=email), org, role, unit=where)
    make_member(make_user(email="outsider@school.ru"), other, "admin")
    roster.add_names(session, org.id, unit.id, ["Петров Алёша"], actor_id=None, now=utcnow())
    session.commit()
    expected = {"lead@school.ru": 200, "admin@school.ru": 200, "lead2b@school.ru": 403, "parent@mail.ru": 403,
                "teacher@school.ru": 403, "pupil@school.ru": 403, "outsider@school.ru": 404}
    for email, status in expected.items():
        client = _client(app, email)
        page = client.get(_roster(org, unit))
        assert page.status_code == status, email
        assert ("Петров Алёша" in page.text) == (status == 200), email
        assert client.post(_roster(org, unit), data={"names": "Зуев Олег"}).status_code in (status, 302), email
    assert [e.full_name for e in roster.current_entries(fresh(session), org.id, unit.id)] == ["Петров Алёша",
                                                                                              "Зуев Олег"]
    # A unit of another organisation, or the staff room, is not there.
    admin_client = _client(app, "admin@school.ru")
    assert admin_client.get(_roster(org, unit_named(session, other, "1А"))).status_code == 404
    assert admin_client.get(_roster(org, unit_named(session, org, "Учительская"))).status_code == 404


def test_a_class_without_a_homeroom_teacher_is_confirmed_by_an_administrator(
        app, session, make_org, make_user, make_member, make_invite, register, sent_mail):
    org = make_org()
    admin = make_user(email="admin@school.ru", last_name="Ювакаева", first_name="Лилия", patronymic="Рашидовна")
    make_member(admin, org, "admin")
    _parent_registers(register, make_invite, org, "5А", "Зуев Олег")
    assert "Администратор школы подтвердит, что вы родитель ребёнка: Зуев Олег" in register.client.get(
        f"/chats/org/{org.id}").text
    link = fresh(session).query(ParentLink).one()
    fresh(session)
    _client(app, "admin@school.ru").post(f"/org/{org.id}/review/parents/{link.id}/reject")
    letter = [m for m in sent_mail if m["To"] == "mama@mail.ru"][-1]
    assert letter["Subject"] == "Вас не подтвердили как родителя: Школа № 1"
    assert "Кто отклонил: администратор школы Ювакаева Л. Р." in letter.get_content()
    assert "обратитесь в школу" in letter.get_content()


def test_a_kindergarten_confirms_against_its_list(app, session, make_org, make_user, make_member, make_invite,
                                                  register, sent_mail):
    org = make_org(kind="kindergarten", name="Детский сад «Ромашка»", units="Солнышко")
    unit = unit_named(session, org, "Солнышко")
    _lead(make_user, make_member, org, unit="Солнышко", email="vospitatel@sad.ru", last_name="Орлова",
          first_name="Нина")
    teacher = _client(app, "vospitatel@sad.ru")
    teacher.post(_roster(org, unit), data={"names": "Смирнова Маша\nКотов Ваня"})
    _parent_registers(register, make_invite, org, "Солнышко", "Смирнова Маша", email="papa@mail.ru")
    assert "Воспитатель Орлова Н. подтвердит" in register.client.get(f"/chats/org/{org.id}").text
    link = fresh(session).query(ParentLink).one()
    fresh(session)
    queue = teacher.get(f"/org/{org.id}/review/parents")
    assert "Какой это ребёнок?" in queue.text and "Котов Ваня" in queue.text
    entry = roster.current_entries(fresh(session), org.id, unit.id)[1]
    assert entry.full_name == "Смирнова Маша"
    fresh(session)
    teacher.post(f"/org/{org.id}/review/parents/{link.id}/confirm", data={f"link{link.id}-child": f"e{entry.id}"})
    assert fresh(session).get(ParentLink, link.id).roster_entry_id == entry.id
    assert "Ребёнок: Смирнова Маша, группа Солнышко" in [m for m in sent_mail if m["To"] == "papa@mail.ru"][
        -1].get_content()


def test_at_most_four_parents_are_confirmed_against_one_name(session, make_org, make_user, make_member):
    org = make_org()
    unit = unit_named(session, org, "1А")
    lead = _lead(make_user, make_member, org)
    links = []
    for n in range(parents.MAX_GUARDIANS + 1):
        parent = make_user(email=f"parent{n}@mail.ru")
        make_member(parent, org, "parent", unit="1А", confirmed_child=None)
        link = ParentLink(org_id=org.id, unit_id=unit.id, parent_id=parent.id, child_name_given="Петров Алёша",
                          status="pending", created_at=utcnow())
        session.add(link)
        links.append(link)
    session.commit()
    for link in links[:-1]:
        parents.decide_parent_link(session, org.id, link.id, unit_ids=[unit.id], actor_id=lead.id, now=utcnow(),
                                   confirm=True)
    with pytest.raises(parents.TooManyGuardians):
        parents.decide_parent_link(session, org.id, links[-1].id, unit_ids=[unit.id], actor_id=lead.id,
                                   now=utcnow(), confirm=True)


def test_the_home_page_counts_who_waits_in_constant_queries(app, session, make_org, make_user, make_member):
    first, second = make_org(), make_org(name="Школа № 2")
    person = make_user(email="both@school.ru")
    make_member(person, first, "admin")
    make_member(person, second, "teacher")
    make_member(person, second, "teacher", unit="2Б", is_lead=True)
    pending = make_user(email="new@school.ru")
    make_member(pending, first, "teacher", verification="pending")

    def wait(org, unit, count):
        fresh(session)
        for _n in range(count):
            parent = make_user()
            session.add(ParentLink(org_id=org.id, unit_id=unit_named(session, org, unit).id, parent_id=parent.id,
                                   child_name_given="Петров Алёша", status="pending", created_at=utcnow()))
        session.commit()

    wait(first, "1А", 2)
    wait(second, "2Б", 3)
    client = _client(app, "both@school.ru")
    statements = []
    engine = app.extensions["db"]["engine"]
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        home = client.get("/")
        few = len(statements)
        wait(first, "5А", 4)
        wait(second, "2Б", 2)
        statements.clear()
        home = client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert len(statements) == few
    badges = re.findall(r'href="([^"]+)">[^<]+</a> <span class="badge">(\d+)</span>', home.text)
    assert (f"/org/{first.id}/review/teachers", "1") in badges
    assert (f"/org/{first.id}/review/parents", "6") in badges
    assert (f"/org/{second.id}/review/parents", "5") in badges
    assert f"/org/{second.id}/review/units/{unit_named(session, second, '2Б').id}/roster" in home.text


def test_the_queue_shows_five_cards_at_a_time(app, session, make_org, make_user, make_member):
    org = make_org()
    unit = unit_named(session, org, "1А")
    _lead(make_user, make_member, org)
    roster.add_names(session, org.id, unit.id, [f"Иванов {chr(1040 + n)}ся" for n in range(30)], actor_id=None,
                     now=utcnow())
    for _n in range(7):
        session.add(ParentLink(org_id=org.id, unit_id=unit.id, parent_id=make_user().id,
                               child_name_given="Петров Алёша", status="pending", created_at=utcnow()))
    session.commit()
    queue = _client(app, "lead@school.ru").get(f"/org/{org.id}/review/parents")
    assert queue.text.count('<li class="card">') == 5 and "Ещё ждут: 2." in queue.text
    assert len(queue.data) < 20_000
