"""oidc_authorization_code, oidc_access_token

The site as OpenID Connect provider for the school's Matrix homeserver: the
codes and access tokens it gave, each kept only as its SHA-256.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import onboarding.models.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UTC = onboarding.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'oidc_authorization_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('client_id', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('redirect_uri', sa.String(length=2000), nullable=True),
        sa.Column('scope', sa.String(length=200), nullable=False),
        sa.Column('nonce', sa.String(length=255), nullable=True),
        sa.Column('code_challenge', sa.String(length=128), nullable=True),
        sa.Column('code_challenge_method', sa.String(length=10), nullable=True),
        sa.Column('auth_time', UTC, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('expires_at', UTC, nullable=False),
        sa.Column('used_at', UTC, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_oidc_authorization_code_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_authorization_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_oidc_authorization_code_code_hash')),
    )
    with op.batch_alter_table('oidc_authorization_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_authorization_code_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oidc_authorization_code_nonce'), ['nonce'], unique=False)
        batch_op.create_index(batch_op.f('ix_oidc_authorization_code_expires_at'), ['expires_at'], unique=False)

    op.create_table(
        'oidc_access_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('client_id', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_id', sa.Integer(), nullable=True),
        sa.Column('scope', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('expires_at', UTC, nullable=False),
        sa.Column('revoked_at', UTC, nullable=True),
        sa.ForeignKeyConstraint(['code_id'], ['oidc_authorization_code.id'],
                                name=op.f('fk_oidc_access_token_code_id_oidc_authorization_code'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_oidc_access_token_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_access_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_oidc_access_token_token_hash')),
    )
    with op.batch_alter_table('oidc_access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_access_token_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oidc_access_token_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oidc_access_token_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_table('oidc_access_token')
    op.drop_table('oidc_authorization_code')
