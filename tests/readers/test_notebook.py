"""Notebook posts: front matter, cells, outputs, hiding, links out, cache and errors.

Fixtures are small notebooks under tests/fixtures/notebook/, one per behaviour.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from sitegen.errors import ContentError
from sitegen.markup.markdown import render_markdown
from sitegen.model import Document, Source
from sitegen.readers import markdown as markdown_reader
from sitegen.readers.notebook import reader as notebook
from sitegen.readers.notebook.cells import notebook_language
from sitegen.readers.notebook.images import image_size, svg_size
from sitegen.readers.notebook.outputs import clean_table_html
from sitegen.settings.config import Config, parse_config
from tests import conftest

FIXTURES = conftest.FIXTURES / "notebook"
VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr"}


def fixture_source(name: str, folder: Path = FIXTURES) -> Source:
    path = folder / name
    return Source(path, f"content/blog/{name}", f"blog/{name}", "post")


def make_config(root: Path, **settings: Any) -> Config:
    return parse_config({"title": "T", "author": "A", "base_url": "https://example.org/", **settings}, root)


def read(name: str, root: Path, **settings: Any) -> Document:
    return notebook.read(fixture_source(name), make_config(root, **settings))


class Fragment(HTMLParser):
    """An HTML fragment: every element, and every piece of text with the elements around it."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[tuple[str, tuple[tuple[str, dict[str, str]], ...]]] = []
        self._open: list[tuple[str, dict[str, str]]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self.texts.append((data, tuple(self._open)))

    def text(self) -> str:
        return "".join(data for data, _ in self.texts)

    def find(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def state(self, needle: str) -> str:
        """Say how text is shown: "absent", "shown", "collapsed" (closed <details>) or "open"."""
        found = [around for data, around in self.texts if needle in data]
        if not found:
            return "absent"
        details = [attrs for tag, attrs in found[0] if tag == "details"]
        if not details:
            return "shown"
        return "open" if "open" in details[-1] else "collapsed"


# Front matter


def test_raw_cell_front_matter_is_the_same_mapping_as_in_a_markdown_post(tmp_path: Path) -> None:
    document = read("raw_cell_front_matter.ipynb", tmp_path)
    yaml_block = "---\ntitle: Raw cell front matter\ndate: 2024-05-01\ntags: [nlp, word2vec]\ntitles:\n  fr: Front matter en cellule brute\nsummary: Set in a raw cell.\n---\n"
    post = tmp_path / "post.md"
    post.write_text(yaml_block + "Body\n", encoding="utf-8")
    expected = markdown_reader.read(Source(post, "content/blog/post.md", "blog/post.md", "post"), make_config(tmp_path))
    assert dict(document.meta) == dict(expected.meta)
    lines = (FIXTURES / "raw_cell_front_matter.ipynb").read_text(encoding="utf-8").splitlines()
    assert lines[document.meta_lines["title"] - 1].strip() == '"title: Raw cell front matter\\n",'
    assert lines[document.meta_lines["tags"] - 1].strip() == '"tags: [nlp, word2vec]\\n",'
    assert "Raw cell front matter" not in Fragment(document.body).text()
    assert document.is_template is False
    assert document.warnings == ()


def test_front_matter_from_notebook_metadata(tmp_path: Path) -> None:
    document = read("metadata_front_matter.ipynb", tmp_path)
    assert dict(document.meta) == {"title": "Metadata front matter", "date": "2024-05-02", "tags": ["notebooks"]}
    assert "front matter is in its metadata" in Fragment(document.body).text()


def test_fastpages_first_cell_is_front_matter_and_not_content(tmp_path: Path) -> None:
    document = read("fastpages_front_matter.ipynb", tmp_path)
    assert document.meta["title"] == "Fastpages: front matter"
    assert document.meta["description"] == "A summary with a link."
    assert document.meta["toc"] is True
    assert document.meta["tags"] == ["fastpages", "jupyter"]
    assert str(document.meta["date"]) == "2024-05-03"
    page = Fragment(document.body)
    assert "Fastpages" not in page.text() and "toc" not in page.text()
    assert [h.text for h in document.toc] == ["Body"]


def test_a_notebook_without_title_or_heading_warns(tmp_path: Path) -> None:
    document = read("no_title.ipynb", tmp_path)
    assert [w.format() for w in document.warnings] == [
        "content/blog/no_title.ipynb: warning: the notebook has no title and no heading; its file name is used as the title"
    ]


def test_chinese_and_korean_headings_get_stable_unique_anchors(tmp_path: Path) -> None:
    first = read("cjk_headings.ipynb", tmp_path / "one")
    second = read("cjk_headings.ipynb", tmp_path / "two")
    anchors = [h.anchor for h in first.toc]
    assert [h.text for h in first.toc] == ["深度学习笔记", "注意力机制", "어텐션 메커니즘", "注意力机制"]
    assert all(anchors) and len(set(anchors)) == len(anchors)
    assert anchors == [h.anchor for h in second.toc]
    ids = {attrs["id"] for _, attrs in Fragment(first.body).elements if "id" in attrs}
    assert set(anchors) <= ids
    assert first.warnings == ()


# Rendering: Markdown and code exactly as in a Markdown post


def test_a_markdown_cell_renders_like_the_same_text_in_a_post(tmp_path: Path) -> None:
    document = read("markdown_like_post.ipynb", tmp_path)
    post = fixture_source("markdown_like_post.md")
    expected = markdown_reader.read(post, make_config(tmp_path))
    assert document.body == expected.body
    assert document.toc == expected.toc
    assert "<math" in document.body and 'class="highlight"' in document.body


def test_a_code_cell_is_highlighted_like_a_fenced_block(tmp_path: Path) -> None:
    document = read("code_like_fence.ipynb", tmp_path, pygments_style="monokai")
    fenced = render_markdown("```python\ndef f(x):\n    return x ** 2  # square\n\nprint(f(3))\n```\n", "monokai").html
    assert fenced.startswith('<div class="highlight" data-lang="python"><div class="code-bar" data-pagefind-ignore>')
    assert document.body == f'<div class="nb-cell"><div class="nb-input">{fenced}</div></div>'


@pytest.mark.parametrize(
    ("metadata", "language"),
    [
        ({"language_info": {"name": "python"}, "kernelspec": {"language": "R"}}, "python"),
        ({"kernelspec": {"language": "R"}}, "splus"),
        ({"language_info": {"name": "C#"}}, "csharp"),
        ({"language_info": {"name": "julia"}}, "julia"),
        ({"language_info": {"name": "no such language"}}, "text"),
        ({}, "text"),
    ],
)
def test_code_language_comes_from_the_kernel(metadata: Mapping[str, Any], language: str) -> None:
    assert notebook_language(metadata) == language


def test_a_fence_left_open_ends_with_its_cell(tmp_path: Path) -> None:
    document = read("open_fence_in_cell.ipynb", tmp_path)
    assert [h.text for h in document.toc] == ["Open fence", "After the fence"]
    assert "Text after." in Fragment(document.body).text()


def test_raw_cells_show_only_html_and_markdown(tmp_path: Path) -> None:
    page = Fragment(read("raw_cells_by_format.ipynb", tmp_path).body)
    assert page.state("raw html kept") == "shown"
    assert any("raw-html" in attrs.get("class", "") for attrs in page.find("p"))
    assert page.state("raw markdown kept") == "shown" and page.find("strong")
    assert page.state("only") == "absent"
    assert page.state("no format dropped") == "absent"


def test_braces_in_a_notebook_never_reach_jinja(tmp_path: Path) -> None:
    document = read("jinja_braces.ipynb", tmp_path)
    assert document.is_template is False
    text = Fragment(document.body).text()
    assert "{{ undefined_variable }} {% endif %}" in text
    assert "{{ not_jinja }} {% for x in y %}" in text


# Outputs


def test_stdout_is_shown_escaped_and_stderr_hidden_by_default(tmp_path: Path) -> None:
    document = read("outputs_stream.ipynb", tmp_path)
    page = Fragment(document.body)
    assert page.state("to stdout") == "shown"
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in document.body and page.find("b") == []
    assert page.state("to stderr\n") == "absent"
    assert "100%\ndone" in page.text() and "50%" not in page.text()


def test_stderr_is_shown_when_configured(tmp_path: Path) -> None:
    document = read("outputs_stream.ipynb", tmp_path, notebook_show_stderr=True)
    page = Fragment(document.body)
    assert page.state("to stderr\n") == "shown"
    assert any("nb-stderr" in attrs.get("class", "") for attrs in page.find("div"))


def test_rich_outputs_choose_html_svg_images_math_and_text(tmp_path: Path) -> None:
    document = read("outputs_rich.ipynb", tmp_path)
    page = Fragment(document.body)
    assert page.find("table") and any(attrs.get("class") == "nb-output nb-html" for attrs in page.find("div"))
    assert page.state("loss") == "shown" and page.state("0.25") == "shown"
    images = {attrs["src"]: attrs for attrs in page.find("img")}
    prefix = "attachment:outputs-rich-cell"
    assert {src: (attrs["width"], attrs["height"]) for src, attrs in images.items()} == {
        f"{prefix}2-output0.svg": ("96", "48"),  # 72pt x 36pt
        f"{prefix}3-output0.png": ("4", "2"),
        f"{prefix}3-output1.png": ("4", "3"),  # a retina figure shown at the size it asked for
        f"{prefix}4-output0.jpg": ("5", "3"),
    }
    assert all(attrs["alt"] for attrs in images.values())
    files = {a.name: a.data for a in document.attachments}
    assert image_size(files["outputs-rich-cell3-output1.png"]) == (8, 6)
    assert files["outputs-rich-cell2-output0.svg"].startswith(b"<?xml")
    assert "base64" not in document.body and "data:" not in document.body
    assert re.findall(r'<math alttext="([^"]*)"', document.body) == ["\\displaystyle \\frac{a}{b}", "x^2 + y_1", "x"]
    assert page.find("strong") and page.state("bold") == "shown"
    assert page.state("'plain <text>'") == "shown"
    assert [w for w in document.warnings if "cell" in w.message] == []


def test_outputs_that_need_a_live_notebook_fall_back_with_warnings(tmp_path: Path) -> None:
    document = read("outputs_live.ipynb", tmp_path)
    page = Fragment(document.body)
    assert page.find("script") == [] and "<script" not in document.body.lower()
    assert page.state("IntSlider(value=3)") == "shown"
    assert page.state("Figure({'data': []})") == "shown"
    assert page.state("alt.Chart") == "absent"  # its static PNG is shown instead, without a warning
    assert [a["src"] for a in page.find("img")] == ["attachment:outputs-live-cell5-output0.png"]
    assert [w.format() for w in document.warnings if "cell" in w.message] == [
        "content/blog/outputs_live.ipynb:4: warning: cell 1: output 0 needs a live notebook (application/vnd.jupyter.widget-view+json); shown as plain text",
        "content/blog/outputs_live.ipynb:29: warning: cell 2: output 0 needs a live notebook (application/javascript); shown as plain text",
        "content/blog/outputs_live.ipynb:53: warning: cell 3: output 0 needs a live notebook (text/html with <script>); shown as plain text",
        "content/blog/outputs_live.ipynb:76: warning: cell 4: output 0 needs a live notebook (application/vnd.plotly.v1+json); left out: it has no static form",
    ]


def test_tracebacks_keep_colours_as_spans_and_escape_the_rest(tmp_path: Path) -> None:
    document = read("outputs_error.ipynb", tmp_path)
    page = Fragment(document.body)
    assert "\x1b" not in document.body
    assert {"class": "ansi-red-fg"} in page.find("span")
    assert any("color" in attrs.get("style", "") for attrs in page.find("span"))  # 256-colour codes
    assert page.state(": division by zero") == "shown"
    assert "# <x> & y" in page.text() and "&lt;x&gt; &amp; y" in document.body
    assert any(attrs.get("class") == "nb-output nb-error" for attrs in page.find("div"))


def test_images_pasted_into_markdown_cells_become_files(tmp_path: Path) -> None:
    document = read("cell_attachment.ipynb", tmp_path)
    assert [a["src"] for a in Fragment(document.body).find("img")] == ["attachment:cell-attachment-cell1-image.png"]
    assert image_size({a.name: a.data for a in document.attachments}["cell-attachment-cell1-image.png"]) == (2, 2)


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        ('<svg width="100" height="50">', (100, 50)),
        ('<svg width="72pt" height="36pt">', (96, 48)),
        ("<svg viewBox='0 0 300 150' width='100%'>", (300, 150)),
        ('<svg viewBox="0 0 300 150" width="150px">', (150, 75)),
        ('<svg xmlns="http://www.w3.org/2000/svg">', None),
        ("no svg here", None),
    ],
)
def test_svg_size_from_attributes_or_view_box(svg: str, size: tuple[int, int] | None) -> None:
    assert svg_size(svg) == size


