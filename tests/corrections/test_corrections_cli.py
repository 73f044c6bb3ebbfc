"""`copydesk editor add|list|disable`: the password never stored, refused when too short or unconfirmed."""

from __future__ import annotations

from typer.testing import CliRunner

from copydesk.cli import app
from copydesk.corrections.auth import verify_password
from copydesk.store import Store
from copydesk.store.corrections import CorrectionsStore
from corrections_support import write_config


def test_editor_add_list_disable(tmp_path):
    cfg = write_config(tmp_path / "data")
    run = CliRunner().invoke
    r = run(app, ["editor", "add", "ann", "--config", str(cfg), "--password-stdin"], input="a fine passphrase\n")
    assert r.exit_code == 0, r.output
    r = run(app, ["editor", "add", "bob", "--config", str(cfg)], input="another passphrase\nanother passphrase\n")
    assert r.exit_code == 0, r.output
    r = run(
        app, ["editor", "add", "cid", "--config", str(cfg)], input="another passphrase\nmistyped passphrase\nx\nx\n"
    )
    assert r.exit_code != 0  # the two entries differ (and then too short)
    assert run(app, ["editor", "add", "dan", "--config", str(cfg), "--password-stdin"], input="short\n").exit_code == 2
    assert (
        run(
            app, ["editor", "add", "ann", "--config", str(cfg), "--password-stdin"], input="a fine passphrase\n"
        ).exit_code
        == 1
    )  # exists
    assert (
        run(
            app, ["editor", "add", "<b>x</b>", "--config", str(cfg), "--password-stdin"], input="a fine passphrase\n"
        ).exit_code
        == 1
    )  # not a name
    store = CorrectionsStore(Store(f"sqlite:///{tmp_path / 'data' / 'copydesk.sqlite3'}"))
    listed = run(app, ["editor", "list", "--config", str(cfg)]).output
    assert listed.splitlines()[0].startswith("ann\tactive") and "bob\tactive" in listed and "cid" not in listed
    found = store.editor_login_row("ann")
    assert found is not None and "a fine passphrase" not in found[1] and found[1].startswith("$argon2id$")
    assert verify_password(found[1], "a fine passphrase") and not verify_password(found[1], "a fine passphrasE")
    assert run(app, ["editor", "disable", "bob", "--config", str(cfg)]).exit_code == 0
    assert "bob\tdisabled" in run(app, ["editor", "list", "--config", str(cfg)]).output
    assert run(app, ["editor", "disable", "nobody", "--config", str(cfg)]).exit_code == 1
    assert [e.action for e in store.audit_log()][::-1] == ["editor-add", "editor-add", "editor-disable"]
