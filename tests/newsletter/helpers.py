"""Settings, store and app for the newsletter tests."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from copydesk.config import load_settings, render_config
from copydesk.newsletter.web import NewsletterService
from copydesk.store import Store
from copydesk.store.newsletter import NewsletterStore
from copydesk.web.app import create_app
from testsupport import outlet_toml

PUBLIC = "https://post.example/"


def write_config(data_dir: Path, smtp_port: int, extra: str = "") -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    text = render_config(base_url=PUBLIC)
    text = text.replace("enabled = false", "enabled = true", 1)
    text = text.replace('from_address = "newsletter@localhost"', 'from_address = "news@post.example"', 1)
    text = text.replace("port = 25\n", f"port = {smtp_port}\n", 1)
    text = text.replace('unsubscribe_mailto = ""', 'unsubscribe_mailto = "unsubscribe@post.example"', 1)
    cfg = data_dir / "copydesk.toml"
    cfg.write_text(text + extra, encoding="utf-8")
    (data_dir / "sources.toml").write_text(
        outlet_toml("wire", "Wire Agency", "https://wire.test/feed"), encoding="utf-8"
    )
    return cfg


def make_app(tmp_path: Path, smtp_port: int, edition, extra: str = "", clock=None):
    settings = load_settings(write_config(tmp_path / "data", smtp_port, extra))
    store = Store(settings.database_url)
    svc = NewsletterService(settings, NewsletterStore(store), clock=clock)
    client = TestClient(create_app(lambda: edition, newsletter=svc), base_url="https://testserver")  # the site is https
    return settings, store, svc, client


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def link_in(message, path: str) -> str:
    """The site-relative URL of the first link to ``path`` in a message's plain-text body."""
    body = message.get_body(("plain",)).get_content()
    m = re.search(re.escape(PUBLIC + path) + r"\?t=([A-Za-z0-9_.\-]+)", body)
    assert m, f"no {path} link in: {body}"
    return f"/{path}?t={m.group(1)}"
