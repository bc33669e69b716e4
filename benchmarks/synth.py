"""A realistic seed folder of any size for scale benchmarks: real article prose (word-shuffled so that every
document is new), many sites each with its own chrome, a share of HTML pages, and planted exact and near
duplicates. Deterministic for a given seed."""

from __future__ import annotations

import json
import random
from pathlib import Path

SITES = 60


def vocabulary_and_paragraphs(aeb: Path) -> tuple[list[str], list[str]]:
    """Words and paragraphs of the benchmark's real article bodies."""
    paragraphs = [p.strip() for line in (aeb / "textmode.jsonl").read_text().splitlines()
                  for p in json.loads(line)["gold_text"].split("\n") if len(p.split()) >= 12]
    return [w for p in paragraphs for w in p.split()], paragraphs


class Sites:
    """Per-site chrome: a menu, a subscribe line, a related-news list and a footer."""

    def __init__(self, rng: random.Random, words: list[str]) -> None:
        def title(count: int) -> str:
            return " ".join(rng.choice(words).strip(".,;:\"'()").capitalize() or "News" for _ in range(count))

        self.menus = [[title(1) for _ in range(rng.randint(5, 12))] for _ in range(SITES)]
        self.names = [f"The {title(2)}" for _ in range(SITES)]
        self.rng = rng
        self.title = title

    def text(self, site: int, headline: str, body: list[str]) -> str:
        rng, name = self.rng, self.names[site]
        related = [f"{self.title(rng.randint(5, 9))}\nJuly {rng.randint(1, 28)}, 2025" for _ in range(4)]
        return "\n".join([*self.menus[site], f"Subscribe to {name}", headline, f"By {self.title(2)}", *body,
                          "Related News", *related, f"© 2025 {name}. All rights reserved.", "Privacy Policy"])

    def html(self, site: int, headline: str, body: list[str]) -> str:
        menu = "".join(f"<li><a href='#'>{item}</a></li>" for item in self.menus[site])
        paragraphs = "".join(f"<p>{p}</p>" for p in body)
        return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{headline} | "
                f"{self.names[site]}</title></head><body><header><nav><ul>{menu}</ul></nav></header><main><article>"
                f"<h1>{headline}</h1>{paragraphs}</article><aside class='related'><h2>Related</h2><ul><li>"
                f"{self.title(6)}</li></ul></aside></main><footer>© 2025 {self.names[site]}</footer></body></html>")


def generate(folder: Path, count: int, aeb: Path, seed: int = 11, start: int = 0) -> int:
    """Write `count` seeds (numbered from `start`) into `folder`; returns the bytes written."""
    rng = random.Random(seed + start)
    words, paragraphs = vocabulary_and_paragraphs(aeb)
    sites = Sites(random.Random(seed), words)
    folder.mkdir(parents=True, exist_ok=True)
    written, previous, previous_bodies = 0, [], []
    for number in range(start, start + count):
        site = rng.randrange(SITES)
        kind = rng.random()
        if previous and kind < 0.05:  # exact copy, re-scraped under another name
            content = previous[rng.randrange(len(previous))]
        else:
            if previous and kind < 0.10:  # light copy-edit of an earlier story, with an update line
                body = [p.replace(" the ", " a ", 1) for p in previous_bodies[rng.randrange(len(previous_bodies))]]
                body.append("This story has been updated with comment from officials.")
            else:
                body = []
                for paragraph in rng.sample(paragraphs, rng.randint(5, 9)):
                    tokens = paragraph.split()
                    for index in rng.sample(range(len(tokens)), len(tokens) // 3):
                        tokens[index] = rng.choice(words)
                    body.append(" ".join(tokens))
            headline = sites.title(rng.randint(6, 11))
            is_html = rng.random() < 0.2
            content = (sites.html if is_html else sites.text)(site, headline, body)
            previous_bodies = [*previous_bodies[-200:], body]
        name = f"site{site:02d}/{number:07d}.{'html' if content.startswith('<!doctype') else 'txt'}"
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        data = content.encode()
        path.write_bytes(data)
        written += len(data)
        previous = [*previous[-200:], content]
    return written
