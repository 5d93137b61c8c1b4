"""The site as the benchmark serves it (see settings.bench_config):

    BENCH_DATABASE_URL=... BENCH_SMTP_PORT=... gunicorn -w 2 --chdir bench bench_wsgi:app
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from onboarding import create_app  # noqa: E402
from settings import bench_config  # noqa: E402

app = create_app(bench_config(
    os.environ["BENCH_DATABASE_URL"],
    smtp_port=int(os.environ.get("BENCH_SMTP_PORT", "25")),
    base_url=os.environ.get("BENCH_BASE_URL", "http://127.0.0.1:8000"),
))
