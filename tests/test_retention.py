"""Retention: 30 days after a person leaves, their personal data go; the
consent records stay as proof (services with an explicit `now`, and the CLI)."""
import json
from datetime import datetime, timedelta, timezone

from support import PASSWORD, unit_named
from test_registration_roles import _chat

from onboarding.consent import operations as consent
from onboarding.models import (
    AuditEvent, ChatMember, ConsentRecord, EmailCode, Invite, JoinRequest, LoginSession, Membership, OutboxMessage,
    ParentLink, PersonEvent, RosterEntry, User, utcnow,
)
from onboarding.people import retention
from onboarding.people.accounts import authenticate
from onboarding.staff import departures
from onboarding.web import hasher

NOW = datetime(2026, 12, 31, 9, 0, tzinfo=timezone.utc)
KEY = "test-retention-key"


def _member(session, make_member, user, org, role, unit=None, *, left_days_ago=None):
    membership = make_member(user, org, role, unit=unit, confirmed_child=None)
    if left_days_ago is not None:
        membership.left_at = NOW - timedelta(days=left_days_ago)
        session.commit()
    return membership


def _consent(session, user, org, *, days_ago=100, **fields):
    record = consent.record_consent(session, org_id=org.id, subject_id=user.id, kind="personal_data",
                                    text="Согласие", version="2026-11-01", now=NOW - timedelta(days=days_ago),
                                    ip=fields.pop("ip", "192.0.2.7"), user_agent=fields.pop("user_agent", "Phone/1.0"),
                                    **fields)
    session.commit()
    return record


def _pupil_who_left(session, make_user, make_member, org, *, days_ago, login="petya.sidorov"):
    """A grade-2 pupil (their mother consented by her e-mail) with the rows a
    pupil leaves behind: a code, a chat, a log-in, a typed name in a parent link,
    a guardian invite, an audit entry with a reason."""
    pupil = make_user(email=None, login=login, last_name="Сидоров", first_name="Петя", patronymic="Ильич")
    pupil.phone, pupil.birth_date, pupil.last_login_at = "+79990001122", datetime(2018, 3, 1).date(), NOW
    membership = _member(session, make_member, pupil, org, "student", "2Б", left_days_ago=days_ago)
    record = _consent(session, pupil, org, given_by_email="mama@mail.ru")
    chat = _chat(session, org, "class", "2Б")
    session.add_all([
        EmailCode(org_id=org.id, user_id=pupil.id, purpose="parent_consent", email="mama@mail.ru",
                  code_hash="0" * 64, created_at=NOW - timedelta(days=100), expires_at=NOW - timedelta(days=99)),
        ChatMember(org_id=org.id, chat_id=chat.id, user_id=pupil.id, joined_at=NOW - timedelta(days=90),
                   left_at=NOW - timedelta(days=days_ago)),
        LoginSession(user_id=pupil.id, token_hash="1" * 64, created_at=NOW - timedelta(days=40),
                     expires_at=NOW - timedelta(days=10)),
        Invite(org_id=org.id, unit_id=membership.unit_id, kind="guardian", role="parent", nonce_hash="2" * 64,
               created_at=NOW - timedelta(days=90), expires_at=NOW - timedelta(days=60), max_uses=1, uses=1,
               pupil_name="Сидоров Петя", child_id=pupil.id),
        RosterEntry(org_id=org.id, unit_id=membership.unit_id, full_name="Сидоров Петя", name_key="петя сидоров",
                    pupil_id=pupil.id, created_at=NOW - timedelta(days=120)),
        AuditEvent(org_id=org.id, action="chat.removed", target_type="chat", target_id=chat.id,
                   details={"user_id": pupil.id, "reason": "Сидоров Петя грубил"}, created_at=NOW - timedelta(days=50)),
    ])
    session.commit()
    return pupil, record


