"""`flask matrix …`: configure the homeserver, run the sync worker, reconcile
an organisation, and (for `make run`) start Synapse beside the site."""
from __future__ import annotations

import secrets
import signal
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.serving import run_simple

from ..models import Organisation, utcnow
from ..moderation.operations import end_due_blocks
from . import homeserver, inbound, reconcile, settings, tasks, worker

matrix_cli = AppGroup("matrix", help="The chats' homeserver (Synapse).")


def _client():
    client = worker.get_client()
    if client is None:
        raise click.ClickException("No homeserver configured: run `flask matrix configure` or set MATRIX_URL.")
    return client


@matrix_cli.command("configure")
@click.option("--port", default=8008, show_default=True)
@click.option("--server-name", default=None, help="Defaults to MATRIX_SERVER_NAME.")
@click.option("--folder", default=None, help="Defaults to the instance folder's synapse/.")
def configure_command(port: int, server_name: str | None, folder: str | None) -> None:
    """Write a closed, offline Synapse (SQLite) and register the site with it."""
    app = current_app
    target = folder or settings.folder(app)
    homeserver.configure(target, server_name=server_name or app.config["MATRIX_SERVER_NAME"], port=port,
                         site_url=app.config["BASE_URL"], user_prefix=app.config["MATRIX_USER_PREFIX"],
                         oidc=synapse_oidc(app), public_url=app.config["MATRIX_PUBLIC_URL"])
    click.echo(f"Synapse configured in {target}")


def synapse_oidc(app) -> dict | None:
    """Synapse's entry for the site's OpenID Connect provider (sign-in from apps)."""
    secret_of = app.extensions.get("oidc_client_secret")
    if secret_of is None:
        return None
    return homeserver.oidc_provider(issuer=app.config["BASE_URL"], client_id=app.config["OIDC_CLIENT_ID"],
                                    client_secret=secret_of(), provider=app.config["MATRIX_OIDC_PROVIDER"])


@matrix_cli.command("sync")
@click.option("--loop", is_flag=True, help="Keep running, every few seconds.")
@click.option("--interval", default=3.0, show_default=True)
def sync_command(loop: bool, interval: float) -> None:
    """Apply the changes the homeserver has yet to follow."""
    _client()
    if loop:
        ping(current_app)  # the homeserver then pushes what it kept while the site was away
    while True:
        end_blocks(current_app)
        done, failed = worker.run_due()
        if done or failed or not loop:
            click.echo(f"applied {done}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)


@matrix_cli.command("reconcile")
@click.option("--org", "org_id", type=int, required=True)
@click.option("--fresh", is_flag=True, help="The homeserver is new: rebuild every room.")
def reconcile_command(org_id: int, fresh: bool) -> None:
    """Bring every room of an organisation to the site's state."""
    client = _client()
    app = current_app
    factory = app.extensions["db"]["write"]
    with factory() as session:
        if session.get(Organisation, org_id) is None:
            raise click.ClickException(f"No organisation {org_id}")
    started = time.monotonic()
    totals = reconcile.reconcile_org(factory, client, org_id, prefix=app.config["MATRIX_USER_PREFIX"],
                                     now=utcnow(), fresh=fresh, oidc_provider=app.config["MATRIX_OIDC_PROVIDER"])
    click.echo(", ".join(f"{key} {value}" for key, value in totals.items())
               + f" in {time.monotonic() - started:.1f} s")


def end_blocks(app) -> int:
    """Blocks that ran out (or were lifted after an apology) end here:
    Synapse has no timer, so the worker's every round asks. The handled
    pushes' ids older than a week go too."""
    with app.extensions["db"]["write"]() as session:
        now = utcnow()
        ended = end_due_blocks(session, now)
        inbound.forget_handled(session, now=now)
        session.commit()
    return ended


def ping(app) -> None:
    """Ask the homeserver to push what it kept while the site was away."""
    client = worker.get_client(app)
    if client is not None:
        client.ping(app.config["MATRIX_APPSERVICE_ID"], secrets.token_hex(8))


@matrix_cli.command("serve")
@click.option("--port", default=5000, show_default=True)
def serve_command(port: int) -> None:
    """Development: Synapse, the sync worker and the site together; Ctrl-C stops all."""
    app = current_app._get_current_object()
    folder = settings.folder(app)
    if homeserver.answers(app.config["MATRIX_URL"]):
        raise click.ClickException(f"Something already answers at {app.config['MATRIX_URL']} (another Synapse?): "
                                   "stop it first, or configure another port.")
    # A plain `kill` stops Synapse too (the finally below runs).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    process = homeserver.start(folder, log=open(f"{folder}/synapse.out", "ab"))
    try:
        seconds = homeserver.wait_ready(app.config["MATRIX_URL"], process=process)
        click.echo(f"Synapse answered in {seconds:.1f} s at {app.config['MATRIX_URL']}")
        with app.extensions["db"]["write"]() as session:  # the homeserver is back: no more waiting
            tasks.retry_now(session, now=utcnow())
            session.commit()
        threading.Thread(target=_worker_loop, args=(app,), daemon=True).start()
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)
    finally:
        homeserver.stop(process)
        click.echo("Synapse stopped.")


def _worker_loop(app) -> None:
    time.sleep(1)
    with app.app_context():
        try:
            ping(app)
        except Exception:  # noqa: BLE001
            app.logger.exception("application service ping failed")
        while True:
            try:
                end_blocks(app)
                worker.run_due()
            except Exception:  # noqa: BLE001 - retried on the next round
                app.logger.exception("homeserver sync failed")
            time.sleep(3)
