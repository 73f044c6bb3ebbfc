"""copydesk's own typed model: the dataclasses every stage takes and returns.

Library objects (feedparser dicts, trafilatura output, ORM rows) are converted to these at the module that
received them and never travel further. All classes are frozen: a stage returns new values rather than
mutating what it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

# --------------------------------------------------------------------------------------------------------
# Source registry
# --------------------------------------------------------------------------------------------------------

UNRATED = "unrated"

#: Allowed values of ``Outlet.lean`` (AllSides-style five-point scale) besides ``UNRATED``.
LEANS = ("left", "lean-left", "center", "lean-right", "right")
#: Allowed values of ``Outlet.reliability`` besides ``UNRATED``.
RELIABILITIES = ("high", "mostly-high", "mixed", "low")
#: Kinds of outlet; used for display and to treat wires specially in dedup.
OUTLET_KINDS = (
    "wire",
    "public-broadcaster",
    "broadcaster",
    "newspaper",
    "magazine",
    "online",
    "government",
    "wiki",
    "other",
)
PAYWALLS = ("none", "metered", "hard")


@dataclass(frozen=True, slots=True)
class Rating:
    """A rating with where it came from. ``value == UNRATED`` means nobody rated it; ``basis`` is then None."""

    value: str
    basis: str | None = None

    @property
    def rated(self) -> bool:
        return self.value != UNRATED


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet in the source registry."""

    id: str  # registry slug, e.g. "reuters"; an unlisted outlet's: its domain, e.g. "blog.example" (store.ensure_outlet)
    name: str
    homepage: str
    feeds: tuple[str, ...]
    language: str  # BCP-47 primary tag, e.g. "en", "hu"
    country: str  # ISO 3166-1 alpha-2, or "INT" for international
    owner: str  # who owns it; outlets with the same owner count as one independent source
    lean: Rating
    reliability: Rating
    paywall: str = "none"  # one of PAYWALLS
    kind: str = "other"  # one of OUTLET_KINDS
    hosts: tuple[str, ...] = ()  # extra hostnames whose articles belong to this outlet
    # False for an outlet met in an import that the registry lacks: it counts as no independent source of its
    # own (all such outlets together are one, ``verify.gate.UNLISTED``), and its copies are never "joint"
    registered: bool = True


# --------------------------------------------------------------------------------------------------------
# Ingest
# --------------------------------------------------------------------------------------------------------

