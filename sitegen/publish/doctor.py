"""`sitegen doctor`: check, offline, the things that break GitHub Pages sites.

The base URL against the repository named by the git remote, `.nojekyll`, where
Pages publishes from (a workflow or a branch), a CNAME that disagrees with the
settings, Python and the installed dependencies, and every template of the site
that replaces a theme template which changed since it was copied.

A template copied with `sitegen override` starts with a marker naming the theme
file and the hash of the version it was copied from; that is how doctor knows
the theme changed since. Each finding is one line: `ok:`, `warning:` or `error:`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sitegen.overrides import MARKER, theme_digest
from sitegen.settings.config import Config, load_config
from sitegen.theme import PREFIX

_GITHUB = re.compile(r"github\.com[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
_REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*([^;]*)(;.*)?$")
_CLAUSE = re.compile(r"(>=|<=|==|!=|~=|<|>)\s*([\w.*]+)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing doctor looked at."""

    severity: str  # "ok", "warning" or "error"
    message: str
    hint: str = ""

    def format(self) -> str:
        """Return the finding as printed: one line, plus a hint line."""
        return f"{self.severity}: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")


def run(args: argparse.Namespace) -> int:
    """Print every finding; exit 1 when one is an error."""
    config = load_config(args.root)
    findings = list(diagnose(config))
    for finding in findings:
        print(finding.format())
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    print(f"{errors} errors, {warnings} warnings")
    return 1 if errors else 0


def diagnose(config: Config) -> Iterator[Finding]:
    """Yield the findings of every check, in a fixed order."""
    remote = github_remote(config.root)
    yield from check_base_url(config, remote)
    yield from check_publishing(config)
    yield from check_cname(config)
    yield from check_versions()
    yield from check_overrides(config)


def github_remote(root: Path) -> tuple[str, str] | None:
    """Return (owner, repository) of the `origin` remote when it is on GitHub."""
    try:
        result = subprocess.run(["git", "remote", "get-url", "origin"], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return None
    match = _GITHUB.search(result.stdout.strip()) if result.returncode == 0 else None
    return (match.group(1), match.group(2)) if match else None


def check_base_url(config: Config, remote: tuple[str, str] | None) -> Iterator[Finding]:
    """Compare the base URL's path with the one GitHub Pages serves the repository under."""
    if remote is None:
        yield Finding("warning", "no GitHub remote 'origin': cannot compare base_url with the repository")
        return
    owner, name = remote
    if config.domain:
        expected, kind = "/", f"the custom domain {config.domain}"
    elif name.lower() == f"{owner.lower()}.github.io":
        expected, kind = "/", f"the user site {owner}/{name}"
    else:
        expected, kind = f"/{name}/", f"the project site {owner}/{name}"
    if config.base_path != expected:
        yield Finding(
            "error",
            f"base_url path '{config.base_path}' does not fit {kind}, which GitHub Pages serves under '{expected}'",
            hint=f"set base_url in {config.settings_file} (the Pages workflow passes the right one with --base-url)",
        )
    else:
        yield Finding("ok", f"base_url path '{config.base_path}' fits {kind}")
    if config.repository and config.repository.lower() != f"{owner}/{name}".lower():
        yield Finding("warning", f"setting 'repository' is '{config.repository}' but origin is {owner}/{name}")


def check_publishing(config: Config) -> Iterator[Finding]:
    """Tell where Pages publishes from, as far as the files and branches show, and check .nojekyll."""
    workflows = _pages_workflows(config.root)
    branch = _git(config.root, "rev-parse", "--verify", "--quiet", "refs/heads/gh-pages") or _git(
        config.root, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/gh-pages"
    )
    if workflows and branch:
        yield Finding(
            "warning",
            f"both a Pages workflow ({', '.join(workflows)}) and a gh-pages branch: Pages publishes only one",
            hint="choose it in the repository's Settings → Pages → Source (GitHub Actions, or Deploy from a branch)",
        )
    elif workflows:
        yield Finding("ok", f"Pages source: GitHub Actions ({', '.join(workflows)}); set Settings → Pages → Source to match")
    elif branch:
        yield Finding("ok", "Pages source: the gh-pages branch (sitegen deploy); set Settings → Pages → Source to match")
    else:
        yield Finding(
            "warning",
            "nothing publishes the site yet: no Pages workflow and no gh-pages branch",
            hint="sitegen init writes .github/workflows/pages.yml; sitegen deploy makes the branch",
        )
    if branch and not _git(config.root, "cat-file", "-e", f"{branch}:.nojekyll", ok_output="present"):
        yield Finding("error", "the gh-pages branch has no .nojekyll: Pages runs Jekyll and drops files starting with '_'",
                      hint="run sitegen deploy, which publishes the built site with its .nojekyll")
    out = config.output_path
    if out.is_dir() and not (out / ".nojekyll").is_file():
        yield Finding("error", f"{config.output_dir}/ has no .nojekyll", hint="build again with sitegen build")


def check_cname(config: Config) -> Iterator[Finding]:
    """Report a CNAME file that names another domain than the settings (or any, when they name none)."""
    places = [config.content_path / "CNAME", config.static_path / "CNAME", config.root / "CNAME"]
    for path in places:
        if not path.is_file():
            continue
        named = path.read_text(encoding="utf-8", errors="replace").strip()
        rel = path.relative_to(config.root).as_posix()
        if named != config.domain:
            wanted = f"'{config.domain}'" if config.domain else "no domain"
            yield Finding(
                "error",
                f"{rel} names '{named}' but the settings name {wanted}",
                hint=f"set domain = \"{named}\" in {config.settings_file} (the build writes CNAME) and delete {rel}",
            )


def check_versions() -> Iterator[Finding]:
    """Check Python and that every installed dependency satisfies what sitegen requires."""
    version = ".".join(map(str, sys.version_info[:3]))
    yield Finding("ok" if sys.version_info >= (3, 11) else "error", f"Python {version} (sitegen needs 3.11 or newer)")
    try:
        requirements = metadata.requires("sitegen") or []
    except metadata.PackageNotFoundError:
        yield Finding("warning", "sitegen is not installed as a package: dependency versions not checked")
        return
    problems = [problem for line in requirements if (problem := _requirement_problem(line))]
    for problem in problems:
        yield Finding("error", problem, hint="pip install --upgrade sitegen (or make install)")
    if not problems:
        yield Finding("ok", f"{sum(1 for line in requirements if 'extra ==' not in line)} dependencies installed in versions that fit")


def _requirement_problem(line: str) -> str | None:
    """Return what is wrong with one requirement ("jinja2>=3.1"), or None; extras are skipped."""
    match = _REQUIREMENT.match(line.strip())
    if not match or (match.group(3) and "extra" in match.group(3)):
        return None
    name, clauses = match.group(1), _CLAUSE.findall(match.group(2))
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        return f"{name} is not installed"
    for operator, wanted in clauses:
        if not _satisfies(_release(installed), operator, _release(wanted)):
            return f"{name} {installed} is installed, sitegen needs {match.group(2).strip()}"
    return None


def _release(version: str) -> tuple[int, ...]:
    numbers = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in numbers.group(0).split(".")) if numbers else (0,)


