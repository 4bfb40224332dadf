"""Document text → initiative records: lines, segments, zones, titles, organisations, fields."""
