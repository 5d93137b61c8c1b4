"""The benchmark's tools: gunicorn servers, wrk, an SMTP sink, a small HTTP
client that fills in forms, the registration runner and the Argon2 rate."""
from __future__ import annotations

import multiprocessing
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WRK = "/usr/bin/wrk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_idle(url: str, timeout: float = 120) -> None:
    """Until the server answers a health check quickly (a queue left by wrk has drained)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(url + "/healthz", timeout=timeout).read()
        except OSError:
            pass
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.5)


class Gunicorn:
    """`gunicorn -w 2` serving `module:app` from bench/, until stopped."""

    def __init__(self, target: str, env: dict, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--chdir", str(BENCH),
             "--log-level", "warning", target],
            env={**os.environ, **env, "BENCH_BASE_URL": self.url}, cwd=BENCH,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {target} did not start")
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", value)
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None = None, threads: int = 1) -> dict:
    """Requests per second, p50 and p99 in ms, and the count of non-2xx/3xx answers."""
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "bad": 0,
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["bad"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    return result


# --- An SMTP sink: the codes of the registration benchmark ------------------

class Sink:
    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.cond = threading.Condition()
        self.port = free_port()
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        match = re.search(r"(?<!\d)(\d{6})(?!\d)", message.get_content())
        if match:
            with self.cond:
                for address in envelope.rcpt_tos:
                    self.codes[address.lower()] = match.group(1)
                self.cond.notify_all()
        return "250 OK"

    def code(self, address: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        with self.cond:
            while address not in self.codes:
                if not self.cond.wait(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError(f"no code for {address}")
            return self.codes.pop(address)

    def stop(self) -> None:
        self.controller.stop()


# --- A browser-less client that fills in the site's forms -------------------

class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (hidden values, checkboxes ticked)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "text": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind == "hidden":
                self._form["fields"][attrs["name"]] = attrs.get("value", "")
            elif kind == "checkbox":
                self._form["fields"][attrs["name"]] = attrs.get("value") or "y"
            elif kind not in ("submit", "button", "radio"):
                self._form["text"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def page_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [form for form in parser.forms if not form["action"].endswith(("/logout", "/language"))]


class Client:
    """A person's browser without the browser: cookies, redirects, forms."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self._url(path)))

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self._url(path), data=body, method="POST"))

    def submit(self, url: str, html: str, values: dict | None = None, index: int = 0) -> tuple[int, str, str]:
        """Submit the page's `index`-th POST form with `values` over its own fields."""
        form = page_forms(html)[index]
        action = urllib.parse.urljoin(url, form["action"]) if form["action"] else url
        return self.post(action, {**form["fields"], **(values or {})})

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")


def log_in(base_url: str, email: str, password: str) -> Client:
    client = Client(base_url)
    status, url, html = client.get("/login")
    status, url, html = client.submit(url, html, {"identifier": email, "password": password})
    if status != 200 or "/login" in url:
        raise RuntimeError(f"could not log in as {email}: {status} {url}")
    return client


PERSON = {"last_name": "Кузнецова", "first_name": "Анна", "patronymic": "Петровна", "phone": "",
          "password": "осенний лист на ветру 42"}


def register(base_url: str, sink: Sink, link_path: str, email: str) -> str:
    """One whole registration: form, POST, the e-mailed code, consent, the chat
    rules and joining the first chat offered, where one is offered (a parent
    from a class link waits for the teacher's confirmation and ends on the
    chats page); returns where it ended."""
    client = Client(base_url)
    status, url, html = client.get(link_path)
    if status != 200:
        raise RuntimeError(f"form: {status} {url}")
    form = page_forms(html)[0]
    values = {name: "Иванов Пётр" for name in form["text"]}
    values.update({k: v for k, v in PERSON.items() if k in form["text"]}, email=email)
    status, url, html = client.submit(url, html, values)
    if not url.endswith("/register/confirm"):
        raise RuntimeError(f"after the form: {status} {url}")
    status, url, html = client.submit(url, html, {"code": sink.code(email)})
    for _ in range(4):  # consent, the chat rules, joining the first chat offered
        forms = page_forms(html)
        step = next((n for n, form in enumerate(forms) if form["action"].endswith("/join")
                     or (not form["action"] and ("/register/" in url or "/rules" in url))), None)
        if status != 200 or step is None:
            break
        status, url, html = client.submit(url, html, index=step)
    if status != 200:
        raise RuntimeError(f"registration ended with {status} at {url}")
    return url


def registrations_per_second(base_url: str, sink: Sink, links: list[str], *, clients: int, seconds: float,
                             tag: str) -> dict:
    """Concurrent clients registering through `links` (each link used once) for `seconds`."""
    links = list(reversed(links))
    lock = threading.Lock()
    done, failed, errors = [0], [0], []
    stop_at = time.monotonic() + seconds

    def work(n: int) -> None:
        count = 0
        while time.monotonic() < stop_at:
            with lock:
                if not links:
                    return
                link = links.pop()
            count += 1
            try:
                register(base_url, sink, link, f"reg-{tag}-{n}-{count}@mail.ru")
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    failed[0] += 1
                    errors.append(str(error)[:200])
            else:
                with lock:
                    done[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"per_second": done[0] / elapsed, "done": done[0], "failed": failed[0], "errors": errors[:3],
            "clients": clients, "seconds": round(elapsed, 1)}


def _hash_for(seconds: float, params: tuple[int, int, int]) -> int:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2])
    count, stop_at = 0, time.monotonic() + seconds
    while time.monotonic() < stop_at:
        hasher.hash("осенний лист на ветру 42")
        count += 1
    return count


def argon2_rate(params: tuple[int, int, int], *, processes: int, seconds: float) -> float:
    """Hashes per second with `processes` processes hashing flat out (as the workers would)."""
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        counts = pool.starmap(_hash_for, [(seconds, params)] * processes)
        return sum(counts) / seconds
