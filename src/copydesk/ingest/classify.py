"""Is this item a news article? A verdict for every fetched or imported item, before it is stored and clustered.

``classify_page(url, title, text, status=..., html=...)`` -> ``PageVerdict(kind, reason)``. ``kind`` is
``"article"`` or why the item is not one:

    error-page          the server answered an error (HTTP >= 400, 999), a "page not found" page or a bot check
    consent-wall        a cookie/consent screen stands where the article should be
    login-wall          a sign-in page (password field, "forgot your password") instead of the article
    registration-wall   "Registering for ... is free": the article is behind a free registration
    paywall             a subscription teaser: marked not free or asking to subscribe, with little text
    live-blog-shell     a live blog whose updates are loaded by script: a title and no reporting
    index-page          a home, section or tag page: many headline links, no article of its own
    chrome-only         the extracted text is only site furniture (labels, bylines, credits, plugs)
    empty               no text to speak of

Inputs are what ingest has: the URL, the HTTP status when the page was fetched, the title, the extracted main
text (trafilatura, ``ingest/extract.py``) and the raw HTML when fetched. Imported items have no HTML and no status:
they are judged on title and text alone. Rules run in the order of the list above; the first that holds decides.
The walls are called only when the page carries little prose of its own (publishers put consent banners, login
links and "subscribe" boxes on full articles too). Word lists live in ``copydesk.lang.boilerplate``.

Thresholds were set on the dev half of ``bench/data/pages_labels.jsonl`` and are reported on the test half by
``bench/pages.py`` (see the note above the constants).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from copydesk.ingest.extract import PAYWALL_PHRASES
from copydesk.lang.boilerplate import (
    CONSENT_PHRASES,
    CONSENT_TITLES,
    ERROR_PHRASES,
    LOGIN_PHRASES,
    REGISTRATION_PHRASES,
    is_boilerplate_line,
)
from copydesk.text import split_sentences

__all__ = ["KINDS", "ClassifyOptions", "PageVerdict", "classify_page", "page_signals", "prose"]

KINDS = (
    "article",
    "error-page",
    "consent-wall",
    "login-wall",
    "registration-wall",
    "paywall",
    "live-blog-shell",
    "index-page",
    "chrome-only",
    "empty",
)

# Calibration of every threshold below: set by hand while reading the dev split of bench/data/pages_labels.jsonl
# (156 pages: 149 articles, 7 non-articles; bench/pages.py --split dev gives article_precision 0.993,
# non_article_recall 0.857) and reported on the test split (159 pages: 0.9925 and 0.9375; trafilatura alone 0.916
# and 0.19). No grid sweep was run; the dev split has few non-articles, so each value is a judgement backed by it.
# Second pass (2026-12-04): 80 more recorded pages (17 non-articles: home/section pages, Incapsula and Project
# Shield block pages, script-only shells; 63 articles from the same fixture sets, incl. Thai, Burmese and Korean)
# and one trafilatura_eval teaser relabelled paywall. On the enlarged dev split (200 pages: 183 articles, 17
# non-articles) the first-pass rules gave article_precision 0.971 and non_article_recall 0.71; the rules added then
# (root-URL and listing index pages, challenge pages with some prose, Thai/Burmese prose, the article guard on error
# wording) give 1.0 and 1.0; test split (195 pages: 171 articles, 24 non-articles) 0.969/0.79 -> 1.0/1.0.

#: A sentence counts as prose when it has at least this many words and ends like a sentence.
PROSE_MIN_WORDS = 8
#: A fetched page with less prose than this (after furniture lines are removed) is no article: "empty" or
#: "chrome-only". The Zyte benchmark's shortest complete article extracts to 428 characters (see
#: ingest/extract.MIN_ARTICLE_CHARS); on the dev split, bot-check and wall pages give 0-200 prose characters.
MIN_PROSE_CHARS = 250
#: An item without a page (an import, or a feed entry whose page could not be fetched) needs only one prose
#: sentence: imports and feed summaries of real briefs are short, and the error/wall wording rules run first.
MIN_TEXT_PROSE_CHARS = 40
#: Walls and error pages are only called when the page has less prose than this: a full article that also
#: carries a consent banner, a login box or a "subscribe" plug keeps its verdict.
WALL_MAX_PROSE_CHARS = 1200
#: A bot check page shows a line or two ("Checking your browser before accessing ..."): challenge markup only
#: counts on pages with less visible text than this (12 of the 16 recorded Cloudflare pages show 0-917
#: characters; the other four carry a site's own text around the check and are caught by their wording).
CHALLENGE_MAX_VISIBLE_CHARS = 2000
#: Index pages: at least this many links whose text looks like a headline (4+ words), link text making up at
#: least this share of the page's visible text, and less prose than INDEX_MAX_PROSE_CHARS. Among the labelled
#: pages, articles with long "related" rails reach a link share of 0.55-0.81 with 700-1,000 prose characters
#: (hence the prose bound); the CNN home page has 238 headline links and a link share of 0.75.
INDEX_MIN_HEADLINE_LINKS = 25
INDEX_MIN_LINK_SHARE = 0.35
INDEX_MAX_PROSE_CHARS = 800
#: Home and section pages carry teaser paragraphs (the Yahoo UK and Bavarian portal home pages give 3,800-4,000
#: prose characters), so the prose bound above misses them. Two signals need no prose bound: a fetched URL whose
#: path is the site root (or a bare language/edition code: "/", "/en", "/es/") with at least this many headline
#: links, and a page declaring itself a schema.org CollectionPage/SearchResultsPage with no article type. Both
#: ignore og:type, which publishers set to "article" on their front pages too (the NYT en Español front page on
#: dev). Set on dev (2026-12-04, second pass): the WordPress.com blog home page has 13 headline links; no labelled
#: article has a root URL; the 12 undeclared articles with 25+ headline links and link shares up to 0.81
#: (football.ua, leichtathletik.de) are why link share alone does not decide.
INDEX_ROOT_MIN_HEADLINE_LINKS = 10
#: A page titled as a consent interstitial ("Before you continue to YouTube", "Antes de ir a Google Maps",
#: lang/boilerplate.CONSENT_TITLES) is a consent wall when its text carries at least this many consent phrases, even
#: though the screen explains cookies in a few paragraphs: the Google/YouTube interstitials recorded from
#: php-embed/Embed and youtube-transcript-api give 771-862 prose characters (above MIN_PROSE_CHARS, so the earlier
#: rules called all 8 articles) and 3-5 consent phrases (whitespace folded). Set on dev (third pass, 2026-12-04: the
#: 4 such pages on dev have 3-5 phrases; no labelled article has a consent title); the page must also have less
#: prose than WALL_MAX_PROSE_CHARS and not be marked up as an article. dev 0.9778/0.8261 -> 1.0/1.0, test
#: 0.9759/0.8667 -> 1.0/1.0 (article_precision/non_article_recall), article recall unchanged.
CONSENT_TITLED_MIN_PHRASES = 2

_ERROR_TITLE = re.compile(
    r"(\b(400|401|403|404|410|429|500|502|503|504|999)\b.{0,40}\b(error|not found|forbidden|unavailable|denied|"
    r"request|page|seite|oldal|introuvable)|\b(error|fehler|hiba|erreur)\s*:?\s*(400|401|403|404|410|429|500|502|"
    r"503|504|999)\b|^\s*(404|403|500|503)\s*$|page not found|not found|seite nicht gefunden|nicht gefunden|"
    r"nem található|introuvable|no encontrada|access denied|forbidden|just a moment|attention required|"
    r"unable to process request|request failed|service unavailable|internal server error|bad gateway|"
    r"are you a (robot|human)|captcha|security check|you have been blocked|page unavailable)",
    re.I,
)
_LOGIN_TITLE = re.compile(
    r"^\W*(sign[ -]?in|log[ -]?in|login|log on|member (center|centre|login)|my account|account login|anmelden|"
    r"anmeldung|einloggen|bejelentkezés|belépés|connexion|se connecter|iniciar sesión|acceder)\b",
    re.I,
)
_REGISTER_TITLE = re.compile(
    r"^\W*(register|registration|sign up|create (an|your) account|registrieren|registrierung|regisztráció|"
    r"inscription|regístrate|registro)\b",
    re.I,
)
_CONSENT_TITLE = re.compile(
    r"(before you continue|privacy (settings|choices|preferences|center)|cookie (consent|settings|preferences|policy)|"
    r"consent|datenschutz(einstellungen|erklärung)?|adatvédelmi beállítások|vie privée|tus opciones de privacidad)",
    re.I,
)
_LIVE = re.compile(
    r"(\blive\b|live[- ]?(blog|updates|ticker|coverage)|liveblog|live-ticker|élő|en direct|en vivo)", re.I
)
_CONSENT_MARKUP = re.compile(
    r"(onetrust|optanon|didomi|cookiebot|cybotcookiebot|qc-cmp|quantcast|sp_message|sp-message|sourcepoint|"
    r"fc-consent|fundingchoices|trustarc|truste-|usercentrics|cookielaw|consentmanager|cmpbox|iubenda|"
    r"gdpr|cookie-?consent|cookie-?banner|cookie-?notice|cookie-?wall|consent-?banner|consent-?wall|guce|"
    r"consent\.(google|youtube|yahoo)|collectconsent)",
    re.I,
)
_PAYWALL_MARKUP = re.compile(
    r"(?:^|[\s_-])(?:paywall|regwall|paywalled|piano-offer|subscriber-only|meter-?wall)(?:$|[\s_-])", re.I
)
_NOT_FREE = re.compile(r'"isAccessibleForFree"\s*:\s*"?(?:false|False|FALSE)"?')
_CHALLENGE_MARKUP = re.compile(
    r"(cf-browser-verification|cf_chl_|challenge-platform|cf-challenge|jschl|__cf_chl|cf-error-details|"
    r"cf-wrapper|px-captcha|distil_r_captcha|captcha-delivery)",
    re.I,
)
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "socialmediaposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "liveblogposting",
    }
)
_INDEX_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "website", "webpage", "profilepage"})
_LISTING_TYPES = frozenset({"collectionpage", "searchresultspage"})
# a site root or a bare language/edition segment: "/", "/en", "/de/", "/index.html"
_ROOT_PATH = re.compile(r"^/?(?:[a-z]{2}(?:-[a-z]{2})?/?|index\.\w{3,4})?$", re.I)
_SENT_END = re.compile(r"[.!?…。！？।။][\"'”’)\]」』]*$")
# Scripts written without spaces between words (Chinese, Japanese): a sentence's length counts instead. Korean is
# written with spaces and full stops and is counted like Latin text.
_NO_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# Scripts with no sentence-final punctuation in common use (Thai, Lao, Khmer) or with their own (Burmese "။"):
# a long line of running text counts as prose.
_UNPUNCTUATED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
#: A line in those scripts counts as prose from this many characters (a Thai news sentence runs 60-150).
UNPUNCTUATED_MIN_LINE_CHARS = 80
_CJK_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?][」』”’)]*")


@dataclass(frozen=True, slots=True)
class ClassifyOptions:
    """Thresholds of the verdict (defaults calibrated as their constants say)."""

    min_prose_chars: int = MIN_PROSE_CHARS
    min_text_prose_chars: int = MIN_TEXT_PROSE_CHARS
    wall_max_prose_chars: int = WALL_MAX_PROSE_CHARS
    index_min_headline_links: int = INDEX_MIN_HEADLINE_LINKS
    index_min_link_share: float = INDEX_MIN_LINK_SHARE
    index_max_prose_chars: int = INDEX_MAX_PROSE_CHARS


DEFAULT_CLASSIFY_OPTIONS = ClassifyOptions()


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """``kind`` is "article" or one of the non-article kinds of ``KINDS``; ``reason`` says why, for people."""

    kind: str
    reason: str

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the raw HTML says about the page (all zero/empty when there is no HTML)."""

    title: str = ""
    h1: str = ""
    og_type: str = ""
    ld_types: frozenset[str] = field(default_factory=frozenset)
    password_fields: int = 0
    forms: int = 0
    consent_markup: bool = False
    challenge_markup: bool = False
    paywall_markup: bool = False
    not_free: bool = False
    links: int = 0
    headline_links: int = 0
    link_chars: int = 0
    visible_chars: int = 0
    visible_text: str = ""

    @property
    def link_share(self) -> float:
        return self.link_chars / self.visible_chars if self.visible_chars else 0.0

    @property
    def says_article(self) -> bool:
        return self.og_type == "article" or bool(self.ld_types & _ARTICLE_TYPES)