FetchOutcome = Literal[
    "ok",
    "not-modified",
    "http-error",
    "timeout",
    "too-large",
    "too-many-redirects",
    "robots-disallowed",
    "robots-unreachable",
    "rate-limited",
    "network-error",
    "parse-error",
    "blocked-address",
]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP fetch gave. ``body`` is None unless ``outcome == "ok"``."""

    url: str
    outcome: FetchOutcome
    final_url: str | None = None
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # message starting with the stage, e.g. "fetch: 404 not found"
    elapsed_s: float = 0.0
    attempts: int = 1  # requests made, retries of transient failures included
    retry_after_s: float | None = None  # what a 429/503 answer's Retry-After asked for
    #: Why ``body`` is only what could be decoded (a truncated or corrupt compressed stream); None when whole.
    partial: str | None = None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, converted from feedparser's dict or a JSON Feed item."""

    url: str
    title: str
    summary: str = ""  # plain text (markup stripped)
    published: datetime | None = None  # timezone-aware UTC
    author: str | None = None
    guid: str | None = None
    language: str | None = None
    categories: tuple[str, ...] = ()
    date_only: bool = False  # the entry's date states no time of day (``published`` is midnight UTC)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed; ``warnings`` records tolerated problems (feedparser's bozo, bad items skipped)."""

    title: str
    entries: tuple[FeedEntry, ...]
    warnings: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """Main text and metadata extracted from an article page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    canonical_url: str | None = None
    paywalled: bool = False
    date_only: bool = False  # the page's date states no time of day (``published`` is midnight UTC)


@dataclass(frozen=True, slots=True)
class ArticleIn:
    """A new article as ingest produced it, before it has a database id."""

    url: str
    outlet_id: str
    title: str
    text: str = ""  # full text when extracted; may be empty
    summary: str = ""
    published: datetime | None = None
    language: str | None = None
    author: str | None = None
    partial: bool = False  # True when only the feed summary is available (paywall, block, failed fetch)
    categories: tuple[str, ...] = ()
    origin: str = "feed"  # "feed", "import" or "demo"
    license: str | None = None  # when the text's licence is known (demo corpus)
    site_name: str | None = None  # the site's own name (import line `site_name`), for an outlet the registry lacks
    date_only: bool = False  # the source gave a date without a time of day: show it as a date
    published_from: str | None = None  # where `published` came from: "feed", "page", "import" or "dateline"
    language_hint: str | None = None  # the language the feed, page or import line claims (a hint only)
    page_class: str | None = (
        None  # "article", or why it is not one (see copydesk.ingest.classify); None: not classified
    )
    page_class_reason: str | None = None  # human-readable detail of a non-article verdict
    fetch_outcome: str | None = None  # how the article page fetch ended ("fetched", "paywalled", ...); None for imports
    body_partial: str | None = None  # why the page body is only what decoded (FetchResult.partial); None when whole


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article."""

    id: int
    url: str
    canonical_url: str
    outlet_id: str
    title: str
    text: str
    summary: str
    published: datetime | None
    first_seen: datetime
    language: str | None = None
    author: str | None = None
    partial: bool = False
    categories: tuple[str, ...] = ()
    story_id: str | None = None
    duplicate_of: int | None = None  # exact or near duplicate (same outlet or reprint) of this article id
    duplicate_kind: str | None = (
        None  # "exact", "near", "reprint", or "joint": the same text issued by an independent publisher
    )
    wire_group: int | None = None  # id of the earliest article of the reprint group it belongs to
    license: str | None = None
    date_only: bool = False
    published_from: str | None = None
    language_hint: str | None = None
    page_class: str | None = None
    page_class_reason: str | None = None
    fetch_outcome: str | None = None
    origin: str = "feed"
    body_partial: str | None = None  # why the page body is only what decoded; None when whole

    @property
    def when(self) -> datetime:
        """The time used for ordering and time windows (dedup, clustering, source order): the publication time
        the source gave, or when we first saw the article if it gave none.

        Only for ordering: the fallback to ``first_seen`` (a fetch or import time) is never shown as a date.
        Readers are shown ``published`` (with ``date_only``), or "date not given by the sources".
        """
        return self.published or self.first_seen

    @property
    def body(self) -> str:
        return self.text or self.summary


# --------------------------------------------------------------------------------------------------------
# Writing and publishing
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Support:
    """One source sentence that supports a written sentence."""

    article_id: int
    outlet_id: str
    sentence: str
    score: float


@dataclass(frozen=True, slots=True)
class Change:
    """One change the copy desk made to a source's wording (loaded word replaced or removed)."""

    before: str
    after: str  # "" when the word was removed
    reason: str


@dataclass(frozen=True, slots=True)
class WrittenSentence:
    text: str
    support: tuple[Support, ...]
    attribution: str | None = None  # outlet name when the sentence is attributed in text ("according to X")
    independent_outlets: int = 1
    check: float | None = None  # score of the support check it passed (copydesk.verify.support)
    edits: tuple[Change, ...] = ()  # wording changed from the source sentence (support[0]), in order

    @property
    def article_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(s.article_id for s in self.support))


