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
    """What a deploy committed (or found already there)."""

    branch: str
    commit: str  # the branch's new tip (its old one when nothing changed)
    parents: tuple[str, ...]  # the remote tip and/or the local tip not in it; () for a first commit
    tree: str
    files: int
    committed: bool = True  # False: the branch already held exactly this site


# What to do when a git command fails, by subcommand (the error's own words come first).
_GIT_HINTS = {
    "ls-remote": "check the remote's URL with 'git remote -v' and that you can reach it with 'git ls-remote {remote}'",
    "fetch": "check the remote's URL with 'git remote -v' and that you can reach it with 'git fetch {remote}'",
    "push": "the site is committed on the local branch '{branch}': push it yourself with 'git push {remote} {branch}', or deploy again",
    "update-ref": "the branch '{branch}' moved while deploying: run deploy again",
    "hash-object": "git cannot write objects here: check the repository with 'git fsck' and your permissions on .git/",
    "mktree": "git cannot write objects here: check the repository with 'git fsck' and your permissions on .git/",
}


def run(args: argparse.Namespace) -> int:
    """Check git, build the site afresh, commit it to the branch and push the branch."""
    from sitegen.build import build
    from sitegen.cli import config_from_args

    config = config_from_args(args)
    repo = find_repository(config.root)
    check_ready(repo, config, args.remote, args.branch, force=args.force)
    out = fresh_output(config)
    try:
        report = build(config, output=out)  # never whatever else is in the output folder
        for problem in report.warnings:
            log.warning(problem.format())
        print(report.summary())
        message = args.message or default_message(repo, dirty=bool(uncommitted_sources(repo, config)))
        deployment = commit_site(repo, out, args.branch, message, remote=args.remote, domain=config.domain)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if not args.no_push and remote_tip(repo, args.remote, args.branch) != deployment.commit:
        push_branch(repo, args.remote, args.branch)
    where = args.branch if args.no_push else f"{args.remote}/{args.branch}"
    if deployment.committed:
        print(f"Published {deployment.files} files as {deployment.commit[:12]} on {where}")
    else:
        print(f"Nothing to publish: {where} already holds this site ({deployment.commit[:12]})")
    return 0


def fresh_output(config: Config) -> Path:
    """Return an empty folder in the cache to build the site into for deploying."""
    out = config.cache_path / "deploy"
    shutil.rmtree(out, ignore_errors=True)
    return out


def git(
    repo: Path, *args: str, stdin: str | None = None, check: bool = True, strip: bool = True, hint: str | None = None
) -> str:
    """Run one git command in `repo` and return its output ("" on failure when not `check`)."""
    result = subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if check and result.returncode != 0:
        reason = git_reason(result.stderr, result.returncode)
        if "ident" in reason or "tell me who you are" in reason.lower():
            hint = "set who commits: git config user.name 'Your Name' && git config user.email you@example.org"
        raise SitegenError(f"git {args[0]} failed: {reason}", hint=hint)
    if result.returncode != 0:
        return ""
    return result.stdout.strip() if strip else result.stdout


