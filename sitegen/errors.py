"""User-facing errors and warnings, each with a location, and the one formatter for them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One located message: `path:line:column: severity: message`."""

    message: str
    path: str | None = None  # relative to the site root
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: str = "error"

    def format(self) -> str:
        """Return the one-line message (plus an optional hint line)."""
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class SitegenError(Exception):
    """A user mistake: printed as located one-line messages, exit status 1, no traceback."""

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.problems: tuple[Problem, ...] = (Problem(message, path, line, column, hint),)

    @classmethod
    def collect(cls, problems: list[Problem]) -> SitegenError:
        """Make one error that reports several problems together."""
        error = cls(problems[0].message)
        error.problems = tuple(problems)
        return error

    @property
    def path(self) -> str | None:
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    def format(self) -> str:
        """Return every problem, one per line."""
        return "\n".join(problem.format() for problem in self.problems)

    def __str__(self) -> str:
        return self.format()


class ConfigError(SitegenError):
    """A missing, unknown or mistyped setting in pyproject.toml or locales.yaml."""


class ContentError(SitegenError):
    """A problem in a content file: front matter, Markdown, notebook or a link."""


class TemplateError(SitegenError):
    """A Jinja syntax error, an undefined variable or an unknown layout."""


class OutputError(SitegenError):
    """The output folder cannot be written safely."""


def warning(message: str, path: str | None = None, line: int | None = None) -> Problem:
    """Make a warning; warnings are counted and `--strict` turns them into errors."""
    return Problem(message, path, line, severity="warning")
