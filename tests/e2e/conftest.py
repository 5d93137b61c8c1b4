"""Browser end-to-end fixtures: a real server, a real SMTP sink, a phone browser.

- `live_server`: the app served by werkzeug on 127.0.0.1 (a free port, a
  thread), on a migrated SQLite file of its own, mailing through SMTP to
  `smtp_sink`, with CSRF on (a real browser posts real tokens).
- `live_chat_server`: the same, with its chats on the run's real Synapse
  (the `synapse` fixture of tests/conftest.py) and the homeserver's pushes
  forwarded to it.
- `smtp_sink`: an aiosmtpd server on 127.0.0.1 keeping every message it
  receives; `smtp_sink.code_for(address)` reads the six-digit code.
- `browser`: Debian's Chromium (/usr/bin/chromium), never a downloaded one.
  Where it is missing the tests skip with a plain reason; CI
  (REQUIRE_ALL_TESTS=1) counts the skip as a failure.
- `phone`: a new 360x740 touch context (ru-RU) and a `Journey` on its page:
  `journey.step("name")` saves a screenshot into
  tests/artifacts/screenshots/<test>/ and checks the page's accessibility
  (axe-core: no serious or critical violation; every form control labelled;
  focus visible; no console error such as a CSP refusal).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ru-RU",
    "timezone_id": "Asia/Yekaterinburg",
}
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SECRET_KEY = "e2e-secret-key-not-for-production"
BLOCKING_IMPACTS = {"serious", "critical"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The SMTP sink -----------------------------------------------------------

class SmtpSink:
    """Every message delivered to it, parsed; thread-safe."""

    def __init__(self) -> None:
        self._messages: list[EmailMessage] = []
        self._lock = threading.Condition()
        self.host = "127.0.0.1"
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self._messages.append(message)
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[EmailMessage]:
        address = address.lower()
        return [m for m in self.messages if address in str(m["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> EmailMessage:
        """The newest message to `address`, once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self._messages if address.lower() in str(m["To"]).lower()]
                if len(found) >= count:
                    return found[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no e-mail #{count} to {address} within {timeout} s; "
                                         f"got {len(found)}")
                self._lock.wait(left)

    def code_for(self, address: str, count: int = 1) -> str:
        body = self.wait_for(address, count).get_content()
        match = re.search(r"(?<!\d)(\d{6})(?!\d)", body)
        assert match, f"no six-digit code in the e-mail to {address}:\n{body}"
        return match.group(1)

    def link_for(self, address: str, base_url: str, count: int = 1) -> str:
        body = self.wait_for(address, count).get_content()
        match = re.search(re.escape(base_url) + r"/\S+", body)
        assert match, f"no link to {base_url} in the e-mail to {address}:\n{body}"
        return match.group(0)


@pytest.fixture(scope="session")
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    yield sink
    controller.stop()


# --- The live server ---------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: object
    database_url: str
    instance_path: str
    env: dict = field(default_factory=dict)

    def flask(self, *args: str) -> str:
        """Run `flask --app wsgi ...` as the operator would, against this
        server's database and BASE_URL; returns what it printed."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def session(self):
        """A database session outside any request (for setting up a path)."""
        return self.app.extensions["db"]["write"]()


def _serve(tmp_path, smtp_sink, extra: dict | None = None):
    """Run the app on a free port until the generator is closed; yields the LiveServer."""
    from werkzeug.serving import make_server

    from onboarding import create_app
    from onboarding.migrate import upgrade

    database_url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    upgrade(database_url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    instance_path = str(tmp_path / "instance")
    app = create_app({
        "ENV_NAME": "testing",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": instance_path,
        "SECRET_KEY": SECRET_KEY,
        "BASE_URL": url,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": smtp_sink.host,
        "MAIL_PORT": smtp_sink.port,
        "MAIL_SECURITY": "none",
        "MAIL_SEND_AFTER_COMMIT": True,
        **(extra or {}),
    })
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    env = {
        **os.environ,
        "ONBOARDING_ENV": "development",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": instance_path,
        "SECRET_KEY": SECRET_KEY,
        "BASE_URL": url,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": smtp_sink.host,
        "MAIL_PORT": str(smtp_sink.port),
    }
    try:
        yield LiveServer(url=url, app=app, database_url=database_url, instance_path=instance_path, env=env)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["db"]["engine"].dispose()


@pytest.fixture
def live_server(tmp_path, smtp_sink):
    """The site with no homeserver (chats are joined on the site only)."""
    yield from _serve(tmp_path, smtp_sink)


@pytest.fixture
def live_chat_server(tmp_path, smtp_sink, synapse):
    """The site with its chats on the test run's real Synapse (started once
    per run, ~3 s): changes reach the homeserver right after each request's
    commit, and the homeserver's pushes reach this app while it runs."""
    for live in _serve(tmp_path, smtp_sink, synapse.app_config()):
        synapse.receiver.app = live.app
        try:
            yield live
        finally:
            synapse.receiver.app = None


