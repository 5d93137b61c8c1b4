"""The school year after onboarding: moderation (violations, blocks,
objections to an early unblock, removals), the audience of made chats and
channels (chat.audience, chat_audience), staff positions
(membership.position), a person's dated history (person_event), messages
counted per chat and week (chat_week_count), and Reply-To for the
contact form (outbox_message.reply_to).

Organisations made before this revision get their system channels with
`flask --app wsgi chats channels` (idempotent).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 20:59:47.846030
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('person_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_person_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_person_event_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_person_event_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_event'))
    )
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.create_index('ix_person_event_person', ['org_id', 'user_id', 'occurred_at'], unique=False)

    op.create_table('chat_audience',
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_audience_chat_id_chat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_chat_audience_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'user_id', name=op.f('pk_chat_audience'))
    )
    op.create_table('chat_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=10), nullable=False),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('until', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unblock_proposed_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unblock_proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=10), nullable=True),
    sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('expired', 'apology')", name=op.f('ck_chat_block_end_reason')),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_block_chat_id_chat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_chat_block_moderator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_chat_block_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unblock_proposed_by_id'], ['user_account.id'], name=op.f('fk_chat_block_unblock_proposed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_chat_block_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_block'))
    )
    with op.batch_alter_table('chat_block', schema=None) as batch_op:
        batch_op.create_index('ix_chat_block_chat_user', ['chat_id', 'user_id'], unique=False)

    op.create_table('chat_removal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=10), nullable=False),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_removal_chat_id_chat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user_account.id'], name=op.f('fk_chat_removal_lifted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_chat_removal_moderator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_chat_removal_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_chat_removal_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_removal'))
    )
    with op.batch_alter_table('chat_removal', schema=None) as batch_op:
        batch_op.create_index('ix_chat_removal_chat_user', ['chat_id', 'user_id'], unique=False)

    op.create_table('chat_violation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=10), nullable=False),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_violation_chat_id_chat'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_chat_violation_moderator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_chat_violation_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_chat_violation_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_violation'))
    )
    with op.batch_alter_table('chat_violation', schema=None) as batch_op:
        batch_op.create_index('ix_chat_violation_chat_user', ['chat_id', 'user_id'], unique=False)

    op.create_table('chat_week_count',
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_chat_week_count_chat_id_chat'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('chat_id', 'week_start', name=op.f('pk_chat_week_count'))
    )
    op.create_table('unblock_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['chat_block.id'], name=op.f('fk_unblock_objection_block_id_chat_block'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_unblock_objection_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unblock_objection')),
    sa.UniqueConstraint('block_id', 'user_id', name=op.f('uq_unblock_objection_block_id_user_id'))
    )
    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=30), nullable=True))

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=20), nullable=True))

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('reply_to')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('chat', schema=None) as batch_op:
        batch_op.drop_column('audience')

    op.drop_table('unblock_objection')
    op.drop_table('chat_week_count')
    with op.batch_alter_table('chat_violation', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_violation_chat_user')

    op.drop_table('chat_violation')
    with op.batch_alter_table('chat_removal', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_removal_chat_user')

    op.drop_table('chat_removal')
    with op.batch_alter_table('chat_block', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_block_chat_user')

    op.drop_table('chat_block')
    op.drop_table('chat_audience')
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.drop_index('ix_person_event_person')

    op.drop_table('person_event')
