"""Retention: a person's data are kept while they are in an organisation and
30 days after they leave, then deleted (the promise of the personal-data
consent, texts.PERSONAL_DATA).

`purge_departed` keeps that promise; it is meant for cron, beside the purge of
abandoned registrations. Who has left: nobody who still holds a current
membership anywhere, except an account disabled because no organisation keeps
a personal-data consent. They left when their last membership ended or their
last personal-data consent was withdrawn, whichever came later; an account
with neither date is left alone (there is nothing to count the 30 days from).

What goes, for each such person (the account row itself stays, nameless, so
the records that point to it hold):
- the account's names become «Удалённый пользователь»; e-mail, phone, birth
  date, last log-in and password are gone (the login becomes `-deleted-<id>`,
  a name no one can type or register, since an account needs an e-mail or a
  login); it stays disabled, so nobody can log in;
- their e-mail codes, log-in sessions, password-reset counts, chat memberships (the history of who
  sat in which chat and any blocks: the chats themselves live in the
  messenger) and outbox letters to them;
- their join requests made before they left (name, e-mail, message);
- the child's name a parent typed in a parent link (of theirs, or about them),
  the pupil's name on spent invites for them, their name and e-mail on spent
  administrator invites, the reason on their rejected memberships, and the
  same personal details (e-mail, names, reasons) in audit entries about them
  and in the lines of their history in the organisations (a line keeps what
  happened and when: «left the organisation», not the reason typed for it).

What stays as proof (152-ФЗ asks the operator to prove consent): every consent
record — whose, which organisation, which text (version and SHA-256), when
given and withdrawn, and who gave it (`given_by_id`). A parent's e-mail in
`given_by_email` becomes a keyed hash (HMAC-SHA-256 with the site's secret
key): whoever shows the address can still be matched, nobody can read it. The
IP address is cut to its network (/24 for IPv4, /48 for IPv6); the browser's
user agent is dropped, being close to a device fingerprint. (A consent a
departed parent gave for a child still in school keeps their address until
the child's own turn comes: it proves the child's consent.) Memberships,
parent links and invite redemptions keep their ids and dates only. The audit
log keeps every entry; the run adds one entry with counts and no names.

A second run finds nobody new (anonymised accounts are marked) and changes
nothing, not even the audit log."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from ..core import audit
from ..models import (
    AuditEvent, ChatMember, ConsentRecord, EmailCode, Invite, InviteRedemption, JoinRequest, LoginSession, Membership,
    OutboxMessage, ParentLink, PasswordResetRequest, PersonEvent, RosterEntry, User,
)

RETENTION = timedelta(days=30)
DELETED_NAME = "Удалённый пользователь"
# Audit details that may name a person or say something about them.
PERSONAL_AUDIT_KEYS = frozenset({"email", "pupil_name", "reason", "child_name", "name"})
_BATCH = 500


@dataclass
class PurgeCounts:
    accounts: int = 0
    consent_records: int = 0
    email_codes: int = 0
    login_sessions: int = 0
    password_resets: int = 0
    chat_memberships: int = 0
    outbox_messages: int = 0
    join_requests: int = 0
    parent_links: int = 0
    roster_entries: int = 0
    invites: int = 0
    audit_events: int = 0
    person_events: int = 0


def keyed_hash(key: str, email: str) -> str:
    """An address as proof: matches when shown again, unreadable otherwise."""
    digest = hmac.new(key.encode("utf-8"), email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{digest}"


def truncate_ip(ip: str | None) -> str | None:
    """The network, not the device: 192.0.2.7 → 192.0.2.0, IPv6 to its /48."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def departed(session: Session, *, now: datetime) -> list[tuple[int, datetime]]:
    """(user id, when they left) of everyone who left more than RETENTION ago
    and is not anonymised yet."""
    current_membership = exists().where(Membership.user_id == User.id, Membership.left_at.is_(None))
    consent_in_force = exists().where(ConsentRecord.subject_id == User.id, ConsentRecord.kind == "personal_data",
                                      ConsentRecord.withdrawn_at.is_(None))
    candidates = list(session.scalars(select(User.id).where(
        User.anonymised_at.is_(None), User.status != "unconfirmed",
        or_(~current_membership, and_(User.status == "disabled", ~consent_in_force))).order_by(User.id)))
    cutoff = now - RETENTION
    result = []
    for start in range(0, len(candidates), _BATCH):
        ids = candidates[start:start + _BATCH]
        left = dict(session.execute(select(Membership.user_id, func.max(Membership.left_at))
                                    .where(Membership.user_id.in_(ids)).group_by(Membership.user_id)).all())
        withdrawn = dict(session.execute(
            select(ConsentRecord.subject_id, func.max(ConsentRecord.withdrawn_at))
            .where(ConsentRecord.subject_id.in_(ids), ConsentRecord.kind == "personal_data")
            .group_by(ConsentRecord.subject_id)).all())
        for user_id in ids:
            dates = [when for when in (left.get(user_id), withdrawn.get(user_id)) if when is not None]
            if dates and max(dates) < cutoff:
                result.append((user_id, max(dates)))
    return result


