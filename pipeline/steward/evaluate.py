"""Score published initiative records against a gold standard (`gold-v1`).

Predicted records are paired one-to-one with gold records of the same source file, first by
title, then by overlap of their section text; every field is then scored over the pairs, with
unmatched records counting as misses. The scoring rules are spelled out where each is computed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from rapidfuzz import fuzz

from pipeline.models import Initiative, TextField
from pipeline.steward.gold import GoldRecord, Record, find_gold_parents, load_gold, load_predictions
from pipeline.steward.scores import SCORED_SECTIONS, FieldScore, Mismatch, Report, prf_score


# Pairing thresholds: a title match needs a near-identical normalised title; a text match
# needs most of the section words shared, so that same-language boilerplate (och, att, for)
# between two unrelated submissions stays below it.
TITLE_MATCH_THRESHOLD = 85.0
TEXT_MATCH_THRESHOLD = 0.5
# Names within a record: ratio or token_sort_ratio; never token_set_ratio, which scores a
# name contained in a longer one ("Svenska kyrkan" in "Stockholms stiftskansli, Svenska
# kyrkan") as identical.
NAME_MATCH_THRESHOLD = 85.0
EXCERPT_CHARS = 60


# -- normalisation -------------------------------------------------------------------------

def normalise_name(text: str | None) -> str:
    """Fold a title or name: NFKC, casefold, punctuation and symbols to spaces, one space."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in text)
    return " ".join(text.split())


def normalise_url(url: str) -> str:
    """Fold a URL: lowercase, no angle brackets, scheme, `www.` or trailing slash."""
    url = url.strip().strip("<>").strip().lower()
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url)
    url = url.removeprefix("www.")
    return url.rstrip("/")


def normalise_email(email: str) -> str:
    """Fold an e-mail address: lowercase, no angle brackets or `mailto:`."""
    return email.strip().strip("<>").strip().lower().removeprefix("mailto:")


def tokenise(text: str | None) -> list[str]:
    """Split text into lowercased word tokens."""
    return re.findall(r"\w+", (text or "").casefold())


def token_f1(expected: str | None, got: str | None) -> float:
    """Return the SQuAD-style token F1 of two texts (multiset overlap of word tokens)."""
    gold_tokens, pred_tokens = Counter(tokenise(expected)), Counter(tokenise(got))
    common = sum((gold_tokens & pred_tokens).values())
    if common == 0:
        return 1.0 if not gold_tokens and not pred_tokens else 0.0
    precision = common / sum(pred_tokens.values())
    recall = common / sum(gold_tokens.values())
    return 2 * precision * recall / (precision + recall)


def names_similar(a: str, b: str) -> float:
    """Score two normalised names 0-100 with whole-string measures only."""
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


# -- reading fields from either kind of record -----------------------------------------------

def source_name(record: Record) -> str:
    """Return the base name of the file a record came from."""
    raw = record.file if isinstance(record, GoldRecord) else record.source.file
    return PurePath(raw.replace("\\", "/")).name


def section_text(record: Record, name: str) -> str | None:
    """Return a section's text (activities joined), or None when empty."""
    if name == "activities":
        parts = [item.text if isinstance(item, TextField) else item for item in record.activities]
        value = "\n".join(parts)
    else:
        value = getattr(record, name)
        value = value.text if isinstance(value, TextField) else value
    return value if value and value.strip() else None


def all_section_text(record: Record) -> str:
    """Return every section of a record as one text, for pairing records by content."""
    if isinstance(record, Initiative):
        return "\n".join(text_field.text for _, text_field in record.text_fields())
    names = (*SCORED_SECTIONS, "activities")
    return "\n".join(text for name in names if (text := section_text(record, name)))


# -- pairing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """One gold record paired with one predicted record, and why."""

    gold: int
    pred: int
    method: str  # "title" or "text"
    similarity: float


def assign_greedily(candidates: list[tuple[tuple[float, ...], int, int]]) -> list[tuple[int, int]]:
    """Pick one-to-one pairs from (score, left, right) candidates, best score first."""
    ordered = sorted(candidates, key=lambda item: ([-value for value in item[0]], item[1], item[2]))
    taken_left, taken_right, pairs = set(), set(), []
    for _, left, right in ordered:
        if left not in taken_left and right not in taken_right:
            taken_left.add(left)
            taken_right.add(right)
            pairs.append((left, right))
    return pairs


