"""The handled pushes' ids are forgotten after a week
(`matrix.inbound.forget_handled`, every round of the sync worker): an index
on matrix_event.received_at keeps that a short range delete.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 23:05:49.671010
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matrix_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matrix_event_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matrix_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matrix_event_received_at'))
