"""The `sitegen` command: build, new, serve, deploy, check and import."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sitegen import __version__
from sitegen.errors import SitegenError
from sitegen.settings.config import Config, load_config

log = logging.getLogger("sitegen")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; user mistakes print one line each and exit 1."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO, format="%(message)s")
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except SitegenError as error:
        if args.debug:
            raise
        print(error.format(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Build a portfolio and blog site from content/.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="the site's folder (default: here)")
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug messages")
    parser.set_defaults(debug=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_build(commands, common)
    _add_new(commands, common)
    _add_serve(commands, common)
    _add_deploy(commands, common)
    _add_check(commands, common)
    _add_import(commands)
    return parser


def _add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("import", help="turn another generator's site into a sitegen site")
    parser.add_argument("kind", choices=["jekyll"], help="what the site is made with")
    parser.add_argument("src", type=Path, help="the site's folder (its repository)")
    parser.add_argument("dest", type=Path, nargs="?", default=Path("."), help="where to write (default: here)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug messages")
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    """sitegen import jekyll SRC [DEST]: never overwrites a file; running it twice is safe."""
    from sitegen.jekyll.importer import import_jekyll

    report = import_jekyll(args.src, args.dest)
    for line in report.lines():
        print(line)
    return 0


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    build = commands.add_parser("build", parents=[common], help="build the site into _site/")
    add_build_options(build)
    build.set_defaults(run=run_build)


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that build."""
    parser.add_argument("--drafts", action="store_true", help="include drafts and future posts")
    parser.add_argument("--output", type=Path, help="output folder (default: _site)")
    parser.add_argument("--base-url", help="override base_url, e.g. https://user.github.io/portfolio/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    new = commands.add_parser("new", parents=[common], help="create a new post")
    new.add_argument("kind", choices=["post"], help="what to create")
    new.add_argument("title", help="the post's title")
    new.set_defaults(run=run_new)


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("serve", parents=[common], help="preview the site with live reload")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    parser.add_argument("--drafts", action="store_true", help="include drafts and future posts")
    parser.add_argument("--base-url", help="override base_url, e.g. https://user.github.io/portfolio/")
    parser.add_argument("--open", action="store_true", help="open the site in a web browser")
    parser.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """sitegen serve (its server is loaded only when asked for)."""
    from sitegen.serve import preview as serve

    return serve.run(args)


def _add_deploy(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("deploy", parents=[common], help="build and publish to a gh-pages branch")
    parser.add_argument("--remote", default="origin", help="the git remote to push to (default: origin)")
    parser.add_argument("--branch", default="gh-pages", help="the branch that holds the site (default: gh-pages)")
    parser.add_argument("--message", help="the commit message (default: names the source commit)")
    parser.add_argument("--force", action="store_true", help="deploy even with uncommitted changes to the sources")
    parser.add_argument("--no-push", action="store_true", help="commit to the local branch only")
    parser.add_argument("--base-url", help="override base_url, e.g. https://user.github.io/portfolio/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.set_defaults(run=run_deploy)


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("check", parents=[common], help="check links, titles, feeds and sitemap of the built site")
    parser.add_argument("--output", type=Path, help="the built site to check (default: the output folder)")
    parser.add_argument("--base-url", help="the base_url the site was built with, if not the configured one")
    parser.add_argument(
        "--translations", action="store_true", help="report, per locale, the pages and UI strings that fall back"
    )
    parser.set_defaults(run=run_check)


def run_deploy(args: argparse.Namespace) -> int:
    """sitegen deploy."""
    from sitegen.publish import deploy

    return deploy.run(args)


def run_check(args: argparse.Namespace) -> int:
    """sitegen check."""
    from sitegen.publish import check

    return check.run(args)


def build_time() -> datetime:
    """Return the build's 'now': SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def config_from_args(args: argparse.Namespace) -> Config:
    """Load the settings and apply the command line's overrides."""
    return load_config(
        args.root,
        base_url=getattr(args, "base_url", None),
        drafts=getattr(args, "drafts", False),
        strict=getattr(args, "strict", False),
        now=build_time(),
    )


def run_build(args: argparse.Namespace) -> int:
    """sitegen build."""
    from sitegen.build import build

    config = config_from_args(args)
    output = args.output.resolve() if args.output else None
    report = build(config, output=output)
    for problem in report.warnings:
        print(problem.format(), file=sys.stderr)
    print(report.summary())
    return 0


def run_new(args: argparse.Namespace) -> int:
    """sitegen new post "Title"."""
    from sitegen.scaffold import create_post

    config = load_config(args.root)
    path = create_post(config, args.title, build_time().astimezone(config.zone))
    print(f"Created {path.relative_to(config.root).as_posix()}")
    return 0
