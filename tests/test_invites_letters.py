"""Printable letters: one page and one single-use parent link per pupil."""
import re

from sqlalchemy import select
from support import unit_named

from onboarding.models import Invite

NAMES = [f"Ученикова{'а' * (n % 3)} Мария{chr(1040 + n)}" for n in range(35)]


def test_35_letters_on_one_page_each_with_its_own_link(app, client, auth, make_org, make_user, make_member, session):
    org = make_org()
    teacher = make_user(email="teacher@school.ru", last_name="Учителева")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="5А", is_lead=True)
    unit = unit_named(session, org, "5А")
    auth.login("teacher@school.ru")
    url = f"/org/{org.id}/units/{unit.id}/letters"
    assert client.get(url).status_code == 200

    # How long it takes is the benchmark's business (a timed test fails on a busy machine).
    response = client.post(url, data={"names": "\n".join(NAMES) + "\n\n", "expiry": "30d"})
    assert response.status_code == 200
    page = response.text
    assert page.count('<article class="letter">') == 35
    assert page.count("<svg") == 35 and "style=" not in page
    links = re.findall(r'<p class="letter-link">([^<]+)</p>', page)
    assert len(set(links)) == 35 and all(len(link) < 100 for link in links)
    for name in NAMES:
        assert name in page

    session.rollback()
    rows = session.scalars(select(Invite).order_by(Invite.id)).all()
    assert [row.pupil_name for row in rows] == NAMES
    assert {(row.kind, row.max_uses, row.child_id, row.created_by_id) for row in rows} == {
        ("guardian", 1, None, teacher.id)}
    assert all(chat.kind == "parents" for row in rows for chat in row.chats)

    client.post("/logout")
    landing = client.get(links[0].removeprefix("http://localhost"))
    assert landing.status_code == 200 and NAMES[0] in landing.text


def test_letters_refuse_bad_lists(app, client, auth, make_org, make_user, make_member, session):
    org = make_org()
    teacher = make_user(email="teacher@school.ru")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="5А")
    unit, other = unit_named(session, org, "5А"), unit_named(session, org, "9В")
    auth.login("teacher@school.ru")
    url = f"/org/{org.id}/units/{unit.id}/letters"
    for names in ("", "\n".join(f"Петров Иван{chr(1040 + n % 32)}{n}" for n in range(61)), "Петров <script>"):
        response = client.post(url, data={"names": names, "expiry": "30d"})
        assert response.status_code == 422 and 'class="error"' in response.text
    assert client.get(f"/org/{org.id}/units/{other.id}/letters").status_code == 403
    assert session.scalars(select(Invite)).first() is None
