"""Credentials come from the environment only; the site secret is generated 0600 and an unsafe key file refused."""

from __future__ import annotations

import os
import stat

import pytest

from copydesk.config import load_settings, render_config
from copydesk.errors import ConfigError
from copydesk.keys import site_secret


@pytest.mark.parametrize("table, key", [("forms", "secret_key"), ("smtp", "username"), ("smtp", "password")])
def test_credentials_refused_in_the_file(tmp_path, table, key):
    text = render_config().replace(f"[{table}]\n", f'[{table}]\n{key} = "{"x" * 40}"\n', 1)
    assert f'{key} = "' in text
    (tmp_path / "copydesk.toml").write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path)
    assert f"COPYDESK_{table.upper()}__{key.upper()}" in str(exc.value)


def test_secret_from_environment(tmp_path, monkeypatch):
    (tmp_path / "copydesk.toml").write_text(render_config())
    monkeypatch.setenv("COPYDESK_FORMS__SECRET_KEY", "s" * 40)
    settings = load_settings(tmp_path)
    assert site_secret(settings) == b"s" * 40 and "s" * 40 not in repr(settings)
    assert not settings.secret_path.exists()
    monkeypatch.setenv("COPYDESK_FORMS__SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        load_settings(tmp_path)


def test_secret_file_generated_once_0600_and_checked(tmp_path, monkeypatch):
    monkeypatch.delenv("COPYDESK_FORMS__SECRET_KEY", raising=False)
    (tmp_path / "copydesk.toml").write_text(render_config())
    settings = load_settings(tmp_path)
    key = site_secret(settings)
    assert len(key) >= 32 and stat.S_IMODE(os.stat(settings.secret_path).st_mode) == 0o600
    assert site_secret(settings) == key  # the second process reads the same key
    os.chmod(settings.secret_path, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        site_secret(settings)
