"""matrix_room, matrix_account, matrix_task, matrix_event; chat_member.matrix_state

The chats live on a Matrix homeserver: a room per chat, an account per
member, and the changes the site has decided that Synapse has yet to follow.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 20:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

UTC = onboarding.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'matrix_room',
        sa.Column('chat_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.String(length=255), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_matrix_room_chat_id_chat'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_matrix_room')),
        sa.UniqueConstraint('room_id', name=op.f('uq_matrix_room_room_id')),
    )
    op.create_table(
        'matrix_account',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('mxid', sa.String(length=255), nullable=False),
        sa.Column('display_name', sa.String(length=255), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_matrix_account_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_matrix_account')),
        sa.UniqueConstraint('mxid', name=op.f('uq_matrix_account_mxid')),
    )
    op.create_table(
        'matrix_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('chat_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('next_attempt_at', UTC, nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done_at', UTC, nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_matrix_task_chat_id_chat'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_matrix_task_org_id_organisation'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_matrix_task_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_matrix_task')),
    )
    op.create_index('ix_matrix_task_due', 'matrix_task', ['done_at', 'next_attempt_at'], unique=False)
    op.create_table(
        'matrix_event',
        sa.Column('event_id', sa.String(length=255), nullable=False),
        sa.Column('received_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_matrix_event')),
    )
    with op.batch_alter_table('chat_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matrix_state', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chat_member', schema=None) as batch_op:
        batch_op.drop_column('matrix_state')
    op.drop_table('matrix_event')
    op.drop_index('ix_matrix_task_due', table_name='matrix_task')
    op.drop_table('matrix_task')
    op.drop_table('matrix_account')
    op.drop_table('matrix_room')
