"""Lines and sentences that are site furniture, not reporting: labels, bylines, credits, plugs, walls.

One copy of the word lists, per language (English first; German, Hungarian, French, Spanish where cheap). Used by

* ``ingest.classify`` (is a page's text mostly furniture? does it read like a login, consent or error page?),
* ``clean_text`` at ingest, before an article's text is stored, and
* ``write`` (``is_boilerplate_sentence``), so that none of these ever becomes a published sentence.

A *line* is one paragraph of extracted text (trafilatura gives one per line). Line rules match the whole line
(anchored), so a real sentence that merely mentions a newsletter or a photograph is kept; the sentence rule
(``is_boilerplate_sentence``) is the writer's older, broader test plus the line rules.
"""

from __future__ import annotations

import re

__all__ = [
    "BOILERPLATE_SENTENCE",
    "CONSENT_PHRASES",
    "CONSENT_TITLES",
    "ERROR_PHRASES",
    "LABELS",
    "LOGIN_PHRASES",
    "REGISTRATION_PHRASES",
    "clean_text",
    "is_boilerplate_line",
    "is_boilerplate_sentence",
]

#: A line longer than this is never called furniture by the label/credit/byline rules: those are short by
#: nature (the longest real byline-with-date line seen on the Zyte pages is about 120 characters).
MAX_FURNITURE_CHARS = 160

#: Lines that, alone, are section labels, buttons or widget titles, not text ("Opinion", "Advertisement", "Read
#: more"); compared lower-cased with surrounding punctuation stripped.
LABELS = frozenset(
    {
        # English
        "advertisement",
        "advertisements",
        "ad",
        "sponsored",
        "sponsored content",
        "paid content",
        "paid post",
        "partner content",
        "promoted",
        "opinion",
        "opinions",
        "analysis",
        "commentary",
        "editorial",
        "editorials",
        "column",
        "comment",
        "comments",
        "review",
        "live",
        "live updates",
        "breaking",
        "breaking news",
        "exclusive",
        "developing",
        "developing story",
        "update",
        "updated",
        "explainer",
        "fact check",
        "watch",
        "video",
        "videos",
        "listen",
        "audio",
        "podcast",
        "photos",
        "photo gallery",
        "gallery",
        "related",
        "related articles",
        "related stories",
        "related content",
        "more",
        "more stories",
        "more on this story",
        "more from",
        "top stories",
        "most read",
        "most popular",
        "most viewed",
        "trending",
        "trending now",
        "recommended",
        "recommended for you",
        "you may also like",
        "read more",
        "read next",
        "up next",
        "next article",
        "previous article",
        "share",
        "share this",
        "share this article",
        "share this story",
        "print",
        "email",
        "tweet",
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "copy link",
        "save",
        "bookmark",
        "log in",
        "sign in",
        "sign up",
        "subscribe",
        "menu",
        "search",
        "home",
        "close",
        "skip to content",
        "skip to main content",
        "back to top",
        "loading",
        "advertisement - scroll to continue",
        "story continues below advertisement",
        "scroll to continue with content",
        "continue reading",
        "continue reading below",
        "article continues below",
        "listen to this article",
        "view comments",
        "show comments",
        "leave a comment",
        "editor's picks",
        "editors' picks",
        "don't miss",
        "ad feedback",
        "story highlights",
        "key points",
        "watch now",
        "watch live",
        "click to expand",
        "image",
        "file photo",
        "reuters",
        "ap",
        "afp",
        "member center",
        # German
        "anzeige",
        "werbung",
        "meinung",
        "kommentar",
        "analyse",
        "leitartikel",
        "gastbeitrag",
        "liveblog",
        "live-ticker",
        "teilen",
        "drucken",
        "weitere artikel",
        "mehr zum thema",
        "das könnte sie auch interessieren",
        "empfehlungen",
        "artikel teilen",
        "zurück",
        "weiterlesen",
        # Hungarian
        "hirdetés",
        "reklám",
        "vélemény",
        "elemzés",
        "publicisztika",
        "kommentár",
        "megosztás",
        "nyomtatás",
        "kapcsolódó",
        "kapcsolódó cikkek",
        "legolvasottabb",
        "friss",
        "ajánló",
        "tovább",
        # French, Spanish
        "publicité",
        "partager",
        "lire aussi",
        "à lire aussi",
        "publicidad",
        "opinión",
        "análisis",
        "compartir",
        "lee también",
        "te puede interesar",
    }
)