def test_a_pupil_who_left_31_days_ago_is_anonymised_and_the_consent_kept_as_proof(
        app, session, make_org, make_user, make_member):
    org = make_org()
    pupil, record = _pupil_who_left(session, make_user, make_member, org, days_ago=31)
    mother = make_user(email="mama@mail.ru", last_name="Сидорова", first_name="Анна")
    _member(session, make_member, mother, org, "parent", "1А")  # another child, still in 1А
    session.add(ParentLink(org_id=org.id, unit_id=unit_named(session, org, "2Б").id, parent_id=mother.id,
                           child_id=pupil.id, child_name_given="Сидоров Петя", status="confirmed",
                           created_at=NOW - timedelta(days=90)))
    session.commit()
    given_at = record.created_at

    counts = retention.purge_departed(session, now=NOW, key=KEY)
    session.commit()
    session.expire_all()

    assert counts.accounts == 1
    pupil = session.get(User, pupil.id)
    assert (pupil.full_name, pupil.short_name) == ("Удалённый пользователь", "Удалённый пользователь")
    assert (pupil.email, pupil.phone, pupil.birth_date, pupil.patronymic, pupil.last_login_at) == (
        None, None, None, None, None)
    assert pupil.login == f"-deleted-{pupil.id}" and pupil.status == "disabled" and pupil.anonymised_at == NOW
    with app.app_context():
        assert authenticate(session, hasher(), "petya.sidorov", PASSWORD) is None
        assert authenticate(session, hasher(), pupil.login, PASSWORD) is None
    # The consent stays, with who, when and what; the parent's address as a keyed hash.
    record = session.get(ConsentRecord, record.id)
    assert (record.subject_id, record.org_id, record.kind, record.text_version) == (
        pupil.id, org.id, "personal_data", "2026-11-01")
    assert record.created_at == given_at and len(record.text_sha256) == 64
    assert record.given_by_email == retention.keyed_hash(KEY, "mama@mail.ru") != "mama@mail.ru"
    assert (record.ip, record.user_agent) == ("192.0.2.0", None)
    # Personal rows are gone.
    for model in (EmailCode, ChatMember, LoginSession):
        assert session.query(model).filter_by(user_id=pupil.id).count() == 0
    link = session.query(ParentLink).filter_by(child_id=pupil.id).one()
    assert link.child_name_given is None and link.status == "confirmed"
    assert session.query(Invite).filter_by(child_id=pupil.id).one().pupil_name is None
    entry = session.query(RosterEntry).filter_by(pupil_id=pupil.id).one()  # off the class list by name
    assert (entry.full_name, entry.name_key) == ("Удалённый пользователь", "") and entry.left_at is not None
    assert session.query(Membership).filter_by(user_id=pupil.id).one().left_at is not None
    removed = session.query(AuditEvent).filter_by(action="chat.removed").one()
    assert removed.details == {"user_id": pupil.id}
    # One audit entry for the run: counts, no names.
    [run] = session.query(AuditEvent).filter_by(action="retention.purged_departed").all()
    assert run.details["accounts"] == 1 and run.details["email_codes"] == 1 and run.actor_id is None
    assert "Сидоров" not in json.dumps(run.details, ensure_ascii=False)
    all_details = json.dumps([e.details for e in session.query(AuditEvent)], ensure_ascii=False)
    assert "Сидоров" not in all_details and "mama@mail.ru" not in all_details
    # The mother, still a member, keeps everything.
    mother = session.get(User, mother.id)
    assert (mother.email, mother.status, mother.anonymised_at) == ("mama@mail.ru", "active", None)


def test_nobody_is_touched_29_days_after_leaving_or_while_a_member_of_another_organisation(
        session, make_org, make_user, make_member):
    school = make_org()
    other = make_org(name="Школа № 2")
    recent, _ = _pupil_who_left(session, make_user, make_member, school, days_ago=29)
    teacher = make_user(email="teacher@mail.ru")
    _member(session, make_member, teacher, school, "teacher", left_days_ago=200)
    _member(session, make_member, teacher, other, "teacher")
    _consent(session, teacher, other)
    staying = make_user(email="staying@mail.ru")
    _member(session, make_member, staying, school, "parent", "2Б")
    session.add(JoinRequest(org_id=school.id, last_name="Сидоров", first_name="Петя", email="staying@mail.ru",
                            role="teacher", created_at=NOW - timedelta(days=300)))
    session.commit()
    before = {user.id: (user.full_name, user.email, user.login, user.status) for user in session.query(User)}

    counts = retention.purge_departed(session, now=NOW, key=KEY)
    session.commit()
    session.expire_all()

    assert counts == retention.PurgeCounts()
    assert {user.id: (user.full_name, user.email, user.login, user.status) for user in session.query(User)} == before
    assert session.query(ConsentRecord).filter_by(subject_id=recent.id).one().given_by_email == "mama@mail.ru"
    assert session.query(ChatMember).filter_by(user_id=recent.id).count() == 1
    assert session.query(JoinRequest).count() == 1
    assert session.query(AuditEvent).filter_by(action="retention.purged_departed").count() == 0