# Hiding


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hide_flags.ipynb", {
            "secret_hidden_module": "absent", "hidden-cell-output": "absent",
            "hide-input-code": "absent", "hide-input-output": "shown",
            "hide-output-code": "shown", "hide-output-output": "absent",
            "collapse-code": "collapsed", "collapse-output\n": "shown",
            "collapse-hide-code": "collapsed", "collapse-hide-output": "shown",
            "collapse-show-code": "open", "collapse-show-output": "shown",
            "collapse-output-code": "shown", "collapse-output-output": "collapsed",
            "comment-not-flag": "shown", "# hide the axes": "shown",
        }),
        ("hide_tags.ipynb", {
            "remove-cell-code": "absent", "remove-cell-output": "absent",
            "remove-input-code": "absent", "remove-input-output": "shown",
            "remove-output-code": "shown", "remove-output-output": "absent",
            "hide-input-code": "collapsed", "hide-input-output": "shown",
            "hide-output-code": "shown", "hide-output-output": "collapsed",
            "source-hidden-code": "collapsed", "source-hidden-output": "shown",
            "outputs-hidden-code": "shown", "outputs-hidden-output": "collapsed",
            "removed-markdown-text": "absent", "kept-markdown-text": "shown",
        }),
    ],
)
def test_hidden_and_collapsed_cells(tmp_path: Path, name: str, expected: Mapping[str, str]) -> None:
    document = read(name, tmp_path)
    page = Fragment(document.body)
    assert {needle: page.state(needle) for needle in expected} == expected
    flag = re.compile(r"^\s*#\s*(hide|hide_input|hide_output|collapse|collapse-hide|collapse-show|collapse-output)\s*$", re.MULTILINE)
    assert not flag.search(page.text())  # the flags never show
    summaries = [data for data, around in page.texts if around and around[-1][0] == "summary"]
    assert set(summaries) == {"Show code", "Show output"}


