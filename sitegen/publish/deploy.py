"""`sitegen deploy`: build, make the output folder the whole tree of the gh-pages branch, push it.

Only git objects and the branch ref are written (`hash-object`, `mktree`, `commit-tree`,
`update-ref`): the working tree, the index and the checked-out branch are never touched.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from sitegen.engine.inputs import input_locations, is_hidden
from sitegen.engine.write import MARKER
from sitegen.errors import SitegenError
from sitegen.settings.config import Config

log = logging.getLogger(__name__)

CNAME = "CNAME"
_SHOWN_CHANGES = 5

# A folder of the tree being made: name -> (mode, blob id) for a file, or a nested folder.
Folder: TypeAlias = dict[str, "tuple[str, str] | Folder"]


@dataclass(frozen=True, slots=True)
class Deployment:
    """What a deploy committed."""

    branch: str
    commit: str
    parent: str | None  # the branch's previous tip, None for its first commit
    tree: str
    files: int


def run(args: argparse.Namespace) -> int:
    """Check git, build the site, commit it to the branch and push the branch."""
    from sitegen.build import build
    from sitegen.cli import config_from_args

    config = config_from_args(args)
    repo = find_repository(config.root)
    check_ready(repo, config, args.remote, args.branch, force=args.force)
    report = build(config)
    for problem in report.warnings:
        log.warning(problem.format())
    print(report.summary())
    message = args.message or default_message(repo, dirty=bool(uncommitted_sources(repo, config)))
    deployment = commit_site(repo, report.output_path, args.branch, message, remote=args.remote, domain=config.domain)
    if not args.no_push:
        push_branch(repo, args.remote, args.branch)
    where = args.branch if args.no_push else f"{args.remote}/{args.branch}"
    print(f"Published {deployment.files} files as {deployment.commit[:12]} on {where}")
    return 0


def git(repo: Path, *args: str, stdin: str | None = None, check: bool = True, strip: bool = True) -> str:
    """Run one git command in `repo` and return its output ("" on failure when not `check`)."""
    result = subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if check and result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise SitegenError(f"git {args[0]} failed: {detail[-1] if detail else f'exit status {result.returncode}'}")
    if result.returncode != 0:
        return ""
    return result.stdout.strip() if strip else result.stdout


def find_repository(root: Path) -> Path:
    """Return the top folder of the git repository the site is in."""
    if shutil.which("git") is None:
        raise SitegenError("git is not installed", hint="deploy publishes the site through git")
    top = git(root, "rev-parse", "--show-toplevel", check=False)
    if not top:
        raise SitegenError(
            "the site is not in a git repository",
            hint="run 'git init' and add a remote, or deploy from a clone of the site",
        )
    return Path(top).resolve()


def check_ready(repo: Path, config: Config, remote: str, branch: str, *, force: bool) -> None:
    """Refuse to deploy from an unsafe state: no remote, the branch checked out, uncommitted sources."""
    if not git(repo, "remote", "get-url", remote, check=False):
        raise SitegenError(
            f"git remote '{remote}' does not exist",
            hint=f"add it with 'git remote add {remote} URL', or choose another with --remote",
        )
    if git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False) == branch:
        raise SitegenError(
            f"branch '{branch}' is checked out here",
            hint="switch to the branch that holds the site's sources first",
        )
    changed = uncommitted_sources(repo, config)
    if changed and not force:
        shown = ", ".join(changed[:_SHOWN_CHANGES])
        more = f" and {len(changed) - _SHOWN_CHANGES} more" if len(changed) > _SHOWN_CHANGES else ""
        raise SitegenError(
            f"uncommitted changes in {shown}{more}",
            hint="commit them first, or deploy anyway with --force",
        )


def uncommitted_sources(repo: Path, config: Config) -> list[str]:
    """List changed, staged or untracked input files of the site (repository-relative; hidden files are not inputs)."""
    sources = (location.path.resolve() for location in input_locations(config))
    inside = [path for path in sources if path.is_relative_to(repo)]
    if not inside:
        return []
    pathspecs = [path.relative_to(repo).as_posix() or "." for path in inside]
    status = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *pathspecs, strip=False)
    root = config.root.resolve()
    return [rel for rel in _status_paths(status) if not is_hidden(_site_rel(repo / rel, root))]


def _site_rel(path: Path, root: Path) -> str:
    """Return a path relative to the site root (as input locations are), or as it is when outside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _status_paths(status: str) -> list[str]:
    """Read `git status --porcelain -z`: "XY path", with the old name after a rename or copy."""
    paths: list[str] = []
    entries = iter(status.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":
            next(entries, None)
    return sorted(set(paths))


def default_message(repo: Path, *, dirty: bool) -> str:
    """Name the source commit the site was built from."""
    head = git(repo, "rev-parse", "--short=12", "HEAD", check=False)
    message = f"Publish site built from {head}" if head else "Publish site"
    return message + " with uncommitted changes" if dirty else message


def commit_site(repo: Path, out: Path, branch: str, message: str, *, remote: str | None, domain: str) -> Deployment:
    """Commit the output folder as the whole tree of `branch`, on top of its current tip."""
    local = _tip(repo, f"refs/heads/{branch}")
    parent = (remote_tip(repo, remote, branch) if remote else None) or local
    root, files = folder_entries(repo, out)
    _keep_cname(repo, root, parent, domain)
    tree = make_tree(repo, root)
    parents = ["-p", parent] if parent else []
    commit = git(repo, "commit-tree", tree, *parents, "-m", message)
    # The old value makes update-ref refuse if the branch moved meanwhile.
    git(repo, "update-ref", "-m", "sitegen deploy", f"refs/heads/{branch}", commit, local or "")
    return Deployment(branch, commit, parent, tree, files)


def push_branch(repo: Path, remote: str, branch: str) -> None:
    """Push the site branch; the remote's tip is its parent, so this is a fast-forward."""
    try:
        git(repo, "push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    except SitegenError as error:
        raise SitegenError(str(error.problems[0].message), hint=f"the site is committed on the local branch '{branch}'; push it yourself or deploy again") from None


def remote_tip(repo: Path, remote: str, branch: str) -> str | None:
    """Return the remote branch's tip, fetched so it can be a parent; None when it does not exist."""
    listed = git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}")
    if not listed:
        return None
    tip = listed.split()[0]
    if not git(repo, "cat-file", "-t", tip, check=False):
        git(repo, "fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}")
    return tip


def _tip(repo: Path, ref: str) -> str | None:
    return git(repo, "rev-parse", "--verify", "--quiet", ref + "^{commit}", check=False) or None


def folder_entries(repo: Path, out: Path) -> tuple[Folder, int]:
    """Store every file of the output folder as a blob, bytes as they are; return the folder tree."""
    files = sorted(path for path in out.rglob("*") if path.is_file() and path.relative_to(out).as_posix() != MARKER)
    rels = [path.relative_to(out).as_posix() for path in files]
    if any("\n" in rel for rel in rels):
        raise SitegenError("an output file name holds a line break; git cannot take it through --stdin-paths")
    ids = git(repo, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin="".join(f"{path}\n" for path in files)).split()
    root: Folder = {}
    for path, rel, blob in zip(files, rels, ids, strict=True):
        *folders, name = rel.split("/")
        folder = root
        for part in folders:
            child = folder.setdefault(part, {})
            assert isinstance(child, dict)
            folder = child
        folder[name] = ("100755" if os.access(path, os.X_OK) else "100644", blob)
    return root, len(files)


def make_tree(repo: Path, folder: Folder) -> str:
    """Write a folder and its subfolders as git tree objects; return the top tree's id."""
    lines: list[str] = []
    for name, entry in sorted(folder.items()):
        if isinstance(entry, dict):
            lines.append(f"040000 tree {make_tree(repo, entry)}\t{name}")
        else:
            mode, blob = entry
            lines.append(f"{mode} blob {blob}\t{name}")
    return git(repo, "mktree", "-z", stdin="".join(line + "\0" for line in lines))


def _keep_cname(repo: Path, root: Folder, parent: str | None, domain: str) -> None:
    """Keep a CNAME the branch has (set in GitHub's settings) unless the site names a domain itself."""
    existing = git(repo, "cat-file", "-p", f"{parent}:{CNAME}", check=False) if parent else ""
    if not existing:
        return
    if not domain:
        root[CNAME] = ("100644", git(repo, "rev-parse", f"{parent}:{CNAME}"))
    elif existing.strip() != domain:
        log.warning(f"warning: {CNAME} on the branch names '{existing.strip()}', publishing the configured domain '{domain}'")

