"""The indexed site: finding sources, indexing documents, dates, URLs, translations and internal links."""
