"""Find an initiative's title: score the lead lines and the names the body introduces.

A page's first line is often a banner, a menu item, a byline or a headline about the
initiative rather than its name. Candidates are the heading-like lines near the top and the
names that follow an initiative noun ("projektet X", "X-hanke", a quoted name); each gets
points for looking like a heading, standing early, recurring in the body and being named by
an initiative noun, and loses points for looking like a person's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.layout import Line, is_contact_line, is_date_line, longest_first, paragraphs, \
    starts_capitalised, trim_span
from pipeline.extract.lead import MAX_TITLE_WORDS, first_prose_line, is_heading_paragraph, \
    skippable_lead_line
from pipeline.lexicon import Lexicon, load_lexicon
from pipeline.extract.names import MAX_NAME_WORDS, OPEN_QUOTES, find_introduced_names
from pipeline.extract.zones import Zone

EARLY_PARAGRAPHS = 3     # a name the body introduces this early may be the title
SELF_INTRO_WORDS = 6      # "är ett nytt ideellt forskningsprojekt": the noun comes this soon
LEAD_WINDOW = 20          # non-blank lines from the top of a block that may hold its title
MIN_TITLE_SCORE = 2.5
# Points for each trait of a candidate (see module docstring).
HEADING, FIRST_BONUS, RANK_STEP = 3.0, 2.0, 0.4
RECURS, RECURS_AGAIN, NAMED_BY_NOUN, OPENS_NEXT, AFTER_KICKER = 2.0, 1.0, 4.0, 1.5, 2.0
BODY_NAME, CAMEL_NAME = 2.0, 1.0
PERSON_LIKE, LONG_LINE, SHOUTED, ORGANISATION_LIKE, SCHEDULE_LIKE = -3.0, -1.0, -0.5, -2.0, -2.0
DIGIT_SHARE, MIN_SCHEDULE_DIGITS = 0.1, 3
WORDS = re.compile(r"\w+")


@dataclass
class Candidate:
    """A possible title: its span in the text and the points it has gathered."""

    start: int
    end: int
    score: float
    method: str
    line: int | None = None


def choose_title(text: str, lines: list[Line], zones: list[Zone]) -> Candidate | None:
    """Score the lead lines of the unlabelled zones and the body's names; return the best."""
    lexicon = load_lexicon()
    spans = [(zone.start, zone.end) for zone in zones if not zone.empty]
    body = "\n".join(text[s:e] for s, e in spans)
    furniture = [(line.start, line.end) for line in lines if line.boilerplate]
    names = [(start + s, end + s, camel) for s, e in spans
             for start, end, camel in find_introduced_names(text[s:e], body, lexicon)
             if not any(a <= start + s < b for a, b in furniture)]  # "Facebook LinkedIn …"
    candidates = score_lead_lines(text, lines, zones, body, names, lexicon)
    covered = [(c.start, c.end) for c in candidates]
    early = end_of_early_prose(lines, zones)
    for start, end, camel in names:
        if any(s <= start and end <= e for s, e in covered):
            continue  # the name stands in a lead line, which already scored it
        score = (CAMEL_NAME if camel else NAMED_BY_NOUN) + recurrence(body, text[start:end], 1)
        if start < early:
            score += BODY_NAME  # named in the opening paragraphs, not a partner's project later
        candidates.append(Candidate(start, end, score, "text_mention"))
    candidates += self_introductions(text, lines, zones, body)
    candidates += inline_labelled_titles(text, spans, lexicon)
    candidates = [c for c in candidates if c.score >= MIN_TITLE_SCORE]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.score, -c.start))


def end_of_early_prose(lines: list[Line], zones: list[Zone]) -> int:
    """Where the first few prose paragraphs of the block end (a text offset)."""
    seen, end = 0, 0
    for zone in zones:
        for first, last in paragraphs(lines, zone.first, zone.last):
            block = lines[first:last + 1]
            if is_heading_paragraph(block) or all(line.boilerplate for line in block):
                continue
            seen, end = seen + 1, block[-1].end
            if seen == EARLY_PARAGRAPHS:
                return end
    return max(end, lines[-1].end if lines else 0)


def score_lead_lines(text: str, lines: list[Line], zones: list[Zone], body: str,
                     names: list[tuple[int, int, bool]], lexicon: Lexicon) -> list[Candidate]:
    """Give each heading-like line near the top its points."""
    free = sorted({i for zone in zones if zone.field is None for i in range(zone.first, zone.last)})
    window = [lines[i] for i in free if not lines[i].blank][:LEAD_WINDOW]
    candidates: list[Candidate] = []
    for line in window:
        previous = next((p for p in reversed(lines[:line.index]) if not p.blank), None)
        if not is_title_line(line) or (previous is not None and
                                       previous.text.rstrip().endswith(":")):
            continue
        start, end = title_span_of(text, line)
        inner = [(s, e) for s, e, _ in names if line.start <= s and e <= line.end]
        start, end = narrow_to_name(text, start, end, inner, lexicon)
        name = text[start:end]
        score = HEADING + max(0.0, FIRST_BONUS - RANK_STEP * len(candidates))
        score += recurrence(body, name, 1)
        if inner or named_by_noun(text, name, names):
            score += NAMED_BY_NOUN
        if opens_next_paragraph(lines, line, name):
            score += OPENS_NEXT
        if previous is not None and is_kicker(previous):
            score += AFTER_KICKER
        score += shape_penalty(name, lines, line)
        candidates.append(Candidate(start, end, score, "page_heading", line.index))
    return candidates


