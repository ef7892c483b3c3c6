"""The incremental engine: rendering jobs, their fingerprints, the build record, the cache and transactional writes."""
