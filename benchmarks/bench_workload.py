"""Benchmark workloads built from the project's own fixtures (used by benchmarks/bench.py).

Sources: the seed ``comments.jsonl`` (parents as inferred), the hand-labelled threads of
``tests/data/labels`` and ``tests/data/gold/replies`` (gold parents), every thread of ``tests/data/formats``
that parses (source threading), and the texts of ``tests/data/sentiment/realistic.jsonl`` (a pool of
paragraphs). A generated thread copies one fixture thread block after block until it reaches its size
(drawn log-uniformly from 20 to 2,000 comments); every block gets fresh author names (also where the
text names them, so address and mention cues still point somewhere), some generic words swapped for
near-synonyms, and a sentence or paragraph of another comment spliced in. A copied reply answers the
copy of its parent. ``print_view`` renders a thread as a flat WordPress print view (no parents in the
markup), for the parser and the reply inference.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commentscope.scraper.errors import CommentscopeError  # noqa: E402
from commentscope.scraper.records import Comment, Thread, dumps  # noqa: E402

DATA = ROOT / "tests" / "data"
SMALLEST, LARGEST = 20, 2_000
#: Generic words swapped for a near-synonym (both ways), about a third of the time they occur.
SWAPS = dict(pair for a, b in (
    ("good", "great"), ("bad", "poor"), ("think", "believe"), ("really", "truly"), ("big", "large"),
    ("city", "town"), ("people", "folks"), ("problem", "issue"), ("idea", "notion"), ("maybe", "perhaps"),
    ("often", "frequently"), ("buy", "purchase"), ("help", "assist"), ("start", "begin"), ("show", "reveal"),
    ("fast", "quick"), ("small", "little"), ("happy", "glad"), ("wrong", "mistaken"), ("year", "season"),
    ("money", "cash"), ("car", "vehicle"), ("job", "work"), ("house", "home"), ("kids", "children"),
    ("agree", "concur"), ("like", "enjoy"), ("important", "crucial"), ("new", "fresh"), ("old", "aged"),
    ("week", "month"), ("street", "road"), ("right", "correct"), ("hard", "difficult"), ("get", "obtain"),
    ("use", "employ"), ("need", "require"), ("want", "wish"), ("same", "identical"), ("never", "not once"),
) for pair in ((a, b), (b, a)))
_SWAP = re.compile(r"\b(" + "|".join(sorted(SWAPS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
FIRST = ("Ada Ben Cara Dev Eli Fay Gus Hana Ivo Jun Kai Lena Milo Nia Omar Pia Quinn Rosa Sami Tove Uma "
         "Vik Wren Xia Yuri Zoe Aurelio Bea Cyrus Dana Emeka Farah Goran Hilde Ines Jonas Kemal Lucia "
         "Mateo Noor").split()
LAST = ("Abbott Baptiste Chen Dubois Eriksen Fonseca Garcia Haddad Iwasaki Jensen Kowalski Lindqvist "
        "Moreau Novak Okafor Petrov Quispe Rahman Silva Tanaka Ueda Varga Weber Xu Yilmaz Zamora Brennan "
        "Castillo Dimitrov Ferreira").split()
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]+")
MONTHS = ("January February March April May June July August September October November "
          "December").split()


@dataclass
class Template:
    """A fixture thread to copy: metadata, and (author, text, parent index or None) per comment."""

    title: str
    article_text: str | None
    article_author: str | None
    site: str | None
    comments: list[tuple[str, str, int | None]]
    evidence: list[tuple[str | None, float | None]] = field(default_factory=list)
    names: re.Pattern[str] | None = None


def _template(thread: Thread, parents: dict[str, str | None] | None = None) -> Template | None:
    index: dict[str, int] = {}
    rows: list[tuple[str, str, int | None]] = []
    evidence: list[tuple[str | None, float | None]] = []
    for k, comment in enumerate(thread.comments):
        parent = parents.get(comment.id, comment.parent_id) if parents is not None else comment.parent_id
        p = index.get(parent) if parent is not None else None
        rows.append((comment.author or "anonymous", comment.text, p))
        evidence.append((comment.reply_evidence or "inferred", comment.reply_confidence or 0.5) if p is not None
                        else (None, None))
        index[comment.id] = k
    if len(rows) < 3:
        return None
    names = {a for a, _, _ in rows if len(a) >= 3}
    names |= {a.split()[0] for a in names if len(a.split()) > 1 and len(a.split()[0]) >= 3}
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) +
                         r")(?!\w)") if names else None
    return Template(thread.title or thread.thread_id, thread.article_text, thread.article_author, thread.site,
                    rows, evidence, pattern)


def _gold(path: Path) -> dict[str, str | None]:
    import csv

    with open(path, encoding="utf-8") as handle:
        return {row["id"]: row["parent_id"] or None for row in csv.DictReader(handle)}


def load_templates() -> tuple[list[Template], list[str]]:
    """Fixture threads (gold parents where hand labels give them) and a pool of paragraphs."""
    from commentscope.scraper.formats import parse_source
    from commentscope.scraper.sources import read_source
    from commentscope.scraper.store import read_records

    templates: list[Template] = []
    frame, threads = read_records(ROOT / "comments.jsonl")
    seed = threads[0]
    seed.comments = [Comment.from_dict(row) for row in frame.to_dicts()]
    templates.append(_template(seed))
    labelled = [(DATA / "labels" / f"{p.stem}.txt", p) for p in sorted((DATA / "labels").glob("*.csv"))
                if p.stem != "seed"]
    labelled += [(p, p.with_name(p.stem + ".gold.csv")) for p in sorted((DATA / "gold" / "replies").glob("*.txt"))]
    for text, gold in labelled:
        for thread in parse_source(read_source(str(text))):
            templates.append(_template(thread, _gold(gold)))
    for path in sorted((DATA / "formats").glob("*/*")):
        if ".expected." in path.name or path.suffix == ".csv" and path.parent.name == "wp_print":
            continue
        try:
            threads = parse_source(read_source(str(path)))
        except CommentscopeError:
            continue  # truncated fixtures are there to fail
        templates.extend(_template(thread) for thread in threads)
    templates = [t for t in templates if t is not None]
    pool = [p.strip() for t in templates for _, text, _ in t.comments for p in text.split("\n\n") if len(p) > 40]
    with open(DATA / "sentiment" / "realistic.jsonl", encoding="utf-8") as handle:
        pool += [json.loads(line)["text"] for line in handle if line.strip()]
    return templates, pool


def thread_sizes(total: int, rng: random.Random) -> list[int]:
    """Sizes drawn log-uniformly from SMALLEST to LARGEST that sum to ``total``."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = int(math.exp(rng.uniform(math.log(SMALLEST), math.log(LARGEST))))
        size = left if left - size < SMALLEST else size
        sizes.append(size)
        left -= size
    return sizes


