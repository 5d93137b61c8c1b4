"""The statistics speak the organisation's words: a school's pupils and
classes, a college's students and groups, a kindergarten's groups with
parents only — on the pages and in the spreadsheet's headers."""
import re
from io import BytesIO

from openpyxl import load_workbook


def _admin(make_user, make_member, org):
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")


def _everything(client, org):
    """The overview, the chats page and the spreadsheet's headers (first row of each sheet)."""
    overview = client.get(f"/org/{org.id}/stats/")
    chats = client.get(f"/org/{org.id}/stats/chats")
    sheet = client.get(f"/org/{org.id}/stats/report.xlsx")
    assert overview.status_code == chats.status_code == sheet.status_code == 200
    book = load_workbook(BytesIO(sheet.data))
    headers = {name: [cell for cell in next(book[name].iter_rows(values_only=True))] for name in book.sheetnames}
    return overview.text, chats.text, headers


def _facts(html):
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))


def test_a_college_speaks_of_students_and_groups(client, session, auth, make_org, make_user, make_member):
    org = make_org(kind="college", units="ИС-21 ПО-22")
    _admin(make_user, make_member, org)
    student = make_user(email="s@mail.ru")
    make_member(student, org, "student", unit="ИС-21")
    auth.login("admin@school.ru")
    overview, chats, headers = _everything(client, org)
    assert _facts(overview)["Студентов зарегистрировано"] == "1"
    assert "Студенты: зарегистрировано из списка." in overview
    assert '<th scope="col">Студенты</th>' in overview and '<th scope="col">Группа</th>' in overview
    assert "зарегистрированных студентов (или родителей) группы" in overview
    assert "сейчас студентов: 1" in overview
    assert "доля студентов (или родителей) группы" in chats
    assert headers["Группы"][:3] == ["Группа", "В списке", "Студентов зарегистрировано"]
    assert headers["По неделям"][1] == "Студентов зарегистрировано"
    for text in (overview, chats, str(headers)):
        assert "ученик" not in text.lower() and "класс" not in text.lower()


def test_a_school_still_speaks_of_pupils_and_classes(client, session, auth, make_org, make_user, make_member):
    org = make_org()
    _admin(make_user, make_member, org)
    auth.login("admin@school.ru")
    overview, chats, headers = _everything(client, org)
    assert "Учеников зарегистрировано" in _facts(overview)
    assert "Ученики: зарегистрировано из списка." in overview and '<th scope="col">Ученики</th>' in overview
    assert "зарегистрированных учеников (или родителей) класса" in overview
    assert "доля учеников (или родителей) класса" in chats
    assert headers["Классы"][:3] == ["Класс", "В списке", "Учеников зарегистрировано"]
    assert headers["По неделям"][1] == "Учеников зарегистрировано"
    assert "студент" not in (overview + chats + str(headers)).lower()


def test_a_kindergarten_counts_parents_of_its_groups_only(client, session, auth, make_org, make_user, make_member):
    org = make_org(kind="kindergarten", units="Солнышко Ромашка")
    _admin(make_user, make_member, org)
    auth.login("admin@school.ru")
    overview, chats, headers = _everything(client, org)
    assert "зарегистрированных родителей группы" in overview and "доля родителей группы" in chats
    # No learner has an account, and a group has no chat of its own: neither is a column of the spreadsheet.
    assert headers["Группы"] == ["Группа", "В списке", "Родителей зарегистрировано", "Родителей подтверждено",
                                 "Родители ждут подтверждения", "В чате родителей, %"]
    assert headers["По неделям"] == ["Неделя с", "Родителей зарегистрировано", "Сообщения"]
    for text in (overview, chats, str(headers)):
        assert "ученик" not in text.lower() and "студент" not in text.lower() and "класс" not in text.lower()
