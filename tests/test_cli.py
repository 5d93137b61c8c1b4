"""The platform operator's commands, the demo school and the purge."""
from datetime import timedelta

from sqlalchemy import func, select

from onboarding.models import Chat, Membership, Organisation, Unit, User, utcnow


def _create(runner, **overrides):
    options = {"--name": "МБОУ «Школа № 7»", "--kind": "school", "--timezone": "Asia/Yekaterinburg",
               "--admin-name": "Ювакаева Лилия Рашидовна", "--admin-email": "l.yuv@mail.ru", **overrides}
    args = ["org", "create"]
    for key, value in options.items():
        args += [key, value]
    return runner.invoke(args=args)


def test_org_create_makes_the_organisation_its_staff_room_and_a_link(runner, session):
    result = _create(runner)
    assert result.exit_code == 0, result.output
    last_line = result.output.strip().splitlines()[-1]
    assert last_line.startswith("http://localhost/i/") and len(last_line) < 100
    org = session.scalars(select(Organisation)).one()
    assert (org.kind, org.timezone) == ("school", "Asia/Yekaterinburg")
    [staff_room] = session.scalars(select(Unit).where(Unit.org_id == org.id)).all()
    assert (staff_room.kind, staff_room.name) == ("staff_room", "Учительская")
    assert session.scalars(select(Chat.kind).where(Chat.unit_id == staff_room.id)).all() == ["staff"]


def test_a_kindergartens_staff_room_is_called_staff(runner, session):
    assert _create(runner, **{"--kind": "kindergarten", "--name": "Детский сад «Ромашка»"}).exit_code == 0
    assert session.scalars(select(Unit.name)).one() == "Сотрудники"


def test_org_create_refuses_bad_options_and_creates_nothing(runner, session):
    for overrides in ({"--timezone": "Mars/Olympus"}, {"--admin-email": "not an address"},
                      {"--kind": "university"}, {"--name": "   "}, {"--admin-name": "A\u202eB"}):
        result = _create(runner, **overrides)
        assert result.exit_code != 0, overrides
    assert session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_demo_is_idempotent_and_prints_the_logins(runner, session, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo-school.ru" in first.output and "teacher@demo-school.ru" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    link = next(line for line in first.output.splitlines() if "/i/" in line).split()[-1]
    assert link in second.output  # the same parent link each time
    landing = client.get(link.removeprefix("http://localhost"))
    assert landing.status_code == 200 and "2Б" in landing.text
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1
    names = session.scalars(select(Unit.name).order_by(Unit.sort_key)).all()
    assert names == ["Учительская", "1А", "2Б", "5А", "9В"]
    assert session.scalar(select(func.count()).select_from(User)) == 2
    teacher_rows = session.scalars(select(Membership).where(Membership.role == "teacher")).all()
    assert {m.verification for m in teacher_rows} == {"verified"} and any(m.is_lead for m in teacher_rows)
    session.rollback()
    response = client.post("/login", data={"identifier": "admin@demo-school.ru", "password": "demo-admin-2026"})
    assert response.status_code == 302
    assert "Демонстрационная школа №\u00a01" in client.get("/", follow_redirects=True).text


def test_purge_removes_only_stale_unconfirmed_accounts(runner, session, make_user):
    stale = make_user(email="stale@school.ru", status="unconfirmed")
    fresh = make_user(email="fresh@school.ru", status="unconfirmed")
    active = make_user(email="active@school.ru")
    stale.created_at = utcnow() - timedelta(days=3)
    session.commit()
    ids = (stale.id, fresh.id, active.id)
    result = runner.invoke(args=["accounts", "purge-unconfirmed"])
    assert "purged 1" in result.output
    remaining = session.scalars(select(User.id).where(User.id.in_(ids))).all()
    assert sorted(remaining) == sorted(ids[1:])
