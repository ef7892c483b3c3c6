r"""Touch up latex2mathml's MathML so that Chromium lays it out as TeX (and KaTeX) do.

MathML Core leaves a few TeX conventions to the author of the MathML, and
latex2mathml does not write them (seen side by side with KaTeX in
tests/browser/test_math_comparison.py):

- a subscript on a letter sits at the same height whatever the letter's depth
  (TeX's rule 18a); Chromium drops it below a descender (`y_i`, `\hat{y}_i`);
- an accent over one italic letter leans with it: the font's top-accent point
  is only known for the mathematical italic letter, not for ASCII `y`;
- a display integral is drawn at display size (Asana Math's text integral is
  already taller than the font's display minimum, so Chromium keeps it);
- `\log p`: a thin space between an operator name and what it applies to;
  `-x`, `(-x)`, `= -x`: a minus that starts a term is a sign, with no spaces;
  `a / b`, `|x|` and `\dots` take no operator spacing;
- the bars of `vmatrix` stretch like the parentheses of `pmatrix`, and a
  stretched `\|` is two stretched bars (Asana Math's tall double bar has three).

The MathML is parsed into a small tree that keeps every tag's attributes and
text exactly as written, changed, and written back.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>|([^<]+)")
_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
_SCRIPTED = frozenset({"msub", "msubsup"})
_UNDER_OVER = frozenset({"msub", "msup", "msubsup", "munder", "mover", "munderover"})
INTEGRALS = frozenset({"&#x0222B;", "&#x0222C;", "&#x0222D;", "&#x0222E;", "&#x0222F;", "&#x02230;", "&#x02A0C;"})
_SIGNS = frozenset({"&#x02212;", "&#x0002B;", "&#x000B1;", "&#x02213;", "-", "+"})
# After these a + or − starts a term: an opening fence, a relation, punctuation, a large operator.
_BEFORE_SIGN = frozenset(
    {
        "&#x00028;", "&#x0005B;", "&#x0007B;", "&#x027E8;", "&#x0003D;", "&#x0003C;", "&#x0003E;", "&#x02264;",
        "&#x02265;", "&#x02248;", "&#x02260;", "&#x02261;", "&#x0223C;", "&#x02208;", "&#x02192;", "&#x021A6;",
        "&#x0002C;", "&#x0003B;", "&#x0003A;", "&#x02254;", "&#x02211;", "&#x0220F;", "&#x0222B;",
    }
)
_ORDINARY_SPACING = frozenset({"&#x0002F;", "&#x02026;"})  # a / b, k_1, \dots, k_n
_ORDINARY_SYMBOLS = frozenset({"&#x02202;", "&#x02207;"})
_BARS = frozenset({"&#x0007C;", "&#x02016;"})
_CLOSING = frozenset({"&#x00029;", "&#x0005D;", "&#x0007D;", "&#x027E9;", "&#x0007C;", "&#x02016;"})
# Accents latex2mathml writes over a base: hat, bar, tilde, dot, ddot, acute, grave, check, breve, vec.
_ACCENTS = frozenset(
    {"&#x002C6;", "&#x0005E;", "&#x000AF;", "&#x0007E;", "&#x002DC;", "&#x002D9;", "&#x000A8;", "&#x000B4;",
     "&#x00060;", "&#x002C7;", "&#x002D8;", "&#x02192;", "&#x020D7;"}
)
_ITALIC_LATIN = {**{chr(c): chr(0x1D434 + c - 0x41) for c in range(0x41, 0x5B)}, **{chr(c): chr(0x1D44E + c - 0x61) for c in range(0x61, 0x7B)}}
_ITALIC_LATIN["h"] = "\u210E"  # Unicode's italic h sits in the letterlike block
_ITALIC_GREEK = {chr(c): chr(0x1D6FC + c - 0x3B1) for c in range(0x3B1, 0x3CA)}
THIN_SPACE = '<mspace width="0.1667em" />'


@dataclass(eq=False)  # nodes are compared by identity: two <mi>x</mi> are different places
class Node:
    """An element with its attributes as written, or a piece of text (name "")."""

    name: str
    attributes: str = ""  # the start tag's inside after the name, as written
    children: list[Node] = field(default_factory=list)
    text: str = ""
    empty: bool = False  # written as <name />

    def write(self) -> str:
        """Return the MathML text of this node."""
        if not self.name:
            return self.text
        if self.empty:
            return f"<{self.name}{self.attributes}/>"
        return f"<{self.name}{self.attributes}>" + "".join(child.write() for child in self.children) + f"</{self.name}>"

    def write_children(self) -> str:
        """Return the MathML text of the children (of the parse root: the whole text)."""
        return "".join(child.write() for child in self.children)

    @property
    def elements(self) -> list[Node]:
        return [child for child in self.children if child.name]

    def content(self) -> str:
        """Return the text inside a token element."""
        return "".join(child.text for child in self.children if not child.name)

    def has(self, attribute: str) -> bool:
        return f" {attribute}=" in self.attributes


def parse(mathml: str) -> Node:
    """Parse well-formed MathML into nodes; the text comes back unchanged from `write`."""
    root = Node("#root")
    stack = [root]
    for match in _TOKEN.finditer(mathml):
        closing, name, attributes, empty, text = match.groups()
        if text is not None:
            stack[-1].children.append(Node("", text=text))
        elif closing:
            if len(stack) > 1:  # a stray end tag closes nothing
                stack.pop()
        else:
            node = Node(name, attributes, empty=bool(empty))
            stack[-1].children.append(node)
            if not empty:
                stack.append(node)
    return root


def touch_up(mathml: str, *, display: bool) -> str:
    """Apply every layout fix to converted MathML."""
    root = parse(mathml)
    _walk(root, display_style=display)
    return root.write_children()


def _walk(node: Node, *, display_style: bool) -> None:
    """Fix a node's children, then recurse with the style each child is laid out in."""
    if node.name in ("mrow", "math", "mtd", "#root", "mstyle", "mpadded", "msqrt", "menclose", "mphantom"):
        _fix_row(node)
    if node.name == "mover":
        _lean_accent(node)
    if node.name in _SCRIPTED:
        _keep_subscript_height(node)
    if display_style and node.name == "mo" and node.content() in INTEGRALS and not node.has("mathsize"):
        node.attributes += ' mathsize="150%"'
    for position, child in enumerate(node.elements):
        _walk(child, display_style=_child_style(node, position, child, display_style))


