"""Classify sentences of unlabelled prose into purpose, target group, activities and the like.

Pages written as prose state their aims in sentences ("Syftet med projektet är att …",
"Hankkeen tavoitteena on …") rather than under labels. This stage splits the prose into
sentences (`prose_sentences`) and gives each the field its cue phrases name: `prose_cues` in
every `pipeline/lexicon/<lang>.yaml`, compiled by `prose_cues` (`stem*`, `*head`, `...`).
Kinds of cue:

- `<field>`: the whole sentence states the field; its earliest cue, then the longest, names
  it ("to achieve the goals", activities, outranks the "goal", purpose, inside it). Sentences
  of one field standing together (at most one other sentence of the same paragraph between
  them) form a run; the first run whose cue opens its sentence ("Målet er …") is the field,
  else the first run, starting at the cue when the cue stands inside the sentence ("…, med
  syftet att …"). A cue heading, a label list item ("• Tiltak:"), or a cue line ending in a
  colon gives its field to the list items (and, a heading, the lines) below. A target group
  is one sentence its cue opens; activities and evaluation run on to the end of the line,
  never across it, and the run with the most cues of the field (a carried line counts one)
  is taken, the longer on a tie.
- `<field>_phrase` (purpose, target group): the field is the sentence's tail, from the cue
  (purpose) or after it (target group), for aims and groups named in a sentence about
  something else ("… a befriending scheme for asylum seekers in London.").
- `target_group_preposition`: a noun of help or activity and its preposition ("*hjälp till",
  "classes for"), tried after the phrase cues, outside aims sentences and quoted names; the
  group must follow at once and organisations do not count. A bare "för"/"for" names a group
  too seldom: "en utmaning för flyktingar", "för att kvinnor ska …", "utvidga till fyra
  asylboenden". A target-group tail must open with a keyword of `target_groups.yaml`.
- `speech_attribution`: verbs naming a speaker after a comma (", says X."): such a sentence
  states someone's view, not the initiative's activities.

`classify_prose` returns, per field, spans of the text: activities one per sentence, every
other field the sentences (or the one phrase) that state it, in order.
"""

from __future__ import annotations

import re

from pipeline.enrich import categorise
from pipeline.extract.prose_cues import classify_sentence, matching_cues, phrase_matches
from pipeline.extract.prose_sentences import Sentence, list_sentences, open_quote
from pipeline.lexicon import PROSE_FIELDS, load_lexicon

MAX_GAP = 1             # sentences of other fields allowed inside one run
HEADING_WORDS = 4       # a line this short without end punctuation is a heading
LEADING_WORDS = 6       # a cue among a sentence's first words opens it ("Hankkeen tavoitteena")
FORM_LEADING_WORDS = 3  # in a form an aims sentence must open with its cue ("Syftet med …")
TARGET_WORDS_AHEAD = 4  # a target-group keyword must open the tail within this many words,
PREPOSITION_WORDS_AHEAD = 2  # or this many after a bare preposition ("till alla nyanlända")
MIN_PHRASE_SENTENCE = 5  # shorter lines are headlines, not sentences naming a group
LIST_ITEM = re.compile(r"^(?:[-*•▪◦–]|\(?\d{1,2}[.)])\s+")
TRAILING = " \t\n,;:–-"
# Fields whose cue must open the sentence ("the target group was consulted" names none), and
# which one sentence states.
LEADING_ONLY = ("target_group",)
# Fields whose first cued sentence opens a description of how it is done, or of what came
# of it ("Prosjektet ga gode resultater. Ni av ti …"): the rest of its line, up to a sentence
# of another field, belongs to it too.
WHOLE_PARAGRAPH = ("activities", "evaluation")
# Sections whose sentences may state other fields, and the labelling methods that make a
# page labelling one of FORM_FIELDS a form.
PROSE_SECTIONS = ("description", "background")
LABEL_METHODS = ("form_label", "section_heading", "question_heading")
FORM_FIELDS = ("target_group", "purpose", "activities")
PROSE_KINDS = ("page", "item")  # segments written as prose unless they label FORM_FIELDS


