"""The migrated schema equals the models' schema, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from onboarding.migrate import upgrade
from onboarding.models import Base

from support import fresh_postgres_database


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
