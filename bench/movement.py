"""Movement against a real Synapse: one class up a grade, and a whole school.

    make bench-movement                                  # 33 classes, Synapse on SQLite, then on PostgreSQL
    .venv/bin/python bench/movement.py --quick           # 6 classes, Synapse on SQLite
    .venv/bin/python bench/movement.py --homeservers postgresql

For each of Synapse's databases it seeds one school as bench/matrix.py does
(30 pupils and 50 parents per class, every one of them in their class's
chats) in a PostgreSQL database of the site's, starts a fresh Synapse and
the site, provisions every room and account (`reconcile_org`), and then
moves the school as an administrator does on 1 September, one request per
class. A request applies its homeserver work right after its commit only
up to MATRIX_SYNC_AFTER_COMMIT_MAX tasks (`web.commit`); a larger change is
left to the `flask matrix sync --loop` worker, which this process stands in
for, and the page answers at once:

1. **the top grade leaves** (`pupil_leaves` for each of its pupils, the
   parents with them, one request per class);
2. **one class up a grade**: the first class below the top moves up
   («10В → 11В», 30 pupils and their 50 parents), timed from the request's
   start until Synapse has every kick;
3. **the rest of the school up a grade**, class by class from the top down.

Each phase is timed to the moment Synapse reflects it (the request's tasks
all applied), then checked room by room: every affected room's joined
members on Synapse are exactly the site's present members. Printed: the
site's part, Synapse's part, tasks and homeserver calls by kind, CPU seconds.
The full run writes its figures into bench/README.md («Movement»).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime

from matrix import (  # the engine benchmark's school, processes and meters (bench/matrix.py)
    BENCH, PG, PREFIX, SITE_DB, CallCounter, CpuMeter, engine_and_site, percentile, provision, replace_between,
    runs_or_kept, seed_school,
)
from sqlalchemy import select

from onboarding.matrix.client import MatrixClient
from onboarding.matrix.worker import apply_due
from onboarding.models import ChatMember, MatrixAccount, MatrixRoom, Membership, Organisation, Unit, User, utcnow
from onboarding.staff import departures, movement

MARKERS = ("<!-- bench:movement:start -->", "<!-- bench:movement:end -->")
PARENTS_PER_CLASS = 50


def as_requests(app, client: MatrixClient, actions: list, meter: CpuMeter) -> dict:
    """Each action in its own transaction, its homeserver tasks applied
    right after the commit (as a request's `web.commit`). Times each request
    and the whole; counts tasks and homeserver calls."""
    factory = app.extensions["db"]["write"]
    requests, tasks, failed = [], 0, 0
    meter.start()
    started = time.monotonic()
    with CallCounter(client) as counter:
        for action in actions:
            begun = time.monotonic()
            with app.test_request_context(), factory() as session:
                action(session)
                task_ids = session.info.pop("matrix_new", [])
                session.commit()
            committed = time.monotonic()
            inline = len(task_ids) <= app.config["MATRIX_SYNC_AFTER_COMMIT_MAX"]
            # Applied by the request itself, or else by the worker, which
            # this process stands in for: the request has answered by then.
            _done, not_done = apply_due(factory, client, prefix=PREFIX, only=task_ids,
                                        oidc_provider=app.config["MATRIX_OIDC_PROVIDER"])
            synapse = time.monotonic() - committed
            requests.append({"site": committed - begun, "synapse": synapse, "tasks": len(task_ids),
                             "answered": committed - begun + (synapse if inline else 0.0)})
            tasks, failed = tasks + len(task_ids), failed + not_done
    seconds = time.monotonic() - started
    totals = [r["answered"] for r in requests]
    return {"seconds": round(seconds, 1), "requests": len(requests), "tasks": tasks, "failed": failed,
            "site_seconds": round(sum(r["site"] for r in requests), 1),
            "synapse_seconds": round(sum(r["synapse"] for r in requests), 1),
            "request_p50": round(percentile(totals, 0.5), 1), "request_max": round(max(totals), 1),
            "cpu": meter.stop(), "calls": counter.report()}


def rooms_as_the_site_has_them(app, client: MatrixClient) -> dict:
    """Every room: Synapse's joined members (the site's accounts) against the
    site's present members with an open account."""
    with app.extensions["db"]["write"]() as session:
        wanted = {room_id: set(session.scalars(
            select(MatrixAccount.mxid).join(ChatMember, ChatMember.user_id == MatrixAccount.user_id)
            .join(User, User.id == ChatMember.user_id)
            .where(ChatMember.chat_id == chat_id, ChatMember.left_at.is_(None), User.status == "active")))
            for chat_id, room_id in session.execute(select(MatrixRoom.chat_id, MatrixRoom.room_id))}
    mismatched, members = [], 0
    for room_id, mxids in wanted.items():
        joined = {event["state_key"] for event in client.room_state(room_id)
                  if event.get("type") == "m.room.member" and event["content"].get("membership") == "join"
                  and event["state_key"].startswith("@" + PREFIX)}
        members += len(joined)
        if joined != mxids:
            mismatched.append({"room": room_id, "extra": len(joined - mxids), "missing": len(mxids - joined)})
    return {"rooms": len(wanted), "members": members, "mismatched": mismatched}


