"""A Synapse module: the parents' chats' quiet hours, enforced by the engine
for every client (the site's chat page and the apps alike).

A room is quiet when its state holds an event `ru.school.quiet_hours`
({"tz": "Asia/Yekaterinburg", "start": "21:00", "end": "07:00"}), which the
site writes into each parents' chat. Between those hours a message from a
member below the moderators' level is refused with 403 and the fields
`quiet_hours_start`, `quiet_hours_end` and `quiet_hours_tz`, so the site can
say when it may be sent. No timers, no power-level changes twice a day.

Synapse loads it from homeserver.yaml:
`modules: [{module: onboarding.matrix.quiet_hours.QuietHours}]`.
"""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from synapse.api.errors import Codes
from synapse.module_api import NOT_SPAM, ModuleApi

from ..orgs.policy import QUIET_EXEMPT_LEVEL, is_quiet

STATE_TYPE = "ru.school.quiet_hours"
MODULE_PATH = "onboarding.matrix.quiet_hours.QuietHours"
# What counts as writing to the chat.
_WRITING = {"m.room.message", "m.sticker", "m.room.encrypted", "m.reaction", "m.poll.start"}


def _clock(value: object) -> time | None:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return None


def refusal(content: dict, sender_level: int, now: datetime) -> dict | None:
    """The 403's extra fields if this message falls in the room's quiet hours."""
    start, end = _clock(content.get("start")), _clock(content.get("end"))
    if start is None or end is None or sender_level >= QUIET_EXEMPT_LEVEL:
        return None
    try:
        zone = ZoneInfo(str(content.get("tz")))
    except (ZoneInfoNotFoundError, ValueError):
        return None
    if not is_quiet(now.astimezone(zone).time(), start, end):
        return None
    return {"quiet_hours_start": f"{start:%H:%M}", "quiet_hours_end": f"{end:%H:%M}", "quiet_hours_tz": str(zone)}


class QuietHours:
    def __init__(self, config: dict, api: ModuleApi):
        self.api = api
        api.register_spam_checker_callbacks(check_event_for_spam=self.check_event_for_spam)

    @staticmethod
    def parse_config(config: dict | None) -> dict:
        return config or {}

    async def check_event_for_spam(self, event):
        if event.type not in _WRITING or event.is_state():
            return NOT_SPAM
        state = await self.api.get_room_state(
            event.room_id, [(STATE_TYPE, ""), ("m.room.power_levels", ""), ("m.room.create", "")])
        quiet = state.get((STATE_TYPE, ""))
        create = state.get(("m.room.create", ""))
        if quiet is None or (create is not None and create.sender == event.sender):
            return NOT_SPAM  # the site's own account (the room's creator) is never quiet
        levels = state.get(("m.room.power_levels", ""))
        content = levels.content if levels is not None else {}
        level = content.get("users", {}).get(event.sender, content.get("users_default", 0))
        extra = refusal(quiet.content, int(level) if isinstance(level, int) else 0, datetime.now().astimezone())
        return NOT_SPAM if extra is None else (Codes.FORBIDDEN, extra)
