"""The one shape of the staff pages' actions, once their form is confirmed:
run the operation; a refusal it raises is shown as the view says (beside a
field on the form's page again, or as a note on the page the action leads
back to, or a 404); else the action's letters are queued, the request's
work is committed once (mail sent, the homeserver told: `web.commit`), and
the page it leads to says what was done."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, flash, redirect
from flask.typing import ResponseReturnValue
from flask_babel import LazyString, gettext as _, lazy_gettext as _l
from wtforms import Field

from ..db import get_session
from ..web import commit

T = TypeVar("T")
Message = str | LazyString | Callable[[], str]  # a function where the words need facts only a refusal may ask for


def _text(message: Message) -> str:
    return message() if callable(message) else str(message)


class Refusal:
    def answer(self, page: Callable[[], ResponseReturnValue] | None, back: str | None) -> ResponseReturnValue:
        raise NotImplementedError


@dataclass(frozen=True)
class Beside(Refusal):
    """The refusal beside this field, on the form's page again (400)."""

    field: Field
    message: Message

    def answer(self, page, back):
        self.field.errors = [_text(self.message)]
        return page()


@dataclass(frozen=True)
class Note(Refusal):
    """The refusal noted on the page the action leads back to."""

    message: Message
    category: str = "error"

    def answer(self, page, back):
        flash(_text(self.message), self.category)
        return redirect(back)


class _Missing(Refusal):
    def answer(self, page, back):
        abort(404)


MISSING = _Missing()  # nothing of the organisation's by that id: 404
UNCHANGED = Note(_l("Nothing has changed."), "info")  # it was so already


def act(attempt: Callable[[], T], done: Callable[[T], tuple[str, str]], *,
        refused: Mapping[type[Exception], Refusal], page: Callable[[], ResponseReturnValue] | None = None,
        back: str | None = None) -> ResponseReturnValue:
    """`attempt()` runs the operation; a refusal of a kind in `refused` (the
    first that matches, in order) is answered as it says, with `page` (the
    form's page again) or `back` (where a note leads). Else `done(result)`
    queues the letters and gives the message and where to go next."""
    try:
        result = attempt()
    except tuple(refused) as error:
        return next(refusal for kind, refusal in refused.items() if isinstance(error, kind)).answer(page, back)
    message, target = done(result)
    followed = commit(get_session())
    flash(message, "success")
    if not followed:  # a large change (a class moved) or the homeserver slow: the worker follows
        flash(_("The chats will follow within a few minutes."), "info")
    return redirect(target)