def match_records(gold: list[GoldRecord], pred: list[Initiative]) -> list[Match]:
    """Pair predicted with gold records of the same file: by title, then by section text."""
    titles_gold = [normalise_name(record.title) for record in gold]
    titles_pred = [normalise_name(record.title) for record in pred]
    texts_gold = [all_section_text(record) for record in gold]
    texts_pred = [all_section_text(record) for record in pred]
    files_pred = [source_name(record) for record in pred]
    same_file = [
        (g, p) for g in range(len(gold)) for p in range(len(pred)) if gold[g].file == files_pred[p]
    ]
    text_overlap = {(g, p): token_f1(texts_gold[g], texts_pred[p]) for g, p in same_file}

    by_title = []
    for g, p in same_file:
        if titles_gold[g] and titles_pred[p]:
            similarity = fuzz.ratio(titles_gold[g], titles_pred[p])
            if similarity >= TITLE_MATCH_THRESHOLD:
                by_title.append(((similarity, text_overlap[g, p]), g, p))
    matches = [
        Match(g, p, "title", fuzz.ratio(titles_gold[g], titles_pred[p]) / 100)
        for g, p in assign_greedily(by_title)
    ]

    paired_gold = {match.gold for match in matches}
    paired_pred = {match.pred for match in matches}
    by_text = [
        ((text_overlap[g, p],), g, p) for g, p in same_file
        if g not in paired_gold and p not in paired_pred
        and text_overlap[g, p] >= TEXT_MATCH_THRESHOLD
    ]
    matches += [Match(g, p, "text", text_overlap[g, p]) for g, p in assign_greedily(by_text)]
    return sorted(matches, key=lambda match: match.gold)


def pair_items(
    gold_items: Iterable[Hashable], pred_items: Iterable[Hashable],
    similar: Callable[[Hashable, Hashable], float] | None = None,
) -> list[tuple[Hashable, Hashable]]:
    """Pair the items of two sets one-to-one: equal ones, or `similar` above its threshold."""
    gold_list, pred_list = sorted(set(gold_items), key=str), sorted(set(pred_items), key=str)
    candidates = []
    for i, a in enumerate(gold_list):
        for j, b in enumerate(pred_list):
            value = 100.0 if a == b else similar(a, b) if similar else 0.0
            if value >= NAME_MATCH_THRESHOLD:
                candidates.append(((value,), i, j))
    return [(gold_list[i], pred_list[j]) for i, j in assign_greedily(candidates)]


def names_and_roles_similar(a: tuple[str, str], b: tuple[str, str]) -> float:
    """Score two (name, role) items as their names, or 0 when the roles differ."""
    return names_similar(a[0], b[0]) if a[1] == b[1] else 0.0


