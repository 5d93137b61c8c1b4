"""The yardstick: a bare Flask + Jinja page of about the size of the invite
landing page (BARE_PAGE_BYTES), no database, no session, no extensions.
Every page of the site is reported as a ratio of this page's throughput.

    BARE_PAGE_BYTES=2600 gunicorn -w 2 bare_app:app
"""
import os

from flask import Flask, render_template_string

PAGE = """<!doctype html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · Школьная платформа</title>
  <link rel="stylesheet" href="/static/site.css">
</head>
<body>
  <header class="top"><a class="brand" href="/">Школьная платформа</a></header>
  <main id="main">
    <h1>{{ title }}</h1>
    <dl class="facts">
      {% for key, value in facts %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}
    </dl>
    <ol class="steps">
      {% for line in lines %}<li>{{ line }}</li>{% endfor %}
    </ol>
    <p><a class="button" href="/register">Зарегистрироваться</a></p>
  </main>
</body>
</html>
"""
LINE = "Вы заполняете короткую форму, получаете код и даёте согласие."

app = Flask(__name__)
_target = int(os.environ.get("BARE_PAGE_BYTES", "2600"))
with app.app_context():
    _empty = len(render_template_string(PAGE, title="Приглашение", facts=[], lines=[]).encode())
_lines = max(0, (_target - _empty - 400) // len(("<li>" + LINE + "</li>").encode()))
FACTS = [("Кто приглашает", "Иванова Мария Сергеевна"), ("Класс", "2А"), ("Роль", "родитель"),
         ("Действует до", "30 ноября 2026 г., 18:00")]


@app.get("/")
def page():
    return render_template_string(PAGE, title="Приглашение в «Школа № 1»", facts=FACTS, lines=[LINE] * _lines)
