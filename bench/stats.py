"""The director's statistics: SQL statements and time per page, for a school
of 10 pupils and one of 1,000.

    make bench-stats
    .venv/bin/python bench/stats.py --requests 50

For each size it seeds one school on PostgreSQL (bench/matrix.py's school:
each pupil in the class chat, parents in the parents' chat, both consents;
10 pupils in one class, then 1,000 in 25 classes of 40), logs in as its
administrator with the site's test client (production settings) and asks
for the overview, the chats page and the spreadsheet: statements per
request (transaction control not counted), then the median and the 90th
percentile of `--requests` requests. The figures go into bench/README.md
(«The director's statistics»).
"""
from __future__ import annotations

import argparse
import re
import statistics
import time
from datetime import datetime, timezone

from matrix import BENCH, PG, drop_database, machine, percentile, replace_between, seed_school
from sqlalchemy import event
from run import test_client_login
from settings import bench_config

from onboarding import create_app

DATABASE = "bench_stats"
SIZES = {"10 pupils": {"classes": 1, "pupils": 10}, "1,000 pupils": {"classes": 25, "pupils": 40}}
PAGES = [("Overview", "/org/{org}/stats/"), ("Chats", "/org/{org}/stats/chats"),
         ("Spreadsheet", "/org/{org}/stats/report.xlsx")]
MARKERS = ("<!-- bench:stats:start -->", "<!-- bench:stats:end -->")
CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", re.I)


def measure(size: dict, requests: int) -> dict:
    url = PG + DATABASE
    fixture = seed_school(url, classes=size["classes"], joiners={}, pupils=size["pupils"],
                          parents_per_class=size["pupils"] * 2)
    app = create_app(bench_config(url))
    statements: list[str] = []
    engine = app.extensions["db"]["engine"]
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *a: statements.append(statement))
    client = app.test_client()
    test_client_login(client, f"admin{fixture['admin']}@bench.school.ru")
    found = {"pupils": fixture["counts"]["pupils"], "parents": fixture["counts"]["parents"], "pages": {}}
    for title, path in PAGES:
        path = path.format(org=fixture["org_id"])
        assert client.get(path).status_code == 200, path
        statements.clear()
        response = client.get(path)
        queries = len([s for s in statements if not CONTROL.match(s)])
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        found["pages"][title] = {"queries": queries, "bytes": len(response.get_data()),
                                 "p50_ms": round(statistics.median(times), 1),
                                 "p90_ms": round(percentile(times, 0.9), 1)}
    engine.dispose()
    drop_database(DATABASE)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    started, load = datetime.now(timezone.utc), machine()
    results = {name: measure(size, args.requests) for name, size in SIZES.items()}
    lines = [f"Measured {started:%Y-%m-%d} on {load}. `make bench-stats`: PostgreSQL, the site's test client "
             f"in one process (no HTTP), {args.requests} requests per page after one warm-up.", "",
             "| Page | " + " | ".join(f"{name}: statements, p50 / p90 ms, size" for name in results) + " |",
             "|---|" + "---:|" * len(results)]
    for title, _path in PAGES:
        cells = [f"{r['pages'][title]['queries']}, {r['pages'][title]['p50_ms']} / {r['pages'][title]['p90_ms']} ms, "
                 f"{r['pages'][title]['bytes'] / 1024:.1f} KB" for r in results.values()]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    if not args.no_readme and replace_between(BENCH / "README.md", MARKERS, text):
        print("bench/README.md: figures written")


if __name__ == "__main__":
    main()