def self_introductions(text: str, lines: list[Line], zones: list[Zone],
                       body: str) -> list[Candidate]:
    """The name an opening sentence defines ("X är ett projekt som …") is a strong candidate."""
    for zone in zones:
        if zone.field is not None or zone.empty:
            continue
        first = first_prose_line(lines, zone)
        if first is None:
            continue
        span = title_from_self_introduction(text, (lines[first].start, zone.end))
        if span is None or only_function_words(text[span[0]:span[1]]):
            return []  # "Here is a project …" names nothing
        span = drop_leading_article(text, span, body)
        score = HEADING + recurrence(body, text[span[0]:span[1]], 1)
        if introduces_initiative(text[span[1]:zone.end]):
            score += NAMED_BY_NOUN  # "X är ett projekt", not "X är en intresseorganisation"
        return [Candidate(span[0], span[1], score, "self_introduction")]
    return []


def drop_leading_article(text: str, span: tuple[int, int], body: str) -> tuple[int, int]:
    """ "Die Sprachbrücke Nord ist ein Projekt": the name is what the body also writes bare."""
    name = text[span[0]:span[1]]
    first, _, rest = name.partition(" ")
    if not rest or not starts_capitalised(rest) or not only_function_words(first):
        return span

    def mentions(words: str) -> int:
        return len(re.findall(rf"(?<!\w){re.escape(words)}(?!\w)", body, re.IGNORECASE))

    return (span[0] + len(first) + 1, span[1]) if mentions(rest) > mentions(name) else span


def only_function_words(name: str) -> bool:
    """True when every word of a name is a common word of some language ("Det", "Hér")."""
    common = function_words(load_lexicon())
    return all(word in common for word in WORDS.findall(name.casefold()))


@lru_cache(maxsize=4)
def function_words(lexicon: Lexicon) -> frozenset[str]:
    """Every language's cue words and name stop words (no wildcard phrases)."""
    return frozenset(w for w in lexicon.all_phrases("cue_words") | lexicon.all_phrases(
        "name_stopwords") if "*" not in w)


def introduces_initiative(rest: str) -> bool:
    """True when the words after a self-introduced name call it a project, not an organisation."""
    kinds = initiative_kinds(load_lexicon())
    words = WORDS.findall(rest.casefold())[:SELF_INTRO_WORDS]
    return any(word.endswith(kinds) for word in words)


@lru_cache(maxsize=4)
def initiative_kinds(lexicon: Lexicon) -> tuple[str, ...]:
    """Initiative nouns that are not also organisation nouns ("projekt", not "förening")."""
    return tuple(lexicon.all_phrases("initiative_nouns") - lexicon.all_phrases("organisation_nouns"))


def inline_labelled_titles(text: str, spans: list[tuple[int, int]],
                           lexicon: Lexicon) -> list[Candidate]:
    """A title label run into a line of transcribed form ("… Navn på prosjektet: X Kontakt: …")."""
    pattern = inline_title_label(lexicon)
    for s, e in spans:
        match = pattern.search(text, s, e)
        if match and len(match.group(1).split()) <= MAX_NAME_WORDS:
            start, end = trim_span(text, match.start(1), match.end(1))
            return [Candidate(start, end, HEADING + NAMED_BY_NOUN, "form_label")]
    return []


@lru_cache(maxsize=4)
def inline_title_label(lexicon: Lexicon) -> re.Pattern[str]:
    """Any language's title label after other text on a line, and the value it gives."""
    labels = sorted({p for lang in lexicon.languages.values() for p in lang.labels["title"]},
                    key=longest_first)
    return re.compile(r"(?<=\S )(?i:" + "|".join(re.escape(p) for p in labels) +
                      r"):[ \t]+(.{2,80}?)(?=\s+[A-ZÅÄÖÆØ][\w/()-]*(?:\s\w+)?:|\s*$|\n)",
                      re.MULTILINE)


def is_title_line(line: Line) -> bool:
    """A line that could be a title: heading-like, not furniture, a date, a label or contacts."""
    text = line.text.strip()
    return (not line.blank and not line.boilerplate and line.label is None
            and not line.question_part and not line.is_list_item
            and 0 < line.words <= MAX_TITLE_WORDS and not text.endswith((".", ":", "?", ";", ","))
            and any(ch.isalpha() for ch in text) and not skippable_lead_line(line)
            and not is_contact_line(text))


def title_span_of(text: str, line: Line) -> tuple[int, int]:
    """The line's span without surrounding space and emphasis marks."""
    start, end = trim_span(text, line.start, line.end)
    while start < end and text[start] in "#*_ ":
        start += 1
    while end > start and text[end - 1] in "*_ ":
        end -= 1
    return start, end


