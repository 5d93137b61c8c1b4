"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 17:33:37.884665
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('school', 'kindergarten', 'college')", name=op.f('ck_organisation_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('login', sa.String(length=40), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('unconfirmed', 'active', 'disabled')", name=op.f('ck_user_account_status')),
    sa.CheckConstraint('email IS NOT NULL OR login IS NOT NULL', name=op.f('ck_user_account_email_or_login')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email')),
    sa.UniqueConstraint('login', name=op.f('uq_user_account_login'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_created_at'), ['created_at'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_audit_event_org_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_org_created', ['org_id', 'created_at'], unique=False)

    op.create_table('consent_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=True),
    sa.Column('given_by_email', sa.String(length=254), nullable=True),
    sa.Column('text_version', sa.String(length=20), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=400), nullable=True),
    sa.Column('withdrawn_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('personal_data', 'chat_rules')", name=op.f('ck_consent_record_kind')),
    sa.ForeignKeyConstraint(['given_by_id'], ['user_account.id'], name=op.f('fk_consent_record_given_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_consent_record_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['user_account.id'], name=op.f('fk_consent_record_subject_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_record'))
    )
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.create_index('ix_consent_record_subject', ['subject_id', 'org_id', 'kind'], unique=False)

    op.create_table('email_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_email_code_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_email_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_code'))
    )
    with op.batch_alter_table('email_code', schema=None) as batch_op:
        batch_op.create_index('ix_email_code_email_created', ['email', 'created_at'], unique=False)
        batch_op.create_index('ix_email_code_user', ['user_id', 'purpose'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_outbox_message_org_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_due', ['sent_at', 'next_attempt_at'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('sort_key', sa.String(length=80), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('class', 'group', 'staff_room')", name=op.f('ck_unit_kind')),
    sa.CheckConstraint('grade IS NULL OR (grade >= 1 AND grade <= 11)', name=op.f('ck_unit_grade')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_unit_org_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('org_id', 'name', name=op.f('uq_unit_org_id_name'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index('uq_unit_one_staff_room', ['org_id'], unique=True, sqlite_where=sa.text("kind = 'staff_room'"), postgresql_where=sa.text("kind = 'staff_room'"))

    op.create_table('chat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('class', 'parents', 'teachers', 'staff', 'subject', 'director', 'channel')", name=op.f('ck_chat_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_chat_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_chat_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_chat_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat'))
    )
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.create_index('ix_chat_org_unit', ['org_id', 'unit_id'], unique=False)

    op.create_table('invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('revoked_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('pupil_name', sa.String(length=200), nullable=True),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('grants_admin', sa.Boolean(), nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=True),
    sa.Column('invitee_name', sa.String(length=300), nullable=True),
    sa.Column('invitee_email', sa.String(length=254), nullable=True),
    sa.CheckConstraint("kind IN ('admin', 'staff', 'student', 'parent', 'pupil', 'guardian', 'join')", name=op.f('ck_invite_kind')),
    sa.CheckConstraint('max_uses >= 1', name=op.f('ck_invite_max_uses')),
    sa.CheckConstraint('uses >= 0 AND uses <= max_uses', name=op.f('ck_invite_uses')),
    sa.ForeignKeyConstraint(['child_id'], ['user_account.id'], name=op.f('fk_invite_child_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_invite_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['unit.id'], name=op.f('fk_invite_lead_unit_id_unit'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_invite_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_invite_revoked_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_invite_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invite'))
    )
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invite_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_invite_org_unit', ['org_id', 'unit_id'], unique=False)

    op.create_table('parent_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('child_name_given', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name=op.f('ck_parent_link_status')),
    sa.ForeignKeyConstraint(['child_id'], ['user_account.id'], name=op.f('fk_parent_link_child_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_parent_link_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_parent_link_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['user_account.id'], name=op.f('fk_parent_link_parent_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_parent_link_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_link')),
    sa.UniqueConstraint('parent_id', 'child_id', name=op.f('uq_parent_link_parent_id_child_id'))
    )
    with op.batch_alter_table('parent_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_link_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_parent_link_org_status', ['org_id', 'status'], unique=False)

    op.create_table('chat_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('joined_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('blocked_until', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('member', 'moderator')", name=op.f('ck_chat_member_role')),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_member_chat_id_chat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_chat_member_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_chat_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_member')),
    sa.UniqueConstraint('chat_id', 'user_id', name=op.f('uq_chat_member_chat_id_user_id'))
    )
    with op.batch_alter_table('chat_member', schema=None) as batch_op:
        batch_op.create_index('ix_chat_member_user', ['user_id', 'org_id'], unique=False)

    op.create_table('invite_chat',
    sa.Column('invite_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_invite_chat_chat_id_chat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invite_id'], ['invite.id'], name=op.f('fk_invite_chat_invite_id_invite'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('invite_id', 'chat_id', name=op.f('pk_invite_chat'))
    )
    op.create_table('invite_redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('invite_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('redeemed_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invite_id'], ['invite.id'], name=op.f('fk_invite_redemption_invite_id_invite'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_invite_redemption_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_invite_redemption_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invite_redemption'))
    )
    with op.batch_alter_table('invite_redemption', schema=None) as batch_op:
        batch_op.create_index('ix_invite_redemption_invite', ['invite_id'], unique=False)

    op.create_table('join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('invite_id', sa.Integer(), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint("role IN ('teacher', 'student')", name=op.f('ck_join_request_role')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_join_request_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_join_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invite_id'], ['invite.id'], name=op.f('fk_join_request_invite_id_invite'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_join_request_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_join_request_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_request'))
    )
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.create_index('ix_join_request_org_status', ['org_id', 'status'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.Column('verification', sa.String(length=20), nullable=True),
    sa.Column('verified_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.String(length=500), nullable=True),
    sa.Column('invite_id', sa.Integer(), nullable=True),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'teacher', 'student', 'parent')", name=op.f('ck_membership_role')),
    sa.CheckConstraint("verification IS NULL OR verification IN ('pending', 'verified', 'rejected')", name=op.f('ck_membership_verification')),
    sa.ForeignKeyConstraint(['invite_id'], ['invite.id'], name=op.f('fk_membership_invite_id_invite'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_membership_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_membership_unit_id_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'], name=op.f('fk_membership_verified_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index('ix_membership_org_role', ['org_id', 'role'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_membership_user', ['user_id', 'org_id'], unique=False)
        batch_op.create_index('uq_membership_current', ['unit_id', 'user_id', 'role'], unique=True, sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))
        batch_op.create_index('uq_membership_one_class_per_student', ['org_id', 'user_id'], unique=True, sqlite_where=sa.text("role = 'student' AND left_at IS NULL"), postgresql_where=sa.text("role = 'student' AND left_at IS NULL"))



def downgrade() -> None:
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('uq_membership_one_class_per_student', sqlite_where=sa.text("role = 'student' AND left_at IS NULL"), postgresql_where=sa.text("role = 'student' AND left_at IS NULL"))
        batch_op.drop_index('uq_membership_current', sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))
        batch_op.drop_index('ix_membership_user')
        batch_op.drop_index(batch_op.f('ix_membership_unit_id'))
        batch_op.drop_index('ix_membership_org_role')

    op.drop_table('membership')
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.drop_index('ix_join_request_org_status')

    op.drop_table('join_request')
    with op.batch_alter_table('invite_redemption', schema=None) as batch_op:
        batch_op.drop_index('ix_invite_redemption_invite')

    op.drop_table('invite_redemption')
    op.drop_table('invite_chat')
    with op.batch_alter_table('chat_member', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_member_user')

    op.drop_table('chat_member')
    with op.batch_alter_table('parent_link', schema=None) as batch_op:
        batch_op.drop_index('ix_parent_link_org_status')
        batch_op.drop_index(batch_op.f('ix_parent_link_child_id'))

    op.drop_table('parent_link')
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.drop_index('ix_invite_org_unit')
        batch_op.drop_index(batch_op.f('ix_invite_created_by_id'))

    op.drop_table('invite')
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_org_unit')

    op.drop_table('chat')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index('uq_unit_one_staff_room', sqlite_where=sa.text("kind = 'staff_room'"), postgresql_where=sa.text("kind = 'staff_room'"))

    op.drop_table('unit')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')

    op.drop_table('outbox_message')
    with op.batch_alter_table('email_code', schema=None) as batch_op:
        batch_op.drop_index('ix_email_code_user')
        batch_op.drop_index('ix_email_code_email_created')

    op.drop_table('email_code')
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_record_subject')

    op.drop_table('consent_record')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_org_created')

    op.drop_table('audit_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_created_at'))

    op.drop_table('user_account')
    op.drop_table('organisation')