def _satisfies(have: tuple[int, ...], operator: str, want: tuple[int, ...]) -> bool:
    size = max(len(have), len(want))
    left, right = have + (0,) * (size - len(have)), want + (0,) * (size - len(want))
    return {
        ">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right,
        "==": left == right, "!=": left != right, "~=": left >= right and have[: len(want) - 1] == want[:-1],
    }[operator]


def check_overrides(config: Config) -> Iterator[Finding]:
    """Report each site template that replaces a theme template, and whether the theme changed since."""
    from sitegen.engine.templates import theme_overrides

    for name in theme_overrides(config):
        rel = f"{config.templates_dir}/{name}"
        text = (config.templates_path / name).read_text(encoding="utf-8")
        marker = MARKER.search(text.split("\n", 1)[0])
        current = theme_digest(name)
        if f'"{PREFIX}{name}"' in text or f"'{PREFIX}{name}'" in text:
            yield Finding("ok", f"{rel} extends the theme's {name}, so it follows its changes")
        elif marker is None:
            yield Finding(
                "warning",
                f"{rel} replaces the theme's {name}; sitegen cannot tell whether the theme changed since",
                hint=f"compare: sitegen override --diff {name}; then record the theme's version: sitegen override --mark {name}",
            )
        elif marker.group(2) != current:
            yield Finding(
                "warning",
                f"{rel} replaces the theme's {name}, which changed since it was copied ({marker.group(2)} → {current})",
                hint=f"merge the theme's changes (sitegen override --diff {name}), then: sitegen override --mark {name}",
            )
        else:
            yield Finding("ok", f"{rel} replaces the theme's {name}, unchanged since it was copied")


def _pages_workflows(root: Path) -> list[str]:
    folder = root / ".github" / "workflows"
    if not folder.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix()
        for path in folder.glob("*.y*ml")
        if "actions/deploy-pages" in path.read_text(encoding="utf-8", errors="replace")
    )


def _git(root: Path, *args: str, ok_output: str = "") -> str:
    """Run git; return its output (or `ok_output` when it succeeds silently), "" on any failure."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    if result.returncode != 0:
        return ""
    return result.stdout.strip() or ok_output