# Links out and the notebook itself


def test_links_out_and_the_notebook_as_a_download(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "blog"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "no_title.ipynb", folder / "2024-05-01 my notebook.ipynb")
    source = Source(folder / "2024-05-01 my notebook.ipynb", "content/blog/2024-05-01 my notebook.ipynb", "blog/2024-05-01 my notebook.ipynb", "post")
    plain = notebook.read(source, make_config(tmp_path))
    assert dict(plain.extra_links) == {"download_notebook": "attachment:2024-05-01 my notebook.ipynb"}
    linked = notebook.read(source, make_config(tmp_path, repository="mira/notes", repository_branch="main"))
    assert dict(linked.extra_links) == {
        "download_notebook": "attachment:2024-05-01 my notebook.ipynb",
        "open_in_colab": "https://colab.research.google.com/github/mira/notes/blob/main/content/blog/2024-05-01%20my%20notebook.ipynb",
        "launch_binder": "https://mybinder.org/v2/gh/mira/notes/main?filepath=content/blog/2024-05-01%20my%20notebook.ipynb",
        "view_on_github": "https://github.com/mira/notes/blob/main/content/blog/2024-05-01%20my%20notebook.ipynb",
    }
    notebook_file = [a for a in linked.attachments if a.name.endswith(".ipynb")]
    assert notebook_file[0].data == (FIXTURES / "no_title.ipynb").read_bytes()


