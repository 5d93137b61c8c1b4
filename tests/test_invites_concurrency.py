"""32 people take an invite with 3 uses at the same moment, each on a
connection of their own: exactly 3 succeed, on SQLite and on PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from onboarding.core.errors import InviteUsedUp
from onboarding.db import make_engine
from onboarding.invites import redemption
from onboarding.models import Invite, InviteRedemption, User, utcnow

WORKERS = 32


def test_32_concurrent_redemptions_of_a_3_use_invite(app_config, session, make_org, make_user, make_invite):
    org = make_org()
    invite, _path = make_invite(org, kind="parent", unit="5А", max_uses=3)
    user_ids = [make_user().id for _ in range(WORKERS)]
    url = app_config["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = make_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    start = threading.Barrier(WORKERS, timeout=60)

    def redeem(user_id: int) -> str:
        with factory() as db:
            start.wait()
            try:
                row = db.get(Invite, invite.id)
                redemption.record_redemption(db, row, db.get(User, user_id), now=utcnow())
                db.commit()
                return "ok"
            except InviteUsedUp:
                db.rollback()
                return "used_up"

    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            outcomes = list(pool.map(redeem, user_ids))
    finally:
        engine.dispose()

    assert outcomes.count("ok") == 3
    assert outcomes.count("used_up") == WORKERS - 3
    session.expire_all()
    assert session.get(Invite, invite.id).uses == 3
    assert session.scalar(select(func.count()).select_from(InviteRedemption)
                          .where(InviteRedemption.invite_id == invite.id)) == 3
