"""The site's settings: `[tool.sitegen]` in a TOML file, the locales file, and the YAML loader both use."""
