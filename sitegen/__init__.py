"""sitegen: a static site generator for machine-learning portfolios and blogs."""

__version__ = "0.1.0"
