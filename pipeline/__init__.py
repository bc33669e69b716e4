"""Seed-corpus pipeline: decode, repair, strip boilerplate, extract metadata, deduplicate, write JSONL."""

__version__ = "0.6.0"