def page_signals(html: bytes | str | None) -> PageSignals:
    """Parse the page once with lxml; broken or empty markup gives empty signals."""
    if not html:
        return PageSignals()
    data = html if isinstance(html, bytes) else html.encode("utf-8", "replace")
    try:
        # bytes that are valid UTF-8 are read as UTF-8: lxml alone falls back to Latin-1 when the page declares no
        # charset in its markup (the Google consent pages: "Iniciar sesiÃ³n"), and word lists then miss
        root = lxml.html.fromstring(data, parser=_UTF8_PARSER if _is_utf8(data) else None)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return PageSignals()
    if root is None:
        return PageSignals()

    def first(xpath: str) -> str:
        found = root.xpath(xpath)
        return " ".join(str(found[0]).split()) if found else ""

    title = first("//title/text()")
    h1 = " ".join(" ".join(root.xpath("(//h1)[1]//text()")).split())
    og_type = first('//meta[@property="og:type"]/@content').lower()
    ld_types: set[str] = set()
    not_free = False
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        if _NOT_FREE.search(raw):
            not_free = True
        try:
            _types(json.loads(raw), ld_types)
        except ValueError:
            ld_types.update(t.lower() for t in re.findall(r'"@type"\s*:\s*"(\w+)"', raw))
    attrs = " ".join(v for v in root.xpath("//@class | //@id") if isinstance(v, str))
    scripts = " ".join(v for v in root.xpath("//script/@src | //iframe/@src | //form/@action") if isinstance(v, str))
    inline = " ".join((s.text or "")[:2000] for s in root.xpath("//script[not(@src)]"))[:200_000]
    body = root.find("body") if root.tag != "body" else root
    visible_parts = (
        root.xpath(
            "//body//text()[not(ancestor::script) and not(ancestor::style) and "
            "not(ancestor::noscript) and not(ancestor::template)]"
        )
        if body is not None
        else []
    )
    visible = " ".join(" ".join(str(t) for t in visible_parts).split())
    links = headline_links = link_chars = 0
    for a in root.xpath("//body//a"):
        text = " ".join(a.text_content().split())
        links += 1
        link_chars += len(text)
        if len(text.split()) >= 4:
            headline_links += 1
    return PageSignals(
        title=title,
        h1=h1,
        og_type=og_type,
        ld_types=frozenset(ld_types),
        password_fields=len(root.xpath('//input[translate(@type, "PASWORD", "pasword")="password"]')),
        forms=len(root.xpath("//form")),
        consent_markup=bool(_CONSENT_MARKUP.search(attrs) or _CONSENT_MARKUP.search(scripts)),
        challenge_markup=bool(
            _CHALLENGE_MARKUP.search(attrs) or _CHALLENGE_MARKUP.search(scripts) or _CHALLENGE_MARKUP.search(inline)
        ),
        paywall_markup=bool(_PAYWALL_MARKUP.search(attrs)),
        not_free=not_free,
        links=links,
        headline_links=headline_links,
        link_chars=link_chars,
        visible_chars=len(visible),
        visible_text=visible[:20_000],
    )


