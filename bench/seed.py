"""Seed a database at the scale of a region's first of September.

At --scale 1: 200 schools x 33 classes (grades 1-11, letters А-В) x 30
pupils, every fifth pupil with two parents and the rest with one (about
440,000 accounts), a homeroom teacher per class and an administrator per
school, the standard chats of every class and their members, the invites
they joined by (with their redemptions, and a revoked one per class), and a
personal-data consent per account.

Rows go in by bulk inserts (SQLAlchemy Core `insert()` with lists of dicts,
a few thousand rows per statement), never through the ORM one by one; every
account shares one precomputed Argon2 hash (production parameters) of
BENCH_PASSWORD.

School #1 is the one the benchmark measures: its class 2А has 10 pupils and
its class 2Б 1,000, so the query counts of a small and a large unit can be
compared; its class 5А is an ordinary one of 30 (the throughput runs). The seed returns (and `run.py` keeps) the ids and links of what
the benchmark visits.

    python bench/seed.py --database postgresql://postgres@127.0.0.1:5432/bench_onboarding --scale 0.1
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from config import Config  # noqa: E402
from onboarding.migrate import upgrade  # noqa: E402
from onboarding.models import (  # noqa: E402
    Chat, ChatMember, ConsentRecord, Invite, InviteRedemption, Membership, Organisation, ParentLink,
    Unit, User, unit_sort_key, utcnow,
)
from onboarding.core import tokens  # noqa: E402
from onboarding.invites.operations import SALT as INVITE_SALT  # noqa: E402
from onboarding.people.passwords import make_hasher  # noqa: E402
from settings import BENCH_PASSWORD, BENCH_SECRET_KEY  # noqa: E402

# One nonce for every seeded invite: the benchmark builds their links.
BENCH_NONCE = "YmVuY2gtbm9uY2UtMDAwMA"
LETTERS = "АБВ"
CHUNK = 5000
# School #1's measured classes: 10 and 1,000 pupils (query counts), and an
# ordinary class of 30 (throughput).
MEASURED = {"2А": ("small", 10), "2Б": ("large", 1000), "5А": ("typical", 30)}
REGISTRATION_INVITES = 3000

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
            "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"]
FIRST_NAMES = ["Александр", "Мария", "Дмитрий", "Анна", "Максим", "Софья", "Иван", "Алиса",
               "Артём", "Виктория", "Михаил", "Полина", "Кирилл", "Ева", "Егор", "Дарья"]
PATRONYMICS = ["Александрович", "Сергеевна", "Дмитриевич", "Андреевна", "Игоревич", "Олеговна"]


def invite_link_token(invite_id: int) -> str:
    return tokens.make_token([BENCH_SECRET_KEY], INVITE_SALT, invite_id, BENCH_NONCE)


class Ids:
    """Primary keys handed out here, so rows can refer to each other without a round trip."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


class Batch:
    """Rows per table, inserted a chunk at a time in dependency order."""

    ORDER = [Organisation, Unit, User, Invite, Membership, ParentLink, Chat, ChatMember,
             InviteRedemption, ConsentRecord]

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = {model: [] for model in self.ORDER}
        self.counts: dict[str, int] = {}

    def add(self, model, **row) -> dict:
        self.rows[model].append(row)
        return row

    def size(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def flush(self, connection) -> None:
        for model in self.ORDER:
            rows = self.rows[model]
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(model.__table__), rows[start:start + CHUNK])
            self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(rows)
            rows.clear()


