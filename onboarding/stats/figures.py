"""The figures of one organisation, each counted by the database (GROUP BY):
a constant number of queries, however many pupils, parents and chats."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..models import Chat, ChatMember, ChatWeekCount, Membership, Organisation, ParentLink, RosterEntry, Unit, User
from ..people.waiting import Waiting, waiting_counts
from .weeks import local_date, local_midnight, week_start, weeks_of_school_year

# Whose share of a unit a standard chat is measured against.
CHAT_AUDIENCE_ROLE = {"class": "student", "parents": "parent"}


@dataclass
class ChatFigures:
    chat: Chat
    members: int = 0
    audience: int | None = None  # the unit's pupils (class chat) or parents (parents' chat)
    audience_members: int = 0
    weeks: dict[date, int] = field(default_factory=dict)  # week start -> messages

    @property
    def share(self) -> int | None:
        """Per cent of the unit's pupils or parents in the chat."""
        if not self.audience:
            return None
        return round(100 * self.audience_members / self.audience)


@dataclass
class UnitFigures:
    unit: Unit | None  # None: the whole organisation
    roster: int = 0
    pupils: int = 0
    parents: int = 0
    parents_confirmed: int = 0
    parents_waiting: int = 0
    chats: dict[str, ChatFigures] = field(default_factory=dict)  # "class", "parents" -> figures


@dataclass
class WeekFigures:
    week: date
    pupils: int = 0
    parents: int = 0
    messages: int = 0


@dataclass
class Statistics:
    org: Organisation
    today: date
    total: UnitFigures
    units: list[UnitFigures]
    chats: list[ChatFigures]
    waiting: Waiting
    weeks: list[WeekFigures]

    @property
    def this_week(self) -> date:
        return week_start(self.today)


def organisation_statistics(session: Session, org: Organisation, *, now: datetime) -> Statistics:
    today = local_date(now, org.timezone)
    units = list(session.scalars(select(Unit).where(
        Unit.org_id == org.id, Unit.archived_at.is_(None), Unit.kind != "staff_room").order_by(Unit.sort_key)))
    by_unit = {unit.id: UnitFigures(unit) for unit in units}
    total = UnitFigures(None)
    _people(session, org.id, by_unit, total)
    waiting = waiting_counts(session, admin_org_ids={org.id}, lead_unit_ids=set(by_unit))
    for unit_id, count in waiting.parents_by_unit.items():
        if unit_id in by_unit:
            by_unit[unit_id].parents_waiting = count
    total.parents_waiting = waiting.parents_by_org.get(org.id, 0)
    weeks = weeks_of_school_year(today)
    chats = _chats(session, org.id, by_unit, first_week=weeks[0])
    return Statistics(org=org, today=today, total=total, units=list(by_unit.values()), chats=chats,
                      waiting=waiting, weeks=_over_time(session, org, weeks, chats))


def _people(session: Session, org_id: int, by_unit: dict[int, UnitFigures], total: UnitFigures) -> None:
    """The class lists, pupils and parents registered, parents confirmed."""
    for unit_id, count in session.execute(
            select(RosterEntry.unit_id, func.count(RosterEntry.id))
            .where(RosterEntry.org_id == org_id, RosterEntry.left_at.is_(None)).group_by(RosterEntry.unit_id)):
        if unit_id in by_unit:
            by_unit[unit_id].roster = count
            total.roster += count
    current = (Membership.org_id == org_id, Membership.left_at.is_(None), User.status == "active",
               Membership.role.in_(("student", "parent")))
    for unit_id, role, count in session.execute(
            select(Membership.unit_id, Membership.role, func.count(func.distinct(Membership.user_id)))
            .join(User, User.id == Membership.user_id).where(*current)
            .group_by(Membership.unit_id, Membership.role)):
        if unit_id in by_unit:
            setattr(by_unit[unit_id], "pupils" if role == "student" else "parents", count)
    for role, count in session.execute(
            select(Membership.role, func.count(func.distinct(Membership.user_id)))
            .join(User, User.id == Membership.user_id).where(*current).group_by(Membership.role)):
        setattr(total, "pupils" if role == "student" else "parents", count)
    confirmed = select(ParentLink.unit_id, func.count(func.distinct(ParentLink.parent_id))).where(
        ParentLink.org_id == org_id, ParentLink.status == "confirmed")
    for unit_id, count in session.execute(confirmed.group_by(ParentLink.unit_id)):
        if unit_id in by_unit:
            by_unit[unit_id].parents_confirmed = count
    total.parents_confirmed = session.scalar(
        select(func.count(func.distinct(ParentLink.parent_id)))
        .where(ParentLink.org_id == org_id, ParentLink.status == "confirmed")) or 0


