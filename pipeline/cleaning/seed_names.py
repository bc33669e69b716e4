"""What a seed's file name tells before its bytes are read: whether it holds several records (a WARC crawl,
a JSON Lines export, either gzip-compressed) and whether it is an HTML page. Imports nothing: the scan of
SEEDS asks it of every file."""

from __future__ import annotations

WARC_SUFFIXES = (".warc",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")


def is_container(name: str) -> bool:
    """Whether a seed file of this name may hold several documents (then its records are numbered)."""
    return name.lower().removesuffix(".gz").endswith(WARC_SUFFIXES + JSONL_SUFFIXES)


def is_html(name: str) -> bool:
    """Whether the name says HTML ("story.html", "story.html.gz"); other names let the bytes decide."""
    return name.lower().removesuffix(".gz").endswith(HTML_SUFFIXES)