def _vary(text: str, template: Template, names: dict[str, str], pool: list[str], rng: random.Random) -> str:
    if template.names is not None:
        text = template.names.sub(lambda m: names.get(m.group(1), m.group(1)), text)

    def swap(match: re.Match[str]) -> str:
        word = match.group(1)
        if rng.random() >= 0.35:
            return word
        other = SWAPS[word.lower()]
        return other.capitalize() if word[0].isupper() else other

    text = _SWAP.sub(swap, text)
    roll = rng.random()
    if roll < 0.25:  # a paragraph of another comment spliced in
        paragraphs = text.split("\n\n")
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(pool))
        text = "\n\n".join(paragraphs)
    elif roll < 0.75:  # a sentence of another comment added to one of its paragraphs
        sentence = rng.choice(_SENTENCE.findall(rng.choice(pool)) or pool)
        paragraphs = text.split("\n\n")
        at = rng.randrange(len(paragraphs))
        paragraphs[at] = f"{paragraphs[at].rstrip()} {sentence.strip()}"
        text = "\n\n".join(paragraphs)
    return text


def generate_threads(total: int, seed: int = 7, templates: list[Template] | None = None,
                     pool: list[str] | None = None, sizes: list[int] | None = None,
                     flat: bool = False) -> Iterator[Thread]:
    """Threads totalling ``total`` comments, built from the fixture templates (see the module docstring).
    ``flat`` leaves every parent out (as a print view shows them)."""
    if templates is None or pool is None:
        templates, pool = load_templates()
    rng = random.Random(seed)
    people = [f"{f} {l}" for f in FIRST for l in LAST] + [f"{f.lower()}{n}" for f in FIRST for n in range(10, 60)]
    for number, size in enumerate(sizes or thread_sizes(total, rng)):
        template = templates[rng.randrange(len(templates))]
        thread_id = f"bench-{number:06d}"
        start = datetime(2016, 1, 1) + timedelta(days=number % 2900, minutes=rng.randrange(1440))
        comments: list[Comment] = []
        regulars: list[str] = []
        while len(comments) < size:
            base = len(comments)
            originals = dict.fromkeys(author for author, _, _ in template.comments)
            names = {}
            for original in originals:
                names[original] = rng.choice(regulars) if regulars and rng.random() < 0.3 else rng.choice(people)
                if " " in original and " " in names[original]:
                    names[original.split()[0]] = names[original].split()[0]
            regulars.extend(names[o] for o in originals)
            for k, (author, text, parent) in enumerate(template.comments[: size - base]):
                position = base + k + 1
                evidence, confidence = template.evidence[k]
                comments.append(Comment(
                    thread_id=thread_id, id=str(position), position=position, author=names[author],
                    timestamp=(start + timedelta(minutes=7 * position + rng.randrange(7))).isoformat(),
                    text=_vary(text, template, names, pool, rng),
                    parent_id=None if flat or parent is None else str(base + parent + 1),
                    reply_evidence=None if flat else evidence, reply_confidence=None if flat else confidence,
                    source_format="wp_print"))
        yield Thread(thread_id=thread_id, source_format="wp_print", title=f"{template.title} ({number})",
                     site=template.site or "Bench Gazette", site_url="https://bench.example",
                     url=f"https://bench.example/{thread_id}/", article_author=template.article_author,
                     article_text=template.article_text, comments=comments)


