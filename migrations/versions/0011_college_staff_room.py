"""A college's staff room is «Преподавательская» (`orgs.policy`): colleges
made before this revision, whose staff room still has the school's name
«Учительская», get the college's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 00:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _rename(old: str, new: str) -> None:
    op.execute(sa.text(
        "UPDATE unit SET name = :new WHERE kind = 'staff_room' AND name = :old "
        "AND org_id IN (SELECT id FROM organisation WHERE kind = 'college')").bindparams(old=old, new=new))


def upgrade() -> None:
    _rename("Учительская", "Преподавательская")


def downgrade() -> None:
    _rename("Преподавательская", "Учительская")
