"""A small newsroom for the worker tests: EVENTS news events, each reported by OUTLETS outlets whose RSS feeds and
article pages a loopback server serves, and an embedder that needs no model (hashed bag of words)."""

from __future__ import annotations

import re
import time
import zlib
from datetime import datetime, timedelta, timezone

import numpy as np

from testsupport import outlet_toml

EVENTS = [
    (
        "The city council approved a new tram line linking the airport with the central railway station",
        "Construction of the tram line will start in spring and the mayor expects the first trams within three years",
        "Opposition councillors criticised the budget of the tram project as far too optimistic",
    ),
    (
        "A major earthquake struck the northern mountains early on Tuesday, damaging hundreds of village houses",
        "Rescue teams searched collapsed buildings through the night while aftershocks shook the region",
        "Seismologists measured the quake at magnitude six near the remote mountain villages",
    ),
    (
        "The central bank raised its benchmark interest rate by half a percentage point to fight inflation",
        "Bank economists said consumer prices rose faster than expected for the third month running",
        "Mortgage holders will pay more as commercial lenders follow the central bank rate decision",
    ),
    (
        "Scientists announced the discovery of a new species of giant tortoise on a remote Pacific island",
        "The tortoise population was found by a research expedition studying volcanic island ecology",
        "Conservation groups called for protection of the island habitat where the tortoises live",
    ),
    (
        "Farmers blocked motorways with tractors to protest against lower agricultural subsidies",
        "The farmers' union said grain growers cannot survive the planned subsidy cuts this harvest",
        "Police diverted traffic around the tractor blockades as the farm protest grew",
    ),
    (
        "The national football team won the championship final after a dramatic penalty shootout",
        "The goalkeeper saved two penalties as supporters celebrated the football victory in the capital",
        "The football coach praised the players and dedicated the championship trophy to the fans",
    ),
]
OUTLETS = ["north", "south", "east"]
FILLERS = [
    "Officials said more details would follow later in the week, and local residents told reporters they were "
    "following the news closely.",
    "Our correspondent spoke to several witnesses on the ground; this report will be updated as information comes in.",
    "Readers can send tips to the newsroom by e-mail, and our editors check every message before publishing.",
]


def article_id(e: int, o: str) -> str:
    return f"{o}-event-{e}"


def registry(server) -> str:
    return "".join(outlet_toml(o, f"{o.title()} Herald", server.url(f"/{o}.xml")) for o in OUTLETS)


def publish(server, events: range | list[int] | None = None, delay_s: float = 0.0) -> int:
    """Serve each outlet's feed with ``events`` (default all) and their pages; the number of articles served."""
    events = list(range(len(EVENTS))) if events is None else list(events)
    base = datetime(2026, 12, 4, 6, tzinfo=timezone.utc)
    n = 0
    for k, o in enumerate(OUTLETS):
        items = []
        for e in events:
            when = base + timedelta(hours=e, minutes=7 * k)
            title = f"{EVENTS[e][k % 3].split(',')[0][:80]}"
            facts = EVENTS[e]
            # each outlet tells the event in its own words: two of its three facts and its own furniture, so that the
            # reports are not copies (dedup) and clustering decides that they belong together
            sents = [facts[k % 3] + ".", facts[(k + 1) % 3] + ".", FILLERS[k]]
            body = "".join(f"<p>{s}</p>" for s in sents)
            path = f"/{o}/{article_id(e, o)}.html"
            page = (
                f"<!doctype html><html lang='en'><head><title>{title}</title>"
                f"<meta property='article:published_time' content='{when.isoformat()}'></head><body>"
                f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>"
            )
            server.add(path, page.encode(), content_type="text/html; charset=utf-8", delay_s=delay_s)
            items.append(
                f"<item><title>{title}</title><link>{server.url(path)}</link><guid>{server.url(path)}</guid>"
                f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                f"<description>{EVENTS[e][k % 3]}.</description></item>"
            )
            n += 1
        feed = (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>{o}</title><link>{server.url('/')}</link>"
            f"<description>{o}</description>{''.join(items)}</channel></rss>"
        )
        server.add(f"/{o}.xml", feed.encode(), content_type="application/rss+xml")
    return n


def event_of(url: str) -> int:
    return int(re.search(r"-event-(\d+)", url).group(1))


KEYWORDS = [set(re.findall(r"[a-z]{5,}", " ".join(facts).lower())) for facts in EVENTS]
KEYWORDS = [k - set().union(*(o for j, o in enumerate(KEYWORDS) if j != i)) for i, k in enumerate(KEYWORDS)]


class KeywordEmbedder:
    """One dimension per event, weighted by the event's own words in the text, plus a hashed bag of the other words
    at a tenth of the weight: reports of one event meet, reports of different events do not, and no model is
    needed. ``delay_s``: each call takes that long (a slow model, so a test can kill a worker mid-task)."""

    name, dim = "keywords-test", 64

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s

    def embed(self, texts):
        if self.delay_s:
            time.sleep(self.delay_s)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]{5,}", (t or "").lower()):
                hit = [e for e, k in enumerate(KEYWORDS) if w in k]
                if hit:
                    out[i, hit[0]] += 1.0
                else:
                    out[i, len(EVENTS) + zlib.crc32(w.encode()) % (self.dim - len(EVENTS))] += 0.1
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
        return out
