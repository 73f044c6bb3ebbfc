"""Shared checks for the web tests: parse rendered HTML and find anything executable."""

from __future__ import annotations

from html.parser import HTMLParser

URL_ATTRS = {"href", "src", "action", "formaction", "cite", "data", "poster", "background", "xlink:href"}


class Collector(HTMLParser):
    """Collects every start tag with its attributes, and the document's headings in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []  # (attributes, raw text) of each <script>
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data):
        if self._in_script is not None:  # script content is raw text: no entity or tag inside is parsed
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    return c


def json_ld(html: str) -> list[object]:
    """The parsed JSON of every ``<script type="application/ld+json">`` data block of ``html``."""
    import json

    return [json.loads(text) for attrs, text in parse(html).scripts if attrs.get("type") == "application/ld+json"]


def _data_block_ok(attrs: dict[str, str | None], text: str) -> bool:
    """A JSON-LD data block is allowed: never executed, and safe while no ``<`` can end it early."""
    import json

    if set(attrs) != {"type"} or attrs["type"] != "application/ld+json" or "<" in text:
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def dangers(html: str) -> list[str]:
    """Everything in ``html`` that could run script: script/iframe/object tags, on* attributes, bad URLs. The one
    script element allowed is a JSON-LD data block whose text is valid JSON with no ``<`` in it."""
    problems = []
    doc = parse(html)
    data_blocks = sum(_data_block_ok(attrs, text) for attrs, text in doc.scripts)
    if html.lower().count("<script") != data_blocks:
        problems.append("raw <script in output")
    for tag, attrs in doc.tags:
        if tag == "script" and data_blocks:
            data_blocks -= 1  # counted above; any other script tag is reported
            continue
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