def school_plan(app, org_id: int) -> dict:
    """The administrator, the top grade's classes (they leave) and the rest
    from the top down (they move up), by unit id."""
    with app.extensions["db"]["write"]() as session:
        admin_id = session.scalar(select(Membership.user_id).where(Membership.org_id == org_id,
                                                                   Membership.role == "admin"))
        units = session.execute(select(Unit.id, Unit.name, Unit.grade).where(
            Unit.org_id == org_id, Unit.kind == "class")).all()
    top = max(grade for _id, _name, grade in units)
    leaving = [unit_id for unit_id, _name, grade in units if grade == top]
    moving = [(unit_id, name) for unit_id, name, grade in sorted(units, key=lambda u: (u[2], u[1]), reverse=True)
              if grade < top]  # «10В» first: its new class «11В» is emptied by the leavers
    return {"admin": admin_id, "leaving": leaving, "moving": moving}


def graduation(org_id: int, unit_id: int, admin_id: int):
    def action(session):
        for pupil_id in movement.pupil_ids(session, unit_id):
            departures.pupil_leaves(session, org_id, pupil_id, actor_id=admin_id, now=utcnow(),
                                    reason="Окончил школу")
    return action


def promotion(org_id: int, unit_id: int, admin_id: int):
    def action(session):
        org = session.get(Organisation, org_id)
        result = movement.promote_class(session, org, unit_id, staying=set(), actor_id=admin_id, now=utcnow())
        assert result.transfers, "the class had no pupils to move"
    return action


def run_homeserver(kind: str, args) -> dict:
    site_url_db = PG + SITE_DB.format(kind)
    print(f"[{kind}] seeding one school of {args.classes} classes ...", flush=True)
    fixture = seed_school(site_url_db, classes=args.classes, joiners={}, parents_per_class=PARENTS_PER_CLASS)
    with engine_and_site(kind, site_url_db) as (app, client, synapse, site, ready):
        meter = CpuMeter(synapse.pid, site)
        result = {"homeserver": kind, "school": fixture["counts"], "classes": args.classes}
        result["provision"] = provision(app, client, fixture["org_id"], meter)
        print(f"[{kind}] provisioned in {result['provision']['seconds']} s", flush=True)
        plan = school_plan(app, fixture["org_id"])
        org_id, admin_id = fixture["org_id"], plan["admin"]
        phases = [("top grade leaves", [graduation(org_id, unit_id, admin_id) for unit_id in plan["leaving"]]),
                  (f"one class up ({plan['moving'][0][1]})", [promotion(org_id, plan["moving"][0][0], admin_id)]),
                  ("the rest up a grade", [promotion(org_id, unit_id, admin_id)
                                           for unit_id, _name in plan["moving"][1:]])]
        result["phases"] = []
        for name, actions in phases:
            figures = as_requests(app, client, actions, meter)
            figures["check"] = rooms_as_the_site_has_them(app, client)
            figures["phase"] = name
            result["phases"].append(figures)
            print(f"[{kind}] {name}: {json.dumps(figures, ensure_ascii=False)}", flush=True)
            if figures["check"]["mismatched"] or figures["failed"]:
                raise SystemExit(f"[{kind}] Synapse does not have what the site has after «{name}»")
        return result


def report(results: list[dict], started: datetime, load: str) -> str:
    lines = [f"Measured {started:%Y-%m-%d} on {load}. `make bench-movement`; one school of "
             f"{results[0]['classes']} classes, 30 pupils and {PARENTS_PER_CLASS} parents each, provisioned "
             "first. A request applies up to 20 homeserver tasks itself, right after its commit; a larger change "
             "is left to the sync worker and the page answers at once («Page answered»). A phase is timed until "
             "Synapse has it all, then every room is checked against the site.", "",
             "| Synapse on | Phase | Requests | Tasks | Until Synapse has it | Site part | Synapse part "
             "| Page answered: p50 / max | CPU: Synapse / site / PostgreSQL |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        for phase in result["phases"]:
            cpu = phase["cpu"]
            lines.append(f"| {result['homeserver']} | {phase['phase']} | {phase['requests']} | {phase['tasks']:,} "
                         f"| {phase['seconds']} s | {phase['site_seconds']} s | {phase['synapse_seconds']} s "
                         f"| {phase['request_p50']} / {phase['request_max']} s "
                         f"| {cpu['synapse']} / {cpu['reconciler']} / {cpu['postgres']} s |")
        whole = sum(phase["seconds"] for phase in result["phases"])
        lines.append(f"| {result['homeserver']} | **whole school** | | | **{whole:.0f} s** | | | | |")
    lines += ["", "Homeserver calls of «one class up» (count × kind: seconds):", ""]
    for result in results:
        calls = result["phases"][1]["calls"]
        lines.append(f"- {result['homeserver']}: " + "; ".join(
            f"{entry['count']} × `{kind}`: {entry['seconds']} s" for kind, entry in calls.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="6 classes, Synapse on SQLite; README untouched")
    parser.add_argument("--homeservers", default="sqlite,postgresql")
    parser.add_argument("--classes", type=int, default=33)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--from-json", nargs="+", help="report runs kept in bench/results/ instead of running")
    args = parser.parse_args()
    if args.quick:
        args.classes, args.homeservers = 6, "sqlite"
    results, started, load = runs_or_kept("movement", args, run_homeserver)
    text = report(results, started, load)
    print("\n" + text)
    if not (args.quick or args.no_readme) and replace_between(BENCH / "README.md", MARKERS, text):
        print("bench/README.md: figures written")


if __name__ == "__main__":
    sys.exit(main())
