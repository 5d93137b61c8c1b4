"""What the seed, the served app and the driver of the benchmark agree on."""
from __future__ import annotations

BENCH_SECRET_KEY = "bench-secret-key-of-the-benchmark-only"
BENCH_PASSWORD = "bench password for every seeded account"


def bench_config(database_url: str, *, smtp_port: int = 25, base_url: str = "http://127.0.0.1:8000") -> dict:
    """Production settings, except what a benchmark on plain HTTP from one
    address needs (cookies without Secure, no rate limit), and mail to the
    benchmark's SMTP sink right after each commit (the registration
    benchmark reads the codes from it)."""
    return {
        "ENV_NAME": "production",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "DATABASE_URL": database_url,
        "BASE_URL": base_url,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "HSTS": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SECURITY": "none",
        "MAIL_SEND_AFTER_COMMIT": True,
    }