def classify_prose(text: str, spans: list[tuple[int, int]], lang: str,
                   phrases: bool = True, leading_words: int | None = None
                   ) -> dict[str, list[tuple[int, int]]]:
    """Return, per prose field, the spans of `text` that state it (sentences or phrases).

    `phrases=False` leaves out the weaker phrase cues (for forms, which label what they state);
    `leading_words` keeps only runs whose cue stands among that many first words.
    """
    sentences = list_sentences(text, spans, lang)
    for sentence in sentences:
        body = text[sentence.start:sentence.end]
        if not body.rstrip().endswith("?"):  # a question asks, it states nothing
            sentence.field, sentence.cue = classify_sentence(body)
    carry_list_items(text, sentences)
    for sentence in sentences:
        if sentence.field == "activities" and is_speech(text, sentence):
            sentence.field = None  # "Vi ønsker flere aktiviteter, forteller X." is a view
    found: dict[str, list[tuple[int, int]]] = {}
    for field in PROSE_FIELDS:
        runs = find_runs(text, sentences, field)
        if field in LEADING_ONLY or leading_words:
            runs = [run for run in runs
                    if opens_with_cue(text, run[0], leading_words or LEADING_WORDS)]
        if field in WHOLE_PARAGRAPH:
            runs = [extend_to_paragraph(text, sentences, run) for run in runs]
            runs = sorted(runs, key=lambda run: (-count_cues(text, run, field), -len(run)))
        run = choose_run(text, runs)
        if run:
            found[field] = run[:1] if field in LEADING_ONLY else run
    for field in ("purpose", "target_group"):
        if phrases and field not in found:
            found.update(find_phrase(text, sentences, field, lang))
    return {field: found[field] for field in PROSE_FIELDS if found.get(field)}


def classify_segment_prose(text: str, sections: dict[str, tuple[int, int]],
                           methods: dict[str, str], loose_text: list[tuple[int, int]],
                           kind: str, lang: str) -> dict[str, list[tuple[int, int]]]:
    """The prose fields of one segment, read from its loose text, description and background.

    A form (a submission or example of a compilation, or a page or listed item labelling its
    aims, group or activities) states under its labels what it has: prose adds only its aims
    sentences. A page's listed initiative is prose like the page.
    """
    narrative = [span for name, span in sections.items() if name in PROSE_SECTIONS]
    spans = sorted(set(loose_text) | set(narrative))
    # a label with nothing under it ("Why" closing a page) makes no form
    labelled = any(methods.get(name) in LABEL_METHODS and sections.get(name, (0, 0))[1] >
                   sections.get(name, (0, 0))[0] for name in FORM_FIELDS)
    form = kind not in PROSE_KINDS or labelled
    if not form:
        return classify_prose(text, spans, lang)
    # a form labels what it states: only sentences that open by stating an aim add a purpose
    found = classify_prose(text, spans, lang, phrases=False, leading_words=FORM_LEADING_WORDS)
    return {name: parts for name, parts in found.items() if name == "purpose"}


def carry_list_items(text: str, sentences: list[Sentence]) -> None:
    """A classified heading, or a line ending in a colon, gives its field to what it introduces.

    List items below either take its field; under a heading, unclassified lines do too. A
    list item that is only a label ("• Tiltak:") heads what follows like a heading.
    """
    field, heading = None, False
    for sentence in sentences:
        body = text[sentence.start:sentence.end]
        label = read_item_label(body)
        if label is not None:  # "• Tiltak:" heads the lines below it, up to the next label
            field, heading = label or None, bool(label)
            sentence.field = None
            continue
        if field and LIST_ITEM.match(body):
            sentence.field = field
            continue
        if field and heading and sentence.field is None and not is_heading(body):
            sentence.field, sentence.carried = field, True
            continue
        field, heading = None, False
        if sentence.field and body.rstrip().endswith(":"):
            field = sentence.field
        elif sentence.field and is_heading(body):
            field, heading = sentence.field, True
            sentence.field = None  # the heading itself is no part of the field's text