# --- The browser -------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or `make browser`): "
                    "browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def a11y_report():
    """Every page checked in this run, with axe's findings of any impact."""
    pages: list[dict] = []
    yield pages
    if pages:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "a11y-report.json").write_text(json.dumps(pages, ensure_ascii=False, indent=2), "utf-8")


# Every control a user fills in or ticks must have an accessible name.
UNLABELLED_CONTROLS_JS = """() => {
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea');
  return Array.from(controls).filter(el =>
    !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
  ).map(el => el.outerHTML.slice(0, 120));
}"""

# The focused element's focus indicator: an outline of at least 2 px (or a box-shadow ring).
FOCUS_RING_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || el.id || '').trim().slice(0, 40),
    // A date input focuses a segment inside it: the ring is on the input (:focus-within).
    matches: el.matches(':focus-visible') || el.matches('input:focus-within'), outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0, boxShadow: style.boxShadow,
  };
}"""


# Tab from the top of the page: a blurred element (the last stop of an earlier
# check, or a page's fragment target) would stay Chromium's starting point for
# the next Tab, and from the last control Tab leaves the page.
FROM_THE_TOP_JS = """() => {
  if (document.activeElement) document.activeElement.blur();
  const root = document.documentElement;
  const had = root.getAttribute('tabindex');
  root.setAttribute('tabindex', '-1');
  root.focus({preventScroll: true});
  root.blur();
  if (had === null) root.removeAttribute('tabindex'); else root.setAttribute('tabindex', had);
  window.scrollTo(0, 0);
}"""


class Journey:
    """One person's way through the site on one phone, step by step."""

    def __init__(self, page, name: str, report: list[dict], focus_stops: int = 6):
        self.page = page
        self.name = name
        self.report = report
        self.focus_stops = focus_stops
        self.count = 0
        self.console_errors: list[str] = []
        # A page answering 4xx on purpose (a form with errors: 422, a dead link:
        # 410) is no fault; a console error (e.g. a CSP refusal) or a failing
        # stylesheet or image is.
        page.on("console", lambda message: message.type == "error"
                and not message.text.startswith("Failed to load resource")
                and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("response", lambda response: response.request.resource_type != "document"
                and response.status >= 400
                and self.console_errors.append(f"{response.status} {response.url}"))
        # (A load cut short by the next navigation is ERR_ABORTED: no fault.)
        page.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
                and self.console_errors.append(f"failed: {request.url} {request.failure}"))
        self.folder = SCREENSHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)

    def step(self, label: str, *, check: bool = True) -> Path:
        """Screenshot the page as it is, then check its accessibility."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if check:
            self.check_accessibility(label)
        return path

    def check_accessibility(self, label: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        where = f"{self.name} / {label} ({page.url})"
        results = Axe().run(page, options={"resultTypes": ["violations", "passes"]}).response
        violations = results["violations"]
        ran = {rule["id"] for rule in results["passes"]} | {rule["id"] for rule in violations}
        self.report.append({
            "journey": self.name, "step": label, "url": page.url, "title": page.title(),
            "violations": [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations],
        })
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in violations if v["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"axe found serious or critical problems on {where}:\n" + "\n".join(blocking)
        # AA contrast is axe's color-contrast rule: it must have run on text.
        assert "color-contrast" in ran, f"axe's color-contrast rule did not run on {where}"

        unlabelled = page.evaluate(UNLABELLED_CONTROLS_JS)
        assert not unlabelled, f"form controls without a label on {where}: {unlabelled}"

        self._check_focus_visible(where)
        assert not self.console_errors, f"console errors on {where}: {self.console_errors}"

    def _check_focus_visible(self, where: str) -> None:
        """Tab through the first few stops: each shows a visible focus ring."""
        page = self.page
        page.evaluate(FROM_THE_TOP_JS)
        seen = []
        for _ in range(self.focus_stops):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUS_RING_JS)
            if ring is None:
                break
            seen.append(ring)
            visible = ring["matches"] and (
                (ring["outlineStyle"] != "none" and ring["outlineWidth"] >= 2) or ring["boxShadow"] != "none"
            )
            assert visible, f"focus is not visible on {ring['tag']} «{ring['text']}» on {where}: {ring}"
        assert seen, f"nothing on {where} takes keyboard focus"
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")


@pytest.fixture
def phone(browser, a11y_report, request):
    """A fresh phone (its own cookies) with a Journey named after the test."""
    contexts = []

    def open_phone(suffix: str = ""):
        context = browser.new_context(**PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        name = request.node.name.removeprefix("test_") + (f"-{suffix}" if suffix else "")
        return Journey(context.new_page(), name, a11y_report)

    yield open_phone
    for context in contexts:
        context.close()
