"""knowledge: department assistants, their knowledge bases and shares

Revision ID: k0001
Revises: r0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import doum.db.base


revision = 'k0001'
down_revision = 'r0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assistants',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('data_class', sa.String(length=1), nullable=False),
    sa.Column('allowed_models', sa.JSON(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', doum.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', doum.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("data_class IN ('C', 'S', 'O')", name=op.f('ck_assistants_data_class')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_assistants_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_assistants_department_id_departments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistants')),
    sa.UniqueConstraint('department_id', 'name', name='uq_assistants_department_name')
    )
    with op.batch_alter_table('assistants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistants_department_id'), ['department_id'], unique=False)

    op.create_table('assistant_knowledge_bases',
    sa.Column('assistant_id', sa.String(length=32), nullable=False),
    sa.Column('kb_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['assistant_id'], ['assistants.id'], name=op.f('fk_assistant_knowledge_bases_assistant_id_assistants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kb_id'], ['knowledge_bases.id'], name=op.f('fk_assistant_knowledge_bases_kb_id_knowledge_bases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assistant_id', 'kb_id', name=op.f('pk_assistant_knowledge_bases'))
    )
    with op.batch_alter_table('assistant_knowledge_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistant_knowledge_bases_kb_id'), ['kb_id'], unique=False)

    op.create_table('assistant_shares',
    sa.Column('assistant_id', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assistant_id'], ['assistants.id'], name=op.f('fk_assistant_shares_assistant_id_assistants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_assistant_shares_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assistant_id', 'department_id', name=op.f('pk_assistant_shares'))
    )
    with op.batch_alter_table('assistant_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistant_shares_department_id'), ['department_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assistant_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistant_shares_department_id'))

    op.drop_table('assistant_shares')
    with op.batch_alter_table('assistant_knowledge_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistant_knowledge_bases_kb_id'))

    op.drop_table('assistant_knowledge_bases')
    with op.batch_alter_table('assistants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistants_department_id'))

    op.drop_table('assistants')
