"""Run sitegen as `python -m sitegen`."""

from sitegen.cli import main

raise SystemExit(main())
