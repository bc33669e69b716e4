"""URLs as the corpus records them: the host a document came from, and the form that finds the same page."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def host(url: str) -> str | None:
    """The URL's host name in lower case, without a leading "www."; None when it has none."""
    try:
        name = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return name.removeprefix("www.") if name else None


def same_page(url: str) -> str | None:
    """A key equal for two URLs of one page: scheme and host in lower case, no fragment, no default port,
    no trailing slash ("HTTPS://Example.com/a/#top" and "https://example.com/a" are one page). None for a
    URL that names no one page, so that it never makes two documents one: a placeholder ("about:blank",
    "N/A", a URN: no http(s) host) or a site's home page (its front page changes with every fetch)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    path = parts.path.rstrip("/")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not (path or parts.query):
        return None
    netloc = parts.hostname + (f":{port}" if port and port not in (80, 443) else "")
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))