def git_reason(stderr: str, status: int) -> str:
    """Pick git's own reason from its error output: the first fatal: or error: line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal:", "error:"):
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
    return lines[0] if lines else f"exit status {status}"


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
    """Commit the output folder as the whole tree of `branch`, unless the branch holds exactly that tree.

    The new commit's parents are the remote's tip and the local tip when the remote
    does not have it, so no commit is ever left unreachable and the push is a fast-forward.
    """
    local = _tip(repo, f"refs/heads/{branch}")
    parents = choose_parents(repo, local, remote_tip(repo, remote, branch) if remote else None)
    root, files = folder_entries(repo, out)
    _keep_cname(repo, root, parents[0] if parents else None, domain)
    tree = make_tree(repo, root)
    hints = {"branch": branch, "remote": remote or ""}
    if len(parents) == 1 and git(repo, "rev-parse", f"{parents[0]}^{{tree}}") == tree:
        if local != parents[0]:  # the local branch was behind the remote: bring it up to date
            git(repo, "update-ref", "-m", "sitegen deploy", f"refs/heads/{branch}", parents[0], local or "")
        return Deployment(branch, parents[0], parents, tree, files, committed=False)
    commit = git(repo, "commit-tree", tree, *(arg for parent in parents for arg in ("-p", parent)), "-m", message)
    # The old value makes update-ref refuse if the branch moved meanwhile.
    git(
        repo, "update-ref", "-m", "sitegen deploy", f"refs/heads/{branch}", commit, local or "",
        hint=_GIT_HINTS["update-ref"].format(**hints),
    )
    return Deployment(branch, commit, parents, tree, files)


def choose_parents(repo: Path, local: str | None, remote: str | None) -> tuple[str, ...]:
    """Return the parents of the next site commit: the remote tip, plus the local tip when only this clone has it."""
    if remote is None or local == remote:
        return (local,) if local else ()
    if local is None or _is_ancestor(repo, local, remote):
        return (remote,)
    if _is_ancestor(repo, remote, local):
        return (local,)
    return (remote, local)  # both moved: keep both histories


def _is_ancestor(repo: Path, ancestor: str, descendant: str) -> bool:
    result = subprocess.run(["git", "merge-base", "--is-ancestor", ancestor, descendant], cwd=repo, capture_output=True, check=False)
    return result.returncode == 0


def push_branch(repo: Path, remote: str, branch: str) -> None:
    """Push the site branch; the remote's tip is among its parents, so this is a fast-forward."""
    hint = _GIT_HINTS["push"].format(remote=remote, branch=branch)
    git(repo, "push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}", hint=hint)


def remote_tip(repo: Path, remote: str, branch: str) -> str | None:
    """Return the remote branch's tip, fetched so it can be a parent; None when it does not exist."""
    hints = {"remote": remote, "branch": branch}
    listed = git(repo, "ls-remote", "--heads", remote, f"refs/heads/{branch}", hint=_GIT_HINTS["ls-remote"].format(**hints))
    if not listed:
        return None
    tip = listed.split()[0]
    if not git(repo, "cat-file", "-t", tip, check=False):
        git(repo, "fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}", hint=_GIT_HINTS["fetch"].format(**hints))
    return tip


def _tip(repo: Path, ref: str) -> str | None:
    return git(repo, "rev-parse", "--verify", "--quiet", ref + "^{commit}", check=False) or None


def folder_entries(repo: Path, out: Path) -> tuple[Folder, int]:
    """Store every file of the output folder as a blob, bytes as they are; return the folder tree."""
    files = sorted(path for path in out.rglob("*") if path.is_file() and path.relative_to(out).as_posix() != MARKER)
    rels = [path.relative_to(out).as_posix() for path in files]
    if any("\n" in rel for rel in rels):
        raise SitegenError("an output file name holds a line break; git cannot take it through --stdin-paths")
    stdin = "".join(f"{path}\n" for path in files)
    ids = git(repo, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=stdin, hint=_GIT_HINTS["hash-object"]).split()
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
    return git(repo, "mktree", "-z", stdin="".join(line + "\0" for line in lines), hint=_GIT_HINTS["mktree"])


def _keep_cname(repo: Path, root: Folder, parent: str | None, domain: str) -> None:
    """Keep a CNAME the branch has (set in GitHub's settings) unless the site names a domain itself."""
    existing = git(repo, "cat-file", "-p", f"{parent}:{CNAME}", check=False) if parent else ""
    if not existing:
        return
    if not domain:
        root[CNAME] = ("100644", git(repo, "rev-parse", f"{parent}:{CNAME}"))
    elif existing.strip() != domain:
        log.warning(f"warning: {CNAME} on the branch names '{existing.strip()}', publishing the configured domain '{domain}'")