def read_item_label(body: str) -> str | None:
    """The prose field a label list item names ("• Tiltak:"), "" for another label, else None.

    Any short item ending in a colon is a label: an unknown one ends what the last one headed.
    """
    marker = LIST_ITEM.match(body)
    if not marker or not body.rstrip().endswith(":"):
        return None
    words = body[marker.end():].rstrip(" :")
    if not words or len(words.split()) > HEADING_WORDS:
        return None
    known = load_lexicon().lookup_label(words)
    return known[0] if known and known[0] in PROSE_FIELDS else ""


def is_speech(text: str, sentence: Sentence) -> bool:
    """True when a speaker is named after a comma: "…, forteller rådgiver Kari Nordmann."."""
    body = text[sentence.start:sentence.end]
    return any(body[:m.start()].rstrip().endswith(",")
               for cue in matching_cues(body, "speech")
               for m in cue.pattern.finditer(body))


def is_heading(body: str) -> bool:
    """A short line without sentence punctuation stands as a heading over what follows."""
    return len(body.split()) <= HEADING_WORDS and not body.rstrip()[-1:] in ".!,;:" and \
        not LIST_ITEM.match(body)


def find_runs(text: str, sentences: list[Sentence], field: str) -> list[list[Sentence]]:
    """Group a field's sentences into runs: same zone, at most MAX_GAP others of one paragraph."""
    runs: list[list[Sentence]] = []
    position = None
    for n, sentence in enumerate(sentences):
        if sentence.field != field:
            continue
        previous = runs[-1][-1] if runs else None
        same_paragraph = previous is not None and "\n\n" not in text[previous.end:sentence.start]
        joined = previous is not None and sentence.zone == previous.zone and (
            (n - position == 1 and (same_paragraph or field not in WHOLE_PARAGRAPH))
            or (n - position - 1 <= MAX_GAP and same_paragraph))
        if joined:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
        position = n
    return runs


def count_cues(text: str, run: list[Sentence], field: str) -> int:
    """How often the field's whole-sentence cues occur in a run; a carried line counts one."""
    count = 0
    for sentence in run:
        body = text[sentence.start:sentence.end]
        hits = sum(len(cue.pattern.findall(body))
                   for cue in matching_cues(body, "sentence", field))
        count += hits or (sentence.field == field and (
            sentence.carried or LIST_ITEM.match(body) is not None))
    return count


def extend_to_paragraph(text: str, sentences: list[Sentence],
                        run: list[Sentence]) -> list[Sentence]:
    """Add to a run the sentences of no other field that follow it on its last line.

    Scraped pages often break paragraphs with one newline; a line is the safe paragraph.
    """
    extended = list(run)
    for sentence in sentences[sentences.index(run[-1]) + 1:]:
        if sentence.field not in (None, run[-1].field) or sentence.zone != run[-1].zone:
            break
        if "\n" in text[extended[-1].end:sentence.start] or LIST_ITEM.match(
                text[sentence.start:sentence.end]) or is_heading(text[sentence.start:sentence.end]):
            break
        extended.append(sentence)
    return extended


def choose_run(text: str, runs: list[list[Sentence]]) -> list[tuple[int, int]]:
    """The first run that opens with its cue, else the first; a cue inside a sentence starts it."""
    if not runs:
        return []
    runs = [drop_weak_head(text, run) for run in runs]
    leading = [run for run in runs if opens_with_cue(text, run[0])]
    run = (leading or runs)[0]
    spans = [(s.start, s.end) for s in run]
    head = run[0]
    if not opens_with_cue(text, head):
        spans[0] = (head.start + tail_start(text, head), head.end)
    return spans


def drop_weak_head(text: str, run: list[Sentence]) -> list[Sentence]:
    """Start a run at its first sentence that opens with its cue, when one does."""
    first = next((n for n, s in enumerate(run) if s.field and opens_with_cue(text, s)), 0)
    return run[first:]


