"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
from onboarding import create_app

app = create_app()
