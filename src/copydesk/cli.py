"""copydesk's command line (Typer). See `copydesk --help` and docs/CLI.md."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Optional

import typer
from pydantic import ValidationError

from copydesk.config import CONFIG_NAME, Settings, load_settings, render_config
from copydesk.errors import CopydeskError, describe
from copydesk.logs import setup_logging


class _App(typer.Typer):
    """The command line, whose database errors say their cause (``errors.describe``: ``IntegrityError: UNIQUE
    constraint failed: stories.slug``), not a traceback that ends in a library's help link."""

    def __call__(self, *args, **kwargs):
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().__call__(*args, **kwargs)
        except SQLAlchemyError as exc:
            import logging

            logging.getLogger("copydesk.cli").debug("database error", exc_info=True)
            typer.echo(
                f"error: store: {describe(exc)}: the command stopped; what it had stored stays "
                "(run it again; --log-level DEBUG shows the traceback)",
                err=True,
            )
            sys.exit(EXIT_STORE)


app = _App(
    help="copydesk: a news site written by an AI copy desk, every sentence traced to its sources.",
    no_args_is_help=True,
    add_completion=False,
)
sources_app = typer.Typer(help="The source registry: health, OPML import and export.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
newsletter_app = typer.Typer(
    help="The daily digest by e-mail: send it, and look after subscribers.", no_args_is_help=True
)
app.add_typer(newsletter_app, name="newsletter")
editor_app = typer.Typer(
    help="Editors' accounts: they review readers' reports at /editor/ and publish corrections.", no_args_is_help=True
)
app.add_typer(editor_app, name="editor")
db_app = typer.Typer(
    help="The database's schema: upgrade it before a new version's services start.", no_args_is_help=True
)
app.add_typer(db_app, name="db")

ConfigOpt = typer.Option(
    None, "--config", "-c", help="copydesk.toml, or the folder holding it (default: ./copydesk.toml if present)."
)


#: Exit codes (docs/CLI.md, "Exit codes"): 2 a configuration or usage error, 3 something else holds what the
#: command needs (the data directory's lock, the port to serve on); `sources test`: 4 a URL refused by the address
#: policy, 5 a fetch that failed.
EXIT_CONFIG, EXIT_BUSY, EXIT_REFUSED, EXIT_FETCH_FAILED = 2, 3, 4, 5
#: The database refused what the command did (``_App``): not a bug in itself (another process, a full disk).
EXIT_STORE = 1


def _fail(exc: Exception, code: int = EXIT_CONFIG) -> None:
    typer.echo(f"error: {describe(exc)}", err=True)
    raise typer.Exit(code=code)


def _lock(settings: Settings, command: str, wait: bool):
    """The data directory's lock for a command that writes (run, import, demo); exit 3 naming the holder."""
    from copydesk.store.lock import DataDirLock, LockHeld

    lock = DataDirLock(settings.data_dir, command, wait=wait)
    if wait:
        typer.echo(f"waiting for the lock on {settings.data_dir} ...", err=True)
    try:
        lock.acquire()
    except LockHeld as exc:
        _fail(exc, EXIT_BUSY)
    return lock


def _warn_loopback_base_url(settings: Settings) -> None:
    """Pages and feeds carry canonical links built on site.base_url: a loopback one is wrong for readers."""
    from urllib.parse import urlsplit

    host = (urlsplit(settings.site.base_url).hostname or "").lower()
    if host in ("localhost", "127.0.0.1", "::1") or host.startswith("127."):
        typer.echo(
            f"warning: site.base_url is {settings.site.base_url}, a loopback address: canonical links, the "
            "Atom feed and sitemap point there. Set site.base_url in copydesk.toml (or "
            "COPYDESK_SITE__BASE_URL) to the site's public address.",
            err=True,
        )


def _check_port(host: str, port: int) -> None:
    """Refuse to start on a port that is taken, naming the option to change (uvicorn would exit 3 silently)."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                _fail(
                    CopydeskError(
                        f"serve: port {port} on {host} is already in use (another copydesk serve or "
                        f"another server?); choose a free one with --port, e.g. --port {port + 1}"
                    ),
                    EXIT_BUSY,
                )
            _fail(
                CopydeskError(f"serve: cannot listen on {host}:{port}: {exc.strerror} (change --host/--port)"),
                EXIT_BUSY,
            )


def _settings(config: Optional[Path]) -> Settings:
    if config is None and Path(CONFIG_NAME).exists():
        config = Path(CONFIG_NAME)
    try:
        return load_settings(config)
    except CopydeskError as exc:
        _fail(exc)
        raise


def _registry(settings: Settings):
    from copydesk.sources import load_registry

    path = settings.sources_path
    if not path.exists():
        _fail(CopydeskError(f"config: sources.file: {path} does not exist (create one with `copydesk init DIR`)"))
    try:
        return load_registry(path)
    except CopydeskError as exc:
        _fail(exc)
        raise


def _desk(config: Optional[Path]):
    from copydesk.pipeline import Desk

    settings = _settings(config)
    try:
        return Desk(settings, _registry(settings))
    except CopydeskError as exc:
        _fail(exc)
        raise


class _Progress:
    """Progress on stderr: one line per step, rewritten in place on a terminal, every 10% otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, label: str, done: int, total: int) -> None:
        pct = int(100 * done / max(total, 1))
        if self.tty:
            sys.stderr.write(f"\r{label}: {done}/{total} ({pct}%)" + ("\n" if done >= total else ""))
            sys.stderr.flush()
        elif (label, pct // 10) != self.last:
            self.last = (label, pct // 10)
            sys.stderr.write(f"{label}: {done}/{total} ({pct}%)\n")


def _print_reports(reports: dict) -> None:
    poll = reports.get("poll")
    if poll is not None:
        # one outcome per new page; "partial" (a body that broke off, also counted under its outcome) and
        # "refetched-*" (stored pages fetched again) are not new pages
        pages = {
            k[len("pages-") :]: n
            for k, n in poll.counts.items()
            if k.startswith("pages-") and k != "pages-partial" and not k.startswith("pages-refetched-")
        }
        polled = sum(n for k, n in pages.items() if k != "not-an-article")
        if polled and pages.get("fetched", 0) * 2 < polled:
            poll.errors.insert(
                0,
                f"poll: only {pages.get('fetched', 0)} of {polled} new article pages were fetched "
                "(see `copydesk sources status` for why, per source)",
            )
    for name, rep in reports.items():
        counts = ", ".join(f"{k} {v}" for k, v in sorted(rep.counts.items())) or "nothing to do"
        typer.echo(f"{name}: {counts}")
        for err in rep.errors[:20]:
            typer.echo(f"  {err}", err=True)
        if len(rep.errors) > 20:
            typer.echo(f"  ... and {len(rep.errors) - 20} more (see the events table)", err=True)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@app.callback()
def main(
    log_level: str = typer.Option(
        "WARNING", "--log-level", help="DEBUG, INFO, WARNING or ERROR; logs are JSON lines on stderr."
    ),
) -> None:
    if log_level.upper() not in LOG_LEVELS:
        raise typer.BadParameter(
            f"must be one of {', '.join(LOG_LEVELS)} (got {log_level!r})", param_hint="'--log-level'"
        )
    setup_logging(log_level)


@app.command()
def init(
    directory: Path = typer.Argument(..., help="Folder to create the configuration in."),
    name: str = typer.Option("Budapest Post", help="Site name."),
    tagline: str = typer.Option("Budapest, Europe and world news", help="Site tagline."),
    base_url: Optional[str] = typer.Option(
        None, "--base-url", help="The site's public address, e.g. https://news.example.org/ (asked for on a terminal)."
    ),
    force: bool = typer.Option(False, help="Overwrite existing files."),
) -> None:
    """Write a commented copydesk.toml and the default source registry into DIRECTORY."""
    from copydesk.config import SiteSettings

    directory.mkdir(parents=True, exist_ok=True)
    cfg, reg = directory / CONFIG_NAME, directory / "sources.toml"
    for p in (cfg, reg):
        if p.exists() and not force:
            _fail(CopydeskError(f"init: {p} exists (use --force to overwrite)"))
    default_url = SiteSettings().base_url
    if base_url is None and sys.stdin.isatty():
        base_url = typer.prompt("The site's public address (site.base_url)", default=default_url)
    base_url = base_url or default_url
    try:
        SiteSettings(base_url=base_url)
    except ValueError as exc:  # pydantic's ValidationError (a ValueError) names what is wrong with the address
        msg = exc.errors()[0]["msg"].removeprefix("Value error, ") if isinstance(exc, ValidationError) else str(exc)
        _fail(CopydeskError(f"config: site.base_url: {msg} (got {base_url!r})"))
    cfg.write_text(render_config(name=name, tagline=tagline, base_url=base_url), encoding="utf-8")
    reg.write_bytes(resources.files("copydesk.data").joinpath("sources.toml").read_bytes())
    typer.echo(f"wrote {cfg} and {reg}\nnext: cd {directory} && copydesk run --once && copydesk serve")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines: url, title, outlet required."),
    config: Optional[Path] = ConfigOpt,
    process: bool = typer.Option(True, help="Cluster and write the stories right after importing."),
    wait: bool = typer.Option(
        False, "--wait", help="Wait for another run or import on this data directory to finish instead of exiting 3."
    ),
) -> None:
    """Import articles from a JSON Lines file; bad lines are reported with their line numbers and skipped."""
    from copydesk.ingest.jsonl import iter_import_lines

    desk = _desk(config)
    lock = _lock(desk.settings, "copydesk import", wait)
    with open(file, "rb") as fh:  # streamed: an over-long line is reported with its number and skipped
        reports = {"import": desk.import_lines(iter_import_lines(fh), source=str(file))}
    if process:
        prog = _Progress()
        reports["process"] = desk.process(prog)
        reports["write"] = desk.write(prog)
    _print_reports(reports)
    lock.release()
    desk.close()


@app.command()
def run(
    config: Optional[Path] = ConfigOpt,
    once: bool = typer.Option(False, "--once", help="One pass, then exit."),
    out: Optional[Path] = typer.Option(None, help="Static site folder to publish to (default: DATA_DIR/site)."),
    wait: bool = typer.Option(
        False, "--wait", help="Wait for another run or import on this data directory to finish instead of exiting 3."
    ),
) -> None:
    """Poll the feeds, process, write and publish; again every schedule.poll_minutes (Ctrl-C stops)."""
    desk = _desk(config)
    lock = _lock(desk.settings, "copydesk run", wait)
    _warn_loopback_base_url(desk.settings)
    out = out or desk.settings.data_dir / "site"
    try:
        while True:
            started = time.monotonic()
            reports = desk.run_once(_Progress())
            files = desk.export(out)
            _print_reports(reports)
            typer.echo(f"published {len(files)} files to {out}")
            if once:
                break
            wait = desk.settings.schedule.poll_minutes * 60 - (time.monotonic() - started)
            time.sleep(max(wait, 0))
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        lock.release()
        desk.close()


def _celery(config: Optional[Path]):
    """The Celery app configured from the settings (extra `celery`), after checking the registry is readable."""
    settings = _settings(config)
    _registry(settings)
    try:
        from copydesk.tasks import configure
        from copydesk.tasks import app as celery_app
    except ImportError as exc:
        _fail(CopydeskError(f"workers: Celery is not installed ({exc}); pip install 'copydesk[celery]'"))
        raise
    return configure(celery_app, settings), settings


@app.command()
def worker(
    config: Optional[Path] = ConfigOpt,
    queues: str = typer.Option(
        "copydesk,cluster",
        "--queues",
        "-Q",
        help="Comma-separated queues to consume: copydesk (polling, fetching, writing, publishing) and cluster (processing; give it one worker with --concurrency 1).",
    ),
    concurrency: int = typer.Option(1, "--concurrency", min=1, max=64, help="Worker processes (the pool)."),
) -> None:
    """Run a Celery worker: the stages of `copydesk run` as tasks from the broker of `workers.broker_url` (extra `celery`)."""
    import logging
    import os

    celery_app, _ = _celery(config)
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    from copydesk.tasks import CLUSTER_QUEUE, QUEUE

    unknown = sorted(set(wanted) - {QUEUE, CLUSTER_QUEUE})
    if not wanted or unknown:
        _fail(
            CopydeskError(
                f"worker: --queues: unknown queue {', '.join(unknown) or '(none)'}; use {QUEUE}, {CLUSTER_QUEUE} or both"
            )
        )
    level = logging.getLevelName(logging.getLogger().level)
    celery_app.worker_main(
        [
            "worker",
            "--queues",
            ",".join(wanted),
            "--concurrency",
            str(concurrency),
            "--hostname",
            f"copydesk-{os.getpid()}@%h",
            "--loglevel",
            level,
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command()
def scheduler(
    config: Optional[Path] = ConfigOpt,
    schedule_file: Optional[Path] = typer.Option(
        None,
        "--schedule-file",
        help="Where the scheduler keeps the times it last sent each task (default: DATA_DIR/celerybeat-schedule).",
    ),
) -> None:
    """Run the scheduler (Celery beat): each feed every poll interval, the sweep, the site, the newsletter."""
    import logging

    celery_app, settings = _celery(config)
    level = logging.getLevelName(logging.getLogger().level)
    celery_app.start(
        ["beat", "--schedule", str(schedule_file or settings.data_dir / "celerybeat-schedule"), "--loglevel", level]
    )


@app.command()
def export(
    config: Optional[Path] = ConfigOpt,
    out: Path = typer.Option(..., "--out", help="Folder to write the static site to."),
) -> None:
    """Write the site as static files (narrating first what changed, unless a run holds the data directory)."""
    from copydesk.store.lock import DataDirLock, LockHeld

    desk = _desk(config)
    _warn_loopback_base_url(desk.settings)
    lock = DataDirLock(desk.settings.data_dir, "copydesk export")
    reports = {}
    try:
        lock.acquire()
    except LockHeld as exc:  # the run that holds it narrates; this export uses the narrations already made
        typer.echo(f"audio: not narrated now ({exc})", err=True)
    else:
        reports["audio"] = desk.narrate(_Progress())
        lock.release()
    files = desk.export(out)
    typer.echo(f"wrote {len(files)} files to {out}")
    _print_reports(reports)
    desk.close()


def _newsletter_service(desk):
    """The newsletter pages' service when `newsletter.enabled`, else None (exit 2 on an unusable secret)."""
    if not desk.settings.newsletter.enabled:
        return None
    from copydesk.newsletter.web import NewsletterService
    from copydesk.store.newsletter import NewsletterStore

    try:
        return NewsletterService(desk.settings, NewsletterStore(desk.store))
    except CopydeskError as exc:
        _fail(exc)
        raise


#: How often `serve` looks for a new edition in the database (a `copydesk run` in another process).
EDITION_CHECK_S = 30.0
#: Seconds `serve` keeps an idle HTTP/1.1 connection open for the client's next request (uvicorn's default, made
#: explicit). A client or proxy that reuses connections must give them up sooner, or retry a GET whose reused
#: connection closed before any answer (RFC 9112 section 9.3.1.1), as browsers do: bench/soak.py's load generator
#: keeps them half as long.
SERVE_KEEP_ALIVE_S = 5


def release_memory() -> None:
    """Give the C allocator's free memory back to the system (glibc's ``malloc_trim``; nothing elsewhere). `serve`
    calls it after dropping an edition: the edition's larger blocks were allocated by whichever server thread built
    it, in that thread's malloc arena, and glibc returns an arena's free pages only from its top, so without this
    the resident set keeps the high-water mark of every arena a build ever used (Dask's documentation gives the
    same advice for its workers). A few milliseconds, at most once per new edition."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return
    trim(0)


class EditionCache:
    """The edition `serve` answers from. Every `check_s` seconds the store's fingerprint is read (one small query,
    `Desk.edition_state`); the edition, and with it every page the app keeps rendered, is rebuilt only when that
    changed. One request rebuilds; the others meanwhile keep serving the edition they have. The request after a
    rebuild gives the memory the old edition held back to the system (``release``, `release_memory`)."""

    def __init__(self, desk, check_s: float = EDITION_CHECK_S, clock=time.monotonic, release=release_memory) -> None:
        self.desk, self.check_s, self.clock, self.release = desk, check_s, clock, release
        self.edition, self.state, self.at = None, None, 0.0
        self._lock = threading.Lock()
        self.builds = 0  # editions built (for tests and benchmarks)
        self._replaced = False  # an edition was dropped: release memory at the next request

    def invalidate(self) -> None:
        """Build the edition again on the next request (something it shows changed outside the store's
        fingerprint, such as a correction published from this server)."""
        self.state, self.at = None, float("-inf")

    def get(self):
        if self._replaced:  # by now the requests that held the old edition (and its rendered pages) let it go
            self._replaced = False
            self.release()
        if self.edition is not None and self.clock() - self.at <= self.check_s:
            return self.edition
        if not self._lock.acquire(blocking=self.edition is None):
            return self.edition  # another request is looking; this one serves what there is
        try:
            if self.edition is None or self.clock() - self.at > self.check_s:
                state = self.desk.edition_state()
                if self.edition is None or state != self.state:
                    self._replaced = self.edition is not None
                    self.edition, self.state = self.desk.edition(), state
                    self.builds += 1
                self.at = self.clock()
            return self.edition
        finally:
            self._lock.release()


def _corrections_service(desk, on_change):
    """The report form's and editors' service when `corrections.enabled`, else None."""
    if not desk.settings.corrections.enabled:
        return None
    from copydesk.corrections.web import CorrectionsService

    try:
        return CorrectionsService(
            desk.settings, desk.corrections, checker=desk.check_sentence, corrector=desk.correct, on_change=on_change
        )
    except CopydeskError as exc:
        _fail(exc)
        raise


def _serve(desk, host: str, port: int) -> None:
    import uvicorn

    from copydesk.web.app import create_app

    editions = EditionCache(desk)
    get_edition = editions.get

    def changed() -> None:  # a correction was published: the next request reads the edition again
        editions.invalidate()

    typer.echo(f"serving {desk.settings.site.name} at http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(
        create_app(
            get_edition,
            desk.store.search,
            newsletter=_newsletter_service(desk),
            corrections=_corrections_service(desk, changed),
            database=desk.store.ping,
        ),
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=SERVE_KEEP_ALIVE_S,
    )


@app.command()
def serve(config: Optional[Path] = ConfigOpt, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the site (and its JSON API) from the database."""
    _check_port(host, port)
    _serve(_desk(config), host, port)


@app.command()
def demo(
    data_dir: Optional[Path] = typer.Option(
        None,
        "--data-dir",
        help="Where the demo keeps its configuration, database and site (default .copydesk-demo, or .copydesk-demo-NAME for another corpus).",
    ),
    corpus: str = typer.Option(
        "statements",
        "--corpus",
        help="Which bundled corpus: statements (White House and President of Russia, 2021-22) or wikinews (Wikinews 2004).",
    ),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the site at the end."),
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Run the pipeline on a bundled demo corpus (default: White House and Kremlin statements), build the site and serve it."""
    from copydesk.demo import DEFAULT_CORPUS, DEMO_CORPORA, demo_file, run_demo
    from copydesk.pipeline import Desk
    from copydesk.sources import load_registry

    if corpus not in DEMO_CORPORA:
        _fail(CopydeskError(f"demo: no corpus {corpus!r}; choose one of {', '.join(DEMO_CORPORA)}"))
    spec = DEMO_CORPORA[corpus]
    if data_dir is None:
        data_dir = Path(".copydesk-demo" if corpus == DEFAULT_CORPUS else f".copydesk-demo-{corpus}")
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / ".demo-corpus"
    if marker.exists() and marker.read_text(encoding="utf-8").strip() != corpus:
        _fail(
            CopydeskError(
                f"demo: {data_dir} holds the {marker.read_text(encoding='utf-8').strip()!r} demo; "
                f"pass another --data-dir for {corpus!r}"
            )
        )
    marker.write_text(corpus + "\n", encoding="utf-8")
    cfg = data_dir / CONFIG_NAME
    if not cfg.exists():
        cfg.write_text(render_config(), encoding="utf-8")
    reg = data_dir / "sources.toml"
    if not reg.exists():
        reg.write_bytes(demo_file(spec.registry).read_bytes())
    settings = _settings(cfg)
    if serve:
        _check_port(host, port)
    try:
        desk = Desk(settings, load_registry(settings.sources_path))
    except CopydeskError as exc:
        _fail(exc)
        raise
    lock = _lock(settings, "copydesk demo", wait=False)
    t0 = time.perf_counter()
    run = run_demo(desk, spec, data_dir / "site", _Progress())
    _print_reports(run.reports)
    edition = desk.edition()
    multi = [e.story for e in edition.stories if e.story.independent_sources > 1]
    typer.echo(
        f"demo: {len(edition.stories)} stories published, {len(multi)} with more than one independent source, "
        f"{len(edition.stories) - len(multi)} from a single outlet; {len(run.files)} files in {data_dir / 'site'} "
        f"({time.perf_counter() - t0:.1f}s: " + ", ".join(f"{k} {v:.1f}s" for k, v in run.seconds.items()) + ")"
    )
    lock.release()
    if serve:
        _serve(desk, host, port)
    desk.close()


def source_health(feed_outcome: str | None, pages: dict[str, int]) -> str:
    """One word for a source: "healthy" only when its feed answers and its article pages were really fetched.

    "not-polled" (never polled), "imported" (no feed), "former" (removed from the registry: no longer polled, its
    articles kept; set by the caller), "feed-failing" (the last feed fetch failed), "no-pages"
    (feed fine, but none of its articles' pages could be fetched: robots, errors, paywall), "degraded" (fewer than
    half of its pages fetched), "healthy".
    """
    if feed_outcome is None:
        return "not-polled"
    if feed_outcome not in ("ok", "ok-warnings", "not-modified"):
        return "feed-failing"
    polled = sum(n for k, n in pages.items() if k != "not-an-article")
    got = pages.get("fetched", 0)
    if polled and not got:
        return "no-pages"
    if polled and got * 2 < polled:
        return "degraded"
    return "healthy"


@sources_app.command("status")
def sources_status(config: Optional[Path] = ConfigOpt) -> None:
    """Health of every feed: last success, last outcome and error, consecutive errors, articles, non-articles,
    and what became of the article pages (fetched, paywalled, robots, not found, errors)."""
    desk = _desk(config)
    statuses = {s.url: s for s in desk.store.feed_statuses()}
    counts = desk.store.article_counts_by_outlet()
    non_articles = desk.store.non_article_counts_by_outlet()
    pages = desk.store.fetch_outcome_counts_by_outlet()
    partial_bodies = desk.store.partial_body_counts_by_outlet()
    outlets = desk.store.outlets()
    former = desk.store.former_outlet_ids()
    typer.echo(
        f"{'outlet':<28} {'articles':>8} {'non-art':>7} {'last success':<20} {'outcome':<16} {'errors':>6}  "
        f"{'health':<12} feed / last error"
    )
    unhealthy = 0
    for o in sorted(outlets.values(), key=lambda o: o.id):
        feeds = o.feeds or ("(no feed: imported only)",)
        if o.id in former:  # removed from the registry: not polled any more, its articles kept
            feeds = tuple(f"(former source, not polled: {f})" for f in o.feeds) or ("(former source)",)
        for url in feeds:
            s = statuses.get(url)
            last = s.last_success.strftime("%Y-%m-%d %H:%M") if s and s.last_success else "never"
            outcome = (s.last_outcome or "-") if s else "not polled"
            errs = s.consecutive_errors if s else 0
            n_non = non_articles.get(o.id, 0)
            health = source_health(s.last_outcome if s else None, pages.get(o.id, {})) if o.feeds else "imported"
            if o.id in former:
                health = "former"
            unhealthy += health in ("feed-failing", "no-pages", "degraded")
            typer.echo(
                f"{o.id[:28]:<28} {counts.get(o.id, 0) - n_non:>8} {n_non:>7} {last:<20} {outcome:<16} "
                f"{errs:>6}  {health:<12} {url}"
            )
            if s and s.last_error:
                typer.echo(f"{'':<103}{s.last_error}")
        if pages.get(o.id):
            detail = ", ".join(f"{k} {n}" for k, n in sorted(pages[o.id].items(), key=lambda kv: -kv[1]))
            if partial_bodies.get(o.id):  # a body that broke off: what decoded was read (any outcome above)
                detail += f"; partial body {partial_bodies[o.id]}"
            typer.echo(f"{'':<4}pages: {detail}")
    if unhealthy:
        typer.echo(f"{unhealthy} feed(s) not healthy: see the health column and the pages lines", err=True)
    desk.close()


@sources_app.command("import-opml")
def sources_import_opml(
    file: Path = typer.Argument(..., exists=True, dir_okay=False), config: Optional[Path] = ConfigOpt
) -> None:
    """Add the feeds of an OPML subscription list to the registry file (new outlets are unrated)."""
    import tomllib
    from dataclasses import replace

    from copydesk.sources import dump_registry, import_opml, load_registry, registry_from_data

    settings = _settings(config)
    path = settings.sources_path
    try:
        existing = load_registry(path) if path.exists() else {}
        known_feeds = {f for o in existing.values() for f in o.feeds}
        added, taken = [], set(existing)
        for o in import_opml(file.read_bytes()):
            feeds = tuple(f for f in o.feeds if f not in known_feeds)
            if not feeds:
                continue  # every feed of this outline is already in the registry
            new_id, n = o.id, 1
            while new_id in taken:
                n += 1
                new_id = f"{o.id}-{n}"
            taken.add(new_id)
            known_feeds.update(feeds)
            added.append(replace(o, id=new_id, feeds=feeds))
        if not added:  # leave the file (and its comments) untouched
            typer.echo(f"added 0 outlets to {path} ({len(existing)} in all)")
            return
        merged = {**existing, **{o.id: o for o in added}}
        text = dump_registry(merged)
        registry_from_data(tomllib.loads(text))  # never write a registry that would not load
    except CopydeskError as exc:
        _fail(exc)
        raise
    if path.exists():
        shutil.copy2(path, path.with_suffix(".toml.bak"))
    path.write_text(text, encoding="utf-8")
    typer.echo(f"added {len(added)} outlets to {path} ({len(merged)} in all)")


@sources_app.command("export-opml")
def sources_export_opml(
    config: Optional[Path] = ConfigOpt,
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default: stdout)."),
) -> None:
    """Write the registry's feeds as an OPML subscription list."""
    from copydesk.sources import export_opml

    text = export_opml(_registry(_settings(config)))
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text)


@sources_app.command("test")
def sources_test(
    url: list[str] = typer.Argument(..., metavar="URL...", help="Feed or page URLs to try."),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Fetch each URL as a poll would (address policy, robots.txt, limits) and say in one line what it gives;
    nothing is stored."""
    from copydesk.ingest import FetchOptions, PoliteClient
    from copydesk.ingest.probe import describe

    settings = _settings(config)
    kinds = set()
    with PoliteClient(FetchOptions.from_settings(settings.fetch)) as client:
        for one in url:
            probe = describe(client.fetch(one))
            kinds.add(probe.kind)
            typer.echo(f"{one}  {probe.line}")
    if "refused" in kinds:
        raise typer.Exit(code=EXIT_REFUSED)
    if "error" in kinds:
        raise typer.Exit(code=EXIT_FETCH_FAILED)


if __name__ == "__main__":
    app()


# -- newsletter ---------------------------------------------------------------------------------------------


def _newsletter_store(config: Optional[Path]):
    from copydesk.store import Store
    from copydesk.store.newsletter import NewsletterStore

    settings = _settings(config)
    try:
        return settings, NewsletterStore(Store(settings.database_url))
    except CopydeskError as exc:
        _fail(exc)
        raise


def _address(raw: str) -> str:
    from copydesk.newsletter.tokens import AddressError, normalise_address

    try:
        return normalise_address(raw)
    except AddressError as exc:
        _fail(CopydeskError(f"newsletter: {exc}"))
        raise


def _day(value: Optional[str]):
    from datetime import date, datetime, timezone

    if value is None:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"must be a date such as 2024-05-01 (got {value!r})", param_hint="'--date'")


@newsletter_app.command("send")
def newsletter_send(
    config: Optional[Path] = ConfigOpt,
    date_: Optional[str] = typer.Option(None, "--date", help="The digest's day, YYYY-MM-DD (UTC; default today)."),
    resend_interrupted: bool = typer.Option(
        False,
        "--resend-interrupted",
        help="Also send again to subscribers whose send was cut off after the message went to the server (may duplicate).",
    ),
    wait: bool = typer.Option(
        False, "--wait", help="Wait for another newsletter send on this data directory to finish instead of exiting 3."
    ),
) -> None:
    """Send the day's digest to every confirmed subscriber who has not had it (safe to run again)."""
    from copydesk.keys import site_secret
    from copydesk.store.lock import DataDirLock, LockHeld

    day = _day(date_)
    desk = _desk(config)
    settings = desk.settings
    lock = DataDirLock(settings.data_dir, "copydesk newsletter send", wait=wait, name=NEWSLETTER_LOCK)
    try:
        lock.acquire()
    except LockHeld as exc:
        _fail(exc, EXIT_BUSY)
    try:
        site_secret(settings)  # a missing or unsafe key stops here, before anything is sent
    except CopydeskError as exc:
        _fail(exc)
        raise
    if not settings.newsletter_url.startswith("https://"):
        typer.echo(
            f"warning: the unsubscribe links start with {settings.newsletter_url}; RFC 8058 one-click "
            "unsubscribe needs https (set newsletter.public_url or site.base_url)",
            err=True,
        )
    try:
        report = desk.send_newsletter(day, resend_interrupted)
    finally:
        lock.release()
        desk.close()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())) or "no confirmed subscribers"
    typer.echo(f"newsletter {report.digest_id}: {counts}")
    for err in report.errors[:20]:
        typer.echo(f"  {err}", err=True)
    if report.counts.get("interrupted"):
        typer.echo(
            f"  {report.counts['interrupted']} send(s) were cut off after the message reached the server and "
            "are not repeated (see `copydesk newsletter status`; --resend-interrupted sends them again)",
            err=True,
        )
    if report.counts.get("deferred") or report.counts.get("stopped"):
        raise typer.Exit(code=1)


#: The newsletter send's own lock file in the data directory (a send may run beside `copydesk run`).
NEWSLETTER_LOCK = ".newsletter-send.lock"


@newsletter_app.command("status")
def newsletter_status(
    config: Optional[Path] = ConfigOpt,
    date_: Optional[str] = typer.Option(
        None, "--date", help="Whose send log to show, YYYY-MM-DD (default today, UTC)."
    ),
) -> None:
    """Subscribers by status and the day's send log by state."""
    from collections import Counter

    from copydesk.newsletter.digest import digest_id_for

    settings, store = _newsletter_store(config)
    digest_id = digest_id_for(_day(date_))
    counts = store.counts()
    typer.echo("subscribers: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))
    log = store.send_log(digest_id)
    states = Counter(r.state for r in log)
    typer.echo(f"{digest_id}: " + (", ".join(f"{k} {v}" for k, v in sorted(states.items())) or "nothing sent"))
    for r in log:
        if r.state in ("committing", "deferred", "rejected"):
            typer.echo(f"  subscriber {r.subscriber_id}: {r.state}" + (f" ({r.error})" if r.error else ""))


@newsletter_app.command("list")
def newsletter_list(
    config: Optional[Path] = ConfigOpt,
    all_: bool = typer.Option(False, "--all", help="Include unsubscribed addresses."),
) -> None:
    """Subscribers as tab-separated lines: id, address, status, sections, consent time, consent source."""
    _, store = _newsletter_store(config)
    for s in store.subscribers(None if all_ else "confirmed"):
        sections = "all" if s.all_sections else ",".join(s.sections)
        typer.echo(f"{s.id}\t{s.email}\t{s.status}\t{sections}\t{s.consent_at.isoformat()}\t{s.consent_source}")


@newsletter_app.command("export")
def newsletter_export(
    address: str = typer.Argument(..., help="The subscriber's e-mail address."), config: Optional[Path] = ConfigOpt
) -> None:
    """Print, as JSON, everything stored about one address (a data access request)."""
    import json

    _, store = _newsletter_store(config)
    data = store.export(_address(address))
    if data is None:
        _fail(CopydeskError(f"newsletter: {address} is not subscribed"), 1)
    typer.echo(json.dumps(data, indent=1, ensure_ascii=False))


@newsletter_app.command("unsubscribe")
def newsletter_unsubscribe(
    address: str = typer.Argument(..., help="The subscriber's e-mail address."), config: Optional[Path] = ConfigOpt
) -> None:
    """Unsubscribe an address (for requests that came by mail to newsletter.unsubscribe_mailto)."""
    _, store = _newsletter_store(config)
    sub = store.by_email(_address(address))
    if sub is None:
        _fail(CopydeskError(f"newsletter: {address} is not subscribed"), 1)
    store.unsubscribe(sub.id, "operator")
    typer.echo(f"unsubscribed {sub.email}")


@newsletter_app.command("delete")
def newsletter_delete(
    address: str = typer.Argument(..., help="The subscriber's e-mail address."), config: Optional[Path] = ConfigOpt
) -> None:
    """Erase an address and its send log (an erasure request)."""
    _, store = _newsletter_store(config)
    email = _address(address)
    if not store.delete(email):
        _fail(CopydeskError(f"newsletter: {address} is not subscribed"), 1)
    typer.echo(f"deleted {email}")


# -- editors ------------------------------------------------------------------------------------------------


def _corrections_store(config: Optional[Path]):
    from copydesk.store import Store
    from copydesk.store.corrections import CorrectionsStore

    settings = _settings(config)
    try:
        return CorrectionsStore(Store(settings.database_url))
    except CopydeskError as exc:
        _fail(exc)
        raise


def _operator() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:100]
    except (OSError, KeyError, ImportError):  # no user name in this environment (no passwd entry, no pwd)
        return "cli"


@editor_app.command("add")
def editor_add(
    name: str = typer.Argument(..., help="The editor's sign-in name (letters, digits, . _ @ -)."),
    config: Optional[Path] = ConfigOpt,
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from the first line of standard input instead of prompting twice.",
    ),
) -> None:
    """Add an editor; the password is asked twice (hidden) and stored only as an argon2 hash."""
    from copydesk.corrections.auth import check_new_password, hash_password

    store = _corrections_store(config)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = check_new_password(password, name)
    if problem:
        _fail(CopydeskError(f"editor: {problem}"))
    try:
        store.add_editor(name, hash_password(password), by=_operator())
    except CopydeskError as exc:
        _fail(exc, 1)
    typer.echo(f"added editor {name}")