# Bad input


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        read("invalid_json.ipynb", tmp_path)
    assert caught.value.format() == "content/blog/invalid_json.ipynb:10:2: error: invalid notebook JSON: Expecting ',' delimiter"


def test_a_notebook_that_fails_validation_names_the_cell(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        read("invalid_nbformat.ipynb", tmp_path)
    assert caught.value.format() == (
        "content/blog/invalid_nbformat.ipynb:47: error: invalid notebook: cell 3: output 1: 'text' is a required property"
    )


def test_widget_state_nbconvert_cannot_read_is_dropped_with_a_warning(tmp_path: Path) -> None:
    document = read("widget_state_colab.ipynb", tmp_path)
    assert [w.format() for w in document.warnings if "widget metadata" in w.message] == [
        "content/blog/widget_state_colab.ipynb: warning: dropped widget metadata in a shape nbconvert cannot read (widgets are shown as text)"
    ]
    assert Fragment(document.body).state("HBox(children=") == "shown"


def test_an_nbformat_3_notebook_is_upgraded(tmp_path: Path) -> None:
    document = read("old_format_v3.ipynb", tmp_path)
    assert [h.text for h in document.toc] == ["An nbformat 3 notebook"]
    assert Fragment(document.body).state("old\n") == "shown"


# Cache


def test_a_second_read_converts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = read("outputs_rich.ipynb", tmp_path)
    cache = tmp_path / ".sitegen-cache" / notebook.CACHE_FOLDER
    entries = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert first.from_cache is False and len(entries) == 1 + 4  # the record and each image

    def fail(*args: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(notebook, "convert_notebook", fail)
    second = read("outputs_rich.ipynb", tmp_path)
    assert second.from_cache is True
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == entries
    assert replace(second, from_cache=False) == first


def test_the_cache_key_holds_the_options_that_shape_the_output(tmp_path: Path) -> None:
    assert read("code_like_fence.ipynb", tmp_path).from_cache is False
    assert read("code_like_fence.ipynb", tmp_path).from_cache is True
    assert read("code_like_fence.ipynb", tmp_path, pygments_style="monokai").from_cache is False
    assert read("code_like_fence.ipynb", tmp_path, notebook_show_stderr=True).from_cache is False


def test_a_damaged_cache_entry_is_converted_again(tmp_path: Path) -> None:
    first = read("cell_attachment.ipynb", tmp_path)
    config = make_config(tmp_path)
    source = fixture_source("cell_attachment.ipynb")
    key = notebook.conversion_key(source.path.read_bytes(), source, config)
    entry = config.cache_path / notebook.CACHE_FOLDER / key[:2] / key
    entry.write_bytes(b"{not json")
    again = read("cell_attachment.ipynb", tmp_path)
    assert again.from_cache is False and again.body == first.body
    assert read("cell_attachment.ipynb", tmp_path).from_cache is True


def write_notebook(folder: Path, name: str, cells: list[Any]) -> Source:
    notebook_node = new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})
    for index, cell in enumerate(notebook_node.cells, 1):
        cell["id"] = f"c{index}"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook_node, folder / name)
    return Source(folder / name, f"content/blog/{name}", f"blog/{name}", "post")