def _child_style(parent: Node, position: int, child: Node, display_style: bool) -> bool:
    """Tell whether a child is laid out in display style (scripts, fractions and plain tables are not)."""
    if child.name == "mtable":
        return 'displaystyle="true"' in child.attributes
    if child.name == "mstyle" and "displaystyle=" in child.attributes:
        return 'displaystyle="true"' in child.attributes
    if parent.name in _UNDER_OVER:
        return display_style and position == 0
    if parent.name in ("mfrac", "mroot"):
        return False
    return display_style


def _fix_row(row: Node) -> None:
    """Fix the spacing of the operators in a row, and the bars around a matrix."""
    children = row.elements
    for child in children:
        base = _base(child)
        if base.name == "mo" and base.content() in _ORDINARY_SYMBOLS and not base.attributes.strip():
            base.name = "mi"  # \partial and \nabla are letters in TeX, not operators with space around them
    for index, child in enumerate(children):
        base = _base(child)
        if base.name == "mo" and not base.has("lspace") and _takes_no_space(base, children[index - 1] if index else None):
            base.attributes += ' lspace="0em" rspace="0em"'
        if 0 < index < len(children) - 1 and child.name == "mtable":
            _stretch_bars(children[index - 1], children[index + 1])
    _space_operator_names(row)
    _split_double_bars(row)


def _takes_no_space(operator: Node, before: Node | None) -> bool:
    """Tell whether an operator is spaced as an ordinary symbol: a sign starting a term, a slash, a bar, dots."""
    text = operator.content()
    if text in _SIGNS:
        return before is None or _starts_term_after(before)
    return text in _ORDINARY_SPACING or (text in _BARS and 'stretchy="false"' in operator.attributes)


def _stretch_bars(left: Node, right: Node) -> None:
    """Make the bars on both sides of a matrix (vmatrix, Vmatrix) stretch as \\left| … \\right| do."""
    if all(side.name == "mo" and side.content() in _BARS and not side.has("stretchy") for side in (left, right)):
        left.attributes += ' stretchy="true" fence="true" form="prefix"'
        right.attributes += ' stretchy="true" fence="true" form="postfix"'


