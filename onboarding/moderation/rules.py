"""The points of the chat rules a moderator names, as data, by the version
of the rules' text members accepted (texts.CHAT_RULES_VERSION).

Seed 000, 2.8: a moderator removes or blocks only for a reason the rules
name, so every violation, block and removal stores a point's number and
the version it comes from. A new version of the rules adds its own tuple
here; records keep pointing at the version they were made under."""
from __future__ import annotations

from .. import texts

# (number, short title): what the rules members accept forbid or require.
POINTS = {
    "2026-11-01": (
        ("1", "Засорение чата: сленг, смайлики, открытки"),
        ("2", "Грубость, пренебрежительный тон, угрозы"),
        ("3", "Нецензурные слова, оскорбления"),
        ("4", "Разжигание вражды"),
        ("5", "Личные вопросы в общем чате"),
        ("6", "Сообщения в чат родителей в тихие часы"),
        ("7", "Нарушение делового стиля, нетерпимость, неуважение"),
    ),
}
# Only for removing (seed 000, 2.9): the member left the organisation.
LEFT_ORGANISATION = ("9", "Выбытие из организации (п. 2.9 положения)")


def points(version: str = texts.CHAT_RULES_VERSION) -> tuple[tuple[str, str], ...]:
    return POINTS[version]


def removal_points(version: str = texts.CHAT_RULES_VERSION) -> tuple[tuple[str, str], ...]:
    return points(version) + (LEFT_ORGANISATION,)


def title(number: str, version: str) -> str:
    """«3. Нецензурные слова, оскорбления», or the bare number of an unknown point."""
    found = dict(POINTS.get(version, ()) + (LEFT_ORGANISATION,)).get(number)
    return f"{number}. {found}" if found else number


def reminder(org_kind: str, timezone: str, *, parents_chat: bool) -> str:
    """The message «Напомнить правила» posts: what members must and must not do."""
    text = texts.chat_rules_text(org_kind, timezone)
    kept = [part.replace("\n", " ") for part in text.split("\n\n")
            if part.startswith(("Участники обязаны", "Запрещено")) or (parents_chat and part.startswith("В чате родителей"))]
    return "Напоминаю правила чата.\n\n" + "\n\n".join(kept)
