"""The chat engine's benchmark: the site against a real Synapse.

    make bench-matrix                                  # full: a school of 33 classes, Synapse on SQLite and PostgreSQL
    .venv/bin/python bench/matrix.py --quick           # 3 classes, a smaller run while developing
    .venv/bin/python bench/matrix.py --homeservers sqlite

For each of Synapse's databases (SQLite, PostgreSQL) it seeds one school in
a PostgreSQL database of the site's (recreated, dropped afterwards), starts
a fresh Synapse (the site registered as its application service, on free
ports) and the site with gunicorn (2 sync workers, production settings, the
application-service pushes arriving there too), then measures:

1. **provisioning**: `reconcile_org(..., fresh=True)` of the whole school
   (33 classes, 990 pupils, 1,980 parents, 3,102 chat memberships), timed,
   with the CPU seconds of Synapse, of the site (this process, which
   reconciles, and gunicorn, which takes the pushes) and of PostgreSQL;
2. **«Вступить» to the membership visible in Synapse**: one parent at a
   time, then 20 parents at once (20 threads, each POSTing /chats/<id>/join
   to gunicorn); from sending the POST until Synapse's state of the room
   (read with the application service's token) says `join`;
3. **the chat page** (GET /chats/<id>, a parent who has joined, ~50
   messages in the room): wrk, 1 thread, 32 connections, 10 s after 3 s of
   warm-up, beside the bare Flask + Jinja page (bench/bare_app.py) of the
   chat page's size in the same run; p50, p99, and bytes of HTML + CSS.

The full run writes its figures into bench/README.md (section «The chat
engine») and the summary lines of the README's benchmark section; every
process, folder and database it starts is removed again, even on failure.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]
os.environ.setdefault("ONBOARDING_ENV", "production")

import psutil  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

import drive  # noqa: E402
from config import Config  # noqa: E402
from onboarding import create_app, texts  # noqa: E402
from onboarding.matrix import homeserver, messages  # noqa: E402
from onboarding.matrix.client import MatrixClient, MatrixError  # noqa: E402
from onboarding.matrix.reconcile import reconcile_org  # noqa: E402
from onboarding.models import (  # noqa: E402
    Chat, ChatMember, ConsentRecord, MatrixAccount, MatrixRoom, Membership, Organisation, ParentLink, Unit, User,
    unit_sort_key, utcnow,
)
from onboarding.people.passwords import make_hasher  # noqa: E402
from seed import FIRST_NAMES, LETTERS, PATRONYMICS, SURNAMES, Batch, Ids, recreate_database  # noqa: E402
from settings import BENCH_PASSWORD, bench_config  # noqa: E402

RESULTS = BENCH / "results"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SITE_DB = "bench_matrix_site_{}"  # per Synapse database, so two runs may overlap
SYNAPSE_DB = "bench_matrix_synapse"
SERVER_NAME = "school.test"
PREFIX = "s_"
WORKERS = 2
PUPILS = 30
PARENTS_PER_PUPIL = 2
MARKERS = ("<!-- bench:matrix:start -->", "<!-- bench:matrix:end -->")
SUMMARY_MARKERS = ("<!-- bench:matrix-summary:start -->", "<!-- bench:matrix-summary:end -->")


# --- One school, seeded -------------------------------------------------------

def seed_school(url: str, *, classes: int, joiners: dict[int, int], pupils: int = PUPILS,
                parents_per_class: int = PUPILS * PARENTS_PER_PUPIL) -> dict:
    """One school: a staff room and its chat, `classes` classes with their three
    chats, a homeroom teacher each (moderator of the class's chats), `pupils`
    (30) in the class chat and `parents_per_class` parents (two for the first
    pupils, one for the rest) in the parents' chat; every parent confirmed,
    with both consents. `joiners[i]` more parents of class i have everything
    but the chat: they press «Вступить» in the benchmark."""
    started = time.monotonic()
    recreate_database(url)
    engine = create_engine(url)
    password_hash = make_hasher(Config.ARGON2_TIME_COST, Config.ARGON2_MEMORY_COST,
                                Config.ARGON2_PARALLELISM).hash(BENCH_PASSWORD)
    now = utcnow()
    ids, batch = Ids(), Batch()
    fixture: dict = {"classes": [], "counts": {"pupils": 0, "parents": 0, "teachers": 0, "memberships": 0,
                                               "joiners": 0}}

    def person(prefix: str) -> int:
        user_id = ids("user")
        batch.add(User, id=user_id, email=f"{prefix}{user_id}@bench.school.ru", login=None,
                  password_hash=password_hash, last_name=SURNAMES[user_id % 16],
                  first_name=FIRST_NAMES[(user_id // 16) % 16], patronymic=PATRONYMICS[user_id % 6], phone=None,
                  birth_date=None, status="active", session_version=1, locale=None, created_at=now,
                  confirmed_at=now, last_login_at=None)
        return user_id

    def member(unit_id, user_id, role, *, is_lead=False, verified=False):
        batch.add(Membership, id=ids("membership"), org_id=org_id, user_id=user_id, unit_id=unit_id, role=role,
                  is_lead=is_lead, verification="verified" if verified else None,
                  verified_at=now if verified else None, verified_by_id=None, rejection_reason=None,
                  invite_id=None, created_at=now, left_at=None)

    def in_chat(chat_id, user_id, role="member"):
        batch.add(ChatMember, id=ids("chat_member"), org_id=org_id, chat_id=chat_id, user_id=user_id, role=role,
                  joined_at=now, left_at=None, blocked_until=None)
        fixture["counts"]["memberships"] += 1

    def consents(user_id, given_by_id, *, rules: bool):
        kinds = [("personal_data", "2026-11-01")] + ([("chat_rules", texts.CHAT_RULES_VERSION)] if rules else [])
        for kind, version in kinds:
            batch.add(ConsentRecord, id=ids("consent_record"), org_id=org_id, kind=kind, subject_id=user_id,
                      given_by_id=given_by_id, given_by_email=None, text_version=version, text_sha256="0" * 64,
                      created_at=now, ip="127.0.0.1", user_agent="bench", withdrawn_at=None)

    def parent(unit_id, pupil_id, teacher_id) -> int:
        parent_id = person("parent")
        member(unit_id, parent_id, "parent")
        consents(parent_id, parent_id, rules=True)
        batch.add(ParentLink, id=ids("parent_link"), org_id=org_id, unit_id=unit_id, parent_id=parent_id,
                  child_id=pupil_id, child_name_given=None, status="confirmed", created_at=now, decided_at=now,
                  decided_by_id=teacher_id)
        return parent_id

    org_id = ids("organisation")
    batch.add(Organisation, id=org_id, kind="school", name="МБОУ «Средняя школа № 1»", short_name="Школа № 1",
              city="Екатеринбург", timezone="Asia/Yekaterinburg", created_at=now)
    staff_room = ids("unit")
    batch.add(Unit, id=staff_room, org_id=org_id, kind="staff_room", name="Учительская", grade=None,
              sort_key=unit_sort_key("staff_room", "", None), created_at=now, archived_at=None)
    staff_chat = ids("chat")
    batch.add(Chat, id=staff_chat, org_id=org_id, unit_id=staff_room, kind="staff", title="Чат сотрудников",
              created_by_id=None, created_at=now, archived_at=None)
    admin_id = fixture["admin"] = person("admin")
    member(staff_room, admin_id, "admin")
    consents(admin_id, admin_id, rules=True)
    names = [f"{grade}{letter}" for grade in range(1, 12) for letter in LETTERS][:classes]
    for number, name in enumerate(names):
        unit_id = ids("unit")
        grade = int(name[:-1])
        batch.add(Unit, id=unit_id, org_id=org_id, kind="class", name=name, grade=grade,
                  sort_key=unit_sort_key("class", name, grade), created_at=now, archived_at=None)
        chats = {}
        for kind, title in (("class", f"Чат класса {name}"), ("parents", f"Родители класса {name}"),
                            ("teachers", f"Учителя класса {name}")):
            chats[kind] = ids("chat")
            batch.add(Chat, id=chats[kind], org_id=org_id, unit_id=unit_id, kind=kind, title=title,
                      created_by_id=None, created_at=now, archived_at=None)
        teacher_id = person("teacher")
        member(staff_room, teacher_id, "teacher", verified=True)
        member(unit_id, teacher_id, "teacher", is_lead=True, verified=True)
        consents(teacher_id, teacher_id, rules=True)
        in_chat(staff_chat, teacher_id)
        for chat_id in chats.values():
            in_chat(chat_id, teacher_id, "moderator")
        fixture["counts"]["teachers"] += 1
        parents, class_pupils = [], []
        for number_in_class in range(pupils):
            pupil_id = person("pupil")
            class_pupils.append(pupil_id)
            member(unit_id, pupil_id, "student")
            in_chat(chats["class"], pupil_id)
            for _p in range(2 if number_in_class < parents_per_class - pupils else 1):
                parent_id = parent(unit_id, pupil_id, teacher_id)
                parents.append(parent_id)
                in_chat(chats["parents"], parent_id)
            consents(pupil_id, parents[-1], rules=False)
        joining = [parent(unit_id, class_pupils[k % pupils], teacher_id) for k in range(joiners.get(number, 0))]
        fixture["counts"]["pupils"] += pupils
        fixture["counts"]["parents"] += len(parents) + len(joining)
        fixture["counts"]["joiners"] += len(joining)
        fixture["classes"].append({"name": name, "chats": chats, "teacher": teacher_id, "parents": parents,
                                   "joiners": joining})
    with engine.begin() as connection:
        batch.flush(connection)
        for table in ids.next:
            name = {"user": "user_account"}.get(table, table)
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    fixture.update(org_id=org_id, accounts=ids.next["user"] - 1, seconds=round(time.monotonic() - started, 1))
    return fixture


# --- Processes: Synapse, the site, PostgreSQL databases -------------------------

def drop_database(name: str) -> None:
    engine = create_engine(PG + "postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def create_synapse_database(name: str) -> None:
    drop_database(name)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "-E", "UTF8", "--lc-collate=C",
                    "--lc-ctype=C", "-T", "template0", name], check=True)


class Site:
    """gunicorn -w 2 serving the site (bench_wsgi:app) on a given port."""

    def __init__(self, port: int, env: dict):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [drive.GUNICORN, "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--chdir", str(BENCH),
             "--log-level", "warning", "bench_wsgi:app"],
            env={**os.environ, **env, "BENCH_BASE_URL": self.url}, cwd=BENCH)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/login", timeout=2).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the site (gunicorn) did not start")
                time.sleep(0.2)

    def pids(self) -> list[int]:
        try:
            return [self.process.pid] + [p.pid for p in psutil.Process(self.process.pid).children()]
        except psutil.Error:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def postgres_cpu() -> dict[int, float]:
    found = {}
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] in ("postgres", "postmaster") and process.info["cpu_times"]:
            found[process.pid] = process.info["cpu_times"].user + process.info["cpu_times"].system
    return found


class CpuMeter:
    """CPU seconds of each party between start() and stop()."""

    def __init__(self, synapse_pid: int, site: Site):
        self.synapse_pid, self.site = synapse_pid, site

    def _read(self) -> dict:
        machine = psutil.cpu_times()
        return {"synapse": cpu_seconds([self.synapse_pid]), "reconciler": cpu_seconds([os.getpid()]),
                "gunicorn": cpu_seconds(self.site.pids()), "postgres": postgres_cpu(),
                "machine_busy": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
                "at": time.monotonic()}

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict:
        after, before = self._read(), self.before
        postgres = sum(seconds - before["postgres"].get(pid, 0.0) for pid, seconds in after["postgres"].items())
        wall = after["at"] - before["at"]
        result = {key: round(after[key] - before[key], 1) for key in ("synapse", "reconciler", "gunicorn")}
        result.update(postgres=round(postgres, 1), machine_busy=round(after["machine_busy"] - before["machine_busy"], 1),
                      wall=round(wall, 1))
        return result


# --- Measurements ---------------------------------------------------------------

def call_kind(method: str, path: str) -> str:
    """A homeserver call without its ids: `PUT /rooms/{}/state/m.room.name/{}`."""
    path = re.sub(r"^/_matrix/client/v\d+|^/_synapse/admin/v\d+", "", path)
    path = re.sub(r"/(%21|!|%40|@)[^/]+", "/{}", path)
    path = re.sub(r"/send/(m\.room\.message)/[^/]+", r"/send/\1/{}", path)
    return f"{method} {path}"


class CallCounter:
    """The homeserver calls a client makes while counting, by kind: {kind: [count, seconds]}."""

    def __init__(self, client: MatrixClient):
        self.client, self.calls, self.lock = client, {}, threading.Lock()

    def __enter__(self) -> "CallCounter":
        plain_call = self.plain_call = self.client.call

        def counted(method, path, *args, **kwargs):
            started = time.monotonic()
            try:
                return plain_call(method, path, *args, **kwargs)
            finally:
                with self.lock:
                    entry = self.calls.setdefault(call_kind(method, path), [0, 0.0])
                    entry[0] += 1
                    entry[1] += time.monotonic() - started

        self.client.call = counted
        return self

    def __exit__(self, *_exc) -> None:
        self.client.call = self.plain_call

    def report(self) -> dict:
        return {kind: {"count": n, "seconds": round(wall, 1)}
                for kind, (n, wall) in sorted(self.calls.items(), key=lambda item: -item[1][1])}


def provision(app, client: MatrixClient, org_id: int, meter: CpuMeter) -> dict:
    """reconcile_org(fresh=True), timed, with the homeserver calls it made counted by kind."""
    factory = app.extensions["db"]["write"]
    meter.start()
    started = time.monotonic()
    with CallCounter(client) as counter, app.app_context():
        totals = reconcile_org(factory, client, org_id, prefix=PREFIX, now=utcnow(), fresh=True,
                               oidc_provider=app.config["MATRIX_OIDC_PROVIDER"])
    seconds = time.monotonic() - started
    cpu = meter.stop()
    with factory() as session:
        joined = session.scalar(select(text("count(*)")).select_from(ChatMember.__table__)
                                .where(ChatMember.matrix_state == "joined", ChatMember.left_at.is_(None)))
        accounts = session.scalar(select(text("count(*)")).select_from(MatrixAccount.__table__))
    return {"seconds": round(seconds, 1), "totals": totals, "joined": joined, "accounts": accounts, "cpu": cpu,
            "calls": counter.report()}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def membership(client: MatrixClient, room_id: str, mxid: str) -> str | None:
    try:
        return client.state(room_id, "m.room.member", mxid).get("membership")
    except MatrixError:
        return None


class Joiner:
    """A logged-in parent with the join form of one chat in hand."""

    def __init__(self, site_url: str, user_id: int, org_id: int, chat_id: int, room_id: str):
        self.user_id, self.chat_id, self.room_id = user_id, chat_id, room_id
        self.mxid = f"@{PREFIX}{user_id}:{SERVER_NAME}"
        self.browser = drive.log_in(site_url, f"parent{user_id}@bench.school.ru", BENCH_PASSWORD)
        status, url, html = self.browser.get(f"/chats/org/{org_id}")
        form = next((f for f in drive.page_forms(html) if f["action"].endswith(f"/{chat_id}/join")), None)
        if status != 200 or form is None:
            raise RuntimeError(f"no «Вступить» for chat {chat_id} on {url} ({status})")
        self.action = urllib.parse.urljoin(url, form["action"])
        self.fields = form["fields"]
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.browser.jar), _NoRedirect)

    def join(self, client: MatrixClient, timeout: float = 120) -> dict:
        body = urllib.parse.urlencode(self.fields).encode()
        started = time.monotonic()
        try:
            self.opener.open(urllib.request.Request(self.action, data=body, method="POST"), timeout=timeout).read()
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        answered = time.monotonic()
        polls = 0
        while True:
            polls += 1
            if membership(client, self.room_id, self.mxid) == "join":
                break
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{self.mxid} not in {self.room_id} after {timeout} s")
            time.sleep(0.01)
        visible = time.monotonic()
        if status != 302:
            raise RuntimeError(f"join answered {status}")
        return {"ms": (visible - started) * 1000, "request_ms": (answered - started) * 1000, "polls": polls}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(samples: list[dict]) -> dict:
    latencies = [s["ms"] for s in samples]
    return {"n": len(samples), "p50": round(percentile(latencies, 0.5)), "p99": round(percentile(latencies, 0.99)),
            "max": round(max(latencies)), "request_p50": round(percentile([s["request_ms"] for s in samples], 0.5)),
            "first_poll": sum(1 for s in samples if s["polls"] == 1)}


def joins(site: Site, client: MatrixClient, fixture: dict, rooms: dict[int, str], *, sequential: int,
          batches: int, at_once: int) -> dict:
    """One at a time across the classes, then `at_once` parents of one class at once, `batches` times."""
    org_id = fixture["org_id"]
    pool = [(c["chats"]["parents"], c["joiners"]) for c in fixture["classes"]]
    # The first `batches` classes give a batch of `at_once` each; the one-at-a-time
    # joiners are the rest, spread over the classes.
    batch_people = [[(chat, uid) for uid in people[:at_once]] for chat, people in pool[:batches]]
    rest = [(chat, uid) for number, (chat, people) in enumerate(pool)
            for uid in people[at_once if number < batches else 0:]]
    seq_people = rest[:sequential]
    one = []
    for chat, uid in seq_people:
        one.append(Joiner(site.url, uid, org_id, chat, rooms[chat]).join(client))
    together = []
    for people in batch_people:
        joiners = [Joiner(site.url, uid, org_id, chat, rooms[chat]) for chat, uid in people]
        barrier = threading.Barrier(len(joiners))
        results: list = [None] * len(joiners)

        def run(n: int) -> None:
            barrier.wait()
            try:
                results[n] = joiners[n].join(client)
            except Exception as error:  # noqa: BLE001 - reported below
                results[n] = error

        threads = [threading.Thread(target=run, args=(n,)) for n in range(len(joiners))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failed = [r for r in results if isinstance(r, Exception)]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(results)} joins at once failed: {failed[0]}")
        together.extend(results)
    return {"one": summary(one), "together": summary(together), "at_once": at_once, "batches": batches}


def chat_page(site: Site, client: MatrixClient, fixture: dict, rooms: dict[int, str], args) -> dict:
    """GET /chats/<id> for a parent of the first class, with ~50 messages in the room."""
    first = fixture["classes"][0]
    chat_id, room_id = first["chats"]["parents"], rooms[first["chats"]["parents"]]
    # The homeroom teacher writes them: a moderator, so the parents' chat's
    # quiet hours (which may be on while the benchmark runs) don't refuse them.
    for n in range(args.messages):
        client.send_text(room_id, f"@{PREFIX}{first['teacher']}:{SERVER_NAME}",
                         f"Сообщение № {n + 1}: завтра родительское собрание в 18:30, кабинет 21. "
                         f"Принесите, пожалуйста, заявления.", f"bench-{os.getpid()}-{n}")
    reader = drive.log_in(site.url, f"parent{first['parents'][0]}@bench.school.ru", BENCH_PASSWORD)
    status, _url, html = reader.get(f"/chats/{chat_id}")
    shown = len(re.findall(r"Сообщение №\W", html))
    if status != 200 or shown < min(args.messages, messages.PAGE):
        raise RuntimeError(f"the chat page answered {status} with {shown} messages")
    css = sum(len(reader.get(href)[2].encode()) for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))
    page_bytes = len(html.encode())
    bare = drive.Gunicorn("bare_app:app", {"BARE_PAGE_BYTES": str(page_bytes)}, WORKERS)
    try:
        drive.wrk(bare.url + "/", seconds=3, connections=args.connections)
        bare_run = drive.wrk(bare.url + "/", seconds=args.duration, connections=args.connections)
        bare_run["bytes"] = len(drive.Client(bare.url).get("/")[2].encode())
    finally:
        bare.stop()
    cookie = reader.cookie_header()
    drive.wait_idle(site.url)
    drive.wrk(site.url + f"/chats/{chat_id}", seconds=3, connections=args.connections, cookie=cookie)
    drive.wait_idle(site.url)
    page = drive.wrk(site.url + f"/chats/{chat_id}", seconds=args.duration, connections=args.connections,
                     cookie=cookie)
    return {"bare": bare_run, "page": page, "html": page_bytes, "css": css, "messages_shown": shown,
            "scripts": html.count("<script")}


# --- One homeserver database, end to end ------------------------------------------

def keep(result: dict) -> None:
    """Each homeserver's figures on disk as soon as they are measured (a later
    phase failing doesn't lose them)."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"matrix-partial-{result['homeserver']}.json").write_text(json.dumps(result, indent=1,
                                                                                    ensure_ascii=False))