def _split_double_bars(row: Node) -> None:
    """Draw a stretchy double bar as two stretchy single bars side by side."""
    result: list[Node] = []
    for child in row.children:
        if child.name == "mo" and child.content() == "&#x02016;" and 'stretchy="true"' in child.attributes:
            form = "prefix" if 'form="prefix"' in child.attributes else "postfix"
            first, second = 'rspace="0em"', 'lspace="0em"'
            result.extend(
                Node("mo", f' stretchy="true" fence="true" form="{form}" {spacing}', [Node("", text="&#x0007C;")])
                for spacing in (first, second)
            )
        else:
            result.append(child)
    row.children = result


def _starts_term_after(node: Node) -> bool:
    base = _base(node)
    return base.name == "mo" and base.content() in _BEFORE_SIGN and not (base is node and 'form="postfix"' in node.attributes)


def _base(node: Node) -> Node:
    """Return the element a scripted element is built on (itself for others)."""
    while node.name in _UNDER_OVER and node.elements:
        node = node.elements[0]
    return node


def _space_operator_names(row: Node) -> None:
    r"""Put a thin space between an operator name (\log, \exp, \operatorname) and an ordinary term on either side."""
    result: list[Node] = []
    elements = row.elements
    for child in row.children:
        if not child.name:
            result.append(child)
            continue
        index = elements.index(child)
        before = elements[index - 1] if index else None
        following = elements[index + 1] if index + 1 < len(elements) else None
        is_name = _is_operator_name(_base(child))
        if is_name and before is not None and (_is_ordinary(before) or _is_closing(before)) and not _is_operator_name(_base(before)):
            result.append(parse(THIN_SPACE).children[0])
        result.append(child)
        if is_name and following is not None and _is_ordinary(following):
            result.append(parse(THIN_SPACE).children[0])
    row.children = result


def _is_closing(node: Node) -> bool:
    base = _base(node)
    return base.name == "mo" and base.content() in _CLOSING


def _is_operator_name(node: Node) -> bool:
    text = node.content()
    return node.name in ("mi", "mo") and len(text) > 1 and text.isalpha() and "mathvariant" not in node.attributes


def _is_ordinary(node: Node) -> bool:
    base = _base(node)
    if base.name == "mrow":
        first = base.elements[0] if base.elements else None
        return first is not None and _is_ordinary(first)
    return base.name in ("mi", "mn", "mfrac", "msqrt", "mtext") or (base.name == "mo" and _is_operator_name(base))


def _lean_accent(mover: Node) -> None:
    """Write a one-letter accent base as the mathematical italic letter, whose top-accent point the font knows."""
    elements = mover.elements
    if len(elements) != 2 or elements[1].name != "mo" or elements[1].content() not in _ACCENTS:
        return
    base = _unwrapped(elements[0])
    letter = html.unescape(base.content())
    italic = _ITALIC_LATIN.get(letter) or _ITALIC_GREEK.get(letter)
    if base.name != "mi" or base.attributes.strip() or italic is None:
        return
    mover.children[mover.children.index(elements[0])] = Node("mi", "", [Node("", text=f"&#x{ord(italic):05X};")])
    if not mover.has("accent"):
        mover.attributes += ' accent="true"'


def _unwrapped(node: Node) -> Node:
    """Return the one element inside nested one-element rows (the node itself otherwise)."""
    while node.name == "mrow" and len(node.elements) == 1:
        node = node.elements[0]
    return node


def _keep_subscript_height(scripted: Node) -> None:
    """Keep a subscript at its usual height under a letter, digit, accented letter, operator name or closing fence."""
    base = scripted.elements[0] if scripted.elements else None
    if base is None:
        return
    token = _unwrapped(base.elements[0]) if base.name == "mover" and base.has("accent") and base.elements else base
    is_letter = token.name == "mn" or (token.name == "mi" and len(html.unescape(token.content())) == 1)
    is_fence = token.name == "mo" and token.content() in _CLOSING and base is token
    if is_letter or is_fence or (base is token and _is_operator_name(token)):
        scripted.children[scripted.children.index(base)] = Node("mpadded", ' depth="0"', [base])
