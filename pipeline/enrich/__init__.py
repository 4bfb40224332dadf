"""Records → richer records: language, normalised values, categories, translation, links."""