def test_someone_who_withdrew_their_consent_is_anonymised_30_days_later_and_a_second_run_changes_nothing(
        session, make_org, make_user, make_member):
    org = make_org()
    parent = make_user(email="papa@mail.ru", last_name="Петров", first_name="Пётр")
    _member(session, make_member, parent, org, "parent", "2Б")
    record = _consent(session, parent, org, ip="2001:db8:1234:5678::1")
    session.add_all([
        JoinRequest(org_id=org.id, last_name="Петров", first_name="Пётр", email="papa@mail.ru", role="teacher",
                    message="Я учитель", created_at=NOW - timedelta(days=60)),
        JoinRequest(org_id=org.id, last_name="Петров", first_name="Пётр", email="papa@mail.ru", role="teacher",
                    created_at=NOW - timedelta(days=2)),  # applied again after leaving: not ours to delete
        OutboxMessage(org_id=org.id, recipient="papa@mail.ru", subject="Код", body_text="(removed after delivery)",
                      created_at=NOW - timedelta(days=90), sent_at=NOW - timedelta(days=90)),
    ])
    session.commit()
    consent.withdraw_consent(session, record.id, actor_id=parent.id, now=NOW - timedelta(days=30, seconds=1))
    session.commit()
    assert session.get(User, parent.id).status == "disabled"

    assert retention.purge_departed(session, now=NOW - timedelta(seconds=2), key=KEY).accounts == 0
    counts = retention.purge_departed(session, now=NOW, key=KEY)
    session.commit()
    session.expire_all()
    assert (counts.accounts, counts.join_requests, counts.outbox_messages) == (1, 1, 1)
    parent = session.get(User, parent.id)
    assert parent.full_name == "Удалённый пользователь" and parent.email is None
    record = session.get(ConsentRecord, record.id)
    assert record.withdrawn_at is not None and record.given_by_email is None
    assert (record.ip, record.user_agent) == ("2001:db8:1234::", None)
    assert [request.created_at for request in session.query(JoinRequest)] == [NOW - timedelta(days=2)]
    assert session.query(OutboxMessage).filter_by(recipient="papa@mail.ru").count() == 0

    def snapshot():
        session.expire_all()
        return ([(u.id, u.full_name, u.login, u.email, u.status, u.anonymised_at, u.session_version)
                 for u in session.query(User).order_by(User.id)],
                [(r.id, r.given_by_email, r.ip, r.user_agent) for r in session.query(ConsentRecord)],
                session.query(AuditEvent).count())

    first = snapshot()
    again = retention.purge_departed(session, now=NOW + timedelta(days=1), key=KEY)
    session.commit()
    assert again == retention.PurgeCounts() and snapshot() == first


def test_the_reasons_typed_in_leavers_histories_go_and_the_lines_stay(session, make_org, make_user, make_member):
    org = make_org()
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    pupil = make_user(email=None, login="kolya.petrov", last_name="Петров", first_name="Коля")
    make_member(pupil, org, "student", "2Б", confirmed_child=None)
    teacher = make_user(email="t@school.ru", last_name="Учителева")
    make_member(teacher, org, "teacher")
    left = NOW - timedelta(days=31)
    departures.pupil_leaves(session, org.id, pupil.id, actor_id=admin.id, now=left, reason="Петров Коля: переезд")
    departures.employee_leaves(session, org.id, teacher.id, successor_id=None, actor_id=admin.id, now=left,
                               reason="по состоянию здоровья")
    session.commit()

    counts = retention.purge_departed(session, now=NOW, key=KEY)
    session.commit()
    session.expire_all()
    assert counts.accounts == 2 and counts.person_events == 2

    def history():
        session.expire_all()
        return [(line.user_id, line.kind, line.occurred_at, line.details)
                for line in session.query(PersonEvent).order_by(PersonEvent.id)]

    # What happened and when stays; the free text typed about them goes.
    lines = history()
    assert [(user_id, kind, details) for user_id, kind, _when, details in lines] == [
        (pupil.id, "left", {"unit": "2Б"}), (teacher.id, "left", {"successor_id": None})]
    [run] = session.query(AuditEvent).filter_by(action="retention.purged_departed").all()
    assert run.details["person_events"] == 2
    everything = json.dumps([e.details for e in session.query(AuditEvent)], ensure_ascii=False)
    assert "переезд" not in everything and "здоровья" not in everything
    assert retention.purge_departed(session, now=NOW + timedelta(days=1), key=KEY) == retention.PurgeCounts()
    session.commit()
    assert history() == lines


def test_the_cli_purges_the_departed(app, runner, session, make_org, make_user, make_member):
    org = make_org()
    gone = make_user(email="gone@mail.ru")
    membership = make_member(gone, org, "parent", "2Б", confirmed_child=None)
    membership.left_at = utcnow() - timedelta(days=31)
    record = _consent(session, gone, org)
    record.given_by_email = "mama@mail.ru"
    session.commit()

    result = runner.invoke(args=["accounts", "purge-departed"])
    assert result.exit_code == 0, result.output
    assert "anonymised 1 departed account(s)" in result.output
    session.expire_all()
    assert session.get(User, gone.id).email is None
    assert session.get(ConsentRecord, record.id).given_by_email == retention.keyed_hash(
        app.config["SECRET_KEY"], "mama@mail.ru")
    session.rollback()
    again = runner.invoke(args=["accounts", "purge-departed"])
    assert again.exit_code == 0 and "anonymised 0 departed account(s)" in again.output
