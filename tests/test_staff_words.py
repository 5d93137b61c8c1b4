"""The staff and movement pages speak the organisation's words: a college's
students, groups, curators and lecturers; a kindergarten's groups, group
teachers and staff (its children have no accounts, so nothing moves them
here); a school's pupils, classes and homeroom teachers as before — on the
pages, in the messages after an action and in the letters."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support import form_errors, unit_named

from onboarding.models import Membership, Organisation


def _spoken(html: str) -> str:
    """The page's words, tags left out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _letter_to(sent_mail, address: str) -> str:
    letter = next(m for m in sent_mail if m["To"] == address)
    return f'{letter["Subject"]}\n{letter.get_content()}'


def _never_a_schools(text: str) -> None:
    """No pupil (ученик, учеников, ученика…) and no class (класс, классный…)."""
    assert "ученик" not in text.lower() and "класс" not in text.lower()


def _login(session, auth, email):
    session.rollback()
    auth.login(email)


def _place(session, make_org, make_user, make_member, kind, units, lead_unit):
    """An administrator, a verified lead of `lead_unit`, another verified
    member of staff; in a school or college a learner of `lead_unit` with a
    parent. The ids, by role."""
    org = make_org(kind=kind, name="Организация", units=units)
    admin = make_user(email="admin@org.ru", last_name="Админова")
    make_member(admin, org, "admin")
    lead = make_user(email="lead@org.ru", last_name="Смирнова")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit=lead_unit, is_lead=True)
    colleague = make_user(email="colleague@org.ru", last_name="Кузнецов")
    make_member(colleague, org, "teacher")
    make_member(make_user(email="mama@mail.ru", last_name="Петрова"), org, "parent", unit=lead_unit,
                confirmed_child="Петров Коля")
    learner = session.scalars(select(Membership.user_id).where(Membership.org_id == org.id,
                                                                Membership.role == "student")).first()
    ids = {"org": org.id, "admin": admin.id, "lead": lead.id, "colleague": colleague.id, "learner": learner,
           "unit": unit_named(session, org, lead_unit).id,
           "other": next(unit_named(session, org, name).id for name in units.split() if name != lead_unit)}
    session.commit()
    return ids


@pytest.fixture
def college(session, auth, make_org, make_user, make_member):
    ids = _place(session, make_org, make_user, make_member, "college", "ИС-21 ИС-22", "ИС-21")
    _login(session, auth, "admin@org.ru")
    return ids


@pytest.fixture
def kindergarten(session, auth, make_org, make_user, make_member):
    ids = _place(session, make_org, make_user, make_member, "kindergarten", "Солнышко Ромашка", "Солнышко")
    _login(session, auth, "admin@org.ru")
    return ids


# --- A college ---------------------------------------------------------------------


def test_a_college_group_page_speaks_of_students_curators_and_lecturers(client, college):
    base = f"/org/{college['org']}/staff"
    overview = _spoken(client.get(base + "/").text)
    assert "Откройте группу, чтобы перевести студентов в другую группу и назначить куратора и преподавателей." \
        in overview
    page = client.get(f"{base}/units/{college['unit']}")
    assert page.status_code == 200
    text = _spoken(page.text)
    assert "Студенты" in text and "Петров Коля" in text
    assert "Откройте имя, чтобы перевести студента или записать его выбытие." in text
    assert "Куратор" in text
    assert "Только преподаватели с подтверждённым статусом; чаты группы модерирует куратор." in text
    assert "Преподаватели группы ИС-21" in text
    assert "Преподаватель получает доступ к чату преподавателей группы и может приглашать студентов и родителей." \
        in text
    for text_of_page in (overview, text):
        _never_a_schools(text_of_page)
        assert "учител" not in text_of_page.lower()


def test_a_college_group_has_no_grade_so_it_is_not_moved_up(session, client, college):
    """Groups are named freely (ИС-21): no grade, so a group is never moved up
    as a whole; its students move one by one, to the group chosen."""
    base = f"/org/{college['org']}/staff"
    page = client.get(f"{base}/units/{college['unit']}").text
    assert "/promote" not in page and "следующ" not in page
    assert client.post(f"{base}/units/{college['unit']}/promote", data={"promote-confirm": "y"}).status_code == 404
    empty = _spoken(client.get(f"{base}/units/{college['other']}").text)
    assert "Студентов с учётной записью пока нет." in empty
    _never_a_schools(empty)
    person = _spoken(client.get(f"{base}/people/{college['learner']}").text)
    assert "Куда перевести" in person and "ИС-22" in person


