"""The domain model. Models import nothing from Flask."""
from .base import Base, utcnow
from .chat import CHAT_KINDS, Chat, ChatMember, chat_audience
from .invite import INVITE_KINDS, Invite, InviteRedemption, invite_chat
from .login import LoginSession, PasswordResetRequest
from .moderation import ChatBlock, ChatRemoval, ChatViolation, UnblockObjection
from .matrix import MatrixAccount, MatrixEvent, MatrixRoom, MatrixTask
from .oidc import OidcAccessToken, OidcAuthorizationCode
from .org import ORG_KINDS, UNIT_KINDS, Organisation, Unit, unit_sort_key
from .records import AuditEvent, ConsentRecord, EmailCode, JoinRequest, OutboxMessage
from .roster import RosterEntry
from .staff import PersonEvent
from .stats import ChatWeekCount
from .user import ROLES, Membership, ParentLink, User

__all__ = [
    "Base", "utcnow", "CHAT_KINDS", "Chat", "ChatMember", "chat_audience", "INVITE_KINDS", "Invite",
    "InviteRedemption", "invite_chat", "LoginSession", "PasswordResetRequest", "MatrixAccount", "MatrixEvent",
    "MatrixRoom", "MatrixTask", "OidcAccessToken", "OidcAuthorizationCode", "ORG_KINDS", "UNIT_KINDS",
    "Organisation", "Unit", "unit_sort_key", "AuditEvent", "ConsentRecord", "EmailCode", "JoinRequest",
    "OutboxMessage", "RosterEntry", "PersonEvent", "ChatWeekCount", "ROLES", "Membership", "ParentLink", "User",
    "ChatBlock", "ChatRemoval", "ChatViolation", "UnblockObjection",
]