@contextlib.contextmanager
def engine_and_site(kind: str, site_url_db: str):
    """A fresh Synapse on `kind` (sqlite or postgresql) with the site as its
    application service, gunicorn serving the site, and an app and client
    of the site's in this process: yields (app, client, synapse, site, ready
    seconds). Everything is stopped and removed afterwards, even on failure."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-synapse-{kind}-"))
    synapse = site = app = None
    database = None
    if kind == "postgresql":
        create_synapse_database(SYNAPSE_DB)
        database = {"name": "psycopg2", "args": {"user": "postgres", "host": "127.0.0.1", "database": SYNAPSE_DB,
                                                 "cp_min": 2, "cp_max": 10}}
    try:
        site_port, synapse_port = drive.free_port(), drive.free_port()
        settings = homeserver.configure(folder, server_name=SERVER_NAME, port=synapse_port,
                                        site_url=f"http://127.0.0.1:{site_port}", user_prefix=PREFIX,
                                        database=database, testing=False)
        synapse = homeserver.start(folder, log=open(folder / "synapse.out", "ab"))
        ready = homeserver.wait_ready(settings["url"], process=synapse)
        matrix = {"MATRIX_URL": settings["url"], "MATRIX_SERVER_NAME": SERVER_NAME,
                  "MATRIX_AS_TOKEN": settings["as_token"], "MATRIX_HS_TOKEN": settings["hs_token"],
                  "MATRIX_SHARED_SECRET": settings["shared_secret"], "MATRIX_APPSERVICE_ID": settings["appservice_id"],
                  "MATRIX_USER_PREFIX": PREFIX, "MATRIX_TIMEOUT": "30"}
        site = Site(site_port, {"BENCH_DATABASE_URL": site_url_db, **matrix})
        app = create_app({**bench_config(site_url_db, base_url=site.url), **matrix, "MATRIX_TIMEOUT": 30.0,
                          "MAIL_SEND_AFTER_COMMIT": False})
        client = MatrixClient(settings["url"], SERVER_NAME, settings["as_token"], settings["shared_secret"],
                              timeout=30.0)
        yield app, client, synapse, site, ready
    finally:
        if app is not None:
            app.extensions["db"]["engine"].dispose()
        if site is not None:
            site.stop()
        if synapse is not None:
            homeserver.stop(synapse)
        shutil.rmtree(folder, ignore_errors=True)
        if kind == "postgresql":
            drop_database(SYNAPSE_DB)
        drop_database(SITE_DB.format(kind))


def run_homeserver(kind: str, args) -> dict:
    site_url_db = PG + SITE_DB.format(kind)
    classes = args.classes
    share = math.ceil(args.sequential / classes)
    joiners = {n: share + (args.at_once if n < args.batches else 0) for n in range(classes)}
    print(f"[{kind}] seeding one school of {classes} classes ...", flush=True)
    fixture = seed_school(site_url_db, classes=classes, joiners=joiners)
    print(f"[{kind}] seeded {fixture['accounts']:,} accounts, {fixture['counts']['memberships']:,} chat memberships "
          f"in {fixture['seconds']} s", flush=True)
    with engine_and_site(kind, site_url_db) as (app, client, synapse, site, ready):
        print(f"[{kind}] Synapse answered in {ready:.1f} s; provisioning ...", flush=True)
        result = {"homeserver": kind, "school": fixture["counts"], "accounts_seeded": fixture["accounts"],
                  "classes": classes, "synapse_start": round(ready, 1)}
        result["provision"] = provision(app, client, fixture["org_id"], CpuMeter(synapse.pid, site))
        p = result["provision"]
        print(f"[{kind}] provisioned in {p['seconds']} s: {p['totals']}, cpu {p['cpu']}", flush=True)
        for call, entry in p["calls"].items():
            print(f"    {entry['count']:6d} × {call}: {entry['seconds']} s", flush=True)
        with app.extensions["db"]["write"]() as session:
            rooms = dict(session.execute(select(MatrixRoom.chat_id, MatrixRoom.room_id)).all())
        keep(result)
        if kind in args.pages_on.split(","):
            result["joins"] = joins(site, client, fixture, rooms, sequential=args.sequential, batches=args.batches,
                                    at_once=args.at_once)
            print(f"[{kind}] joins: {result['joins']}", flush=True)
            result["chat_page"] = chat_page(site, client, fixture, rooms, args)
            c = result["chat_page"]
            print(f"[{kind}] chat page: {c['page']['rps']:.0f} req/s, bare {c['bare']['rps']:.0f} req/s", flush=True)
        result["synapse_memory_mb"] = round(psutil.Process(synapse.pid).memory_info().rss / 2**20)
        return result


# --- Report -------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    import synapse

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, Synapse {synapse.__version__}, "
            f"load average before the run {os.getloadavg()[0]:.1f}")


def report(results: list[dict], started: datetime, load: str) -> str:
    lines = [f"Run {started:%Y-%m-%d %H:%M} UTC on {load}; the site's database on PostgreSQL, the site served by "
             f"gunicorn ({WORKERS} sync workers, production settings), Synapse {', '.join(r['homeserver'] for r in results)}"
             f" as configured by `homeserver.configure` (no federation; the site its application service)."]
    school = results[0]["school"]
    lines.append(f"\nThe school: {results[0]['classes']} classes, {school['pupils']:,} pupils, "
                 f"{school['parents'] - school['joiners']:,} parents in the parents' chats and {school['joiners']} more "
                 f"who join during the benchmark, {school['teachers']} homeroom teachers and an administrator; "
                 f"{school['memberships']:,} chat memberships to provision "
                 f"({results[0]['provision']['totals']['rooms']} rooms).\n")
    lines.append("| Synapse on | provisioned in | memberships/s | Synapse CPU | site CPU (reconcile + pushes) "
                 "| PostgreSQL CPU | machine busy | Synapse RSS |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        p, cpu = r["provision"], r["provision"]["cpu"]
        wall = p["seconds"]
        lines.append(f"| {r['homeserver']} | {wall / 60:.1f} min ({wall:.0f} s) | {p['joined'] / wall:.1f} "
                     f"| {cpu['synapse']:.0f} s ({cpu['synapse'] / wall:.0%} of a core) "
                     f"| {cpu['reconciler']:.0f} + {cpu['gunicorn']:.0f} s ({(cpu['reconciler'] + cpu['gunicorn']) / wall:.0%}) "
                     f"| {cpu['postgres']:.0f} s ({cpu['postgres'] / wall:.0%}) "
                     f"| {cpu['machine_busy'] / wall / (os.cpu_count() or 1):.0%} of {os.cpu_count()} cores "
                     f"| {r['synapse_memory_mb']} MB |")
    lines.append("\nThe homeserver calls of provisioning, one at a time, by kind (wall time as the site saw it):\n")
    lines.append("| call | " + " | ".join(f"{r['homeserver']}: count, ms each" for r in results) + " |")
    lines.append("|---|" + "---:|" * len(results))
    kinds = list(dict.fromkeys(kind for r in results for kind in r["provision"]["calls"]))
    for kind in kinds:
        cells = []
        for r in results:
            entry = r["provision"]["calls"].get(kind)
            cells.append(f"{entry['count']:,} × {entry['seconds'] * 1000 / entry['count']:.0f}" if entry else "—")
        lines.append(f"| `{kind}` | " + " | ".join(cells) + " |")
    paged = [r for r in results if "joins" in r]
    if paged:
        lines.append("\n«Вступить» to `join` in Synapse's room state (wall time from sending the POST to the first "
                     "read of the member's `m.room.member` state, with the application service's token, that says "
                     "`join`; the site applies the change right after the request's commit):\n")
        lines.append("| Synapse on | one at a time: p50 / p99 (n) | 20 parents of a class at once: p50 / p99 / max (n) "
                     "| the request alone, p50 (one / at once) |")
        lines.append("|---|---:|---:|---:|")
        for r in paged:
            one, together = r["joins"]["one"], r["joins"]["together"]
            lines.append(f"| {r['homeserver']} | {one['p50']} / {one['p99']} ms ({one['n']}) "
                         f"| {together['p50']} / {together['p99']} / {together['max']} ms ({together['n']}) "
                         f"| {one['request_p50']} / {together['request_p50']} ms |")
        lines.append("\nThe chat page (GET /chats/<id>, a parent who has joined; it reads the latest 30 of "
                     f"{paged[0]['chat_page']['messages_shown']}+ messages from Synapse as the member on every "
                     "request), wrk 1 thread, 32 connections, 10 s after 3 s of warm-up, beside the bare Flask + Jinja "
                     "page of the same size in the same run:\n")
        lines.append("| Synapse on | req/s | × bare | p50 ms | p99 ms | bare req/s (p99 ms) | HTML + CSS |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for r in paged:
            c = r["chat_page"]
            page, bare = c["page"], c["bare"]
            errors = f" ({page['bad']} non-2xx, {page['socket_errors']} socket errors)" if page["bad"] or page[
                "socket_errors"] else ""
            lines.append(f"| {r['homeserver']} | {page['rps']:.0f}{errors} | {page['rps'] / bare['rps']:.2f} "
                         f"| {page['p50']:.1f} | {page['p99']:.1f} | {bare['rps']:.0f} ({bare['p99']:.1f}) "
                         f"| {(c['html'] + c['css']) / 1024:.1f} KB ({c['html'] / 1024:.1f} + {c['css'] / 1024:.1f}) |")
    return "\n".join(lines)


def replace_between(path: Path, markers: tuple[str, str], body: str) -> bool:
    content = path.read_text()
    start, end = markers
    if start not in content or end not in content:
        return False
    before, _, rest = content.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{body}\n{end}{after}")
    return True


def readme_summary(results: list[dict]) -> str:
    parts = []
    for r in results:
        p = r["provision"]
        parts.append(f"{p['seconds'] / 60:.1f} min with Synapse on {'SQLite' if r['homeserver'] == 'sqlite' else 'PostgreSQL'}")
    line = (f"Chats (`make bench-matrix`, one school of {results[0]['classes']} classes, "
            f"{results[0]['school']['memberships']:,} chat memberships): provisioned on a fresh Synapse in "
            f"{' and '.join(parts)}")
    paged = [r for r in results if "joins" in r]
    if paged:
        r = paged[0]
        one, together, c = r["joins"]["one"], r["joins"]["together"], r["chat_page"]
        line += (f"; «Вступить» to the membership visible in Synapse ({r['homeserver']}) p50 {one['p50']} ms, "
                 f"p99 {one['p99']} ms one at a time, p50 {together['p50']} ms, p99 {together['p99']} ms for 20 "
                 f"parents at once; the chat page {c['page']['rps'] / c['bare']['rps']:.2f} of the bare page "
                 f"(p99 {c['page']['p99']:.0f} ms), {(c['html'] + c['css']) / 1024:.1f} KB")
    return line + ". Details in `bench/README.md`, «The chat engine»."


def runs_or_kept(name: str, args, run_homeserver) -> tuple[list[dict], datetime, str]:
    """`run_homeserver(kind, args)` for each of `args.homeservers`, the figures
    kept in bench/results/<name>-<time>-<kinds>.json; or, with --from-json,
    runs kept before (made apart, one per Synapse database), reported together."""
    if args.from_json:
        runs = [json.loads(Path(path).read_text()) for path in args.from_json]
        return ([result for run in runs for result in run["results"]],
                datetime.fromisoformat(runs[0]["started"]), runs[0]["machine"])
    started, load = datetime.now(timezone.utc), machine()
    results = [run_homeserver(kind, args) for kind in args.homeservers.split(",")]
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / f"{name}-{started:%Y%m%d-%H%M}-{args.homeservers.replace(',', '-')}.json"
    saved.write_text(json.dumps({"started": started.isoformat(), "machine": load, "results": results},
                                indent=1, ensure_ascii=False))
    print(f"figures kept in {saved}")
    return results, started, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 classes, fewer joins, 5 s wrk runs; README untouched")
    parser.add_argument("--homeservers", default="sqlite,postgresql")
    parser.add_argument("--classes", type=int, default=33)
    parser.add_argument("--sequential", type=int, default=100, help="joins one at a time")
    parser.add_argument("--at-once", type=int, default=20, help="parents joining at once")
    parser.add_argument("--batches", type=int, default=5, help="rounds of parents joining at once")
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pages-on", default="sqlite,postgresql",
                        help="the Synapse databases to measure joins and the chat page on (the rest: provisioning only)")
    parser.add_argument("--no-readme", action="store_true", help="don't write the figures into the READMEs")
    parser.add_argument("--from-json", nargs="+", help="report runs kept in bench/results/ instead of running")
    args = parser.parse_args()
    if args.quick:
        args.classes, args.sequential, args.batches, args.duration = 3, 20, 1, 5
    if not os.path.exists(drive.WRK):
        sys.exit(f"wrk is not installed at {drive.WRK}: apt-get install wrk")
    results, started, load = runs_or_kept("matrix", args, run_homeserver)
    text_ = report(results, started, load)
    print("\n" + text_)
    if not (args.quick or args.no_readme):
        if replace_between(BENCH / "README.md", MARKERS, text_):
            print("bench/README.md: figures written")
        if replace_between(ROOT / "README.md", SUMMARY_MARKERS, readme_summary(results)):
            print("README.md: summary written")
    print("\nREADME summary: " + readme_summary(results))


if __name__ == "__main__":
    main()
