"""The audit report: a static, self-contained view of one run, split into pages so that it stays usable at
100,000 documents (no page holds more than a hundred documents; the index searches a compact list).

report.html    summary, removals per rule, encodings, search by path and filter by rule
report/        docs-SHARD-NNN.html (cleaned text, removed lines struck through and labelled by rule),
               clusters-NNNN.html (kept document and its copies side by side, differing words marked),
               rejected-NNNN.html (inputs and reasons)
"""

from __future__ import annotations

import difflib
import hashlib
import heapq
import html
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pipeline.files import atomic_write, read_jsonl

DOCS_PER_PAGE = 100
CLUSTERS_PER_PAGE = 50
REJECTED_PER_PAGE = 1000
DIFF_WORDS = 3000

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1,h2,h3{line-height:1.2} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.2em .5em;
vertical-align:top;text-align:left} .doc{border-top:2px solid #888;margin-top:2em}
.meta{color:#555;font-size:90%} p{margin:.3em 0} .removed{color:#999}
.rule{font-size:80%;background:#fde2e2;color:#900;border-radius:3px;padding:0 .3em;margin-left:.5em}
mark{background:#fff3a3} .pair td{width:50%;font-size:90%} nav a{margin-right:1em} .alarm{color:#b00}
"""
SEARCH = """
const index = JSON.parse(document.getElementById('index').textContent);
const box = document.getElementById('q'), rule = document.getElementById('rule'), out = document.getElementById('hits');
function show() {
  const q = box.value.toLowerCase(), r = rule.value; out.replaceChildren();
  let shown = 0, total = 0;
  for (const [path, page, rules] of index) {
    if ((q && !path.toLowerCase().includes(q)) || (r && !rules.includes(r))) continue;
    total++; if (shown >= 200) continue; shown++;
    const li = document.createElement('li'), a = document.createElement('a');
    a.href = 'report/' + page + '#' + encodeURIComponent(path); a.textContent = path; li.append(a); out.append(li);
  }
  document.getElementById('count').textContent = total + ' documents' + (total > shown ? ' (first 200 shown)' : '');
}
box.addEventListener('input', show); rule.addEventListener('change', show); show();
"""


def document_pages(folder: Path, documents: list[dict], prefix: str) -> list[list]:
    """Write the documents' pages (`prefix`-NNN.html) into `folder`; returns one search index entry per
    document: [path, page, rules that removed lines from it]."""
    folder.mkdir(parents=True, exist_ok=True)
    index: list[list] = []
    for number, chunk in enumerate(_chunks(documents, DOCS_PER_PAGE), start=1):
        name = f"{prefix}-{number:03d}.html"
        _page(folder / name, f"Documents, page {number} of shard {prefix.rsplit('-', 1)[-1]}",
              "".join(_document(doc) for doc in chunk))
        index.extend([doc["metadata"]["path"], name, sorted({r["rule"] for r in doc["metadata"]["removed"]})]
                     for doc in chunk)
    return index


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
                 [(m, (copies[m["path"]] or {}).get("text")) for m in members]]
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


def build(target: Path, stems: list[Path], outputs: dict[str, Path], cache: Path) -> None:
    """report.html (`target`) and report/ beside it for a run, from its parts and published files. The
    parts' document pages are linked, not copied; cluster sections unchanged since the newest other run's
    `cache` file are reused. Staged in a hidden folder and moved in place, report.html last."""
    folder = target.parent
    staged = folder / ".report.tmp.d"
    if staged.exists():
        shutil.rmtree(staged)
    (staged / "report").mkdir(parents=True)
    for stem in stems:
        for page in sorted(stem.with_suffix(".pages").glob("*.html")):
            _link_or_copy(page, staged / "report" / page.name)
    index = heapq.merge(*(list(read_jsonl(stem.with_suffix(".index.jsonl"))) for stem in stems), key=lambda e: e[-1])
    involved = ClusterDocuments([stem.with_suffix(".cluster.jsonl") for stem in stems])
    earlier = max((p for p in cache.parent.glob("*.clusters.jsonl") if p != cache),
                  key=lambda p: p.stat().st_mtime, default=None)
    with atomic_write(cache) as out:
        sections = Sections(earlier, out)
        try:
            write_report(staged, list(index), list(read_jsonl(outputs["duplicates.jsonl"])),
                         list(read_jsonl(outputs["rejected.jsonl"])), json.loads(outputs["stats.json"].read_text()),
                         involved, sections)
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


def write_report(folder: Path, index: list[list], duplicates: list[dict], rejected: list[dict], stats: dict,
                 involved: ClusterDocuments, sections: Sections) -> None:
    """Write report.html and the cluster and rejection pages of report/ into `folder` (the document pages
    are there already, written shard by shard). `involved` gives the documents of each cluster: the
    dropped copies and the kept document they were folded into."""
    pages = folder / "report"
    pages.mkdir(parents=True, exist_ok=True)
    clusters: dict[str, list[dict]] = {}
    for duplicate in duplicates:
        clusters.setdefault(duplicate["duplicate_of"], []).append(duplicate)
    cluster_pages = []
    for number, chunk in enumerate(_chunks(sorted(clusters.items()), CLUSTERS_PER_PAGE), start=1):
        name = f"clusters-{number:04d}.html"
        cluster_pages.append(name)
        body = "".join(sections.get(involved.kept_document(kept_id), members,
                                    {m["path"]: involved.copy(m["path"]) for m in members})
                       for kept_id, members in chunk)
        _page(pages / name, f"Duplicate clusters, page {number}", body)
    rejected_pages = []
    for number, chunk in enumerate(_chunks(rejected, REJECTED_PER_PAGE), start=1):
        name = f"rejected-{number:04d}.html"
        rejected_pages.append(name)
        rows = "".join(f"<tr><td>{_e(r['path'])}</td><td>{_e(r['reason'])}</td></tr>" for r in chunk)
        table = f"<table><tr><th>path</th><th>reason</th></tr>{rows}</table>"
        _page(pages / name, f"Rejected inputs, page {number}", table)
    _index(folder / "report.html", stats, index, len(clusters), cluster_pages, rejected_pages)


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


def _page(path: Path, title: str, body: str, script: str = "") -> None:
    nav = '<nav><a href="../report.html">summary</a></nav>' if path.parent.name == "report" else ""
    path.write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
                    f"<style>{STYLE}</style></head><body>{nav}<h1>{_e(title)}</h1>{body}"
                    f"{f'<script>{script}</script>' if script else ''}</body></html>\n", encoding="utf-8")


def _document(doc: dict) -> str:
    """One document: its metadata, then its lines with every removed line struck through in place."""
    meta = doc["metadata"]
    lines = _e(doc["text"]).split("\n") if doc["text"] else []  # escaped once: escaping keeps the line breaks
    removed: dict[int, list[dict]] = {}
    for entry in meta["removed"]:
        removed.setdefault(min(entry.get("at", len(lines)), len(lines)), []).append(entry)
    parts = []
    for position in range(len(lines) + 1):
        for entry in removed.get(position, []):
            parts.append(f'<p class="removed"><del>{_e(entry["text"])}</del><span class="rule">'
                         f'{_e(entry["rule"] + " · " + entry["class"])}</span></p>')
        if position < len(lines) and lines[position]:
            parts.append(f"<p>{lines[position]}</p>")
    repairs = f" · repairs: {', '.join(meta['repairs'])}" if meta["repairs"] else ""
    info = (f'id {doc["id"]} · title {meta.get("title")} ({meta.get("title_source")}) · created {doc["created"]} '
            f'({meta.get("created_source")}) · {meta["format"]}, {meta["encoding"]}{repairs} · {meta["words"]} words'
            f' · {len(meta["removed"])} removed')  # plain text, escaped once
    path = _e(meta["path"])
    return f'<section class="doc" id="{path}"><h2>{path}</h2><p class="meta">{_e(info)}</p>{"".join(parts)}</section>'


def _cluster(kept: dict | None, members: list[dict], copies: dict[str, dict | None]) -> str:
    """A kept document and each copy side by side, the words they do not share marked."""
    head = kept["metadata"]["path"] if kept else "?"
    rows = []
    for member in members:
        copy = copies.get(member["path"])
        left, right = _diff(kept["text"] if kept else "", copy["text"] if copy else "")
        rows.append(f'<tr><th>kept: {_e(head)}</th><th>{_e(member["kind"])} duplicate: {_e(member["path"])} '
                    f'(similarity {member["similarity"]})</th></tr>'
                    f'<tr class="pair"><td>{left}</td><td>{right}</td></tr>')
    return f'<section class="doc"><h2>{_e(head)}</h2><table>{"".join(rows)}</table></section>'


def _diff(left: str, right: str) -> tuple[str, str]:
    a, b = left.split()[:DIFF_WORDS], right.split()[:DIFF_WORDS]
    out_a, out_b = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        words_a, words_b = _e(" ".join(a[i1:i2])), _e(" ".join(b[j1:j2]))
        if tag == "equal":
            out_a.append(words_a)
            out_b.append(words_b)
        else:
            out_a.append(f"<mark>{words_a}</mark>" if words_a else "")
            out_b.append(f"<mark>{words_b}</mark>" if words_b else "")
    return " ".join(p for p in out_a if p), " ".join(p for p in out_b if p)


SITES_SHOWN = 50  # the sites table lists this many, most documents first (stats.json has them all)


def _index(path: Path, stats: dict, index: list[list], clusters: int, cluster_pages: list[str],
           rejected_pages: list[str]) -> None:
    rules = stats["removed_by_rule"]
    summary = "".join(f"<tr><th>{name}</th><td>{stats[name]}</td></tr>"
                      for name in ("read", "kept", "duplicates", "rejected", "repaired"))
    rule_rows = "".join(f"<tr><td>{_e(rule)}</td><td>{count}</td></tr>" for rule, count in rules.items())
    encodings = ", ".join(f"{_e(name)}: {count}" for name, count in stats["encodings"].items())
    alarm = f'<p class="alarm">ALARM: {_e(stats["alarm"])}</p>' if stats.get("alarm") else ""
    links = "".join(f'<a href="report/{name}">{name}</a> ' for name in cluster_pages) or "none"
    rejected = "".join(f'<a href="report/{name}">{name}</a> ' for name in rejected_pages) or "none"
    options = "".join(f'<option value="{_e(rule)}">{_e(rule)}</option>' for rule in rules)
    # JSON inside <script>: escaped so that no path can open a comment or close the element
    data = json.dumps([entry[:3] for entry in index])
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    languages = ", ".join(f"{_e(name)}: {count}" for name, count in stats.get("languages", {}).items())
    site_rows = "".join(
        f"<tr><td>{_e(name)}</td><td>{site['read']}</td><td>{site['kept'] / site['read']:.0%}</td>"
        f"<td>{site['duplicates']}</td><td>{site['rejected']}</td>"
        f"<td>{_e(', '.join(f'{rule} ({count})' for rule, count in site['top_rules'].items()))}</td></tr>"
        for name, site in list(stats.get("sites", {}).items())[:SITES_SHOWN])
    body = (f"{alarm}<h2>Summary</h2><table>{summary}</table><p>Encodings: {encodings or 'none'}</p>"
            f"<p>Languages: {languages or 'none'}</p>"
            f"<h2>Sites (the URL's host, or the folder; {SITES_SHOWN} with the most documents)</h2><table><tr>"
            f"<th>site</th><th>documents</th><th>kept</th><th>duplicates</th><th>rejected</th><th>top rules</th>"
            f"</tr>{site_rows}</table>"
            f"<h2>Removals by rule</h2><table><tr><th>rule</th><th>lines</th></tr>{rule_rows}</table>"
            f"<h2>Documents</h2><p><input id=q placeholder='search by path' size=40> "
            f"<select id=rule><option value=''>any rule</option>{options}</select> <span id=count></span></p>"
            f"<ul id=hits></ul><h2>Duplicate clusters ({clusters})</h2><p>{links}</p>"
            f"<h2>Rejected inputs ({stats['rejected']})</h2><p>{rejected}</p>"
            f'<script type="application/json" id="index">{data}</script>')
    _page(path, f"Corpus report, run {stats['run']}", body, SEARCH)