def test_a_college_student_on_their_page_moving_and_leaving(session, client, college, sent_mail):
    base = f"/org/{college['org']}/staff"
    url = f"{base}/people/{college['learner']}"
    page = _spoken(client.get(url).text)
    assert "Студент" in page
    assert ("Студент выходит из всех чатов, а с ним и родители, если в списке группы нет другого их ребёнка. "
            "Родителям придёт письмо.") in page
    assert "Да, студент выбывает из организации" in page
    assert "Родители переходят вместе со студентом." in page
    _never_a_schools(page)
    refused = client.post(url + "/transfer", data={"transfer-unit": str(college["unit"])})
    assert refused.status_code == 400 and form_errors(refused.text) == ["Студент уже в этой группе."]
    _never_a_schools(_spoken(refused.text))
    left = client.post(url + "/leave", data={"pupil-reason": "переезд", "pupil-confirm": "y"}, follow_redirects=True)
    text = _spoken(left.text)
    assert "Выбытие записано: Петров К." in text
    assert "Студентов с учётной записью пока нет." in text
    _never_a_schools(text)
    letter = _letter_to(sent_mail, "mama@mail.ru")
    assert "Администратор записал выбытие студента (Петров Коля) из организации «Организация»." in letter
    _never_a_schools(letter)


def test_a_college_curator_and_lecturer_on_the_pages(session, client, college, sent_mail):
    base = f"/org/{college['org']}/staff"
    unit = f"{base}/units/{college['unit']}"
    attached = client.post(unit + "/teachers", data={"attach-teacher": str(college["colleague"])},
                           follow_redirects=True)
    assert "Преподаватель Кузнецов" in attached.text and "ведёт занятия в группе ИС-21." in attached.text
    letter = _letter_to(sent_mail, "colleague@org.ru")
    assert ("Вы добавлены к преподавателям группы ИС-21: вы можете вступить в чат преподавателей и приглашать "
            "студентов и родителей.") in letter
    again = client.post(unit + "/teachers", data={"attach-teacher": str(college["colleague"])})
    assert form_errors(again.text) == ["Этот преподаватель уже ведёт занятия в этой группе."]
    refused = client.post(f"{unit}/teachers/{college['lead']}/detach", follow_redirects=True)
    assert "Сначала назначьте другого куратора." in refused.text
    colleague = _spoken(client.get(f"{base}/people/{college['colleague']}").text)
    assert "Ведёт занятия в группе ИС-21" in colleague
    detached = client.post(f"{unit}/teachers/{college['colleague']}/detach", follow_redirects=True)
    assert "больше не ведёт занятия в группе ИС-21." in detached.text
    curator_url = f"{base}/people/{college['lead']}"
    curator = _spoken(client.get(curator_url).text)
    assert "Куратор: ИС-21. Выберите, кому передать обязанности." in curator
    assert "Кому передать кураторство и модерацию чатов" in curator
    refused = client.post(curator_url + "/depart", data={"leave-confirm": "y"})
    assert form_errors(refused.text) == [
        "Выберите, кому передать обязанности: этот сотрудник курирует группу или модерирует чаты."]
    for text in (_spoken(attached.text), _spoken(again.text), _spoken(detached.text)):
        _never_a_schools(text)
        assert "учител" not in text.lower()
    _never_a_schools(curator + _spoken(refused.text))
    assert "учител" not in (curator + _spoken(refused.text)).lower()  # its staff room: «Преподавательская»
    assert "Преподавательская" in curator


def test_a_college_names_its_lecturers_as_such_when_a_status_is_not_verified(session, client, college,
                                                                              make_user, make_member):
    org = session.get(Organisation, college["org"])
    pending = make_user(email="new@org.ru", last_name="Новикова")
    make_member(pending, org, "teacher", verification="pending")
    pending_id = pending.id
    session.rollback()
    base = f"/org/{college['org']}/staff/people/{pending_id}"
    page = _spoken(client.get(base).text)
    assert "Администратором может быть только преподаватель с подтверждённым статусом." in page
    refused = client.post(base + "/position", data={"position-position": "director"})
    assert form_errors(refused.text) == ["Должность может занимать только преподаватель с подтверждённым статусом."]


# --- A kindergarten ----------------------------------------------------------------


def test_a_kindergarten_group_page_names_its_group_teacher_and_staff(client, kindergarten):
    base = f"/org/{kindergarten['org']}/staff"
    overview = _spoken(client.get(base + "/").text)
    assert "Откройте группу, чтобы назначить воспитателя и других сотрудников группы." in overview
    page = client.get(f"{base}/units/{kindergarten['unit']}")
    assert page.status_code == 200
    text = _spoken(page.text)
    assert "Воспитатель" in text and "Сотрудники группы Солнышко" in text
    assert "Только сотрудники с подтверждённым статусом; чаты группы модерирует воспитатель." in text
    assert ("Сотрудник (помощник воспитателя, музыкальный руководитель, логопед) получает доступ к чату "
            "сотрудников группы и может приглашать родителей.") in text
    assert client.post(f"{base}/units/{kindergarten['unit']}/promote",
                       data={"promote-confirm": "y"}).status_code == 404
    for text_of_page in (overview, text):
        _never_a_schools(text_of_page)
        assert "студент" not in text_of_page.lower() and "учител" not in text_of_page.lower()
        assert "с учётной записью" not in text_of_page  # no list of learners: children have no accounts