@editor_app.command("list")
def editor_list(config: Optional[Path] = ConfigOpt) -> None:
    """Editors as tab-separated lines: name, active or disabled, created, last sign-in, locked until."""
    store = _corrections_store(config)
    iso = lambda d: d.isoformat() if d else "-"  # noqa: E731
    for e in store.editors():
        typer.echo(
            f"{e.name}\t{'active' if e.active else 'disabled'}\t{iso(e.created_at)}\t{iso(e.last_login)}"
            f"\t{iso(e.locked_until)}"
        )


@editor_app.command("disable")
def editor_disable(
    name: str = typer.Argument(..., help="The editor's sign-in name."), config: Optional[Path] = ConfigOpt
) -> None:
    """Disable an editor's account and end their sessions (the account and its audit trail are kept)."""
    store = _corrections_store(config)
    if not store.disable(name, by=_operator()):
        _fail(CopydeskError(f"editor: no editor {name}"), 1)
    typer.echo(f"disabled editor {name}")


def _schema_revisions(url: str) -> tuple[str | None, str]:
    """(the database's Alembic revision, the newest this version knows) without migrating."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    cfg = Config()
    cfg.set_main_option("script_location", "copydesk.store:migrations")
    head = ScriptDirectory.from_config(cfg).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision(), head
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(config: Optional[Path] = ConfigOpt) -> None:
    """Migrate the database to this version's schema (every service also does it on start; run this once first)."""
    from copydesk.store import Store

    settings = _settings(config)
    try:
        before, head = _schema_revisions(settings.database_url)
        Store(settings.database_url).close()
    except Exception as exc:  # an unreachable server or a wrong URL: say which, exit 2
        _fail(CopydeskError(f"store: cannot open the database: {exc}"))
        raise
    typer.echo(f"db: {before or 'empty'} -> {head}" if before != head else f"db: at {head}, nothing to do")


@db_app.command("current")
def db_current(config: Optional[Path] = ConfigOpt) -> None:
    """Print the database's schema revision and this version's; exit 1 when they differ (an upgrade is due)."""
    settings = _settings(config)
    try:
        current, head = _schema_revisions(settings.database_url)
    except Exception as exc:
        _fail(CopydeskError(f"store: cannot open the database: {exc}"))
        raise
    typer.echo(f"db: {current or 'empty'} (this version: {head})")
    if current != head:
        raise typer.Exit(code=1)
