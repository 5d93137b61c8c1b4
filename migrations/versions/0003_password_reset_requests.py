"""password reset requests: reset mails counted per account

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('password_reset_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_reset_request_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_request'))
    )
    with op.batch_alter_table('password_reset_request', schema=None) as batch_op:
        batch_op.create_index('ix_password_reset_request_user_created', ['user_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('password_reset_request', schema=None) as batch_op:
        batch_op.drop_index('ix_password_reset_request_user_created')

    op.drop_table('password_reset_request')