def excerpt(value) -> str:
    """Shorten a value for display."""
    text = " ".join(str("(none)" if value in (None, "", [], set()) else value).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def label(record: Record) -> str:
    """Name a record for display: its title, else its id."""
    return record.title or (record.id if isinstance(record, Initiative) else "(untitled)")


def worst_first(mismatches: list[Mismatch]) -> list[Mismatch]:
    """Order mismatches lowest score first."""
    return sorted(mismatches, key=lambda item: (item.score, item.file, item.title))


# -- scoring -------------------------------------------------------------------------------

def as_set(values: Iterable) -> str:
    """Join set items in a stable order for display; (name, role) items as `name (role)`."""
    shown = [f"{value[0]} ({value[1]})" if isinstance(value, tuple) else str(value)
             for value in values]
    return "; ".join(sorted(shown))


# Set-valued fields: name, item extractor, fuzzy matcher (None = equal items only), informative.
SET_FIELDS: tuple[tuple[str, Callable[[Record], set], Callable | None, bool], ...] = (
    ("organisations", lambda r: {normalise_name(o.name) for o in r.organisations},
     names_similar, False),
    ("organisations+role",
     lambda r: {(normalise_name(o.name), o.role) for o in r.organisations},
     names_and_roles_similar, False),
    ("contact_emails", lambda r: {normalise_email(c.email) for c in r.contacts}, None, False),
    ("websites", lambda r: {normalise_url(url) for url in r.websites}, None, False),
    ("countries", lambda r: {code.strip().upper() for code in r.countries}, None, False),
    ("funding", lambda r: {normalise_name(name) for name in r.funding}, names_similar, False),
    ("target_group_categories", lambda r: set(r.target_group_categories), None, False),
    ("themes", lambda r: set(r.themes), None, False),
    ("sdgs", lambda r: set(r.sdgs), None, True),
)


# Single-valued fields: name, value, comparison key, which gold records count, informative.
ACCURACY_FIELDS: tuple[tuple[str, Callable, Callable, Callable, bool], ...] = (
    ("title", lambda r: r.title, normalise_name, lambda g: True, False),
    ("language", lambda r: r.language, str, lambda g: True, False),
    ("period_start", lambda r: r.period.start, str, lambda g: g.period.start, True),
    ("period_end", lambda r: r.period.end, str, lambda g: g.period.end, True),
    ("implementation_level", lambda r: r.implementation_level, str,
     lambda g: g.implementation_level, True),
)


def score_segmentation(
    gold: list[GoldRecord], pred: list[Initiative], matches: list[Match],
) -> tuple[FieldScore, dict[str, FieldScore]]:
    """Precision/recall of paired records against gold and predicted counts, and per file."""
    paired_gold = {match.gold for match in matches}
    paired_pred = {match.pred for match in matches}
    mismatches = [Mismatch(g.file, label(g), "a record", "(missing)", 0.0)
                  for i, g in enumerate(gold) if i not in paired_gold]
    mismatches += [Mismatch(source_name(p), label(p), "(no gold record)", "an extra record", 0.0)
                   for j, p in enumerate(pred) if j not in paired_pred]
    files = {}
    for file in dict.fromkeys(record.file for record in gold):
        n_gold = sum(record.file == file for record in gold)
        n_pred = sum(source_name(record) == file for record in pred)
        tp = sum(gold[match.gold].file == file for match in matches)
        files[file] = prf_score(file, tp, n_gold, n_pred)
    overall = prf_score("segmentation", len(matches), len(gold), len(pred),
                        mismatches=worst_first(mismatches))
    return overall, files


def score_parent_links(
    gold: list[GoldRecord], pred: list[Initiative], matches: list[Match],
) -> FieldScore:
    """F1 of parent links: a predicted link is right when it joins the pair of a gold link."""
    parents = find_gold_parents(gold)
    pred_of = {match.gold: pred[match.pred] for match in matches}
    gold_of = {match.pred: match.gold for match in matches}
    tp, mismatches = 0, []
    for i, record in enumerate(gold):
        child = pred_of.get(i)
        parent = pred_of.get(parents[i]) if parents[i] is not None else None
        got = child.parent_id if child else None
        right = parents[i] is not None and child is not None and parent is not None \
            and got == parent.id
        tp += right
        if not right and (parents[i] is not None or got is not None):
            got_title = next((label(p) for p in pred if p.id == got), got)
            mismatches.append(Mismatch(record.file, label(record), excerpt(record.parent),
                                       excerpt(got_title), 0.0))
    n_pred = sum(p.parent_id is not None for p in pred)
    mismatches += [Mismatch(source_name(p), label(p), "(no gold record)", excerpt(p.parent_id), 0.0)
                   for j, p in enumerate(pred) if p.parent_id is not None and j not in gold_of]
    n_gold = sum(parent is not None for parent in parents)
    return prf_score("parent_links", tp, n_gold, n_pred, mismatches=worst_first(mismatches))


def score_accuracy(
    name: str, value: Callable, key: Callable, applies: Callable, informative: bool,
    gold: list[GoldRecord], pred_of: dict[int, Initiative],
) -> FieldScore:
    """Share of gold records (where `applies`) whose paired record has the same value."""
    correct, total, mismatches = 0, 0, []
    for i, record in enumerate(gold):
        if not applies(record):
            continue
        total += 1
        expected = value(record)
        got = value(pred_of[i]) if i in pred_of else None
        right = i in pred_of and (expected is None) == (got is None) \
            and (expected is None or key(expected) == key(got))
        correct += right
        if not right:
            shown = excerpt(got) if i in pred_of else "(no matching record)"
            mismatches.append(Mismatch(record.file, label(record), excerpt(expected), shown, 0.0))
    score = correct / total if total else None
    return FieldScore(name, "accuracy", score, correct, total, informative=informative,
                      mismatches=worst_first(mismatches))


def score_set_field(
    name: str, items: Callable[[Record], set], similar: Callable | None, informative: bool,
    gold: list[GoldRecord], pred: list[Initiative], matches: list[Match],
) -> FieldScore:
    """Micro precision/recall over the items of each pair; unpaired records count as misses."""
    pred_of = {match.gold: pred[match.pred] for match in matches}
    paired_pred = {match.pred for match in matches}
    tp = n_gold = n_pred = 0
    mismatches = []
    rows = [(g.file, label(g), items(g), items(pred_of[i]) if i in pred_of else set())
            for i, g in enumerate(gold)]
    rows += [(source_name(p), label(p), set(), items(p))
             for j, p in enumerate(pred) if j not in paired_pred]
    for file, title, expected, got in rows:
        pairs = pair_items(expected, got, similar)
        tp, n_gold, n_pred = tp + len(pairs), n_gold + len(expected), n_pred + len(got)
        missed = expected - {a for a, _ in pairs}
        extra = got - {b for _, b in pairs}
        if missed or extra:
            f1 = 2 * len(pairs) / (len(expected) + len(got))
            mismatches.append(Mismatch(file, title, excerpt(as_set(missed)),
                                       excerpt(as_set(extra)), f1))
    return prf_score(name, tp, n_gold, n_pred, informative=informative,
                     mismatches=worst_first(mismatches))


def score_section(
    name: str, gold: list[GoldRecord], pred_of: dict[int, Initiative],
) -> FieldScore:
    """Mean token F1 over gold records where gold or prediction has text (one empty = 0)."""
    values, exact, mismatches = [], 0, []
    for i, record in enumerate(gold):
        expected = section_text(record, name)
        got = section_text(pred_of[i], name) if i in pred_of else None
        if expected is None and got is None:
            continue
        f1 = token_f1(expected, got) if expected and got else 0.0
        values.append(f1)
        exact += bool(expected and got and expected.strip() == got.strip())
        if f1 < 1.0:
            mismatches.append(Mismatch(record.file, label(record), excerpt(expected),
                                       excerpt(got), round(f1, 3)))
    score = sum(values) / len(values) if values else None
    return FieldScore(name, "mean", score, sum(values), len(values), exact=exact,
                      mismatches=worst_first(mismatches))


def score(gold: list[GoldRecord], pred: list[Initiative]) -> Report:
    """Score predicted records against gold records, field by field."""
    gold_files = {record.file for record in gold}
    scored = [record for record in pred if source_name(record) in gold_files]
    matches = match_records(gold, scored)
    pred_of = {match.gold: scored[match.pred] for match in matches}

    fields: dict[str, FieldScore] = {}
    fields["segmentation"], files = score_segmentation(gold, scored, matches)
    fields["parent_links"] = score_parent_links(gold, scored, matches)
    for name, value, key, applies, informative in ACCURACY_FIELDS:
        fields[name] = score_accuracy(name, value, key, applies, informative, gold, pred_of)
    for name, items, similar, informative in SET_FIELDS:
        fields[name] = score_set_field(name, items, similar, informative, gold, scored, matches)
    for name in (*SCORED_SECTIONS, "activities"):
        fields[name] = score_section(name, gold, pred_of)

    pairs = [{"file": gold[m.gold].file, "gold_title": gold[m.gold].title,
              "pred_id": scored[m.pred].id, "pred_title": scored[m.pred].title,
              "method": m.method, "similarity": round(m.similarity, 3)} for m in matches]
    return Report(fields, files, pairs, len(gold), len(scored), len(pred) - len(scored))


def run_evaluation(gold: Path, pred: Path | None = None) -> Report:
    """Load the gold file and the published records, and score them."""
    return score(load_gold(gold), load_predictions(pred))
