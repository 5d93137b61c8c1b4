"""E-mail codes: six digits, hashed, 10 minutes, 5 attempts, used once, bound
to one account; resend after 60 s, at most 5 an hour per address."""
from datetime import datetime, timedelta, timezone

import pytest
from test_registration_roles import fresh
from werkzeug.datastructures import MultiDict

from onboarding.core.errors import CodeExpired, CodeLimitReached, CodeResendTooSoon, CodeWrong
from onboarding.models import EmailCode
from onboarding.register import codes

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
PEPPER = "pepper"


@pytest.fixture
def two_users(make_user):
    return make_user(email="a@mail.ru"), make_user(email="b@mail.ru")


def issue(session, user, now=T0, email=None, purpose="confirm_email"):
    return codes.issue_code(session, pepper=PEPPER, user_id=user.id, purpose=purpose, email=email or user.email,
                            now=now)


def test_a_code_is_six_digits_stored_hashed(session, two_users):
    record, code = issue(session, two_users[0])
    assert len(code) == 6 and code.isdigit()
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert record.expires_at == T0 + timedelta(minutes=10)


def test_a_code_works_once(session, two_users):
    user = two_users[0]
    _record, code = issue(session, user)
    codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=code, now=T0)
    with pytest.raises(CodeExpired):
        codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=code, now=T0)


def test_a_code_expires_after_10_minutes(session, two_users):
    user = two_users[0]
    _record, code = issue(session, user)
    with pytest.raises(CodeExpired):
        codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=code,
                         now=T0 + timedelta(minutes=10))
    _record, code = issue(session, user, now=T0 + timedelta(minutes=11))
    codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=code,
                     now=T0 + timedelta(minutes=20, seconds=59))


def test_five_wrong_attempts_void_the_code(session, two_users):
    user = two_users[0]
    _record, code = issue(session, user)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    lefts = []
    for _ in range(4):
        with pytest.raises(CodeWrong) as error:
            codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=wrong, now=T0)
        lefts.append(error.value.attempts_left)
    assert lefts == [4, 3, 2, 1]
    with pytest.raises(CodeExpired):
        codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=wrong, now=T0)
    with pytest.raises(CodeExpired):  # even the right code no longer works
        codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=code, now=T0)


def test_a_code_is_bound_to_its_account_and_purpose(session, two_users):
    first, second = two_users
    _record, code = issue(session, first)
    issue(session, second)
    with pytest.raises((CodeWrong, CodeExpired)):
        codes.check_code(session, pepper=PEPPER, user_id=second.id, purpose="confirm_email", code=code, now=T0)
    with pytest.raises(CodeExpired):
        codes.check_code(session, pepper=PEPPER, user_id=first.id, purpose="parent_consent", code=code, now=T0)


def test_resend_after_60_seconds_and_at_most_5_an_hour(session, two_users):
    user = two_users[0]
    _first, old_code = issue(session, user)
    with pytest.raises(CodeResendTooSoon) as error:
        issue(session, user, now=T0 + timedelta(seconds=59))
    assert 1 <= error.value.wait_seconds <= 60
    for minute in range(1, 5):
        issue(session, user, now=T0 + timedelta(minutes=minute))
    with pytest.raises(CodeLimitReached):
        issue(session, user, now=T0 + timedelta(minutes=5))
    # The limit is per address: another account can't be used to flood it either.
    with pytest.raises(CodeLimitReached):
        issue(session, two_users[1], now=T0 + timedelta(minutes=6), email=user.email)
    issue(session, user, now=T0 + timedelta(minutes=61))
    # A new code voids the earlier ones.
    with pytest.raises((CodeWrong, CodeExpired)):
        codes.check_code(session, pepper=PEPPER, user_id=user.id, purpose="confirm_email", code=old_code,
                         now=T0 + timedelta(minutes=61))


def test_the_parents_link_confirms_only_the_latest_unused_code(session, two_users):
    user = two_users[0]
    first, _code = issue(session, user, purpose="parent_consent", email="mama@mail.ru")
    second, _code = issue(session, user, now=T0 + timedelta(minutes=2), purpose="parent_consent",
                          email="mama@mail.ru")
    with pytest.raises(CodeExpired):
        codes.confirm_by_link(session, user_id=user.id, code_id=first.id, purpose="parent_consent", now=T0)
    with pytest.raises(CodeExpired):
        codes.confirm_by_link(session, user_id=user.id, code_id=second.id, purpose="parent_consent",
                              now=T0 + timedelta(days=3))
    codes.confirm_by_link(session, user_id=user.id, code_id=second.id, purpose="parent_consent",
                          now=T0 + timedelta(hours=5))
    with pytest.raises(CodeExpired):
        codes.confirm_by_link(session, user_id=user.id, code_id=second.id, purpose="parent_consent",
                              now=T0 + timedelta(hours=5))


@pytest.mark.parametrize(("typed", "accepted"), [
    ("123456", True), ("123 456", True), ("123-456", True),
    ("١٢٣٤٥٦", False),   # Arabic-Indic digits
    ("１２３４５６", False),  # full-width digits
    ("12345", False), ("1234567", False), ("12345a", False), ("", False),
])
def test_the_code_field_takes_ascii_digits_only(app, typed, accepted):
    from onboarding.register.forms import CodeForm

    with app.test_request_context(method="POST"):
        form = CodeForm(formdata=MultiDict({"code": typed}), meta={"csrf": False})
        assert form.validate() is accepted


def test_the_code_field_is_marked_for_one_time_codes(app, client, make_org, make_invite, register):
    org = make_org()
    invite, link = make_invite(org, kind="staff")
    register.adult(link)
    page = client.get("/register/confirm")
    assert 'inputmode="numeric"' in page.text and 'autocomplete="one-time-code"' in page.text
    assert 'type="text"' in page.text


def test_resend_from_the_page_waits_a_minute(app, client, session, make_org, make_invite, register, sent_mail):
    org = make_org()
    invite, link = make_invite(org, kind="staff")
    register.adult(link)
    count = len(sent_mail)
    response = client.post("/register/confirm/resend", follow_redirects=True)
    assert len(sent_mail) == count
    assert "60" in response.text or "seconds" in response.text or "секунд" in response.text
    fresh(session)
    record = session.query(EmailCode).one()
    record.created_at = record.created_at - timedelta(seconds=61)
    session.commit()
    client.post("/register/confirm/resend")
    assert len(sent_mail) == count + 1


def test_rate_limits_per_ip_and_per_address(app_config, make_org, make_invite):
    from onboarding import create_app

    _invite, link = make_invite(make_org(units=""), kind="staff", max_uses=5)
    path = link.replace("/i/", "/register/")
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    client = app.test_client()
    # Per address: the sixth submit for one address within a minute is refused, from any IP.
    statuses = [client.post(path, data={"email": "same@mail.ru"}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
                for i in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    # Per IP: ten a minute from one address, whatever e-mails it tries.
    statuses = [client.post(path, data={"email": f"u{i}@mail.ru"}, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code
                for i in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    app.extensions["db"]["engine"].dispose()
