"""The `sitegen` command: init, build, new, serve, deploy, check, doctor and import."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.errors import SitegenError
from sitegen.settings.config import Config, load_config

if TYPE_CHECKING:
    from sitegen.starter import SiteAnswers

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
    except Exception as error:  # a bug, not a user mistake: one line, and --debug shows where
        if args.debug:
            raise
        print(f"error: internal error: {error} ({type(error).__name__}); run with --debug for the traceback", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Build a portfolio and blog site from content/.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="the site's folder (default: here)")
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug messages")
    parser.set_defaults(debug=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_init(commands, common)
    _add_build(commands, common)
    _add_new(commands, common)
    _add_serve(commands, common)
    _add_deploy(commands, common)
    _add_check(commands, common)
    _add_doctor(commands, common)
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


def _add_init(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    init = commands.add_parser("init", parents=[common], help="start a new site in DIR (never overwrites a file)")
    init.add_argument("dir", nargs="?", type=Path, help="the new site's folder (default: --root, or here)")
    init.add_argument("--title", help="the site's title (asked for on a terminal)")
    init.add_argument("--author", help="your name (asked for on a terminal)")
    init.add_argument("--base-url", help="where the site is published, e.g. https://user.github.io/")
    init.add_argument("--locales", help="locale codes, default first, e.g. en,fr (default: en)")
    init.set_defaults(run=run_init)


def _add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    new = commands.add_parser("new", parents=[common], help="create a new post, page or notebook post")
    new.add_argument("kind", choices=["post", "page", "notebook"], help="what to create")
    new.add_argument("title", help="its title")
    new.set_defaults(run=run_new)


def _add_doctor(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    doctor = commands.add_parser("doctor", parents=[common], help="check what breaks GitHub Pages sites, offline")
    doctor.set_defaults(run=run_doctor)
    override = commands.add_parser("override", parents=[common], help="copy theme templates into templates/ to change them")
    override.add_argument("names", nargs="+", metavar="TEMPLATE", help="e.g. partials/tags.html")
    action = override.add_mutually_exclusive_group()
    action.add_argument("--mark", action="store_true", help="record the theme's current version in an override")
    action.add_argument("--diff", action="store_true", help="show how an override differs from the theme's version")
    override.set_defaults(run=run_override)


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
    """sitegen new post|page|notebook "Title"."""
    from sitegen.scaffold import create

    config = load_config(args.root)
    path = create(args.kind, config, args.title, build_time().astimezone(config.zone))
    print(f"Created {path.relative_to(config.root).as_posix()}")
    return 0


def run_init(args: argparse.Namespace) -> int:
    """sitegen init [DIR]: ask on a terminal, take defaults otherwise; never overwrite."""
    from sitegen.starter import init_site

    root = args.dir or args.root
    answers = ask_answers(args, interactive=sys.stdin.isatty())
    report = init_site(root, answers, build_time().date())
    for rel in report.written:
        print(f"  wrote {rel}")
    for rel in report.kept:
        print(f"  kept {rel} (it exists)")
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {root} && "
    print(f"New site in {root}: {len(report.written)} files written. Next: {where}sitegen serve")
    return 0


def ask_answers(args: argparse.Namespace, *, interactive: bool) -> SiteAnswers:
    """Take the new site's title, author, base URL and locales from the options, else ask, else defaults."""
    from urllib.parse import urlsplit

    from sitegen.starter import SiteAnswers

    def value(given: str | None, question: str, default: str) -> str:
        if given is not None:
            return given
        if not interactive:
            return default
        return input(f"{question} [{default}]: ").strip() or default

    title = value(args.title, "Site title", "My site")
    author = value(args.author, "Your name", "Your Name")
    base_url = value(args.base_url, "Published at (base URL)", "https://example.org/")
    locales = value(args.locales, "Locales, default first", "en")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SitegenError(f"the base URL must be an absolute http(s) URL, got {base_url!r}", hint="e.g. https://user.github.io/")
    codes = tuple(code.strip() for code in locales.replace(" ", ",").split(",") if code.strip())
    return SiteAnswers(title, author, base_url.rstrip("/") + "/", codes)


def run_override(args: argparse.Namespace) -> int:
    """sitegen override [--mark | --diff] TEMPLATE..."""
    from sitegen.overrides import copy_template, diff_template, mark_template

    config = load_config(args.root)
    for name in args.names:
        if args.diff:
            print(diff_template(config, name), end="")
        elif args.mark:
            print(f"Marked {mark_template(config, name).relative_to(config.root).as_posix()} with the theme's version")
        else:
            print(f"Copied the theme's {name} to {copy_template(config, name).relative_to(config.root).as_posix()}")
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    """sitegen doctor."""
    from sitegen.publish import doctor

    return doctor.run(args)