def recreate_database(url: str) -> None:
    """An empty database, then the migrations (as a deployment would have it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = Path(parsed.database + suffix)
            if path.exists():
                path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    upgrade(parsed.render_as_string(hide_password=False))


def seed(url: str, scale: float = 1.0, *, log=print) -> dict:
    """Fill the database at `url` (recreated first); returns what the benchmark visits."""
    url = make_url(url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url_text = url.render_as_string(hide_password=False)
    started = time.monotonic()
    recreate_database(url_text)
    engine = create_engine(url_text)

    password_hash = make_hasher(Config.ARGON2_TIME_COST, Config.ARGON2_MEMORY_COST,
                                Config.ARGON2_PARALLELISM).hash(BENCH_PASSWORD)
    nonce_hash = tokens.hash_nonce(BENCH_NONCE)
    text_sha = hashlib.sha256(b"bench consent text").hexdigest()
    now = utcnow()
    n_orgs = max(1, round(200 * scale))
    ids = Ids()
    fixture: dict = {"scale": scale, "orgs": n_orgs, "units": {}, "users": {}, "invites": {}}
    batch = Batch()

    def person(model_id: int, email_prefix: str, status="active", **extra) -> dict:
        return batch.add(
            User, id=model_id, email=f"{email_prefix}{model_id}@bench.school.ru", login=None,
            password_hash=password_hash, last_name=SURNAMES[model_id % 16],
            first_name=FIRST_NAMES[(model_id // 16) % 16], patronymic=PATRONYMICS[model_id % 6],
            phone=None, birth_date=None, status=status, session_version=1, locale=None,
            created_at=now, confirmed_at=now, last_login_at=None, **extra,
        )

    def member(org_id, user_id, unit_id, role, *, invite_id=None, is_lead=False, verification=None):
        batch.add(Membership, id=ids("membership"), org_id=org_id, user_id=user_id, unit_id=unit_id, role=role,
                  is_lead=is_lead, verification=verification, verified_at=now if verification else None,
                  verified_by_id=None, rejection_reason=None, invite_id=invite_id, created_at=now, left_at=None)

    def chat_member(org_id, chat_id, user_id, role="member"):
        batch.add(ChatMember, id=ids("chat_member"), org_id=org_id, chat_id=chat_id, user_id=user_id, role=role,
                  joined_at=now, left_at=None, blocked_until=None)

    def consent(org_id, subject_id, given_by_id):
        batch.add(ConsentRecord, id=ids("consent_record"), org_id=org_id, kind="personal_data",
                  subject_id=subject_id, given_by_id=given_by_id, given_by_email=None,
                  text_version="2026-11-01", text_sha256=text_sha, created_at=now, ip="127.0.0.1",
                  user_agent="bench", withdrawn_at=None)

    def invite(org_id, unit_id, kind, role, *, max_uses, uses, created_by_id, revoked=False, **extra) -> int:
        invite_id = ids("invite")
        batch.add(Invite, **{
            "id": invite_id, "org_id": org_id, "unit_id": unit_id, "kind": kind, "role": role,
            "nonce_hash": nonce_hash, "created_by_id": created_by_id, "created_at": now - timedelta(days=3),
            "expires_at": now + timedelta(days=30), "max_uses": max_uses, "uses": uses,
            "revoked_at": now if revoked else None, "revoked_by_id": created_by_id if revoked else None,
            "pupil_name": None, "child_id": None, "grants_admin": False, "lead_unit_id": None,
            "invitee_name": None, "invitee_email": None, **extra,
        })
        return invite_id

    def redeemed(org_id, invite_id, user_id):
        batch.add(InviteRedemption, id=ids("invite_redemption"), org_id=org_id, invite_id=invite_id,
                  user_id=user_id, redeemed_at=now)

    with engine.begin() as connection:
        for org_number in range(1, n_orgs + 1):
            org_id = ids("organisation")
            batch.add(Organisation, id=org_id, kind="school", name=f"МБОУ «Средняя школа № {org_number}»",
                      short_name=f"Школа № {org_number}", city="Екатеринбург", timezone="Asia/Yekaterinburg",
                      created_at=now)
            staff_room_id = ids("unit")
            batch.add(Unit, id=staff_room_id, org_id=org_id, kind="staff_room", name="Учительская", grade=None,
                      sort_key=unit_sort_key("staff_room", "", None), created_at=now, archived_at=None)
            staff_chat_id = ids("chat")
            batch.add(Chat, id=staff_chat_id, org_id=org_id, unit_id=staff_room_id, kind="staff",
                      title="Чат сотрудников", created_by_id=None, created_at=now, archived_at=None)

            admin_id = ids("user")
            person(admin_id, "admin")
            admin_invite = invite(org_id, staff_room_id, "admin", "admin", max_uses=1, uses=1, created_by_id=None,
                                  invitee_name="Администратор", invitee_email=f"admin{admin_id}@bench.school.ru")
            member(org_id, admin_id, staff_room_id, "admin", invite_id=admin_invite)
            redeemed(org_id, admin_invite, admin_id)
            consent(org_id, admin_id, admin_id)
            staff_invite = invite(org_id, staff_room_id, "staff", "teacher", max_uses=60, uses=33,
                                  created_by_id=admin_id)
            if org_number == 1:
                fixture["org_id"] = org_id
                fixture["users"]["admin"] = admin_id
                fixture["invites"]["staff"] = staff_invite

            for grade in range(1, 12):
                for letter in LETTERS:
                    name = f"{grade}{letter}"
                    unit_id = ids("unit")
                    batch.add(Unit, id=unit_id, org_id=org_id, kind="class", name=name, grade=grade,
                              sort_key=unit_sort_key("class", name, grade), created_at=now, archived_at=None)
                    chat_ids = {}
                    for kind, title in (("class", f"Чат класса {name}"), ("parents", f"Родители класса {name}"),
                                        ("teachers", f"Учителя класса {name}")):
                        chat_ids[kind] = ids("chat")
                        batch.add(Chat, id=chat_ids[kind], org_id=org_id, unit_id=unit_id, kind=kind, title=title,
                                  created_by_id=None, created_at=now, archived_at=None)

                    teacher_id = ids("user")
                    person(teacher_id, "teacher")
                    member(org_id, teacher_id, staff_room_id, "teacher", invite_id=staff_invite,
                           verification="verified")
                    member(org_id, teacher_id, unit_id, "teacher", is_lead=True, verification="verified")
                    redeemed(org_id, staff_invite, teacher_id)
                    consent(org_id, teacher_id, teacher_id)
                    chat_member(org_id, staff_chat_id, teacher_id)
                    for chat_id in chat_ids.values():
                        chat_member(org_id, chat_id, teacher_id, "moderator")

                    size, pupils = MEASURED.get(name, (None, 30)) if org_number == 1 else (None, 30)
                    uses_students = min(pupils, 1000)
                    parent_count = pupils + (pupils + 4) // 5
                    student_invite = invite(org_id, unit_id, "student", "student", max_uses=max(uses_students, 1) + 5,
                                            uses=uses_students, created_by_id=teacher_id)
                    parent_invite = invite(org_id, unit_id, "parent", "parent", max_uses=parent_count + 10,
                                           uses=parent_count, created_by_id=teacher_id)
                    invite(org_id, unit_id, "parent", "parent", max_uses=40, uses=0, created_by_id=teacher_id,
                           revoked=True)
                    if size:
                        fixture["units"][size] = {"id": unit_id, "name": name, "pupils": pupils}
                        fixture["users"][f"teacher_{size}"] = teacher_id
                        fixture["invites"][f"parent_{size}"] = parent_invite
                        fixture["invites"][f"student_{size}"] = student_invite

                    for k in range(pupils):
                        pupil_id = ids("user")
                        person(pupil_id, "pupil")
                        member(org_id, pupil_id, unit_id, "student", invite_id=student_invite)
                        redeemed(org_id, student_invite, pupil_id)
                        chat_member(org_id, chat_ids["class"], pupil_id)
                        for p in range(2 if k % 5 == 0 else 1):
                            parent_id = ids("user")
                            person(parent_id, "parent")
                            member(org_id, parent_id, unit_id, "parent", invite_id=parent_invite)
                            redeemed(org_id, parent_invite, parent_id)
                            consent(org_id, parent_id, parent_id)
                            chat_member(org_id, chat_ids["parents"], parent_id)
                            batch.add(ParentLink, id=ids("parent_link"), org_id=org_id, unit_id=unit_id,
                                      parent_id=parent_id, child_id=pupil_id, child_name_given=None,
                                      status="confirmed", created_at=now, decided_at=now,
                                      decided_by_id=teacher_id)
                            if size and k == 0 and p == 0:
                                fixture["users"][f"parent_{size}"] = parent_id
                        consent(org_id, pupil_id, parent_id)

            if org_number == 1:
                # Links for the registration benchmark: a wide parent invite and
                # single-use administrator invites (always registrable).
                # (Into 11В, so the measured classes don't grow with each run.)
                fixture["invites"]["parent_registration"] = invite(
                    org_id, unit_id, "parent", "parent", max_uses=1_000_000, uses=0, created_by_id=teacher_id)
                first = None
                for n in range(REGISTRATION_INVITES):
                    invite_id = invite(org_id, staff_room_id, "admin", "admin", max_uses=1, uses=0, created_by_id=None,
                                       invitee_name="Администратор", invitee_email=None)
                    first = first or invite_id
                fixture["invites"]["admin_registration"] = [first, first + REGISTRATION_INVITES - 1]

            if batch.size() > 60_000 or org_number == n_orgs:
                batch.flush(connection)
                log(f"  seeded {org_number}/{n_orgs} schools, {ids.next.get('user', 1) - 1:,} accounts, "
                    f"{time.monotonic() - started:.0f} s")

        if engine.dialect.name == "postgresql":
            for table, _ in ids.next.items():
                name = {"user": "user_account"}.get(table, table)
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    fixture["rows"] = dict(batch.counts)
    fixture["accounts"] = batch.counts.get("user_account", 0)
    fixture["seconds"] = round(time.monotonic() - started, 1)
    log(f"  seed done: {fixture['accounts']:,} accounts, {sum(batch.counts.values()):,} rows "
        f"in {fixture['seconds']} s")
    return fixture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="SQLAlchemy URL; the database is recreated")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200 schools (about 440,000 accounts)")
    args = parser.parse_args()
    seed(args.database, args.scale)


if __name__ == "__main__":
    os.environ.setdefault("ONBOARDING_ENV", "production")
    main()
