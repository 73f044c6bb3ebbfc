"""A served site with the corrections process on, for the corrections tests: a real Desk over SQLite in a
temporary folder, one published story, and the app through FastAPI's TestClient. The gate's check of a corrected
sentence is replaced by ``FakeChecker`` (the real one needs the embedding model: the browser test runs it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fastapi.testclient import TestClient

from copydesk.config import load_settings, render_config
from copydesk.corrections.apply import sentence_at
from copydesk.corrections.auth import hash_password
from copydesk.corrections.model import SentenceCheck
from copydesk.corrections.web import CorrectionsService
from copydesk.models import Section, SourceLink, Support, WrittenSentence, WrittenStory
from copydesk.pipeline import Desk
from copydesk.web.app import create_app
from served import publish

PUBLIC = "https://post.example/"
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery staple"
SLUG = "council-approves-bridge"


def _s(text: str, aid: int, outlet: str) -> WrittenSentence:
    return WrittenSentence(text, (Support(aid, outlet, text, 1.0),), independent_outlets=1, check=0.9)


def story() -> WrittenStory:
    return WrittenStory(
        story_id="story1",
        slug=SLUG,
        headline=_s("Council approves plan to rebuild the bridge", 1, "gazette"),
        lede=_s("The city council approved a plan on Tuesday to rebuild the bridge by 2029.", 1, "gazette"),
        body=(
            Section(
                "What happened",
                (
                    _s("The mayor said the work would cost 48 billion forints.", 1, "gazette"),
                    _s("Engineers found corrosion in the main cables last spring.", 2, "courier"),
                    _s("Traffic will be limited to buses and trams from March.", 2, "courier"),
                ),
            ),
        ),
        sources=(
            SourceLink(
                1, "gazette", "Harbour Gazette", "Council approves bridge plan", "https://gazette.example/1", T0
            ),
            SourceLink(2, "courier", "River Courier", "Bridge to be rebuilt", "https://courier.example/2", T0),
        ),
        independent_sources=2,
        outlets=("gazette", "courier"),
        single_source=False,
        section="budapest",
        published=T0,
        updated=T0,
        method="extractive",
    )


@dataclass
class FakeChecker:
    """Passes a sentence unless it contains "UNSUPPORTED" (then fails as the gate would say)."""

    calls: int = 0

    def __call__(self, story_id: str, text: str, index: int, refetch: bool = False) -> SentenceCheck:
        self.calls += 1
        if "UNSUPPORTED" in text:
            return SentenceCheck(False, None, "unsupported", "'UNSUPPORTED' is in no source")
        return SentenceCheck(True, WrittenSentence(text, (Support(2, "courier", text, 1.0),), check=0.95))


def write_config(data_dir: Path, smtp_port: int = 25, extra: str = "") -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    text = render_config(base_url=PUBLIC)
    head, tail = text.split("\n[corrections]\n", 1)
    text = head + "\n[corrections]\n" + tail.replace("enabled = false", "enabled = true", 1)
    text = text.replace('from_address = "corrections@localhost"', 'from_address = "corrections@post.example"', 1)
    text = text.replace("port = 25\n", f"port = {smtp_port}\n", 1)
    cfg = data_dir / "copydesk.toml"
    cfg.write_text(text + extra, encoding="utf-8")
    (data_dir / "sources.toml").write_text("", encoding="utf-8")
    return cfg


@dataclass
class Site:
    desk: Desk
    svc: CorrectionsService
    client: TestClient
    checker: FakeChecker

    @property
    def store(self):
        return self.desk.corrections

    def close(self) -> None:
        self.client.close()
        self.desk.close()


def make_site(tmp_path: Path, smtp_port: int = 25, extra: str = "", clock=None) -> Site:
    settings = load_settings(write_config(tmp_path / "data", smtp_port, extra))
    assert settings.corrections.enabled
    desk = Desk(settings, {})
    publish(desk.store, story())
    checker = FakeChecker()
    cache: dict = {}

    def get_edition():
        if "e" not in cache:
            cache["e"] = desk.edition()
        return cache["e"]

    svc = CorrectionsService(
        settings,
        desk.corrections,
        checker=checker,
        corrector=desk.correct,
        on_change=lambda: cache.clear(),
        clock=clock,
    )
    client = TestClient(create_app(get_edition, corrections=svc), base_url="https://testserver")
    return Site(desk, svc, client, checker)


def add_editor(site: Site, name: str = "ann", password: str = PASSWORD) -> None:
    site.store.add_editor(name, hash_password(password))


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def login(site: Site, name: str = "ann", password: str = PASSWORD):
    page = site.client.get("/editor/login/")
    return site.client.post(
        "/editor/login/", data={"csrf": csrf_of(page.text), "name": name, "password": password}, follow_redirects=False
    )


def report(site: Site, s: int | None = 2, **fields):
    page = site.client.get(f"/report/?story={SLUG}" + (f"&s={s}" if s is not None else ""))
    assert page.status_code == 200, page.text
    data = {
        "csrf": csrf_of(page.text),
        "story": SLUG,
        "s": "" if s is None else str(s),
        "website": "",
        "category": "wrong-figure",
        "wrong": "The cost is wrong.",
        "right": "It is 52 billion forints.",
        "evidence": ["https://courier.example/2"],
        "email": "",
    }
    data.update(fields)
    return site.client.post("/report/", data=data)


def current_sentence(site: Site, index: int) -> str:
    return sentence_at(site.store.written_story("story1"), index).text
