"""Alembic environment for copydesk. Run through `copydesk.store.db.migrate`, or by hand with
`alembic -c src/copydesk/alembic.ini -x url=sqlite:///copydesk.sqlite3 upgrade head`."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from copydesk.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate must leave the search index alone: it is created by hand in migration 0005 (FTS5 virtual
    table and its shadow tables on SQLite), not declared in ``schema``."""
    return not (type_ == "table" and name and name.startswith("story_search"))


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True, include_object=_include_object
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config({"sqlalchemy.url": _url()}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, render_as_batch=True, include_object=_include_object
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
