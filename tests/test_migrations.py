"""The migrated schema equals the models' schema, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from support import fresh_postgres_database

from onboarding.migrate import upgrade
from onboarding.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with fresh_postgres_database("onboarding_migrate") as url:
        yield url


def test_migrations_produce_exactly_the_models_schema(empty_database):
    upgrade(empty_database)
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert differences == []
    assert set(Base.metadata.tables) <= tables and "alembic_version" in tables


def test_upgrade_command_applies_migrations(empty_database, tmp_path):
    from onboarding import create_app

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": empty_database})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(empty_database)
    assert "invite" in inspect(engine).get_table_names()
    engine.dispose()
    # Running it again changes nothing.
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    app.extensions["db"]["engine"].dispose()


def test_administrators_made_by_a_staff_link_before_0005_follow_their_teacher_status(empty_database):
    """Rows from before the rule: a staff link's administrator had no status
    of its own and so held full rights while pending. The operator's stays
    vouched for (NULL)."""
    from sqlalchemy import text

    upgrade(empty_database, "0004")
    engine = create_engine(empty_database)
    now = "2026-11-01 10:00:00+00:00"
    with engine.begin() as db:
        db.execute(text("INSERT INTO organisation (id, kind, name, timezone, created_at) "
                        "VALUES (1, 'school', 'Школа', 'Europe/Moscow', :now)"), {"now": now})
        db.execute(text("INSERT INTO unit (id, org_id, kind, name, sort_key, created_at) "
                        "VALUES (1, 1, 'staff_room', 'Учительская', '0', :now)"), {"now": now})
        for user_id in (1, 2, 3):
            db.execute(text("INSERT INTO user_account (id, email, password_hash, last_name, first_name, status, "
                            "session_version, created_at) VALUES (:id, :email, 'x', 'И', 'И', 'active', 1, :now)"),
                       {"id": user_id, "email": f"u{user_id}@school.ru", "now": now})
        for invite_id, kind in ((1, "admin"), (2, "staff"), (3, "staff")):
            db.execute(text("INSERT INTO invite (id, org_id, unit_id, kind, role, nonce_hash, created_at, expires_at, "
                            "max_uses, uses, grants_admin) VALUES (:id, 1, 1, :kind, :role, 'h', :now, :now, 1, 1, "
                            ":admin)"), {"id": invite_id, "kind": kind, "role": "admin" if kind == "admin" else
                                         "teacher", "now": now, "admin": kind == "staff"})
        rows = [(1, 1, "admin", None), (2, 2, "teacher", "pending"), (2, 2, "admin", None),
                (3, 3, "teacher", "verified"), (3, 3, "admin", None)]
        for user_id, invite_id, role, verification in rows:
            db.execute(text("INSERT INTO membership (org_id, user_id, unit_id, role, is_lead, verification, "
                            "invite_id, created_at) VALUES (1, :user, 1, :role, false, :verification, :invite, :now)"),
                       {"user": user_id, "role": role, "verification": verification, "invite": invite_id, "now": now})
    upgrade(empty_database)
    with engine.connect() as db:
        found = dict(db.execute(text("SELECT user_id, verification FROM membership WHERE role = 'admin'")).all())
    engine.dispose()
    assert found == {1: None, 2: "pending", 3: "verified"}


def test_a_college_made_before_0011_gets_its_staff_room_named_as_a_colleges(empty_database):
    from sqlalchemy import text

    upgrade(empty_database, "0010")
    engine = create_engine(empty_database)
    now = "2026-11-01 10:00:00+00:00"
    with engine.begin() as db:
        for org_id, kind in ((1, "college"), (2, "school")):
            db.execute(text("INSERT INTO organisation (id, kind, name, timezone, created_at) "
                            "VALUES (:id, :kind, 'Организация', 'Europe/Moscow', :now)"),
                       {"id": org_id, "kind": kind, "now": now})
            db.execute(text("INSERT INTO unit (id, org_id, kind, name, sort_key, created_at) "
                            "VALUES (:id, :id, 'staff_room', 'Учительская', '0', :now)"), {"id": org_id, "now": now})
    upgrade(empty_database)
    with engine.connect() as db:
        names = dict(db.execute(text("SELECT org_id, name FROM unit ORDER BY org_id")).all())
    engine.dispose()
    assert names == {1: "Преподавательская", 2: "Учительская"}
