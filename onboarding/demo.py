"""`flask --app wsgi demo`: a demo school for a newcomer, created idempotently."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from . import texts
from .chats import creating
from .consent import operations as consent
from .db import get_session
from .invites import operations as invites
from .models import Membership, Organisation, Unit, User, utcnow
from .orgs import structure as orgs
from .people import accounts
from .register import flow as registration
from .security import external_url, signing_keys
from .web import commit, hasher

DEMO_NAME = "Демонстрационная школа № 1"
DEMO_UNITS = "1А 2Б 5А 9В"
ADMIN = {"email": "admin@demo-school.ru", "password": "demo-admin-2026",
         "last_name": "Смирнова", "first_name": "Ольга", "patronymic": "Петровна"}
TEACHER = {"email": "teacher@demo-school.ru", "password": "demo-teacher-2026",
           "last_name": "Кузнецов", "first_name": "Андрей", "patronymic": "Викторович"}


def _person(db, org: Organisation, unit: Unit, data: dict, now) -> User:
    user = accounts.find_by_email(db, data["email"])
    if user is None:
        user = accounts.create_user(
            db, hasher(), email=data["email"], password=data["password"], last_name=data["last_name"],
            first_name=data["first_name"], patronymic=data["patronymic"], now=now, status="active",
        )
        consent.record_consent(
            db, org_id=org.id, subject_id=user.id, kind="personal_data",
            text=texts.personal_data_text(org.name, org.kind), version=texts.PERSONAL_DATA_VERSION,
            now=now, ip=None, user_agent="flask demo",
        )
    return user


def _member(db, org: Organisation, user: User, unit: Unit, role: str, now, **fields) -> None:
    exists = db.scalars(
        select(Membership.id).where(Membership.user_id == user.id, Membership.unit_id == unit.id,
                                    Membership.role == role, Membership.left_at.is_(None))
    ).first()
    if exists is None:
        db.add(Membership(org_id=org.id, user_id=user.id, unit_id=unit.id, role=role, created_at=now, **fields))
        db.flush()


def create_demo() -> tuple[Organisation, str]:
    db = get_session()
    now = utcnow()
    org = db.scalars(select(Organisation).where(Organisation.name == DEMO_NAME)).first()
    if org is None:
        org = orgs.create_organisation(db, kind="school", name=DEMO_NAME, timezone="Asia/Yekaterinburg",
                                       city="Екатеринбург", now=now)
    creating.create_channels(db, org, now=now)  # a demo school made before the channels gets them
    existing = {unit.name for unit in orgs.list_units(db, org.id)}
    specs, _bad = orgs.parse_class_names(DEMO_UNITS)
    missing = [spec for spec in specs if spec.name not in existing]
    if missing:
        orgs.create_units(db, org, missing, actor_id=None, now=now)
    units = {unit.name: unit for unit in orgs.list_units(db, org.id)}
    staff_room = orgs.staff_room(db, org.id)
    admin = _person(db, org, staff_room, ADMIN, now)
    _member(db, org, admin, staff_room, "admin", now)
    teacher = _person(db, org, staff_room, TEACHER, now)
    _member(db, org, teacher, staff_room, "teacher", now, verification="verified", verified_at=now,
            verified_by_id=admin.id)
    _member(db, org, teacher, units["2Б"], "teacher", now, is_lead=True, verification="verified",
            verified_at=now, verified_by_id=admin.id)
    # The class's parent link (the one its letters to parents carry): the same
    # link each time the command runs, while it lasts.
    invite, nonce = registration.class_parent_invite(db, units["2Б"], pepper=current_app.config["SECRET_KEY"],
                                                     now=now)
    commit(db)
    return org, external_url("invites.landing", token=invites.invite_token(signing_keys(), invite, nonce))


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo school (safe to run again) and print how to get in."""
    org, parent_link = create_demo()
    base = current_app.config["BASE_URL"]
    click.echo(f"Demo school «{org.name}» (#{org.id}) is ready: classes {DEMO_UNITS}.")
    click.echo(f"Open {base}/ and log in:")
    click.echo(f"  administrator: {ADMIN['email']} / {ADMIN['password']}")
    click.echo(f"  teacher (verified, homeroom teacher of 2Б): {TEACHER['email']} / {TEACHER['password']}")
    click.echo(f"A parent of 2Б registers by this link (open it in another browser): {parent_link}")
    if current_app.config.get("MAIL_DEBUG_PAGE"):
        click.echo(f"Mail the site sends (codes for parents and pupils): {base}/dev/mail/")
