"""discord_posts: the ledger of Discord messages posted by the publisher

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discord_posts",
        sa.Column(
            "webhook_id", sa.Text(), nullable=False, comment="numeric webhook id (never the token)"
        ),
        sa.Column(
            "post_key", sa.Text(), nullable=False, comment="round:<id> | map:<id> | session:<id>"
        ),
        sa.Column(
            "part",
            sa.Integer(),
            nullable=False,
            comment="message index within the post (0-based)",
        ),
        sa.Column("kind", sa.Text(), nullable=False, comment="round | map | session"),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=False, comment="deterministic; shown in the footer"),
        sa.Column(
            "state",
            sa.Text(),
            nullable=False,
            comment="sending|posted|uncertain|failed|gone|deleted",
        ),
        sa.Column("message_id", sa.Text(), nullable=True),
        sa.Column(
            "content_sha256", sa.Text(), nullable=True, comment="content Discord shows (posted)"
        ),
        sa.Column(
            "sending_sha256", sa.Text(), nullable=True, comment="content of the request in flight"
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("webhook_id", "post_key", "part", name="pk_discord_posts"),
    )
    with op.batch_alter_table("discord_posts", schema=None) as batch_op:
        batch_op.create_index("ix_discord_posts_day", ["gaming_day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("discord_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_discord_posts_day")
    op.drop_table("discord_posts")
