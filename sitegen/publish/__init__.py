"""Outputs beside the pages and what happens after a build: feeds, sitemap, search index, checks and deployment."""