_LINE_PATTERNS = [
    # continue/read more prompts, in several languages
    r"(continue|keep) reading.{0,80}",
    r"read (more|the full (story|article)|on)\b.{0,80}",
    r"(click|tap) here\b.{0,120}",
    r"(weiterlesen|mehr lesen|lesen sie (auch|mehr|hier)|zum artikel|jetzt lesen).{0,80}",
    r"(tovább olvasom|tovább a cikkhez|olvassa el (ezt )?is|bővebben)(\s*[:»›>].{0,80})?",
    r"(lire la suite|lire aussi|à lire aussi|leer más|lee también|seguir leyendo).{0,80}",
    # "Jane Doe | Reuters | March 3, 2021", "Byline | 12 May 2020 | 3 min read": bars/bullets with a date or time
    r"[^.!?]{0,80}\s[|•·]\s[^.!?]{0,100}",
    # date lines: "Published: 12:34 EST, 3 March 2021", "Updated 3:45 PM ET, Mon March 1, 2021", "2 hours ago"
    r"(published|updated|posted|last updated|first published|veröffentlicht|aktualisiert|stand|frissítve|"
    r"publikálva|publié|mis à jour|publicado|actualizado)\s*(on|at|am|:)?\s*(\w+,?\s+)?"
    r"(\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|yesterday|today|"
    r"gestern|heute|tegnap|ma\b)[^!?]{0,100}",
    r"\d{1,2}\s+(minutes?|hours?|days?|weeks?|min|hrs?)\s+ago",
    r"\d{1,3}\s*(-|\s)?(min(ute)?s?|minuten)\.?\s+(read|lesezeit|olvasás)",
    r"(lesezeit|reading time|olvasási idő)[:\s]+.{0,30}",
    r"((mon|tue|wed|thu|fri|sat|sun)\w*,?\s+)?\(?\d{1,2}[./ ]\s*\w+\.?[./ ]\s*\d{2,4}\)?(,?\s+\d{1,2}[:.]\d{2}.{0,20})?",
    r"\w+\.?\s+\d{1,2},?\s+\d{4}(,?\s+(at\s+)?\d{1,2}[:.]\d{2}.{0,20})?",
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}\.?(\s+\d{1,2}[:.]\d{2}.{0,20})?",
    # photo and picture credits
    r"(photo|photograph|photos|image|picture|pictures|video|graphic|illustration|credit|source|foto|fotó|bild|"
    r"bildquelle|quelle|kép|forrás|crédit|crédito|imagen)s?\s*(credit)?\s*[:©/].{0,150}",
    r"(\(|\[)?(photo|image|picture|video|foto|fotó|bild)s?\s+(by|von|courtesy of|:)\s.{0,150}",
    r"(image|photo) (copyright|caption)\b.{0,150}",
    r"©.{0,150}",
    r"[^.!?]{0,100}(getty images|shutterstock|istock(photo)?|ap photo|reuters/|afp via getty|mti fotó)[^.!?]{0,60}\.?",
    # newsletters and subscription plugs
    r"(sign up|subscribe|register|join)\b.{0,60}\b(newsletter|briefing|inbox|email|updates|alerts)\b.{0,120}",
    r"(get|receive) (the|our|all the)\b.{0,60}\b(newsletter|inbox|in your inbox|delivered)\b.{0,120}",
    r".{0,60}\bnewsletter\b.{0,60}(sign up|subscribe|here|now|free)\W{0,3}",
    r"(newsletter abonnieren|jetzt abonnieren|zum newsletter|iratkozzon fel|feliratkozás|hírlevél).{0,120}",
    # registration and membership walls ("Registering for Example.com is free", "Member Center")
    r"registering (for|with|on) .{1,80} is (free|quick|easy).{0,200}",
    r"(registration|signing up|membership) is (free|quick|easy).{0,200}",
    r"(already (a (member|subscriber)|registered|have an account)).{0,120}",
    r"member (center|centre|login|services)\W{0,3}",
    r"(create|register for) (a|your) free account.{0,150}",
    # social and sharing furniture
    r"(follow|like) us (on|at)\b.{0,120}",
    r"share (this|on|via)\b.{0,80}",
    r"(folgen sie uns|kövess minket|suivez-nous|síguenos).{0,100}",
    # reprint notes and credits
    r"(copyright|\(c\))\s*(\d{4}|©).{0,150}",
    r".{0,100}all rights reserved\.?.{0,60}",
    r"(alle rechte vorbehalten|minden jog fenntartva|tous droits réservés|todos los derechos reservados).{0,60}",
    r"this (story|article) (has been|was) (updated|corrected|amended).{0,200}",
    r"this (story|article) (originally )?(appeared|was (first |originally )?published) (in|on|at)\b.{0,200}",
    r"(reporting|writing|editing|additional reporting) by\b.{0,200}",
    r"(the )?associated press contributed to this report\.?",
    r"[^.!?]{0,60}contributed to this (report|story)\.?",
    r"(advertisement|anzeige|hirdetés|publicité|publicidad)(\s*[-–—:|].{0,60})?",
    r"story continues below.{0,40}",
    r"(we use cookies|this (web)?site uses cookies).{0,300}",
    r"(javascript is (disabled|required)|please enable javascript).{0,200}",
]
_NAME = r"[A-ZÀ-ÝŐŰ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÝŐŰ][\w'’.-]*|de|van|von|der|den|bin|al|da|di|del|la|le)){0,4}"
#: Bylines, case-sensitive (names are capitalised): "By Jane Doe", "By JANE DOE and JOHN ROE, Associated Press",
#: "Von Max Muster", "Írta: Kovács Péter".
_BYLINE_RE = re.compile(
    r"^\W{0,3}(?:By|BY|by|Von|VON|von|Írta|Par|Por)[:\s]+"
    + _NAME
    + r"(?:\s*(?:,|and|AND|&|und|és|et|y)\s*"
    + _NAME
    + r"){0,3}(?:\s*[,|•·–—-]\s*[A-Z0-9][^.!?]{0,80})?\W{0,3}$"
)
_LINE_RE = re.compile(r"^\W{0,3}(?:" + "|".join(f"(?:{p})" for p in _LINE_PATTERNS) + r")\W{0,3}$", re.I | re.S)
# Rules that describe a long plug or wall sentence are allowed on longer lines; all others only on short ones.
_LONG_OK = re.compile(
    r"^\W{0,3}(registering (for|with|on) .{1,80} is (free|quick|easy)|(registration|signing up|membership) is "
    r"(free|quick|easy)|this (story|article) (has been|was|originally)|(we use cookies|this (web)?site uses cookies))",
    re.I,
)

