"""administrator memberships made by a staff link follow the teacher status

An administrator membership in force needs a vouched status: the operator's
administrator (verification NULL), or someone a staff link made administrator
once their teacher status is verified. Memberships made by a staff link
before this rule had NULL: they now carry their holder's teacher status, so
a pending or rejected teacher holds no administrator rights.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 16:05:00.000000
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        UPDATE membership SET verification = COALESCE((
            SELECT teacher.verification FROM membership AS teacher
            JOIN unit ON unit.id = teacher.unit_id
            WHERE teacher.user_id = membership.user_id AND teacher.org_id = membership.org_id
              AND teacher.role = 'teacher' AND unit.kind = 'staff_room' AND teacher.left_at IS NULL
        ), 'pending')
        WHERE role = 'admin' AND verification IS NULL
          AND invite_id IN (SELECT id FROM invite WHERE kind = 'staff')
    """)


def downgrade() -> None:
    op.execute("""
        UPDATE membership SET verification = NULL
        WHERE role = 'admin' AND invite_id IN (SELECT id FROM invite WHERE kind = 'staff')
    """)
