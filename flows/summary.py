"""The run's quality summary as Markdown, for the flow run's artifact in the Prefect UI."""

from __future__ import annotations

MAX_LISTED = 20  # quarantined files and flags shown; the rest are in quality.json


def quality_markdown(result: dict, version: str) -> str:
    """Counts, coverage per field, the commonest flags and the quarantined files of a run."""
    quality = result.get("quality") or {}
    lines = [f"# Release {version}", ""]
    if result.get("unchanged"):
        lines += ["The inbox is unchanged: no new release was made.", ""]
    lines += table(["", "count"], [
        ("documents", result["documents"]), ("initiatives", result["initiatives"]),
        ("quarantined", result["quarantined"]), ("review rows", quality.get("review_queue", 0)),
        *[(f"documents {name}", value) for name, value
          in sorted((quality.get("incremental") or {}).items())]])
    coverage = quality.get("coverage") or {}
    if coverage:
        lines += ["", "## Coverage", ""]
        lines += table(["field", "share of initiatives"],
                       [(name, f"{share:.0%}") for name, share in coverage.items()])
    flags = sorted((quality.get("flags") or {}).items(), key=lambda item: (-item[1], item[0]))
    if flags:
        lines += ["", "## Flags", ""]
        lines += table(["flag", "records"], flags[:MAX_LISTED])
    quarantined = quality.get("quarantined") or []
    if quarantined:
        lines += ["", "## Quarantined", ""]
        lines += [f"- {escape(item['reason'] or item['file'])}" for item in quarantined[:MAX_LISTED]]
        if len(quarantined) > MAX_LISTED:
            lines.append(f"- … and {len(quarantined) - MAX_LISTED} more (see quality.json)")
    return "\n".join(lines) + "\n"


def table(header: list[str], rows: list[tuple]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(escape(str(cell)) for cell in row) + " |" for row in rows]


def escape(text: str) -> str:
    """Text that cannot break a Markdown table or list."""
    return text.replace("|", "\\|").replace("\n", " ")