def test_a_missing_cell_attachment_is_a_warning(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "nb", "x.ipynb", [new_markdown_cell("# T\n\n![gone](attachment:gone.png)")])
    document = notebook.read(source, make_config(tmp_path))
    assert [w.format() for w in document.warnings] == [
        "content/blog/x.ipynb:4: warning: cell 1: 'attachment:gone.png' is not attached to the cell"
    ]


def test_an_html_output_cannot_swallow_the_page(tmp_path: Path) -> None:
    unclosed = new_output("display_data", data={"text/html": "<div class='widget'><p>left open", "text/plain": "x"})
    cells = [new_code_cell("show()", outputs=[unclosed]), new_markdown_cell("## After")]
    document = notebook.read(write_notebook(tmp_path / "nb", "y.ipynb", cells), make_config(tmp_path))
    page = Fragment(document.body)
    after = next(around for data, around in page.texts if data == "After")
    assert [tag for tag, _ in after] == ["h2"]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # pandas' default rules would restyle every table of the page: dropped
        ('<style scoped>\n.dataframe thead th { text-align: right; }\n</style><table class="dataframe"></table>',
         '<table class="dataframe"></table>'),
        # a pandas Styler styles its own table by id: kept, without the invalid `scoped`
        ('<style type="text/css">\n#T_1_row0_col0, #T_1 th { color: red; }\n</style><table id="T_1"></table>',
         '<style>\n#T_1_row0_col0, #T_1 th { color: red; }\n</style><table id="T_1"></table>'),
        # empty header cells are not headers (screen readers announce them)
        ('<table><tr><th></th><th>loss</th><th class="blank">&nbsp;</th></tr></table>',
         '<table><tr><td></td><th>loss</th><td class="blank"></td></tr></table>'),
        ("<div><p>left open", "<div><p>left open</p></div>"),
    ],
)
def test_html_outputs_are_made_safe_for_the_page(markup: str, expected: str) -> None:
    assert clean_table_html(markup) == expected