#: The writer's older sentence test (substring, any position): a sentence carrying any of these never becomes a
#: published sentence, even inside a longer paragraph.
BOILERPLATE_SENTENCE = re.compile(
    r"(click here|subscribe|sign up|newsletter|all rights reserved|copyright|cookie|follow us|read more|"
    r"share this|advertisement|terms of (use|service)|privacy policy|this story has been|is a stub|"
    r"contributed to this report|^photo:|^image:|javascript|continue reading|registering for|member center|"
    r"already a subscriber|already a member|getty images|ap photo|(reporting|editing) by)",
    re.I,
)

#: Phrases of a login page or login wall (lower case).
LOGIN_PHRASES = (
    "forgot your password",
    "forgot password",
    "forgotten your password",
    "reset your password",
    "remember me",
    "keep me signed in",
    "keep me logged in",
    "stay signed in",
    "sign in to your account",
    "log in to your account",
    "log into your account",
    "sign in with google",
    "sign in with apple",
    "continue with google",
    "continue with facebook",
    "don't have an account",
    "do not have an account",
    "new user? register",
    "username or email",
    "email or username",
    "email address or username",
    "enter your password",
    "member center",
    "member login",
    "please log in",
    "please sign in",
    "you must be logged in",
    "you need to be logged in",
    "login required",
    "log in to continue",
    "sign in to continue",
    "passwort vergessen",
    "angemeldet bleiben",
    "jetzt anmelden",
    "bitte melden sie sich an",
    "benutzername",
    "elfelejtett jelszó",
    "elfelejtette jelszavát",
    "bejelentkezve maradok",
    "jelentkezzen be",
    "mot de passe oublié",
    "se souvenir de moi",
    "olvidaste tu contraseña",
    "¿olvidaste tu contraseña",
)

#: Phrases of a registration wall (lower case).
REGISTRATION_PHRASES = (
    "registering for",
    "registration is free",
    "register for free",
    "register now",
    "create a free account",
    "create your free account",
    "create an account to continue",
    "register to continue",
    "register to read",
    "sign up to continue",
    "sign up to read",
    "sign up for free to continue",
    "free registration",
    "to continue reading, please register",
    "already registered?",
    "kostenlos registrieren",
    "jetzt registrieren",
    "registrieren sie sich",
    "ingyenes regisztráció",
    "regisztráljon",
    "inscrivez-vous gratuitement",
    "regístrate gratis",
)

