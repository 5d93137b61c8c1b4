"""Engine and the per-app-context session.

One session per app context, created on first use and closed at teardown
(rolled back first when the request failed). Services flush; views commit.

SQLite is set up for several gunicorn workers: WAL, foreign keys, a busy
timeout, and transactions that take the write lock at BEGIN (BEGIN
IMMEDIATE) for any request that may write, so a read-then-write never fails
with "database is locked" halfway through.
"""
from __future__ import annotations

import os

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    os.makedirs(app.instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(app.instance_path, "onboarding.sqlite3")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def init_app(app: Flask) -> None:
    engine = make_engine(database_url(app))
    if engine.dialect.name == "sqlite":
        read_engine = engine.execution_options(sqlite_begin="DEFERRED")
    else:
        # A page that only reads needs no transaction: no BEGIN and ROLLBACK
        # round trips to the server.
        read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    read = sessionmaker(read_engine, expire_on_commit=False)
    event.listen(read, "before_flush", _refuse_writes)
    app.extensions["db"] = {
        "engine": engine,
        "write": sessionmaker(engine, expire_on_commit=False),
        "read": read,
    }
    app.teardown_appcontext(close_session)


def _refuse_writes(session: Session, _flush_context, _instances) -> None:
    """GET requests change nothing: a write there is a bug, caught at once."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read-only (GET) request tried to write to the database")


def get_engine() -> Engine:
    return current_app.extensions["db"]["engine"]


def get_session() -> Session:
    """The session of this app context: read-only requests don't take the write lock."""
    if "db_session" not in g:
        factories = current_app.extensions["db"]
        reading = has_request_context() and request.method in SAFE_METHODS
        g.db_session = factories["read" if reading else "write"]()
    return g.db_session


def close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()
