"""The audit report: a static, self-contained view of one run (no network, no external script), split into
pages so that it stays small and usable at 100,000 documents.

report.html    the run, outcomes and removals by class as charts, the rules with what they do, sites,
               encodings and repairs, languages, a search over every input by path and title
report/        docs-SHARD-NNN.html (a sample of each shard's documents, rejected-after-cleaning ones too:
               cleaned text with removed lines in place, labelled, long blocks folded),
               clusters-NNNN.html (the largest duplicate clusters: the kept text once, each copy as a
               difference from it), rejected-NNNN.html (inputs and reasons)

Size: the pages hold a sample, not every document (PAGED per shard, chosen by a hash of the path, so the
same documents are shown whatever the shard layout); every input stays findable in the index, and
`seed-corpus explain PATH` shows any of them whole.
"""

from __future__ import annotations

import difflib
import hashlib
import heapq
import html
import itertools
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

from pipeline.cleaning.rules import descriptions
from pipeline.report import wording
from pipeline.store.files import CorruptFile, atomic_write, read_jsonl, verify

DOCS_PER_PAGE = 50
PAGED = 200  # documents of a shard that get a page (the rest are in the index, and in `explain`)
PAGED_REJECTED = 50  # ... and rejected-after-cleaning documents of a shard
CLUSTERS_PER_PAGE = 50
CLUSTERS_SHOWN = 500  # the largest clusters get a section (all are counted, and findable in the index)
REJECTED_PER_PAGE = 1000
DIFF_WORDS = 3000
FOLD_LINES = 4  # a removed block of this many lines or more is folded under its label
SITES_SHOWN = 50  # the sites table lists this many, most documents first (stats.json has them all)
TOKENS = re.compile(r"\S+|\n")

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1,h2,h3{line-height:1.2} table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;
padding:.2em .5em;vertical-align:top;text-align:left} td.n{text-align:right} .doc{border-top:2px solid #888;
margin-top:2em} .meta{color:#555;font-size:90%} p{margin:.3em 0} .removed{color:#999}
.removed summary{cursor:pointer} .ln{font-size:75%;color:#777;margin-right:.5em}
.rule{font-size:80%;background:#fde2e2;color:#900;border-radius:3px;padding:0 .3em;margin-left:.5em}
ins{background:#d8f5d0;text-decoration:none} del{color:#999} .copy del{background:#fde2e2;color:#900}
nav{margin:.5em 0} nav a{margin-right:1.5em} .alarm{color:#b00} .charts{display:flex;gap:3em;flex-wrap:wrap}
.run td,.run th{border:none;padding:.1em .8em .1em 0}
"""
SEARCH = """
const index = JSON.parse(document.getElementById('index').textContent);
const box = document.getElementById('q'), rule = document.getElementById('rule'),
      status = document.getElementById('status'), out = document.getElementById('hits');
function show() {
  const q = box.value.toLowerCase(), r = rule.value, s = status.value; out.replaceChildren();
  let shown = 0, total = 0;
  for (const [path, page, rules, title, state] of index) {
    if (q && !path.toLowerCase().includes(q) && !(title || '').toLowerCase().includes(q)) continue;
    if ((r && !rules.includes(r)) || (s && state !== s)) continue;
    total++; if (shown >= 200) continue; shown++;
    const li = document.createElement('li');
    const target = page ? document.createElement('a') : document.createElement('span');
    if (page) target.href = 'report/' + page + '#' + encodeURIComponent(path);
    target.textContent = path; li.append(target);
    li.append(' ' + state + (title ? ' · ' + title : '') + (page ? '' : ' · not in the sample: seed-corpus explain'));
    out.append(li);
  }
  document.getElementById('count').textContent = total + ' inputs' + (total > shown ? ' (first 200 shown)' : '');
}
for (const control of [box, rule, status]) control.addEventListener('input', show);
show();
"""


class IndexEntry(NamedTuple):
    """One input in the report's search index (a JSON list in the page, for size): where to find it and
    what became of it."""

    path: str
    page: str | None  # the report page that shows it
    rules: list[str]  # rules that removed lines from it
    title: str | None
    state: str  # kept, rejected, or dropped (KIND duplicate)


def read_index(path: Path) -> Iterator[tuple[IndexEntry, list]]:
    """A part's index file: each entry with its place in the outputs (written after the entry's fields)."""
    return ((IndexEntry(*row[:-1]), row[-1]) for row in read_jsonl(path))


def document_pages(folder: Path, documents: list[dict], prefix: str) -> list[IndexEntry]:
    """Write the pages (`prefix`-NNN.html) of a sample of a shard's documents into `folder`: the PAGED kept
    ones and PAGED_REJECTED rejected-after-cleaning ones whose paths hash lowest. Returns one search index
    entry per document, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    rejected = [doc for doc in documents if doc.get("rejected")]
    chosen = {doc["metadata"]["path"] for doc in _lowest([doc for doc in documents if not doc.get("rejected")], PAGED)}
    chosen |= {doc["metadata"]["path"] for doc in _lowest(rejected, PAGED_REJECTED)}
    paged = [doc for doc in documents if doc["metadata"]["path"] in chosen]
    page_of: dict[str, str] = {}
    for name, chunk, links, numbered in _paged(paged, DOCS_PER_PAGE, prefix + "-{:03d}.html"):
        _page(folder / name, f"Documents, shard {prefix.rsplit('-', 1)[-1]}, {numbered}",
              "".join(_document(doc) for doc in chunk), links=links)
        page_of.update((doc["metadata"]["path"], name) for doc in chunk)
    return [IndexEntry(doc["metadata"]["path"], page_of.get(doc["metadata"]["path"]),
                       sorted({r["rule"] for r in doc["metadata"]["removed"]}), doc["metadata"].get("title"),
                       "rejected" if doc.get("rejected") else "kept") for doc in documents]


def _lowest(documents: list[dict], count: int) -> list[dict]:
    """The `count` documents whose paths hash lowest: a sample that does not depend on the shard layout."""
    if len(documents) <= count:
        return documents
    return heapq.nsmallest(count, documents, key=lambda doc: hashlib.blake2b(
        doc["metadata"]["path"].encode(), digest_size=8).digest())


class Sections:
    """Rendered cluster sections, by a digest of everything they show, carried from one run to the next
    in a JSONL file: a rerun diffs only the clusters that changed. Only file offsets stay in memory."""

    def __init__(self, earlier: Path | None, out: IO[str]) -> None:
        self.earlier = open(earlier, "rb") if earlier else None  # noqa: SIM115 (closed by close())
        self.offsets: dict[str, int] = {}
        if self.earlier:
            offset = 0
            for line in self.earlier:
                self.offsets[line[2:34].decode()] = offset  # lines start with ["<32 hex digits>"
                offset += len(line)
        self.out = out

    def get(self, kept: dict | None, members: list[dict], copies: dict[str, dict | None]) -> str:
        shown = [kept and [kept["metadata"]["path"], kept["text"]],
                 [(m, *[(copies[m["path"]] or {}).get(k) for k in ("text", "metadata")]) for m in members]]
        digest = hashlib.blake2b(json.dumps(shown).encode(), digest_size=16).hexdigest()
        if digest in self.offsets and self.earlier:
            self.earlier.seek(self.offsets[digest])
            section = json.loads(self.earlier.readline())[1]
        else:
            section = _cluster(kept, members, copies)
        self.out.write(json.dumps([digest, section]) + "\n")
        return section

    def close(self) -> None:
        if self.earlier:
            self.earlier.close()


class ClusterDocuments:
    """The documents of duplicate clusters (copies by path, kept ones by id), read from the parts' cluster
    files when a report page needs them: only their offsets stay in memory. Each line is a small JSON
    header [path, id of a kept document or null], a tab (never found in JSON), then the document."""

    def __init__(self, files: list[Path]) -> None:
        self.handles = [open(path, "rb") for path in files]  # noqa: SIM115 (closed by close())
        self.copies: dict[str, tuple[int, int]] = {}
        self.kept: dict[str, tuple[int, int]] = {}
        for number, handle in enumerate(self.handles):
            offset = 0
            for line in handle:
                path, kept_id = json.loads(line[: line.index(b"\t")])
                if kept_id is None:
                    self.copies[path] = (number, offset)
                else:
                    self.kept[kept_id] = (number, offset)
                offset += len(line)

    def _read(self, where: tuple[int, int] | None) -> dict | None:
        if where is None:
            return None
        handle = self.handles[where[0]]
        handle.seek(where[1])
        line = handle.readline()
        return json.loads(line[line.index(b"\t") + 1 :])

    def copy(self, path: str) -> dict | None:
        return self._read(self.copies.get(path))

    def kept_document(self, document_id: str) -> dict | None:
        return self._read(self.kept.get(document_id))

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


def build(target: Path, stems: list[Path], duplicates: Path, rejected: Iterable[dict], stats: dict, cache: Path,
          run: dict) -> None:
    """report.html (`target`) and report/ beside it for a run, from its parts, its `duplicates` file, its
    `rejected` records and `stats` (made from the parts, as the corpus is: the two are written side by side).
    The parts' document pages are linked, not copied; cluster sections unchanged since the newest other
    run's `cache` file are reused. Staged in a hidden folder and moved in place, report.html last. `run`:
    what the index says of the run (seeds, started, settings, rules)."""
    folder = target.parent
    staged = folder / ".report.tmp.d"
    if staged.exists():
        shutil.rmtree(staged)
    (staged / "report").mkdir(parents=True)
    for stem in stems:
        for page in sorted(stem.with_suffix(".pages").glob("*.html")):
            _link_or_copy(page, staged / "report" / page.name)
    index = heapq.merge(*(read_index(stem.with_suffix(".index.jsonl")) for stem in stems), key=lambda e: e[1])
    involved = ClusterDocuments([stem.with_suffix(".cluster.jsonl") for stem in stems])
    earlier = max((p for p in cache.parent.glob("*.clusters.jsonl") if p != cache),
                  key=lambda p: p.stat().st_mtime, default=None)
    try:
        if earlier:
            verify(earlier)
    except CorruptFile:  # a damaged cache is never trusted: its sections are drawn again
        earlier = None
    with atomic_write(cache, checksum=True) as out:
        sections = Sections(earlier, out)
        try:
            write_report(staged, (entry for entry, _ in index), list(read_jsonl(duplicates)), rejected, stats,
                         involved, sections, run)
        finally:
            sections.close()
            involved.close()
    if (folder / "report").exists():
        shutil.rmtree(folder / "report")
    os.replace(staged / "report", folder / "report")
    os.replace(staged / "report.html", target)  # last: its presence marks the report done
    staged.rmdir()


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system has them (parts are never changed once written), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_report(folder: Path, index: Iterable[IndexEntry], duplicates: list[dict], rejected: Iterable[dict],
                 stats: dict, involved: ClusterDocuments, sections: Sections, run: dict) -> None:
    """Write report.html and the cluster and rejection pages of report/ into `folder` (the document pages
    are there already, written shard by shard). `involved` gives the documents of each cluster: the
    dropped copies and the kept document they were folded into. `index`: the parts' entries (kept and
    rejected-after-cleaning documents), streamed; dropped and other rejected inputs are added here. The
    search index holds every input, so it goes through a temporary file, never whole into memory."""
    pages = folder / "report"
    pages.mkdir(parents=True, exist_ok=True)
    clusters: dict[str, list[dict]] = {}
    for duplicate in duplicates:
        clusters.setdefault(duplicate["duplicate_of"], []).append(duplicate)
    ordered = sorted(clusters.items(), key=lambda item: (-len(item[1]), item[0]))[:CLUSTERS_SHOWN]
    cluster_pages, page_of = [], {}
    for name, chunk, links, numbered in _paged(ordered, CLUSTERS_PER_PAGE, "clusters-{:04d}.html"):
        cluster_pages.append(name)
        body = "".join(sections.get(involved.kept_document(kept_id), members,
                                    {m["path"]: involved.copy(m["path"]) for m in members})
                       for kept_id, members in chunk)
        _page(pages / name, f"Duplicate clusters, {numbered} (largest first)", body, links=links)
        page_of.update((member["path"], name) for _, members in chunk for member in members)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as data:
        entries = SearchIndex(data)
        cleaned_then_rejected = set()  # also in rejected.jsonl: listed once
        for entry in index:
            entries.add(entry)
            if entry.state == "rejected":
                cleaned_then_rejected.add(entry.path)
        for duplicate in duplicates:
            copy = involved.copy(duplicate["path"])
            entries.add(IndexEntry(duplicate["path"], page_of.get(duplicate["path"]), [],
                                   copy and copy["metadata"].get("title"), f"dropped ({duplicate['kind']} duplicate)"))
        rejected_pages = _rejected_pages(pages, rejected, entries, cleaned_then_rejected)
        _index(folder / "report.html", stats, entries, len(clusters), cluster_pages, rejected_pages, run)


class SearchIndex:
    """The index page's search data, one entry per input, written as it comes: the JSON list `json.dumps`
    would give, escaped so that no path can open a comment or close the <script> element; and the outcomes
    it holds."""

    def __init__(self, file: IO[str]) -> None:
        self.file, self.count, self.states = file, 0, set()

    def add(self, entry: IndexEntry) -> None:
        text = json.dumps(entry, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
        self.file.write(("[" if not self.count else ", ") + text.replace("&", "\\u0026"))
        self.count += 1
        self.states.add(entry.state)

    def chunks(self) -> Iterator[str]:
        """The JSON text, in pieces."""
        self.file.write("]" if self.count else "[]")
        self.file.seek(0)
        yield from iter(lambda: self.file.read(1 << 20), "")


def _rejected_pages(pages: Path, rejected: Iterable[dict], entries: SearchIndex, listed: set[str]) -> list[str]:
    """The pages listing rejected inputs, and their entries in the search index (unless `listed` there)."""
    rejected_pages = []
    for name, chunk, links, numbered in _paged(rejected, REJECTED_PER_PAGE, "rejected-{:04d}.html"):
        rejected_pages.append(name)
        rows = "".join(f'<tr id="{_e(r["path"])}"><td>{_e(r["path"])}</td><td>{_e(r["reason"])}</td></tr>'
                       for r in chunk)
        _page(pages / name, f"Rejected inputs, {numbered}",
              f"<table><tr><th>path</th><th>reason</th></tr>{rows}</table>", links=links)
        for r in chunk:
            if r["path"] not in listed:
                entries.add(IndexEntry(r["path"], name, [], None, "rejected"))
    return rejected_pages


def _paged(items: Iterable, size: int, name: str) -> Iterator[tuple[str, list, dict[str, str | None], str]]:
    """`items` in pages of `size`: each page's file name (`name` formatted with its number, from 1), its
    items, the links to its neighbours, and "page N of M"."""
    chunks = list(_chunks(items, size))
    names = [name.format(number) for number in range(1, len(chunks) + 1)]
    for number, (page, chunk) in enumerate(zip(names, chunks, strict=True)):
        links = {"previous page": names[number - 1] if number else None,
                 "next page": names[number + 1] if number + 1 < len(names) else None}
        yield page, chunk, links, f"page {number + 1} of {len(names)}"


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(path: Path, title: str, body: str | Iterable[str], script: str = "",
          links: dict[str, str | None] | None = None) -> None:
    """A page of the report; those under report/ lead back to the index and to their neighbours. `body`:
    its text, or its text in pieces (written one after the other)."""
    nav = ""
    if path.name != "report.html":  # every page but the index, wherever it is written first (a part's pages)
        nav = '<nav><a href="../report.html">← back to the summary</a>' + "".join(
            f'<a href="{_e(target)}">{_e(label)}</a>' for label, target in (links or {}).items() if target) + "</nav>"
    with open(path, "w", encoding="utf-8") as page:
        page.write(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
                   f"<style>{STYLE}</style></head><body>{nav}<h1>{_e(title)}</h1>")
        page.writelines([body] if isinstance(body, str) else body)
        page.write(f"{nav}{f'<script>{script}</script>' if script else ''}</body></html>\n")


def _document(doc: dict) -> str:
    """One document: what is known of it, then its lines with every removed line in place, labelled with
    its rule and class and its line number in the input (1-based); long removed blocks are folded."""
    meta = doc["metadata"]
    lines = _e(doc["text"]).split("\n") if doc["text"] else []  # escaped once: escaping keeps the line breaks
    removed: dict[int, list[dict]] = {}
    for entry in meta["removed"]:
        removed.setdefault(min(entry.get("at", len(lines)), len(lines)), []).append(entry)
    parts = []
    for position in range(len(lines) + 1):
        for block in _blocks(removed.get(position, [])):
            parts.append(_removed(block))
        if position < len(lines) and lines[position]:
            parts.append(f"<p>{lines[position]}</p>")
    facts = []
    if meta.get("title"):
        facts.append(f"title “{_e(meta['title'])}” ({_e(meta.get('title_source') or 'given')})")
    if doc.get("created"):
        facts.append(f"published {_e(doc['created'])} ({_e(meta.get('created_source') or 'given')})")
    if meta.get("author"):
        facts.append(f"by {_e(meta['author'])} ({_e(meta.get('author_source') or 'given')})")
    facts.append(f"{_e(meta['format'])}, {_e(meta['encoding'])}")
    if meta.get("language"):
        facts.append(f"language {_e(meta['language'])}")
    if meta.get("page_type"):
        facts.append(f"{_e(wording.page_type(meta))}")
    if (cluster := meta.get("cluster", {})).get("size", 1) > 1:
        facts.append(f"kept over {cluster['size'] - 1} cop{'y' if cluster['size'] == 2 else 'ies'} for "
                     f"{_e(cluster['chosen_because'])}")
    facts.append(f"{wording.count(meta['words'], 'word')} kept, {wording.count(len(meta['removed']), 'line')} removed")
    if meta.get("url"):
        facts.append(f"from {_e(meta['url'])}")
    status = (f'<p class="alarm">Rejected: {_e(doc["rejected"])}</p>' if doc.get("rejected")
              else f'<p class="meta">kept as {_e(doc["id"])}</p>')
    repairs = (f'<p class="meta">repairs: {_e(wording.repairs(meta["repairs"], meta["encoding"]))}</p>'
               if meta["repairs"] else "")
    path = _e(meta["path"])
    return (f'<section class="doc" id="{path}"><h2>{path}</h2>{status}<p class="meta">{" · ".join(facts)}</p>'
            f'{repairs}{"".join(parts)}{_comments(meta.get("comments") or [])}</section>')


def _comments(comments: list[dict]) -> str:
    """A document's reader comments (kept apart from its text), folded under a count."""
    if not comments:
        return ""
    items = "".join(f'<li><span class="meta">{_e(", ".join(v for v in (c.get("author"), c.get("date")) if v))}'
                    f'</span> {_e(c["text"])}</li>' for c in comments)
    return f'<details><summary>{wording.count(len(comments), "reader comment")}</summary><ol>{items}</ol></details>'



def _blocks(entries: list[dict]) -> Iterator[list[dict]]:
    """Removed lines that stood together and went by one rule, as blocks."""
    block: list[dict] = []
    for entry in entries:
        if block and (entry["rule"] != block[-1]["rule"] or entry["line"] != block[-1]["line"] + 1):
            yield block
            block = []
        block.append(entry)
    if block:
        yield block


def _removed(block: list[dict]) -> str:
    """A removed block in place: line by line, or folded under its label when it is long."""
    label = f'<span class="rule">{_e(block[0]["rule"] + " · " + block[0]["class"])}</span>'
    lines = "".join(f'<p class="removed"><span class="ln">line {entry["line"] + 1}</span>'
                    f'<del>{_e(entry["text"])}</del>{"" if len(block) >= FOLD_LINES else label}</p>' for entry in block)
    if len(block) < FOLD_LINES:
        return lines
    first, last = block[0]["line"] + 1, block[-1]["line"] + 1
    return (f'<details class="removed"><summary>lines {first}–{last}: {len(block)} lines removed {label}'
            f"</summary>{lines}</details>")


def _cluster(kept: dict | None, members: list[dict], copies: dict[str, dict | None]) -> str:
    """A kept document's text once, then each copy as its difference from it (words only the copy has
    inserted, words only the kept text has struck), with how the copy was read and how similar it is."""
    head = kept["metadata"]["path"] if kept else "?"
    text = _e(kept["text"]).replace("\n", "</p><p>") if kept else ""
    parts = [f'<section class="doc" id="{_e(head)}"><h2>{_e(head)} and {wording.count(len(members), "copy", "copies")}'
             f'</h2><p class="meta">kept: {_e(head)}</p><details><summary>the kept text</summary><p>{text}</p>'
             "</details>"]
    for member in members:
        copy = copies.get(member["path"])
        facts = [f"{member['kind']} duplicate", f"similarity {member['similarity']}"]
        if copy:
            meta = copy["metadata"]
            facts += [f"{meta['format']}, {meta['encoding']}",
                      f"repairs: {wording.repairs(meta['repairs'], meta['encoding'])}"]
        body = _diff(kept["text"] if kept else "", copy["text"] if copy else "")
        parts.append(f'<h3 id="{_e(member["path"])}">{_e(member["path"])}</h3><p class="meta">{_e(" · ".join(facts))}'
                     f'</p><div class="copy"><p>{body or "the same text"}</p></div>')
    return "".join(parts) + "</section>"


def _diff(kept: str, copy: str) -> str:
    """The copy as it differs from the kept text, paragraphs kept: <ins> only in the copy, <del> only in the
    kept text; "" when they are the same."""
    a, b = TOKENS.findall(kept)[:DIFF_WORDS], TOKENS.findall(copy)[:DIFF_WORDS]
    if a == b:
        return ""
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(_words(b[j1:j2]))
            continue
        if i2 > i1:
            out.append(f"<del>{_words(a[i1:i2])}</del>")
        if j2 > j1:
            out.append(f"<ins>{_words(b[j1:j2])}</ins>")
    return " ".join(part for part in out if part).replace(" \n ", "\n").replace("\n", "</p><p>")


def _words(tokens: list[str]) -> str:
    return _e(" ".join(tokens))


def _bars(title: str, items: list[tuple[str, int]], width: int = 420) -> str:
    """A horizontal bar chart as inline SVG (no script, no network), with the counts written beside."""
    items = [(label, value) for label, value in items if value]
    if not items:
        return ""
    top, row = max(value for _, value in items), 22
    bars = "".join(
        f'<text x="0" y="{i * row + 15}" font-size="13">{_e(label)}</text>'
        f'<rect x="150" y="{i * row + 4}" width="{max(1, round(value / top * (width - 220)))}" height="14" '
        f'fill="#4a78b5"><title>{_e(label)}: {value}</title></rect>'
        f'<text x="{156 + round(value / top * (width - 220))}" y="{i * row + 15}" font-size="13">{value}</text>'
        for i, (label, value) in enumerate(items))
    return (f'<figure><figcaption>{_e(title)}</figcaption><svg role="img" aria-label="{_e(title)}" width="{width}" '
            f'height="{len(items) * row + 4}" xmlns="http://www.w3.org/2000/svg">{bars}</svg></figure>')


def _index(path: Path, stats: dict, index: SearchIndex, clusters: int, cluster_pages: list[str],
           rejected_pages: list[str], run: dict) -> None:
    """report.html: the run, what became of the inputs, the rules, the sites, and a search over every input."""
    rules = stats["removed_by_rule"]
    described = descriptions(run["rules"]) if run.get("rules") else {}
    classes = stats.get("rule_classes", {})
    documents = stats.get("documents_by_rule", {})
    started = run.get("started")
    when = [f"<tr><th>started</th><td>{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(started))}</td></tr>",
            f"<tr><th>duration</th><td>{time.time() - started:.1f} s until this report</td></tr>"] if started else []
    facts = [*when, f"<tr><th>seeds</th><td>{_e(run.get('seeds', ''))}</td></tr>",
             f"<tr><th>run</th><td>{_e(stats['run'])}</td></tr>",
             f"<tr><th>settings</th><td>fingerprint {_e(run.get('config', ''))}</td></tr>",
             "<tr><th>status</th><td>every task succeeded; published with its corpus (exit status 0)</td></tr>"]
    summary = "".join(f"<tr><th>{name}</th><td class=n>{stats[name]}</td></tr>"
                      for name in ("read", "kept", "duplicates", "rejected", "repaired"))
    charts = (_bars("What became of the inputs", [(name, stats[name]) for name in ("kept", "duplicates", "rejected")])
              + _bars("Pages read, by type", list(stats.get("page_types", {}).items()))
              + _bars("Lines removed, by class", list(stats.get("removed_by_class", {}).items())[:12])
              + _bars("Documents, by site (largest 8)",
                      [(name, site["read"]) for name, site in list(stats.get("sites", {}).items())[:8]]))
    rule_rows = "".join(
        f"<tr><td>{_e(rule)}</td><td>{_e(classes.get(rule, ''))}</td><td>{_e(described.get(rule, ''))}</td>"
        f"<td class=n>{count}</td><td class=n>{documents.get(rule, 0)}</td></tr>"
        for rule, count in sorted(rules.items(), key=lambda item: (-item[1], item[0])))
    site_rows = "".join(
        f"<tr><td>{_e(name)}</td><td class=n>{site['read']}</td><td class=n>{site['kept'] / site['read']:.0%}</td>"
        f"<td class=n>{site['duplicates']}</td><td class=n>{site['rejected']}</td>"
        f"<td>{_e(', '.join(f'{kind} ({count})' for kind, count in site.get('page_types', {}).items()))}</td>"
        f"<td>{_e(', '.join(f'{rule} ({count})' for rule, count in site['top_rules'].items()))}</td></tr>"
        for name, site in list(stats.get("sites", {}).items())[:SITES_SHOWN])
    encodings = ", ".join(f"{_e(name)}: {count}" for name, count in stats["encodings"].items())
    languages = ", ".join(f"{_e(name)}: {count}" for name, count in stats.get("languages", {}).items())
    alarm = f'<p class="alarm">ALARM: {_e(stats["alarm"])}</p>' if stats.get("alarm") else ""
    links = "".join(f'<a href="report/{name}">{name}</a> ' for name in cluster_pages) or "none"
    rejected = "".join(f'<a href="report/{name}">{name}</a> ' for name in rejected_pages) or "none"
    options = "".join(f'<option value="{_e(rule)}">{_e(rule)}</option>' for rule in sorted(rules))
    statuses = "".join(f'<option value="{_e(state)}">{_e(state)}</option>' for state in sorted(index.states))
    shown = f" (the {CLUSTERS_SHOWN} largest are shown)" if clusters > CLUSTERS_SHOWN else ""
    body = (f'{alarm}<table class="run">{"".join(facts)}</table><h2>Summary</h2><div class="charts"><table>{summary}'
            f"</table>{charts}</div><p>Encodings (every input that was decoded): {encodings or 'none'} · "
            f"repaired: {stats['repaired']}</p><p>Languages (kept documents): {languages or 'none'}</p>"
            f"<h2>Rules</h2><table><tr><th>rule</th><th>class</th><th>what it removes</th><th>lines</th>"
            f"<th>documents</th></tr>{rule_rows}</table>"
            f"<h2>Sites (the URL's host, or the folder; the {SITES_SHOWN} with the most documents)</h2><table><tr>"
            f"<th>site</th><th>documents</th><th>kept</th><th>duplicates</th><th>rejected</th><th>page types</th>"
            f"<th>top rules</th>"
            f"</tr>{site_rows}</table>"
            f"<h2>Every input</h2><p><input id=q placeholder='search by path or title' size=40> "
            f"<select id=rule><option value=''>any rule</option>{options}</select> "
            f"<select id=status><option value=''>any outcome</option>{statuses}</select> <span id=count></span></p>"
            f"<ul id=hits></ul><h2>Duplicate clusters ({clusters}){shown}</h2><p>{links}</p>"
            f"<h2>Rejected inputs ({stats['rejected']})</h2><p>{rejected}</p>"
            '<script type="application/json" id="index">')
    _page(path, "Corpus report", itertools.chain([body], index.chunks(), ["</script>"]), SEARCH)