#: Phrases of a cookie or consent wall (lower case).
CONSENT_PHRASES = (
    "before you continue",
    "we value your privacy",
    "your privacy choices",
    "privacy preference center",
    "manage your privacy",
    "we and our partners",
    "we and our vendors",
    "our partners use cookies",
    "use cookies and similar technologies",
    "accept all cookies",
    "accept all",
    "reject all",
    "manage cookies",
    "cookie settings",
    "cookie preferences",
    "consent to the use of cookies",
    "your consent",
    "by clicking “accept",
    'by clicking "accept',
    "by clicking accept",
    "store and/or access information on a device",
    "personalised ads and content",
    "personalized ads and content",
    "legitimate interest",
    "to continue, please accept",
    "agree and continue",
    "i agree",
    "cookie policy",
    "wir und unsere partner",
    "alle akzeptieren",
    "cookie-einstellungen",
    "datenschutzeinstellungen",
    "zustimmung",
    "einwilligung",
    "ön és partnereink",
    "összes elfogadása",
    "sütibeállítások",
    "sütik",
    "nous et nos partenaires",
    "tout accepter",
    "aceptar todo",
    "nosotros y nuestros socios",
    # Google's and YouTube's consent interstitial in Spanish and German (recorded pages in bench/data/pages)
    "usamos cookies",
    "utilizamos cookies",
    "cookies y datos",
    "rechazar todo",
    "si aceptas",
    "si eliges aceptar",
    "verwendet cookies",
    "cookies und daten",
    "wenn sie zustimmen",
    "nutzen wir cookies",
    "alle ablehnen",
)

#: Titles (or first headings) of a consent interstitial, the screen a site shows before the requested page
#: (lower case; matched anywhere in the title): "Before you continue to YouTube", "Antes de ir a Google Maps".
CONSENT_TITLES = (
    "before you continue",
    "bevor sie zu",
    "bevor sie fortfahren",
    "bevor sie weitergehen",
    "antes de ir a",
    "antes de continuar",
    "avant d'accéder",
    "avant de continuer",
    "prima di continuare",
    "voordat je verdergaat",
    "zanim przejdziesz",
    "mielőtt továbblépne",
)

#: Phrases of an HTTP error page, a blocked request or a bot check (lower case).
ERROR_PHRASES = (
    "page not found",
    "404 not found",
    "error 404",
    "404 error",
    "404 - page",
    "404 page",
    "the page you requested",
    "the page you are looking for",
    "the page you were looking for",
    "this page doesn't exist",
    "this page does not exist",
    "page you requested could not be found",
    "could not be found",
    "no longer available",
    "has been removed",
    "has been moved or deleted",
    "unable to process request",
    "error 999",
    "request failed",
    "access denied",
    "access to this page has been denied",
    "403 forbidden",
    "forbidden",
    "500 internal server error",
    "internal server error",
    "service unavailable",
    "502 bad gateway",
    "bad gateway",
    "503 service",
    "gateway timeout",
    "temporarily unavailable",
    "something went wrong",
    "an error occurred",
    "an error has occurred",
    "oops",
    "whoops",
    "checking your browser",
    "just a moment",
    "attention required",
    "verify you are human",
    "are you a robot",
    "are you a human",
    "enable javascript and cookies",
    "please enable cookies",
    "unusual traffic",
    "unusual activity",
    "press & hold",
    "complete the security check",
    "captcha",
    "ddos protection",
    "ray id",
    "why have i been blocked",
    "you have been blocked",
    "request blocked",
    "seite nicht gefunden",
    "seite wurde nicht gefunden",
    "die angeforderte seite",
    "fehler 404",
    "nicht gefunden",
    "az oldal nem található",
    "a keresett oldal nem található",
    "oldal nem található",
    "hiba történt",
    "page introuvable",
    "page non trouvée",
    "página no encontrada",
    "no se ha encontrado la página",
    # block pages of bot-protection services (Incapsula, Project Shield, Akamai), and in other languages
    "request unsuccessful",
    "incapsula incident",
    "you will be connected to",
    "reference #18.",
    "you don't have permission to access",
    "zugriff verweigert",
    "accès refusé",
    "acceso denegado",
    "hozzáférés megtagadva",
)


def is_boilerplate_line(line: str) -> bool:
    """True when a whole line (paragraph) is furniture: a label, byline, date line, credit, plug or wall text."""
    s = line.strip()
    if not s:
        return True
    low = s.lower().strip(" \t:;|•·–—-_*#>»«\"'“”‘’()[]")
    if low in LABELS:
        return True
    if len(s) > MAX_FURNITURE_CHARS and not _LONG_OK.match(s):
        return False
    return bool(_LINE_RE.match(s) or _BYLINE_RE.match(s))


def is_boilerplate_sentence(sentence: str) -> bool:
    """True when a sentence must not be published: the writer's substring test, or a furniture line."""
    return bool(BOILERPLATE_SENTENCE.search(sentence)) or is_boilerplate_line(sentence)


def clean_text(text: str) -> str:
    """An article's text without its furniture lines (paragraph breaks kept); lines are never edited inside."""
    if not text:
        return ""
    return "\n".join(line for line in text.splitlines() if line.strip() and not is_boilerplate_line(line))