@dataclass(frozen=True, slots=True)
class Claim:
    """One outlet's version of a disputed fact."""

    article_id: int
    outlet_id: str
    value: str  # as the outlet gives it ("12", "Tuesday", "Smith")
    sentence: str  # the outlet's sentence


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Sources that state one fact differently ("Reuters reports 12 dead; AP reports 9")."""

    kind: str  # "number", "date" or "name"
    claims: tuple[Claim, ...]  # two or more, with different values


@dataclass(frozen=True, slots=True)
class Dropped:
    """A drafted sentence (or headline) that a check before publication left out, and why."""

    text: str
    reason: str  # "unsupported" (support score, or a number, name or date in no source), "quote" or "evaluative"
    detail: str  # what failed, e.g. "'15' is in no source"
    headline: bool = False  # a headline candidate rather than a sentence of the text


@dataclass(frozen=True, slots=True)
class Verification:
    """What the checks before publication found and left out."""

    checked: int  # sentences that passed the support check and were published
    unsupported: int = 0  # sentences left out by the support check (score, or a number/name/date in no source)
    quotes_dropped: int = 0  # sentences left out because a quotation failed its check
    evaluative_dropped: int = 0  # sentences left out because they judge without saying whose judgement it is
    lowest_score: float | None = None  # the weakest published sentence's support score
    dropped: tuple[Dropped, ...] = ()  # every drafted sentence and headline left out, with its reason


@dataclass(frozen=True, slots=True)
class Section:
    heading: str | None
    sentences: tuple[WrittenSentence, ...]


@dataclass(frozen=True, slots=True)
class SourceLink:
    """An original article listed under "Sources"."""

    article_id: int
    outlet_id: str
    outlet_name: str
    title: str
    url: str
    published: datetime | None  # as the source gave it (never a fetch or import time); None: not given
    partial: bool = False
    reprint_of: int | None = None  # article id of the wire report this one reprints
    language: str | None = None  # the article's detected language (ISO 639-1); shown when not the edition's
    date_only: bool = False  # ``published`` is a date without a time of day: show it as a date
    partial_reason: str | None = None  # why only the feed summary is used ("full text not fetched: ..."), for readers


@dataclass(frozen=True, slots=True)
class StoryDates:
    """When a story was first reported and last updated, from the publication dates its sources give.

    ``first_reported`` is the earliest date a source gives, ``last_updated`` the latest (new coverage is what
    updates a story; our own rewrites are not news and are not shown as its date). A ``*_date_only`` flag says the
    value is a day, not a time: a date-only source on the earliest (latest) day makes that end a day, since it
    may have come before (after) any timed source of that day. Both are None when no source gives a date: the
    site then says "date not given by the sources". Computed by ``copydesk.write.dates.story_dates``.
    """

    first_reported: datetime | None = None
    first_reported_date_only: bool = False
    last_updated: datetime | None = None
    last_updated_date_only: bool = False
    dated_sources: int = 0  # source articles that give a publication date
    undated_sources: int = 0  # source articles that give none

    @property
    def known(self) -> bool:
        return self.first_reported is not None


@dataclass(frozen=True, slots=True)
class WrittenStory:
    """The output of the writer for one story: everything a renderer needs, nothing it has to compute."""

    story_id: str
    slug: str
    headline: WrittenSentence
    lede: WrittenSentence
    body: tuple[Section, ...]
    sources: tuple[SourceLink, ...]
    independent_sources: int
    outlets: tuple[str, ...]  # outlet ids, independent groups first
    single_source: bool
    section: str
    # Ordering times: the earliest and latest ``Article.when`` (a source's date, else when we first saw the
    # article). They order stories and bound time windows; never shown as the story's date (see ``dates``).
    published: datetime
    updated: datetime
    method: str  # how the text was made, shown in the AI disclaimer
    language: str = "en"
    notes: tuple[str, ...] = ()  # reader-facing caveats (e.g. "Only one outlet has reported this story.")
    disagreements: tuple[Disagreement, ...] = ()
    verification: Verification | None = None
    coverage_by_lean: tuple[tuple[str, int], ...] = ()  # outlets per side ("left", "centre", "right", "unrated")
    dates: StoryDates | None = None  # first reported / last updated as the sources give them; None: not computed
    # When the published text last changed (the store's ``written_at``, which a rewrite to the same text leaves
    # alone); None for a story not read from the store. Feeds and JSON-LD date an entry's modification by it.
    revised: datetime | None = None


# --------------------------------------------------------------------------------------------------------
# The seam between writing and checking: a writer drafts, verify gates, neutral edits, assemble publishes
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryMaterial:
    """Everything a writer and the gate read about one story; built by the orchestrator."""

    story_id: str
    slug: str
    articles: tuple[Article, ...]
    sentences: dict[int, list[str]]  # article id -> sentences (see `copydesk.write.article_sentences`)
    vectors: dict[int, "np.ndarray"]  # article id -> one normalised row per sentence
    outlets: dict[str, Outlet]
    sections: tuple[SectionConfig, ...]
    title_vectors: dict[int, "np.ndarray"] = field(default_factory=dict)  # article id -> title vector
    # False: `vectors` and `title_vectors` are identity vectors, no model's (`copydesk.verify.gate.verbatim`): 1
    # between equal texts, 0 otherwise, so the story's sentences are checked as verbatim source text only.
    embedded: bool = True
    # The editors' standing corrections of the story, (sentence as it was, what replaced it or None: removed), in
    # order. Re-applied to whatever a writer produces (`corrections.apply_standing`); a writer that words its own
    # sentences (the "llm" writer) is also told them, so it does not bring back a corrected error in new words.
    corrected: tuple[tuple[str, str | None], ...] = ()


#: Subheading groups a writer may give a sentence, in the order the published text shows them.
GROUPS = ("What happened", "What was said", "Background")


@dataclass(frozen=True, slots=True)
class DraftSentence:
    """One sentence a writer proposes. Nothing in it is trusted: `claims` are what the writer says it rests on,
    and `copydesk.verify.gate` establishes the real support."""

    text: str
    claims: tuple[Support, ...]  # source sentences (or titles) it says it rests on; the first is where it comes from
    role: str = "body"  # "lede": offered as the story's first sentence (it stands on its own); "body"
    group: str | None = None  # subheading group, one of GROUPS
    score: float = 0.0  # the writer's own preference: of two sentences, the higher-scored is published first
    lede_rank: int = 0  # among sentences offered as the lede, the writer's order of preference (0 first)


@dataclass(frozen=True, slots=True)
class Draft:
    """What a writer returns: candidates, not a story. A writer may offer more sentences than the story will
    hold (the extractive writer offers every candidate); the gate drops what fails, and `write.assemble` fits
    the rest into the story in the writer's order of preference."""

    story_id: str
    writer: str  # the writer's name ("extractive")
    method: str  # how the text was made, for the reader (the AI disclaimer)
    headlines: tuple[DraftSentence, ...]  # candidate headlines, preferred first
    sentences: tuple[DraftSentence, ...]  # in reading order


