"""``copydesk.errors.describe``: every printed or recorded error names its cause, never only a help link."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from copydesk.errors import ConfigError, describe


def _unique_violation() -> sa.exc.IntegrityError:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as c:
        c.execute(sa.text("CREATE TABLE stories (slug TEXT UNIQUE)"))
        c.execute(sa.text("INSERT INTO stories VALUES ('bridge-reopens')"))
    with pytest.raises(sa.exc.IntegrityError) as info, engine.begin() as c:
        c.execute(sa.text("INSERT INTO stories VALUES (:s)"), {"s": "bridge-reopens"})
    return info.value


def test_a_database_error_says_the_drivers_cause_without_the_help_link_or_the_sql():
    exc = _unique_violation()
    assert "sqlalche.me" in str(exc)  # what the user saw before
    assert describe(exc) == "IntegrityError: UNIQUE constraint failed: stories.slug"


def test_other_errors_name_their_type_and_message():
    assert describe(ValueError("bad value")) == "ValueError: bad value"
    assert describe(KeyError("slug")) == "KeyError: 'slug'"
    assert describe(RuntimeError()) == "RuntimeError"
    assert describe(OSError(28, "No space left on device")) == "OSError: [Errno 28] No space left on device"


def test_our_own_errors_are_their_message():
    assert (
        describe(ConfigError("fetch.max_bytes", "must be at least 1024"))
        == "config: fetch.max_bytes: must be at least 1024"
    )


def test_a_help_link_alone_is_dropped_from_any_message():
    class Wrapped(Exception):
        pass

    exc = Wrapped(
        "(sqlite3.OperationalError) database is locked\n(Background on this error at: https://sqlalche.me/e/20/e3q8)"
    )
    assert describe(exc) == "Wrapped: (sqlite3.OperationalError) database is locked"
