"""roster_entry: a unit's class list by name; parent_link.roster_entry_id

A parent is confirmed against a name on the list even before the child has
an account; when it has one, the link follows it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roster_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('name_key', sa.String(length=200), nullable=False),
        sa.Column('pupil_id', sa.Integer(), nullable=True),
        sa.Column('created_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('left_at', onboarding.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_roster_entry_created_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_roster_entry_org_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pupil_id'], ['user_account.id'],
                                name=op.f('fk_roster_entry_pupil_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                                name=op.f('fk_roster_entry_unit_id_unit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_entry')),
    )
    op.create_index('ix_roster_entry_unit_key', 'roster_entry', ['unit_id', 'name_key'], unique=False)
    op.create_index('ix_roster_entry_pupil', 'roster_entry', ['pupil_id'], unique=False)
    with op.batch_alter_table('parent_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_entry_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_parent_link_roster_entry_id'), ['roster_entry_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_parent_link_roster_entry_id_roster_entry'), 'roster_entry',
                                    ['roster_entry_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('parent_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_parent_link_roster_entry_id_roster_entry'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_parent_link_roster_entry_id'))
        batch_op.drop_column('roster_entry_id')
    op.drop_index('ix_roster_entry_pupil', table_name='roster_entry')
    op.drop_index('ix_roster_entry_unit_key', table_name='roster_entry')
    op.drop_table('roster_entry')