@dataclass(frozen=True, slots=True, eq=False)
class GatedSentence:
    """A drafted sentence that passed the gate, with the support verify established for it."""

    draft: DraftSentence
    text: str  # the draft's text; `neutral` edits it
    support: tuple[Support, ...]  # where it comes from first, then other articles' sentences that say the same
    voices: frozenset[str]  # the independent sources behind it (owners; a wire reprint is its wire report's)
    check: float  # the support-check score it reached
    vector: "np.ndarray"  # normalised embedding of the draft's text
    disputes: tuple[Disagreement, ...] = ()  # facts of it that an independent source states differently (sure)
    edits: tuple[Change, ...] = ()  # changes `neutral` made to the wording


@dataclass(frozen=True, slots=True, eq=False)
class GatedDraft:
    """A draft after the gate (and after `neutral`): only what passed, and what was dropped with its reason."""

    draft: Draft
    headlines: tuple[GatedSentence, ...]  # preferred first
    sentences: tuple[GatedSentence, ...]  # in reading order
    dropped: tuple[Dropped, ...]
    voices: dict[int, str]  # article id -> the independent source it stands for


@dataclass(frozen=True, slots=True)
class SectionConfig:
    slug: str
    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteIdentity:
    name: str
    tagline: str
    base_url: str
    language: str = "en"


#: Why a story's published text changed (``Revision.reason``): new or changed coverage (the pipeline rewrote it
#: from its sources), a correction (an editor accepted a reader's report, or the desk corrected itself), an
#: editor's edit.
REVISION_REASONS = ("coverage", "correction", "editor")


