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
        if tag in ("script", "iframe", "object", "embed", "svg", "img", "style", "base"):
            problems.append(f"tag <{tag}>")
        if tag == "form":  # the site's own forms (search) submit to a relative address on this site
            action = "".join((attrs.get("action") or "").split()).lower()
            if not action or action.startswith("//") or ":" in action.split("/")[0]:
                problems.append(f"form submitting to {attrs.get('action')!r}")
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
            if (
                tag == "meta"
                and name == "content"
                and value
                and "url=" in value.lower()
                and (attrs.get("http-equiv") or "").lower() == "refresh"
            ):  # only a refresh navigates
                target = value.lower().split("url=", 1)[1].strip()
                if not target.startswith(("../", "./", "http://", "https://")):
                    problems.append(f"meta refresh to {value!r}")
    return problems


def hrefs(html: str) -> list[str]:
    return [a["href"] for tag, a in parse(html).tags if tag == "a" and a.get("href")]


def headings(html: str) -> list[int]:
    return [int(tag[1]) for tag, _ in parse(html).tags if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Nesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"end tag of void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
        else:
            self.stack.pop()


def malformed(html: str) -> list[str]:
    """What keeps ``html`` from being a well-formed document as our templates write it: every element closed
    in order (void elements excepted), one doctype, no NUL or other C0 control character, no unpaired
    surrogate. (Our templates close every element, so this is stricter than HTML requires.)"""
    problems = []
    if not html.lstrip().lower().startswith("<!doctype html>"):
        problems.append("no doctype")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in html):
        problems.append("control character in the page")
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("not encodable as UTF-8")
    p = _Nesting()
    p.feed(html)
    p.close()
    problems += p.problems
    if p.stack:
        problems.append(f"unclosed elements: {p.stack}")
    return problems
