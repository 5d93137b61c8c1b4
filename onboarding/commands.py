"""Command-line tools: migrations, the platform operator's `org create`, the
demo school, the mail worker and the purge of abandoned registrations."""
from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .db import get_session
from .demo import demo_command
from .fields import has_forbidden_characters, normalise_email, normalise_text
from .i18n import is_valid_timezone
from .invites import operations as invites
from .mail.sender import send_due
from .matrix.commands import matrix_cli
from .migrate import upgrade
from .models import ORG_KINDS, utcnow
from .orgs import structure as orgs
from .people import login_sessions, password_reset, retention
from .register import flow as registration
from .security import external_url, signing_keys
from .web import commit

db_cli = AppGroup("db", help="The database schema.")
org_cli = AppGroup("org", help="Organisations (the platform operator's tools).")
mail_cli = AppGroup("mail", help="The mail outbox.")
accounts_cli = AppGroup("accounts", help="Accounts.")


def init_app(app: Flask) -> None:
    for group in (db_cli, org_cli, mail_cli, accounts_cli, matrix_cli):
        app.cli.add_command(group)
    app.cli.add_command(demo_command)


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations to the configured database."""
    upgrade(current_app.extensions["db"]["engine"].url.render_as_string(hide_password=False), revision)
    click.echo("The database schema is up to date.")


def _clean_name(value: str, label: str) -> str:
    value = normalise_text(value)
    if not value or len(value) > 200 or has_forbidden_characters(value):
        raise click.BadParameter(f"{label}: 1 to 200 printable characters")
    return value


def admin_link(invite, nonce: str) -> str:
    return external_url("invites.landing", token=invites.invite_token(signing_keys(), invite, nonce))


@org_cli.command("create")
@click.option("--name", required=True, help="The organisation's full name.")
@click.option("--kind", type=click.Choice(ORG_KINDS), required=True)
@click.option("--timezone", "timezone_name", required=True, help="IANA zone, e.g. Asia/Yekaterinburg.")
@click.option("--admin-name", required=True, help="The administrator named by the director's order.")
@click.option("--admin-email", required=True)
@click.option("--city", default=None)
def org_create(name, kind, timezone_name, admin_name, admin_email, city) -> None:
    """Register an organisation; the last line printed is the administrator's link."""
    name = _clean_name(name, "--name")
    admin_name = _clean_name(admin_name, "--admin-name")
    if not is_valid_timezone(timezone_name):
        raise click.BadParameter(f"unknown time zone {timezone_name!r}", param_hint="--timezone")
    try:
        email = normalise_email(admin_email)
    except ValueError:
        raise click.BadParameter("not an e-mail address", param_hint="--admin-email") from None
    db = get_session()
    now = utcnow()
    org = orgs.create_organisation(db, kind=kind, name=name, timezone=timezone_name, city=city, now=now)
    invite, nonce = invites.create_admin_invite(db, org, name=admin_name, email=email, now=now)
    commit(db)
    click.echo(f"Organisation #{org.id} «{org.name}» created ({kind}, {timezone_name}).")
    click.echo(f"Send this single-use link to {admin_name} <{email}>; it is valid for 14 days:")
    click.echo(admin_link(invite, nonce))


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, as a worker.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds with --loop.")
def mail_send(loop: bool, interval: float) -> None:
    """Deliver the mail that is due; failures are retried later with backoff."""
    while True:
        sent, failed = send_due()
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)


@accounts_cli.command("purge-unconfirmed")
def purge_unconfirmed() -> None:
    """Delete accounts whose registration was abandoned, the rows of ended or
    expired login sessions and of reset mails past their hour (safe to run
    from cron)."""
    db = get_session()
    count = registration.purge_unconfirmed(
        db, now=utcnow(), max_age=current_app.config["UNCONFIRMED_ACCOUNT_MAX_AGE"]
    )
    ended = login_sessions.prune_login_sessions(db, now=utcnow())
    password_reset.prune_reset_requests(db, now=utcnow())
    commit(db)
    click.echo(f"purged {count} unconfirmed account(s)")
    click.echo(f"removed {ended} ended login session(s)")


@accounts_cli.command("purge-departed")
def purge_departed() -> None:
    """Delete the personal data of people who left more than 30 days ago,
    keeping the consent records as proof (safe to run from cron; a second run
    changes nothing)."""
    db = get_session()
    counts = retention.purge_departed(db, now=utcnow(), key=current_app.config["SECRET_KEY"])
    commit(db)
    click.echo(f"anonymised {counts.accounts} departed account(s)")
