"""Sources: the registry of outlets copydesk reads (declarative data in ``copydesk/data/sources.toml``)."""

from copydesk.sources.official import OFFICIAL_LABEL, balance_note, is_party, official_label
from copydesk.sources.registry import (
    dump_registry,
    export_opml,
    import_opml,
    load_default_registry,
    load_registry,
    on_outlet_site,
    outlet_for_url,
    registry_from_data,
    validate_registry_data,
)

__all__ = [
    "OFFICIAL_LABEL",
    "balance_note",
    "is_party",
    "official_label",
    "dump_registry",
    "export_opml",
    "import_opml",
    "load_default_registry",
    "load_registry",
    "on_outlet_site",
    "outlet_for_url",
    "registry_from_data",
    "validate_registry_data",
]