def tail_start(text: str, sentence: Sentence) -> int:
    """Where a field stated inside a sentence begins: its phrase cue, or its cue after a comma."""
    body = text[sentence.start:sentence.end]
    phrases = [s for s, _, _ in phrase_matches(body, sentence.field) if s <= sentence.cue]
    if phrases:
        return phrases[0]
    return sentence.cue if body[:sentence.cue].rstrip().endswith(",") else 0


def opens_with_cue(text: str, sentence: Sentence, leading_words: int = LEADING_WORDS) -> bool:
    """True when the sentence's cue stands among its first `leading_words` words."""
    return len(text[sentence.start:sentence.start + sentence.cue].split()) < leading_words


def find_phrase(text: str, sentences: list[Sentence], field: str,
                lang: str) -> dict[str, list[tuple[int, int]]]:
    """The first tail of a sentence that a phrase cue of the field opens.

    Phrase cues are tried before bare prepositions, full sentences before headline lines.
    """
    ordered = [s for s in sentences if len(text[s.start:s.end].split()) >= MIN_PHRASE_SENTENCE]
    ordered.sort(key=lambda s: not text[s.start:s.end].rstrip()[-1:] in ".!?")
    for prepositions in (False, True):
        for sentence in ordered:
            span = find_tail(text, sentence, field, lang, prepositions)
            if span is not None:
                return {field: [span]}
    return {}


def find_tail(text: str, sentence: Sentence, field: str, lang: str,
              prepositions: bool) -> tuple[int, int] | None:
    """The tail a phrase cue opens in one sentence; of several cues, the nearest to the group."""
    body = text[sentence.start:sentence.end]
    candidates: list[tuple[int, int]] = []  # (characters from cue to group, tail start)
    for cue_start, cue_end, preposition in phrase_matches(body, field):
        if preposition != prepositions:
            continue
        if preposition and sentence.field == "purpose":
            continue  # "… integration för nyanlända" in an aims sentence names no group
        if open_quote(body[:cue_start]):
            continue  # a quoted name ("“Help for Refugees”") names no group
        if field == "purpose":
            candidates.append((0, cue_start))
            break
        ahead = PREPOSITION_WORDS_AHEAD if preposition else TARGET_WORDS_AHEAD
        gap = find_target_group(body[cue_end:], lang, ahead, actors=not preposition)
        if gap is not None:
            candidates.append((gap, cue_end))
    if not candidates:
        return None
    start = min(candidates)[1]
    span = trim(text, sentence.start + start, sentence.start + cut_at_purpose(body, start))
    return span if span[1] > span[0] else None


def find_target_group(tail: str, lang: str, ahead: int, actors: bool) -> int | None:
    """Where a target-group keyword starts among the tail's first `ahead` words, if one does.

    Organisations and staff count only after a strong cue ("targeted at teachers"): after a
    bare preposition they are mostly who runs it ("in cooperation with the municipality").
    """
    words = list(re.finditer(r"\w[\w-]*", tail))[:ahead]
    if not words:
        return None
    lexicon = categorise.load_lexicon("target_groups")
    known = categorise.resolve_language(lang, lexicon)
    langs = (known,) if known else tuple(sorted(lexicon.stemmers))
    starts = [start for code, start, _ in categorise.find_matches(tail, langs, lexicon)
              if start < words[-1].end() and (actors or code not in lexicon.actor_codes)]
    return min(starts) if starts else None


def cut_at_purpose(body: str, start: int) -> int:
    """End a target-group tail where a purpose phrase, or a comma and an infinitive, begins."""
    ends = [s for s, _, _ in phrase_matches(body, "purpose") if s > start]
    ends += [m.start() for cue in matching_cues(body, "end")
             for m in cue.pattern.finditer(body)
             if m.start() > start and body[:m.start()].rstrip().endswith(",")]
    return min(ends) if ends else len(body)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace and dangling commas or dashes from both ends of a span."""
    while start < end and text[start] in TRAILING:
        start += 1
    while end > start and text[end - 1] in TRAILING:
        end -= 1
    return start, end


