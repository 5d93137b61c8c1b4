"""The figures as a spreadsheet (openpyxl): one sheet per table, Russian
headers, dates as dates."""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..vocabulary import words
from .figures import ChatFigures, Statistics

DATE_FORMAT = "DD.MM.YYYY"


def workbook(figures: Statistics) -> BytesIO:
    book = Workbook()
    book.remove(book.active)
    w = words(figures.org.kind)
    _sheet(book, str(w.units).capitalize(), [
        str(w.unit).capitalize(), _("On the list"), _("Pupils registered"), _("Parents registered"),
        _("Parents confirmed"), _("Parents awaiting confirmation"), _("In the chat %(of_unit)s, %%", of_unit=w.unit_genitive),
        _("In the parents' chat, %")],
        [[unit.unit.name if unit.unit else _("The whole organisation"), unit.roster, unit.pupils, unit.parents,
          unit.parents_confirmed, unit.parents_waiting, _share(unit.chats.get("class")),
          _share(unit.chats.get("parents"))] for unit in [*figures.units, figures.total]])
    _sheet(book, _("Chats"), [_("Chat"), _("Members"), _("Share of the unit, %"), _("Messages this week")],
           [[chat.chat.title, chat.members, chat.share, chat.weeks.get(figures.this_week, 0)]
            for chat in figures.chats])
    _sheet(book, _("Messages by week"), [_("Chat"), _("Week from"), _("Messages")],
           [[chat.chat.title, week, count] for chat in figures.chats for week, count in sorted(chat.weeks.items())])
    _sheet(book, _("By week"), [_("Week from"), _("Pupils registered"), _("Parents registered"), _("Messages")],
           [[week.week, week.pupils, week.parents, week.messages] for week in figures.weeks])
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