def _chats(session: Session, org_id: int, by_unit: dict[int, UnitFigures], *, first_week: date) -> list[ChatFigures]:
    """Every open chat: its members, the share of its unit's pupils or
    parents, its messages per week this school year."""
    chats = {chat.id: ChatFigures(chat) for chat in session.scalars(
        select(Chat).where(Chat.org_id == org_id, Chat.archived_at.is_(None)).order_by(Chat.id))}
    present = (ChatMember.org_id == org_id, ChatMember.left_at.is_(None))
    for chat_id, count in session.execute(
            select(ChatMember.chat_id, func.count(ChatMember.id)).where(*present).group_by(ChatMember.chat_id)):
        if chat_id in chats:
            chats[chat_id].members = count
    in_unit = and_(Membership.user_id == ChatMember.user_id, Membership.unit_id == Chat.unit_id,
                   Membership.left_at.is_(None))
    for chat_id, role, count in session.execute(
            select(ChatMember.chat_id, Membership.role, func.count(func.distinct(ChatMember.user_id)))
            .join(Chat, Chat.id == ChatMember.chat_id).join(Membership, in_unit)
            .where(*present, Chat.kind.in_(tuple(CHAT_AUDIENCE_ROLE))).group_by(ChatMember.chat_id, Membership.role)):
        if chat_id in chats and CHAT_AUDIENCE_ROLE.get(chats[chat_id].chat.kind) == role:
            chats[chat_id].audience_members = count
    for chat_id, week, count in session.execute(
            select(ChatWeekCount.chat_id, ChatWeekCount.week_start, ChatWeekCount.messages)
            .join(Chat, Chat.id == ChatWeekCount.chat_id)
            .where(Chat.org_id == org_id, ChatWeekCount.week_start >= first_week)):
        if chat_id in chats:
            chats[chat_id].weeks[week] = count
    for figures in chats.values():
        unit = by_unit.get(figures.chat.unit_id)
        role = CHAT_AUDIENCE_ROLE.get(figures.chat.kind)
        if unit is not None and role is not None:
            figures.audience = unit.pupils if role == "student" else unit.parents
            unit.chats.setdefault(figures.chat.kind, figures)
    return list(chats.values())


def _over_time(session: Session, org: Organisation, weeks: list[date], chats: list[ChatFigures]) -> list[WeekFigures]:
    """One line per week since 1 September: the pupils and parents registered
    by its end (the people here now, by when they joined), its messages."""
    first = (select(Membership.user_id, Membership.role, func.min(Membership.created_at).label("joined"))
             .join(User, User.id == Membership.user_id)
             .where(Membership.org_id == org.id, Membership.left_at.is_(None), User.status == "active",
                    Membership.role.in_(("student", "parent")))
             .group_by(Membership.user_id, Membership.role).subquery())
    starts = [local_midnight(week, org.timezone) for week in weeks]
    bucket = case(*[(first.c.joined < start, index - 1) for index, start in enumerate(starts)],
                  else_=len(starts) - 1)
    joined: dict[tuple[str, int], int] = {}
    for role, index, count in session.execute(
            select(first.c.role, bucket, func.count()).group_by(first.c.role, bucket)):
        joined[(role, index)] = count
    result, pupils, parents = [], joined.get(("student", -1), 0), joined.get(("parent", -1), 0)
    for index, week in enumerate(weeks):
        pupils += joined.get(("student", index), 0)
        parents += joined.get(("parent", index), 0)
        messages = sum(chat.weeks.get(week, 0) for chat in chats)
        result.append(WeekFigures(week=week, pupils=pupils, parents=parents, messages=messages))
    return result
