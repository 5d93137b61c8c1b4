"""Password-reset mail is limited per address too (3 an hour), silently: the
form answers the same whether the limit was reached or the account exists."""
from datetime import timedelta

from sqlalchemy import func, select

from onboarding.models import OutboxMessage, utcnow


def _mails_to(session, address):
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == address))
    session.rollback()
    return count


def _ask(client, email, n):
    return client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"})


def test_25_requests_from_25_addresses_queue_at_most_3_mails(client, session, make_user):
    make_user(email="olga@school.ru")
    responses = [_ask(client, "olga@school.ru", n) for n in range(25)]
    assert _mails_to(session, "olga@school.ru") == 3
    assert {response.status_code for response in responses} == {200}
    assert len({response.text for response in responses}) == 1
    assert "Проверьте почту" in responses[-1].text

    unknown = _ask(client, "nobody@school.ru", 99)
    assert unknown.status_code == 200
    assert unknown.text.replace("nobody@school.ru", "olga@school.ru") == responses[-1].text


def test_the_limit_is_per_address_and_per_hour(client, session, make_user):
    from onboarding.models import PasswordResetRequest

    make_user(email="olga@school.ru")
    make_user(email="anna@school.ru")
    for n in range(5):
        _ask(client, "olga@school.ru", n)
    _ask(client, "anna@school.ru", 6)
    assert _mails_to(session, "olga@school.ru") == 3 and _mails_to(session, "anna@school.ru") == 1

    # An hour later the address may ask again.
    for request in session.scalars(select(PasswordResetRequest)):
        request.created_at = utcnow() - timedelta(hours=1, minutes=1)
    session.commit()
    _ask(client, "olga@school.ru", 7)
    assert _mails_to(session, "olga@school.ru") == 4


def test_16_requests_at_the_same_moment_still_send_at_most_3(app_config, session, make_user):
    """Each on a connection of its own: the account's row is locked while counting."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy.orm import sessionmaker

    from onboarding.db import make_engine
    from onboarding.models import PasswordResetRequest, User
    from onboarding.people.password_reset import may_send_reset_mail

    user_id = make_user(email="olga@school.ru").id
    workers = 16
    url = app_config["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = make_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    start = threading.Barrier(workers, timeout=60)

    def ask(_n: int) -> bool:
        with factory() as db:
            start.wait()
            allowed = may_send_reset_mail(db, db.get(User, user_id), now=utcnow(), per_hour=3)
            db.commit()
            return allowed

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(ask, range(workers)))
    finally:
        engine.dispose()
    assert outcomes.count(True) == 3
    assert session.scalar(select(func.count()).select_from(PasswordResetRequest)) == 3