@dataclass(frozen=True, slots=True)
class Revision:
    """One published version of a story, as it was published: kept for good (``story_revisions`` is append-only).

    Revision 1 is the first publication; a new one is recorded, in the same transaction, whenever the published
    text changes (``Store.save_written``). ``changes`` says for readers what changed against the revision before
    ("2 new sources: Reuters, AP", "a figure changed: 9 dead -> 12 dead"), computed when it was recorded
    (``copydesk.publish.revisions.describe_changes``)."""

    story_id: str
    n: int  # 1, 2, ... per story
    at: datetime  # when it was published (UTC)
    reason: str  # one of REVISION_REASONS
    note: str | None  # a short text of what changed, from whoever changed it (a correction's wording)
    editor: str | None  # the editor who made the change, for "correction" and "editor"
    written: WrittenStory  # the story as published then: text, sources, per-sentence provenance
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EditionStory:
    story: WrittenStory
    related: tuple[str, ...] = ()  # story ids
    follows: str | None = None  # id of the published story of the earlier development ("Earlier: ...")
    revisions: tuple[Revision, ...] = ()  # every published version, oldest first; the last is ``story``


@dataclass(frozen=True, slots=True)
class UntranslatedStory:
    """A story no source in the edition's language has reported yet: kept, not published as a page, listed on
    the "not yet in <edition language>" queue (see copydesk.lang.edition)."""

    story_id: str
    slug: str
    languages: tuple[str, ...]  # the sources' languages, most sources first
    sources: tuple[SourceLink, ...]
    dates: StoryDates  # first reported, last updated: from the dates the sources give


@dataclass(frozen=True, slots=True)
class Narration:
    """A published narration (copydesk.audio): an MP3 of a text read by a speech engine, and that text as a
    plain transcript. Both files live in ``Edition.audio_dir`` under ``name + ".mp3"`` and ``name + ".txt"``; the
    site serves and exports them as ``audio/<file>``."""

    name: str  # "<slug>-<key>": the key is a hash of the text, engine (with its version), voice and speed
    text_sha: str  # sha256 of the narration text alone (stable when only the engine changes)
    bytes: int  # size of the MP3 file
    duration_s: float  # samples / sample rate of the speech before encoding
    engine: str  # "espeak-ng" or "piper", shown to readers ("read by a synthetic voice (espeak-ng)")
    voice: str

    @property
    def audio_file(self) -> str:
        return f"{self.name}.mp3"

    @property
    def transcript_file(self) -> str:
        return f"{self.name}.txt"


@dataclass(frozen=True, slots=True)
class Briefing:
    """One day's briefing: the day's top stories in edition order, narrated as one file (the podcast feed)."""

    day: date
    story_ids: tuple[str, ...]
    published: datetime  # the latest update among its stories: stable across rebuilds
    narration: Narration


@dataclass(frozen=True, slots=True)
class Correction:
    """A published correction (copydesk.corrections): an editor accepted a report that a sentence was wrong.

    Public: the article page shows it as a dated note, /corrections/ and its feed list it, the JSON-LD carries it
    as a schema.org CorrectionComment. Every word of it is the editor's or the story's own (``before`` as it was
    published, ``after`` as it now reads, ``note`` written by the editor); nothing a reporter wrote."""

    id: int
    story_id: str
    slug: str  # the story's address when corrected (an old one redirects to the survivor of a merge)
    headline: str  # the story's headline as it now reads
    corrected_at: datetime
    category: str  # one of copydesk.corrections.CATEGORIES
    before: str  # the sentence as it was published
    after: str | None  # the sentence as it now reads; None: the sentence was removed
    note: str  # the editor's public explanation of what was wrong
    revision: int | None = None  # the story revision the correction made (Store.save_written)
    withdrawn: bool = False  # the story is no longer published: the log keeps the correction, without a link


@dataclass(frozen=True, slots=True)
class Edition:
    """An immutable snapshot of the site: every renderer (HTML, JSON, feeds, export) writes from this."""

    site: SiteIdentity
    sections: tuple[SectionConfig, ...]
    stories: tuple[EditionStory, ...]  # newest update first
    outlets: dict[str, Outlet] = field(default_factory=dict)
    generated: datetime | None = None
    redirects: dict[str, str] = field(default_factory=dict)  # old story slug -> surviving slug
    untranslated: tuple[UntranslatedStory, ...] = ()  # stories with no source in the site's language, newest first
    audio: dict[str, Narration] = field(default_factory=dict)  # story id -> its narration (none: "audio off")
    briefings: tuple[Briefing, ...] = ()  # newest day first
    audio_dir: Path | None = None  # where the narrations' files are (DATA_DIR/audio)
    corrections: tuple[Correction, ...] = ()  # every published correction across the site, newest first
