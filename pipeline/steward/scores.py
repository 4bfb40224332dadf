"""The scorer's figures (per-field scores, mismatches) and their rendering as a terminal table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pipeline.models import field_names

SCORED_SECTIONS = field_names(scored=True)  # from the field registry
MISMATCHES_SHOWN = 5


# -- the report ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    """One record where a field went wrong: what the gold says and what came out."""

    file: str
    title: str
    expected: str
    got: str
    score: float


@dataclass
class FieldScore:
    """The figure for one field: an F1 (`prf`), an accuracy, or a mean of per-record scores."""

    name: str
    metric: str  # "prf", "accuracy" or "mean"
    score: float | None
    correct: float  # true positives, correct records, or the sum of per-record scores
    gold: int  # gold items (prf) or records counted (accuracy, mean)
    pred: int | None = None  # predicted items (prf)
    precision: float | None = None
    recall: float | None = None
    exact: int | None = None  # records whose text matched exactly (mean)
    informative: bool = False
    mismatches: list[Mismatch] = field(default_factory=list)


@dataclass
class Report:
    """Every field's score for one gold/prediction comparison."""

    fields: dict[str, FieldScore]
    files: dict[str, FieldScore]
    pairs: list[dict]
    gold_records: int
    pred_records: int
    pred_ignored: int  # predicted records from files the gold does not cover

    def to_dict(self) -> dict:
        """Return the report as plain JSON-ready data."""
        return {
            "gold_records": self.gold_records,
            "pred_records": self.pred_records,
            "pred_ignored": self.pred_ignored,
            "fields": {name: asdict(value) for name, value in self.fields.items()},
            "files": {name: asdict(value) for name, value in self.files.items()},
            "pairs": self.pairs,
        }


def prf_score(name: str, tp: int, n_gold: int, n_pred: int, **extra) -> FieldScore:
    """Build an F1 figure; with nothing in gold nor prediction there is no score."""
    if n_gold == 0 and n_pred == 0:
        return FieldScore(name, "prf", None, tp, n_gold, n_pred, **extra)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FieldScore(name, "prf", f1, tp, n_gold, n_pred, precision, recall, **extra)


# -- display -------------------------------------------------------------------------------

FIELD_ORDER = (
    "segmentation", "parent_links", "title", "language", "organisations", "organisations+role",
    "contact_emails", "websites", "countries", "funding", *SCORED_SECTIONS, "activities",
    "target_group_categories", "themes",
)


def format_ratio(value: float | None) -> str:
    """Render a figure with three decimals, or a dash when there is none."""
    return "    -" if value is None else f"{value:.3f}"


def format_line(figure: FieldScore, width: int = 24) -> str:
    """Render one field as `name  score  counts`."""
    shown = format_ratio(figure.score)
    if figure.metric == "prf":
        counts = (f"P {format_ratio(figure.precision)}  R {format_ratio(figure.recall)}  "
                  f"{figure.correct}/{figure.gold} gold, {figure.pred} pred")
    elif figure.metric == "mean":
        counts = f"mean of {figure.gold}, {figure.exact} exact"
    else:
        counts = f"{figure.correct}/{figure.gold}"
    return f"{figure.name:<{width}}{shown}  {counts}"


def format_report(report: Report, verbose: bool = False) -> str:
    """Render the report as a compact terminal table; verbose adds files and worst cases."""
    lines = [f"gold {report.gold_records} records, predicted {report.pred_records}"
             f" (+{report.pred_ignored} from files not in gold), paired {len(report.pairs)}",
             f"{'field':<24}score  counts"]
    main = [name for name in FIELD_ORDER if name in report.fields]
    main += [name for name, f in report.fields.items() if name not in main and not f.informative]
    lines += [format_line(report.fields[name]) for name in main]
    core = [report.fields[name].score for name in main if report.fields[name].score is not None]
    if core:
        lines.append(f"{'core macro':<24}{sum(core) / len(core):.3f}  mean of {len(core)} fields")
    lines.append("informative")
    lines += [format_line(f) for name, f in report.fields.items()
              if f.informative and name not in main]
    if not verbose:
        return "\n".join(lines)
    lines += ["", "segmentation per file"]
    lines += ["  " + format_line(figure, width=30) for figure in report.files.values()]
    for name, figure in report.fields.items():
        if figure.mismatches:
            lines += ["", f"worst {name} ({len(figure.mismatches)} records)"]
            lines += [f"  {m.title[:40]:<40}  expected {m.expected!r}  got {m.got!r}"
                      for m in figure.mismatches[:MISMATCHES_SHOWN]]
    return "\n".join(lines)
