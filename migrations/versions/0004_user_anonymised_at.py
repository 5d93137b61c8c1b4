"""user_account.anonymised_at: when the retention purge removed a departed person's data

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 17:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', onboarding.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
