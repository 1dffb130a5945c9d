"""privacy: encrypted placeholder vaults and the routing policy document

Revision ID: p0001
Revises: f0001
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import doum.db.base


revision = 'p0001'
down_revision = 'f0001'
branch_labels = ('privacy',)
depends_on = None


def upgrade() -> None:
    op.create_table('privacy_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', doum.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_policy'))
    )
    op.create_table('privacy_vaults',
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', doum.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_privacy_vaults_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_privacy_vaults'))
    )


def downgrade() -> None:
    op.drop_table('privacy_vaults')
    op.drop_table('privacy_policy')