def narrow_to_name(text: str, start: int, end: int, inner: list[tuple[int, int]],
                   lexicon: Lexicon) -> tuple[int, int]:
    """Keep only the name when a line is a quoted name with a subtitle or "the project X"."""
    nouns = lexicon.all_phrases("name_nouns")
    for s, e in inner:
        quoted = s > start and text[s - 1] in OPEN_QUOTES
        rest = (text[start:s] + " " + text[e:end]).strip(" “”\"„«»‘’'`-–—:").casefold()
        if quoted or not rest or rest in nouns or rest.split(" ", 1)[-1] in nouns:
            return s, e
    return start, end


def recurrence(body: str, name: str, seen: int) -> float:
    """Points for a name the body repeats (whole words, any case), beyond `seen` mentions."""
    if len(name) < 3:
        return 0.0
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    extra = len(pattern.findall(body)) - seen
    return (RECURS if extra >= 1 else 0.0) + (RECURS_AGAIN if extra >= 2 else 0.0)


def named_by_noun(text: str, name: str, names: list[tuple[int, int, bool]]) -> bool:
    """True when an initiative noun introduces this line's name somewhere in the body."""
    folded = fold_words(name)
    for s, e, camel in names:
        if camel:
            continue
        found = fold_words(text[s:e])
        if found == folded or folded.startswith(found + " ") or found.startswith(folded):
            return True
    return False


def fold_words(text: str) -> str:
    """Words only, in lower case: "Europe for You!" and "europe for you." compare equal."""
    return " ".join(WORDS.findall(text.casefold()))


def opens_next_paragraph(lines: list[Line], line: Line, name: str) -> bool:
    """True when the paragraph after the line begins with the line's first words."""
    head = " ".join(name.split()[:2]).casefold()
    for following in lines[line.index + 1:line.index + 3]:
        if not following.blank:
            return following.words > MAX_TITLE_WORDS and \
                following.text.strip().casefold().startswith(head)
    return False


def is_kicker(line: Line) -> bool:
    """A one-word rubric above a title ("Projekt", "Uutinen")."""
    folded = line.text.strip().strip("#*").strip().casefold().rstrip(":")
    return folded in load_lexicon().all_phrases("kickers")


def shape_penalty(name: str, lines: list[Line], line: Line) -> float:
    """Points off for a byline's name, an organisation's name, a schedule line, or shouting."""
    words = name.split()
    penalty = LONG_LINE if len(words) > 10 else 0.0
    if looks_like_person(words):
        penalty += PERSON_LIKE if beside_metadata(lines, line) else PERSON_LIKE / 3
    if words and words[-1].casefold() in load_lexicon().all_phrases("org_suffixes"):
        penalty += ORGANISATION_LIKE
    digits = sum(ch.isdigit() for ch in name)
    if digits >= MIN_SCHEDULE_DIGITS and digits > DIGIT_SHARE * len(name):
        penalty += SCHEDULE_LIKE
    if len(words) >= 3 and name.isupper():
        penalty += SHOUTED
    return penalty


def beside_metadata(lines: list[Line], line: Line) -> bool:
    """True when a neighbouring line is a date, a label, contact details or page furniture."""
    before = next((p for p in reversed(lines[:line.index]) if not p.blank), None)
    after = next((n for n in lines[line.index + 1:] if not n.blank), None)
    for neighbour in (before, after):
        if neighbour is None:
            continue
        text = neighbour.text.strip()
        if is_date_line(text) or neighbour.label is not None or is_contact_line(text) or \
                (neighbour is before and text.endswith(":")):
            return True
    return False


def looks_like_person(words: list[str]) -> bool:
    """Two or three capitalised alphabetic words and nothing else ("Anna Berg")."""
    nouns = load_lexicon().all_phrases("initiative_nouns")
    return (2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower()
                                         and w.replace("-", "").isalpha() for w in words)
            and not any(w.casefold() in nouns for w in words))


def title_from_self_introduction(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Read the name from an opening like "X är ett forskningsprojekt …"."""
    opening = text[span[0]:span[1]].split("\n", 1)[0]
    match = self_introduction(load_lexicon()).match(opening)
    if not match or not starts_capitalised(match.group(1)):
        return None
    return (span[0], span[0] + len(match.group(1)))


@lru_cache(maxsize=4)
def self_introduction(lexicon: Lexicon) -> re.Pattern[str]:
    """An opening "X är ett forskningsprojekt": a name, a self-introducing verb, a noun."""
    verbs = "|".join(re.escape(v) for v in sorted(lexicon.all_phrases("self_intro"), key=len,
                                                   reverse=True))
    nouns = "|".join(re.escape(n) for n in lexicon.all_phrases("initiative_nouns"))
    return re.compile(rf"^(.{{3,120}}?)\s+(?:{verbs})\s+(?:\w+\s+){{0,3}}?\w*(?:{nouns})\b",
                      re.IGNORECASE)
