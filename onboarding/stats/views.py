"""The statistics pages: the organisation and its units, the chats, and the
same figures as a spreadsheet for the director's report."""
from __future__ import annotations

from functools import wraps

from flask import abort, render_template, send_file
from flask_babel import format_date, gettext as _
from flask_login import current_user, login_required

from ..db import get_session
from ..people.members import memberships_of
from ..vocabulary import words
from ..web import member_org, now
from . import charts, export
from .access import may_read_statistics
from .blueprint import bp
from .figures import organisation_statistics
from .wording import statistics_words


def statistics_reader(view):
    """The organisation's administrators and its director read the figures:
    an outsider learns nothing (404), another member is refused (403)."""

    @wraps(view)
    @login_required
    def wrapped(org_id: int, **kwargs):
        org = member_org(org_id)
        if not may_read_statistics(memberships_of(get_session(), current_user.id, org.id)):
            abort(403)
        return view(org=org, **kwargs)

    return wrapped


def short_date(day) -> str:
    return format_date(day, "d MMMM")


@bp.get("/")
@statistics_reader
def overview(org):
    figures = organisation_statistics(get_session(), org, now=now())
    labels = [short_date(week.week) for week in figures.weeks]
    series = [(str(_("Parents")), [w.parents for w in figures.weeks])]
    if words(org.kind).learners_join:
        series.insert(0, (str(statistics_words(org.kind).learners), [w.pupils for w in figures.weeks]))
    people = charts.line_chart(series, labels)
    messages = charts.bar_chart([w.messages for w in figures.weeks], labels)
    return render_template("stats/overview.html", org=org, figures=figures, people_chart=people,
                           messages_chart=messages, short_date=short_date, sw=statistics_words(org.kind))


@bp.get("/chats")
@statistics_reader
def chats(org):
    figures = organisation_statistics(get_session(), org, now=now())
    return render_template("stats/chats.html", org=org, figures=figures, short_date=short_date,
                           sw=statistics_words(org.kind))


@bp.get("/report.xlsx")
@statistics_reader
def spreadsheet(org):
    figures = organisation_statistics(get_session(), org, now=now())
    name = f"statistics-{figures.today.isoformat()}.xlsx"
    return send_file(export.workbook(figures), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