def test_a_kindergarten_staff_member_attached_and_the_group_teacher_leaving(session, client, kindergarten,
                                                                             sent_mail):
    base = f"/org/{kindergarten['org']}/staff"
    unit = f"{base}/units/{kindergarten['unit']}"
    attached = client.post(unit + "/teachers", data={"attach-teacher": str(kindergarten["colleague"])},
                           follow_redirects=True)
    assert "Сотрудник Кузнецов" in attached.text and "теперь работает с группой Солнышко." in attached.text
    letter = _letter_to(sent_mail, "colleague@org.ru")
    assert ("Вы добавлены к сотрудникам группы Солнышко: вы можете вступить в чат сотрудников и приглашать "
            "родителей.") in letter
    again = client.post(unit + "/teachers", data={"attach-teacher": str(kindergarten["colleague"])})
    assert form_errors(again.text) == ["Этот сотрудник уже работает с этой группой."]
    refused = client.post(f"{unit}/teachers/{kindergarten['lead']}/detach", follow_redirects=True)
    assert "Сначала назначьте другого воспитателя." in refused.text
    colleague = _spoken(client.get(f"{base}/people/{kindergarten['colleague']}").text)
    assert "Работает с группой Солнышко" in colleague
    lead_url = f"{base}/people/{kindergarten['lead']}"
    lead = _spoken(client.get(lead_url).text)
    assert "Воспитатель: Солнышко. Выберите, кому передать обязанности." in lead
    assert "Кому передать обязанности воспитателя и модерацию чатов" in lead
    refused_leave = client.post(lead_url + "/depart", data={"leave-confirm": "y"})
    assert form_errors(refused_leave.text) == [
        "Выберите, кому передать обязанности: этот сотрудник ведёт группу или модерирует чаты."]
    for text in (_spoken(attached.text), _spoken(again.text), letter, colleague, lead, _spoken(refused_leave.text)):
        _never_a_schools(text)
        assert "студент" not in text.lower() and "учител" not in text.lower()


# --- A school, as before -----------------------------------------------------------


def test_a_school_still_speaks_of_pupils_classes_and_teachers(session, client, auth, make_org, make_user,
                                                             make_member, sent_mail):
    ids = _place(session, make_org, make_user, make_member, "school", "2Б 3А", "2Б")
    _login(session, auth, "admin@org.ru")
    base = f"/org/{ids['org']}/staff"
    overview = _spoken(client.get(base + "/").text)
    assert "Откройте класс, чтобы перевести учеников (всех в следующий класс или по одному) и назначить учителей." \
        in overview
    page = _spoken(client.get(f"{base}/units/{ids['unit']}").text)
    assert "Ученики" in page and "Откройте имя, чтобы перевести ученика или записать его выбытие." in page
    assert "Перевод в следующий класс: 2Б → 3Б" in page and "Учителя 2Б" in page
    assert "Только учителя с подтверждённым статусом; чаты класса модерирует классный руководитель." in page
    person = _spoken(client.get(f"{base}/people/{ids['learner']}").text)
    assert "Да, ученик выбывает из организации" in person and "Родители переходят вместе с учеником." in person
    assert "Ученик выходит из всех чатов, а с ним и родители, если в списке класса нет другого их ребёнка." in person
    refused = client.post(f"{base}/people/{ids['learner']}/transfer", data={"transfer-unit": str(ids["unit"])})
    assert form_errors(refused.text) == ["Ученик уже там."]
    attached = client.post(f"{base}/units/{ids['unit']}/teachers", data={"attach-teacher": str(ids["colleague"])},
                           follow_redirects=True)
    assert "Учитель Кузнецов" in attached.text and "ведёт занятия в 2Б." in attached.text
    client.post(f"{base}/people/{ids['learner']}/leave", data={"pupil-confirm": "y"})
    assert "Администратор записал выбытие ученика (Петров Коля)" in _letter_to(sent_mail, "mama@mail.ru")
    for text in (overview, page, person, _spoken(attached.text)):
        assert "студент" not in text.lower() and "преподавател" not in text.lower()


def test_a_kindergarten_records_its_head_and_deputy_heads(client, kindergarten, sent_mail):
    """A kindergarten is led by «заведующий», not «директор»: the position's
    choices, the staff list, the person's history and the letter say so."""
    base = f"/org/{kindergarten['org']}/staff"
    person = f"{base}/people/{kindergarten['colleague']}"
    choices = _spoken(client.get(person).text)
    assert "Заведующий" in choices and "Заместитель заведующего" in choices
    done = client.post(person + "/position", data={"position-position": "director"}, follow_redirects=True)
    assert done.status_code == 200 and "Должность: заведующий" in _spoken(done.text)
    assert "заведующий" in _spoken(client.get(base + "/").text)
    assert "Вы отмечены как заведующий организации" in _letter_to(sent_mail, "colleague@org.ru")
    client.post(person + "/position", data={"position-position": "deputy"})
    assert "Должность: заместитель заведующего" in _spoken(client.get(person).text)
    latest = [m for m in sent_mail if m["To"] == "colleague@org.ru"][-1].get_content()
    assert "Вы отмечены как заместитель заведующего организации «Организация»." in latest
    for text in (_spoken(client.get(person).text), _spoken(client.get(base + "/").text)):
        assert "директор" not in text.lower()
