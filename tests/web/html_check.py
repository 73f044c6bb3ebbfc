"""Shared checks for the web tests: parse rendered HTML and find anything executable."""

from __future__ import annotations

from html.parser import HTMLParser

URL_ATTRS = {"href", "src", "action", "formaction", "cite", "data", "poster", "background", "xlink:href"}


class Collector(HTMLParser):
    """Collects every start tag with its attributes, and the document's headings in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    return c


def dangers(html: str) -> list[str]:
    """Everything in ``html`` that could run script: script/iframe/object tags, on* attributes, bad URLs."""
    problems = []
    if "<script" in html.lower():
        problems.append("raw <script in output")
    for tag, attrs in parse(html).tags:
        if tag in ("script", "iframe", "object", "embed", "svg", "img", "style", "base", "form"):
            problems.append(f"tag <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRS and value is not None:
                v = "".join(value.split()).lower()
                scheme = v.split("/")[0]
                if v.startswith("//") or (":" in scheme and not v.startswith(("http://", "https://"))):
                    problems.append(f"suspicious {name}={value!r} on <{tag}>")
            if tag == "meta" and name == "content" and value and "url=" in value.lower():
                target = value.lower().split("url=", 1)[1].strip()
                if not target.startswith(("../", "./", "http://", "https://")):
                    problems.append(f"meta refresh to {value!r}")
    return problems


def hrefs(html: str) -> list[str]:
    return [a["href"] for tag, a in parse(html).tags if tag == "a" and a.get("href")]


def headings(html: str) -> list[int]:
    return [int(tag[1]) for tag, _ in parse(html).tags if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()]