_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _types(data: object, out: set[str], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            _types(item, out, depth + 1)
    elif isinstance(data, dict):
        t = data.get("@type")
        for v in t if isinstance(t, list) else [t]:
            if isinstance(v, str):
                out.add(v.lower())
        if "@graph" in data:
            _types(data["@graph"], out, depth + 1)


@dataclass(frozen=True, slots=True)
class Prose:
    """How much of a text reads as running prose once furniture lines are removed."""

    chars: int  # characters of prose sentences
    sentences: int
    lines: int  # non-empty lines of the raw text
    furniture_lines: int  # of those, lines that are furniture


def prose(text: str) -> Prose:
    lines = [ln for ln in (text or "").splitlines() if ln.strip()]
    furniture = [ln for ln in lines if is_boilerplate_line(ln)]
    kept = "\n".join(ln for ln in lines if not is_boilerplate_line(ln))
    chars = sentences = 0
    for line in kept.splitlines():
        if len(_UNPUNCTUATED.findall(line)) > len(line) // 3:
            if len(line.strip()) >= UNPUNCTUATED_MIN_LINE_CHARS:
                chars += len(line.strip())
                sentences += 1
            continue
        if len(_NO_SPACES.findall(line)) > len(line) // 3:
            # about two characters a word: a sentence of 16+ characters is one of 8+ words
            for s in _CJK_SENTENCE.findall(line):
                if len(s.strip()) >= 2 * PROSE_MIN_WORDS:
                    chars += 3 * len(s.strip())  # weighed as the Latin text it would translate to
                    sentences += 1
            continue
        for s in split_sentences(line):
            if len(s.split()) >= PROSE_MIN_WORDS and _SENT_END.search(s):
                chars += len(s)
                sentences += 1
    return Prose(chars, sentences, len(lines), len(furniture))


def _phrases(text: str, phrases: tuple[str, ...]) -> list[str]:
    # whitespace folded: inline markup splits phrases over lines ("En Google utilizamos\ncookies\ny datos para:")
    low = " ".join(text.split()).lower()
    return [p for p in phrases if p in low]


def classify_page(
    url: str,
    title: str,
    text: str,
    *,
    status: int | None = None,
    html: bytes | str | None = None,
    opts: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS,
    signals: PageSignals | None = None,
) -> PageVerdict:
    """The verdict on one item. ``text`` is the extracted main text (or an import's text); ``html`` the raw page
    when it was fetched; ``status`` its HTTP status. Never raises on odd input."""
    title = " ".join((title or "").split())
    text = text or ""
    sig = signals if signals is not None else page_signals(html)
    p = prose(text)
    if not html:  # judged on title and text alone: one sentence of prose is enough
        opts = replace(opts, min_prose_chars=opts.min_text_prose_chars)
    titles = " | ".join(t for t in (title, sig.title, sig.h1) if t)
    # What a reader of the page sees: the extracted text, or when extraction kept nothing, the visible page text.
    seen = text if p.chars >= opts.min_prose_chars or not sig.visible_text else text + "\n" + sig.visible_text
    short = p.chars < opts.wall_max_prose_chars

    # 1. error pages, blocked requests, bot checks
    if status is not None and (status >= 400 or status == 999):
        return PageVerdict("error-page", f"the server answered HTTP {status}")
    if (
        sig.challenge_markup
        and sig.visible_chars < CHALLENGE_MAX_VISIBLE_CHARS
        and (p.chars < opts.min_prose_chars or (not sig.says_article and p.chars < opts.wall_max_prose_chars))
    ):
        return PageVerdict("error-page", "a bot check (challenge or captcha) stands instead of the page")
    m = _ERROR_TITLE.search(titles)
    # a fetched page titled as an error and not marked up as an article: its text is the error page's furniture;
    # a title-and-text item needs to be almost without prose (an article may be about "page not found" errors)
    if m and p.chars < (opts.wall_max_prose_chars if html else 2 * opts.min_prose_chars) and not sig.says_article:
        return PageVerdict("error-page", f"the title reads as an error page ({m.group(0).strip()!r})")
    errs = _phrases(seen[:5000], ERROR_PHRASES)
    # an article page (marked up as one, two sentences or more) keeps its verdict: "protected by reCAPTCHA" footers
    if errs and p.chars < opts.min_prose_chars and not (sig.says_article and p.sentences >= 2):
        return PageVerdict("error-page", f"error-page wording ({errs[0]!r}) and no article text")

    # 2. walls: consent, login, registration, paywall; only when the page has little prose of its own
    if short:
        consent = _phrases(seen[:20000], CONSENT_PHRASES)
        consent_title = _phrases(titles, CONSENT_TITLES)
        if (
            (_CONSENT_TITLE.search(titles) and p.chars < opts.min_prose_chars)
            or (consent_title and len(consent) >= CONSENT_TITLED_MIN_PHRASES and not sig.says_article)
            or (len(consent) >= 2 and (sig.consent_markup or not html) and p.chars < opts.min_prose_chars)
            or (len(consent) >= 3 and _consent_heavy(text))
        ):
            what = ", ".join(repr(c) for c in (consent_title + consent)[:2]) or "a consent title"
            return PageVerdict("consent-wall", f"a cookie/consent screen ({what}) instead of the article")
        login = _phrases(seen[:20000], LOGIN_PHRASES)
        if p.chars < opts.min_prose_chars and (
            (sig.password_fields and (login or _LOGIN_TITLE.search(titles)) and not p.chars)
            or (_LOGIN_TITLE.search(titles) and (login or sig.password_fields))
            or len(login) >= 2
        ):
            what = (
                f"password field, {login[0]!r}"
                if sig.password_fields and login
                else ("password field" if sig.password_fields else repr(login[0]) if login else "a sign-in title")
            )
            return PageVerdict("login-wall", f"a sign-in page ({what}) instead of the article")
        reg = _phrases(seen[:20000], REGISTRATION_PHRASES)
        if p.chars < opts.min_prose_chars and (reg or _REGISTER_TITLE.search(titles)):
            what = repr(reg[0]) if reg else "a registration title"
            return PageVerdict("registration-wall", f"a registration page ({what}) instead of the article")
        pay = _phrases(seen[:20000], PAYWALL_PHRASES)
        if p.chars < opts.min_prose_chars * 2 and (
            sig.not_free or pay or (sig.paywall_markup and p.chars < opts.min_prose_chars)
        ):
            what = "marked not free" if sig.not_free else (repr(pay[0]) if pay else "a paywall container")
            return PageVerdict("paywall", f"a subscription teaser ({what}) with {p.chars} characters of prose")

    # 3. live-blog shells
    if p.chars < opts.min_prose_chars and (
        "liveblogposting" in sig.ld_types or _LIVE.search(titles) or _LIVE.search(urlsplit(url).path if url else "")
    ):
        return PageVerdict("live-blog-shell", "a live blog without its updates (loaded by script)")

    # 4. index, section and home pages
    declared_article = bool(sig.ld_types & _ARTICLE_TYPES)
    if (
        html
        and url
        and url.startswith("http")
        and _ROOT_PATH.match(urlsplit(url).path or "/")
        and sig.headline_links >= INDEX_ROOT_MIN_HEADLINE_LINKS
        and not declared_article
    ):
        return PageVerdict(
            "index-page", f"the site's home page ({urlsplit(url).path or '/'}) with {sig.headline_links} headline links"
        )
    if (
        html
        and sig.ld_types & _LISTING_TYPES
        and not declared_article
        and sig.headline_links >= opts.index_min_headline_links
    ):
        return PageVerdict(
            "index-page",
            f"declared a listing ({', '.join(sorted(sig.ld_types & _LISTING_TYPES))})"
            f" with {sig.headline_links} headline links",
        )
    if (
        html
        and p.chars < opts.index_max_prose_chars
        and sig.headline_links >= opts.index_min_headline_links
        and sig.link_share >= opts.index_min_link_share
        and not _is_article_markup(sig, p, opts)
    ):
        return PageVerdict(
            "index-page",
            f"{sig.headline_links} headline links, {sig.link_share:.0%} of the page "
            f"text is links, {p.chars} characters of prose",
        )
    if not html and p.chars < opts.min_prose_chars and p.lines >= 8 and _headline_list(text):
        return PageVerdict("index-page", f"a list of {p.lines} short lines and no running text")

    # 5. nothing to read
    if p.chars < opts.min_prose_chars:
        if p.lines and p.furniture_lines >= max(1, p.lines // 2):
            return PageVerdict(
                "chrome-only",
                f"{p.furniture_lines} of {p.lines} lines are site furniture "
                f"(labels, bylines, credits, plugs); {p.chars} characters of prose",
            )
        return PageVerdict("empty", f"{p.chars} characters of prose ({p.sentences} sentences)")
    return PageVerdict("article", f"{p.sentences} sentences, {p.chars} characters of prose")


def _is_article_markup(sig: PageSignals, p: Prose, opts: ClassifyOptions) -> bool:
    """An article page with long link rails still declares itself and carries prose of its own."""
    return sig.says_article and p.chars >= opts.min_prose_chars * 2


def _consent_heavy(text: str) -> bool:
    low = text.lower()
    return (low.count("cookie") + low.count("consent") + low.count("partners") + low.count("privacy")) >= 6


def _headline_list(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    short = sum(1 for ln in lines if len(ln.split()) <= 14 and not _SENT_END.search(ln))
    return short >= 0.7 * len(lines)
