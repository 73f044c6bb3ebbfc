"""outlets.import_key: the identity of an outlet met in an import that the registry lacks

An unlisted outlet is the exact name an import line gives it (``outlet``), whatever characters that name has; its
id is made from the domain of its first article (``store.Store.ensure_outlet``), never from the name. The key is
the SHA-256 of that exact name (a name can be any length; the key has one), unique. Outlets stored before this
migration keep their ids; each whose stored name no other unlisted outlet shares gets that name's key, so an
import naming it the same way finds it again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:45:00
"""

import hashlib

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outlets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_key", sa.String(64), nullable=True))
        batch_op.create_index("ix_outlets_import_key", ["import_key"], unique=True)
    outlets = sa.table(
        "outlets",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("in_registry", sa.Boolean),
        sa.column("import_key", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(outlets.c.id, outlets.c.name).where(outlets.c.in_registry == sa.false())).all()
    names: dict[str, list[str]] = {}
    for oid, name in rows:
        names.setdefault(name, []).append(oid)
    for name, ids in names.items():
        if len(ids) == 1:
            key = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
            conn.execute(outlets.update().where(outlets.c.id == ids[0]).values(import_key=key))


def downgrade() -> None:
    with op.batch_alter_table("outlets", schema=None) as batch_op:
        batch_op.drop_index("ix_outlets_import_key")
        batch_op.drop_column("import_key")