def print_view(thread: Thread) -> str:
    """The thread as a WordPress print view (flat: the markup carries no parent)."""
    def stamp(iso: str) -> str:
        moment = datetime.fromisoformat(iso)
        hour = moment.hour % 12 or 12
        return (f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year} @ {hour}:{moment.minute:02d} "
                f"{'am' if moment.hour < 12 else 'pm'}")

    count = len(thread.comments)
    first = thread.comments[0].timestamp or "2016-01-01T00:00:00"
    lines = [f"- {thread.site} - {thread.site_url} -", "", thread.title or "", "",
             f"Posted By {thread.article_author or 'Staff'} On {stamp(first)} In News | {count} Comments", "",
             thread.article_text or "", "", f"{count} Comments (Open | Close)", "",
             f'{count} Comments To "{thread.title}"', ""]
    for comment in thread.comments:
        lines += [f"#{comment.position} Comment By {comment.author} On {stamp(comment.timestamp)}", "",
                  comment.text, ""]
    lines += [f"Article printed from {thread.site}: {thread.site_url}", "", f"URL to article: {thread.url}", ""]
    return "\n".join(lines)


def write_workload(total: int, folder: Path, seed: int = 7, sizes: list[int] | None = None,
                   chars: int | None = None) -> dict[str, Any]:
    """Write ``folder/comments.jsonl`` (with its ``.threads.json`` sidecar, as ``scrape -o`` writes them)
    and ``folder/views/*.txt`` (the same threads as print views). ``chars`` replaces every comment's
    text by one of about that many characters (paragraphs of the pool, address and reply structure
    kept). Returns counts: comments, threads, bytes of the JSONL, mean characters, unique-text share."""
    templates, pool = load_templates()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "views").mkdir(exist_ok=True)
    metas, lengths, texts = [], 0, set()
    rng = random.Random(seed + 1)
    records = folder / "comments.jsonl"
    with open(records, "w", encoding="utf-8") as handle:
        for thread in generate_threads(total, seed, templates, pool, sizes):
            if chars is not None:
                thread.comments = [c.replace(text=_sized(c.text, chars, pool, rng)) for c in thread.comments]
            for comment in thread.comments:
                handle.write(dumps(comment) + "\n")
                lengths += len(comment.text)
                texts.add(hash(comment.text))
            (folder / "views" / f"{thread.thread_id}.txt").write_text(print_view(thread), encoding="utf-8")
            meta = thread.metadata()
            meta["comment_count"] = len(thread.comments)
            metas.append(meta)
    sidecar = folder / "comments.threads.json"
    sidecar.write_text(json.dumps({"version": 1, "threads": metas}, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"comments": total, "threads": len(metas), "bytes": records.stat().st_size,
            "mean_chars": round(lengths / max(1, total)), "unique_share": round(len(texts) / max(1, total), 3)}


def _sized(text: str, chars: int, pool: list[str], rng: random.Random) -> str:
    """``text`` cut, or grown to about ``chars`` characters with new prose: a first-order word chain
    trained on the pool (real words and punctuation in real pairs, sentences no other comment holds,
    so a long comment does not copy passages of the others and the quote finder sees what real long
    comments give it)."""
    if len(text) >= chars:
        cut = text[:chars]
        return cut[:cut.rfind(" ")] if " " in cut else cut
    chain = _chain(tuple(pool))
    paragraphs, size = [text], len(text)
    while size < chars:
        word, words = rng.choice(chain[""]), []
        while len(words) < 80 and size + sum(map(len, words)) < chars:
            words.append(word)
            word = rng.choice(chain.get(word) or chain[""])
        paragraphs.append(" ".join(words))
        size += sum(map(len, words)) + len(words) + 1
    return "\n\n".join(paragraphs)[:chars].rstrip()


_CHAINS: dict[tuple[str, ...], dict[str, list[str]]] = {}


def _chain(pool: tuple[str, ...]) -> dict[str, list[str]]:
    """word -> the words that follow it in the pool ("" -> the words that open a paragraph)."""
    if pool not in _CHAINS:
        chain: dict[str, list[str]] = {"": []}
        for paragraph in pool:
            words = paragraph.split()
            if words:
                chain[""].append(words[0])
            for first, second in zip(words, words[1:]):
                chain.setdefault(first, []).append(second)
        _CHAINS[pool] = chain
    return _CHAINS[pool]
