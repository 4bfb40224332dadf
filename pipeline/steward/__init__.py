"""What a data steward works with: corrections, the review view, evaluation."""