def purge_departed(session: Session, *, now: datetime, key: str) -> PurgeCounts:
    """Anonymise everyone who left more than 30 days ago (see the module's
    docstring for what goes and what stays). `key` is the site's secret key,
    for the keyed hash of parents' addresses in consent records."""
    counts = PurgeCounts()
    for user_id, left_at in departed(session, now=now):
        _anonymise(session, session.get(User, user_id), left_at=left_at, now=now, key=key, counts=counts)
        counts.accounts += 1
    if counts.accounts:
        audit.record(session, "retention.purged_departed", now=now, **asdict(counts))
    session.flush()
    return counts


def _anonymise(session: Session, user: User, *, left_at: datetime, now: datetime, key: str,
               counts: PurgeCounts) -> None:
    email = user.email
    for record in session.scalars(select(ConsentRecord).where(ConsentRecord.subject_id == user.id)):
        if record.given_by_email and not record.given_by_email.startswith("hmac-sha256:"):
            record.given_by_email = keyed_hash(key, record.given_by_email)
        record.ip, record.user_agent = truncate_ip(record.ip), None
        counts.consent_records += 1

    codes = EmailCode.user_id == user.id
    if email:
        codes = or_(codes, and_(EmailCode.email == email, EmailCode.created_at <= left_at))
    counts.email_codes += _bulk(session, delete(EmailCode).where(codes))
    counts.login_sessions += _bulk(session, delete(LoginSession).where(LoginSession.user_id == user.id))
    counts.password_resets += _bulk(session, delete(PasswordResetRequest).where(
        PasswordResetRequest.user_id == user.id))
    counts.chat_memberships += _bulk(session, delete(ChatMember).where(ChatMember.user_id == user.id))
    join_request_ids: list[int] = []
    if email:
        counts.outbox_messages += _bulk(session, delete(OutboxMessage).where(OutboxMessage.recipient == email))
        join_request_ids = list(session.scalars(select(JoinRequest.id).where(
            JoinRequest.email == email, JoinRequest.created_at <= left_at)))
        counts.join_requests += _bulk(session, delete(JoinRequest).where(JoinRequest.id.in_(join_request_ids)))

    counts.parent_links += _bulk(session, update(ParentLink).where(
        or_(ParentLink.parent_id == user.id, ParentLink.child_id == user.id),
        ParentLink.child_name_given.is_not(None)).values(child_name_given=None))
    # Their name on a class list: kept as a row (parents' links point at it), the name gone.
    counts.roster_entries += _bulk(session, update(RosterEntry).where(
        RosterEntry.pupil_id == user.id, RosterEntry.full_name != DELETED_NAME).values(
        full_name=DELETED_NAME, name_key="", left_at=func.coalesce(RosterEntry.left_at, now)))
    invite_ids = _invites_naming(session, user, email, now=now)
    counts.invites += _bulk(session, update(Invite).where(Invite.id.in_(invite_ids)).values(
        pupil_name=None, invitee_name=None, invitee_email=None))
    membership_ids = list(session.scalars(select(Membership.id).where(Membership.user_id == user.id)))
    _bulk(session, update(Membership).where(Membership.id.in_(membership_ids)).values(rejection_reason=None))
    counts.audit_events += _scrub_audit(session, user.id, membership_ids=membership_ids, invite_ids=invite_ids,
                                        join_request_ids=join_request_ids)
    counts.person_events += _scrub_history(session, user.id)

    user.last_name, user.first_name, user.patronymic = DELETED_NAME, "", None
    user.email, user.phone, user.birth_date, user.last_login_at = None, None, None, None
    user.login = f"-deleted-{user.id}"  # no typed or registered login starts with "-"
    user.password_hash = "!"  # no password verifies against it
    user.status = "disabled"
    user.session_version += 1
    user.anonymised_at = now
    session.flush()


