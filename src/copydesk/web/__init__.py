"""The published site: HTML pages, JSON API, feeds and sitemaps rendered from an immutable ``Edition``.

``render`` holds the page and JSON renderers (and the URL scheme in its docstring), ``discovery`` the feeds,
sitemaps, robots.txt and the pages' JSON-LD and Open Graph tags; ``app`` serves them with FastAPI (with ETags
and 304s); ``export`` writes the same bytes as a static site.
"""

from copydesk.web.export import export_site
from copydesk.web.render import safe_url

__all__ = ["create_app", "export_site", "safe_url"]


def __getattr__(name: str):  # keep FastAPI out of imports that only need the renderers or the export
    if name == "create_app":
        from copydesk.web.app import create_app

        return create_app
    raise AttributeError(name)
