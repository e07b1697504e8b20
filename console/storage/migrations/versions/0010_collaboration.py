"""collaboration, community workroom and workstation tables (placeholder in the fixed revision chain; filled by the collaboration feature)

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
