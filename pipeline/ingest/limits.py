"""The per-document limits, as the format readers import them (they live in pipeline/limits.py).

Reading and extraction share one budget per document, so the limits sit below both stages.
"""

from pipeline.limits import (Budget, LimitExceeded, Limits, add_note, check_deadline,  # noqa: F401
                             collect_notes, current_budget, current_limits, document_budget,
                             restart_clock)