def _invites_naming(session: Session, user: User, email: str | None, *, now: datetime) -> list[int]:
    """Spent invites (used up, revoked or expired) that name this person: a
    guardian or pupil link for them, an administrator link to their address.
    A live invite keeps its details, which it still needs to work."""
    redeemed_pupil_links = select(InviteRedemption.invite_id).where(InviteRedemption.user_id == user.id)
    names_them = or_(Invite.child_id == user.id, and_(Invite.kind == "pupil", Invite.id.in_(redeemed_pupil_links)))
    if email:
        names_them = or_(names_them, Invite.invitee_email == email)
    spent = or_(Invite.uses >= Invite.max_uses, Invite.revoked_at.is_not(None), Invite.expires_at <= now)
    return list(session.scalars(select(Invite.id).where(names_them, spent, or_(
        Invite.pupil_name.is_not(None), Invite.invitee_name.is_not(None), Invite.invitee_email.is_not(None)))))


def _scrub_audit(session: Session, user_id: int, *, membership_ids: list[int], invite_ids: list[int],
                 join_request_ids: list[int]) -> int:
    """Drop personal details from the audit entries about this person; the
    entries themselves (who, what, when, by ids) stay."""
    about = [and_(AuditEvent.target_type == "user_account", AuditEvent.target_id == user_id),
             AuditEvent.action == "chat.removed"]
    for target_type, ids in (("membership", membership_ids), ("invite", invite_ids),
                             ("join_request", join_request_ids)):
        if ids:
            about.append(and_(AuditEvent.target_type == target_type, AuditEvent.target_id.in_(ids)))
    events = [event for event in session.scalars(select(AuditEvent).where(or_(*about)))
              if event.action != "chat.removed" or (event.details or {}).get("user_id") == user_id]
    return _drop_personal_keys(events)


def _scrub_history(session: Session, user_id: int) -> int:
    """Their history's lines, in every organisation, keep what happened and
    when (ids, unit names as they were), not the free text typed about them."""
    return _drop_personal_keys(session.scalars(select(PersonEvent).where(PersonEvent.user_id == user_id)))


def _drop_personal_keys(rows) -> int:
    """Rewrite the details of the rows (loaded by one query) that hold
    PERSONAL_AUDIT_KEYS without them; how many changed."""
    changed = 0
    for row in rows:
        details = row.details or {}
        if PERSONAL_AUDIT_KEYS & details.keys():
            row.details = {key: value for key, value in details.items() if key not in PERSONAL_AUDIT_KEYS}
            changed += 1
    return changed


def _bulk(session: Session, statement) -> int:
    """Run a bulk DELETE or UPDATE; the number of rows it changed."""
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
