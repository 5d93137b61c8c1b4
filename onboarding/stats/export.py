"""The figures as a spreadsheet (openpyxl): one sheet per table, Russian
headers, dates as dates."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..vocabulary import words
from .figures import ChatFigures, Statistics, UnitFigures
from .wording import statistics_words

DATE_FORMAT = "DD.MM.YYYY"


def workbook(figures: Statistics) -> BytesIO:
    book = Workbook()
    book.remove(book.active)
    w, sw = words(figures.org.kind), statistics_words(figures.org.kind)
    _table(book, str(w.units).capitalize(), _unit_columns(figures.org.kind), [*figures.units, figures.total],
           learners=w.learners_join)
    _sheet(book, _("Chats"), [_("Chat"), _("Members"), _("Share of the unit, %"), _("Messages this week")],
           [[chat.chat.title, chat.members, chat.share, chat.weeks.get(figures.this_week, 0)]
            for chat in figures.chats])
    _sheet(book, _("Messages by week"), [_("Chat"), _("Week from"), _("Messages")],
           [[chat.chat.title, week, count] for chat in figures.chats for week, count in sorted(chat.weeks.items())])
    _table(book, _("By week"), [(_("Week from"), lambda week: week.week, False),
                                (sw.learners_registered, lambda week: week.pupils, True),
                                (_("Parents registered"), lambda week: week.parents, False),
                                (_("Messages"), lambda week: week.messages, False)],
           figures.weeks, learners=w.learners_join)
    waiting = figures.waiting
    org_id = figures.org.id
    _sheet(book, _("Queues"), [_("Queue"), _("Waiting")], [
        [_("Staff awaiting verification"), waiting.teachers.get(org_id, 0)],
        [_("Join requests"), waiting.requests.get(org_id, 0)],
        [_("Parents awaiting confirmation"), waiting.parents_by_org.get(org_id, 0)]])
    stream = BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def _table(book: Workbook, title: str, columns: list, rows: list, *, learners: bool) -> None:
    """A sheet of these columns (head, value, about the learners?), the
    learners' left out where they have no accounts (a kindergarten)."""
    shown = [column for column in columns if learners or not column[2]]
    _sheet(book, title, [head for head, _value, _about in shown], [[value(row) for _head, value, _about in shown]
                                                                  for row in rows])


def _unit_columns(kind: str) -> list[tuple[object, Callable[[UnitFigures], object], bool]]:
    """The units sheet's columns: head, value, and whether it is about the
    learners (left out where they have no accounts: a kindergarten)."""
    w, sw = words(kind), statistics_words(kind)
    return [
        (str(w.unit).capitalize(), lambda u: u.unit.name if u.unit else _("The whole organisation"), False),
        (_("On the list"), lambda u: u.roster, False),
        (sw.learners_registered, lambda u: u.pupils, True),
        (_("Parents registered"), lambda u: u.parents, False),
        (_("Parents confirmed"), lambda u: u.parents_confirmed, False),
        (_("Parents awaiting confirmation"), lambda u: u.parents_waiting, False),
        (_("In the chat %(of_unit)s, %%", of_unit=w.unit_genitive), lambda u: _share(u.chats.get("class")), True),
        (_("In the parents' chat, %"), lambda u: _share(u.chats.get("parents")), False)]


def _share(chat: ChatFigures | None) -> int | None:
    return chat.share if chat is not None else None


def _sheet(book: Workbook, title: str, headers: list, rows: list[list]) -> None:
    sheet = book.create_sheet(str(title)[:31])
    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append([value if isinstance(value, (int, type(None))) or hasattr(value, "isoformat") else str(value)
                      for value in row])
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(str(header)) + 2)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if hasattr(cell.value, "isoformat"):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
