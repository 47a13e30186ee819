"""The page as a reader sees it: lxml parsing and the visible text, line by line.

A line is the text of one block-level element (a table cell, a paragraph, a list item …) with its
inline children joined, as a browser would lay it out. Each line remembers the block element that
owns it, so that a label cell can find its value cell. What a reader does not see is not read:
HTML comments (dropped by the parser), scripts, styles, ``display:none`` / ``visibility:hidden``,
the ``hidden`` attribute and Angular's ``ng-hide`` class.

Templates that write metadata rows with ``document.write("<tr><td>有效性：</td>…")`` are read
separately (:func:`script_fragments`): those lines are a fallback, never preferred to what shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.extractors import patterns as p
from lxml import etree

#: Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "iframe",
    }
)
#: Elements whose content a reader never sees as text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "select",
        "option",
        "textarea",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "video",
        "audio",
        "map",
        "button",
    }
)
CELL_TAGS = frozenset({"td", "th", "dt", "dd"})
#: Inline styles that hide an element, matched on the lower-cased style.
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden")
_HIDDEN_CLASSES = frozenset({"ng-hide"})
#: Elements whose hiding style is undone by the page's script before anyone reads it.
_REVEALED_TAGS = frozenset({"html", "body"})
#: ``document.write(…)`` up to the first ")" that ends the statement (a line end or "}" after it).
#: Written as an unrolled loop — the same matches as ``\((?P<arg>.*?)\)\s*;?\s*(?:$|\}|\n)`` with
#: DOTALL — that runs over the characters between brackets in C instead of testing the end of the
#: statement after each of them (a 75 KB script with one early write cost 1 ms).
_WRITE_END = r"\s*;?\s*(?:$|\}|\n)"
_DOCUMENT_WRITE = re.compile(
    rf"document\s*\.\s*write(?:ln)?\s*\((?P<arg>[^)]*(?:\)(?!{_WRITE_END})[^)]*)*)\){_WRITE_END}", re.DOTALL
)
#: A script that copies a hidden element's markup out (``var s = document.getElementById("X")
#: .innerHTML; document.write(s)``, the TRS WCM ``DOCHTMLCON`` body): the reader sees element X.
_COPIED_OUT = re.compile(r"getElementById\(\s*[\"']([^\"'\s]+)[\"']\s*\)\s*\.\s*innerHTML(?!\s*=[^=])")
#: The one script a reader sees as text: literal assignments, ``if (x == '') {x = '…'}`` and
#: ``document.write(x)`` — how TRS templates print a value after its label ("来源：<script>var ly =
#: '';if(ly == ''){ly="长春市人民政府";}document.write(ly);</script>"). Anything else is not run.
_LITERAL = r"'[^'\\\n<]*'|\"[^\"\\\n<]*\""
_NAME = r"[A-Za-z_$][\w$]*"
_SCRIPT_STATEMENT = re.compile(
    rf"""\s*(?:
      (?:(?:var|let|const)\s+)?(?P<name>{_NAME})\s*=\s*(?P<value>{_LITERAL})
    | if\s*\(\s*(?P<test>{_NAME})\s*===?\s*(?:''|"")\s*\)\s*\{{?
        \s*(?P<target>{_NAME})\s*=\s*(?P<default>{_LITERAL})\s*;?\s*\}}?
    | document\s*\.\s*write(?:ln)?\s*\(\s*(?P<arg>{_NAME}|{_LITERAL})\s*\)
    )\s*;?""",
    re.VERBOSE,
)
#: Scripts longer than this are programs, not a printed value.
_MAX_PRINTING_SCRIPT = 400
#: A JavaScript string literal, written as an unrolled loop (the same matches as
#: ``"((?:[^"\\\n]|\\.)*)"``, without a backtracking point per character).
_STRING_LITERAL = re.compile(r"\"([^\"\\\n]*(?:\\.[^\"\\\n]*)*)\"|'([^'\\\n]*(?:\\.[^'\\\n]*)*)'")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
#: The bytes of the C0 controls that _CONTROL_CHARS removes (tab, LF and CR are kept).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: Encodings (as :mod:`extractors.encoding` names them) in which those bytes never occur inside a
#: multi-byte character.
_C0_SAFE_ENCODINGS = frozenset({"utf-8", "gb18030", "big5hkscs", "ascii"})
#: Inputs bigger than this are cut (with a warning): no disclosure page is this big, and the
#: cap keeps memory bounded on hostile input.
MAX_TEXT_CHARS = 6_000_000
#: The same cap for UTF-8 bytes parsed as they are (a CJK character is three bytes).
MAX_INPUT_BYTES = 3 * MAX_TEXT_CHARS


@dataclass(eq=False, slots=True)
class Line:
    """One line of visible text and the block element it belongs to (None for plain text)."""

    text: str
    owner: etree._Element | None
    index: int
    #: Characters of the line that sit inside links (navigation lines are mostly links).
    link_chars: int = 0
    #: True for lines read from ``document.write`` strings rather than the visible page.
    from_script: bool = False


def normalize_space(text: str) -> str:
    """Collapse every kind of space to one ASCII space, drop zero-width characters, strip."""
    # Zero-width characters are rare: one search in C, and clean only when present.
    if p.INVISIBLE_CHAR.search(text):
        text = p.INVISIBLE_RUN.sub("", text)
    # str.split() splits on every Unicode space (\u3000, \xa0, &ensp; …), faster than a regex.
    return " ".join(text.split())


def control_free(raw: bytes, text: str, encoding: str) -> bool:
    """True when ``text`` (``raw`` decoded with ``encoding``) surely holds no control character.

    A byte-level check: in these encodings a byte below 0x20 or 0x7F only ever stands for that
    control character, and deleting bytes runs in C at memory speed, several times faster than
    a regex over the decoded text.
    """
    if encoding not in _C0_SAFE_ENCODINGS:
        return False
    if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
        return False
    return "\ufffe" not in text and "\uffff" not in text


def parse_html(markup: str | bytes, known_control_free: bool = False) -> etree._Element | None:
    """Parse HTML leniently (comments dropped). None when there is nothing to parse.

    ``markup`` is text, or UTF-8 bytes that :func:`extractors.encoding.decode` accepted as such:
    libxml2 reads UTF-8 natively, so bytes skip the conversion of a Python string (the same tree,
    sooner). ``known_control_free`` (see :func:`control_free`) skips the scan for control
    characters; bytes must be known free of them.
    """
    if isinstance(markup, bytes):
        if not markup.strip():
            return None
        return _parse(markup[:MAX_INPUT_BYTES], _utf8_parser())
    if not markup or not markup.strip():
        return None
    text = markup[:MAX_TEXT_CHARS]
    if not known_control_free:
        # lxml turns NUL and most C0 control characters into U+FFFD; a browser ignores them.
        text = _CONTROL_CHARS.sub("", text)
    root = _parse(text, _text_parser())
    if root is None and text.lstrip().startswith("<?xml"):
        # lxml refuses a string whose XML declaration names an encoding (XHTML pages): give it
        # the text as UTF-8 bytes instead.
        root = _parse(text.encode("utf-8", "replace"), _utf8_parser())
    return root


#: Comments and processing instructions are dropped while parsing (nobody sees them); ids are not
#: collected into a hash table (nothing here looks an element up by id).
_PARSER_OPTIONS = {
    "remove_comments": True,
    "remove_pis": True,
    "recover": True,
    "no_network": True,
    "collect_ids": False,
    # No depth limit: real CMS output nests (or never closes) 255+ <div>s before the metadata,
    # and libxml2's default limit then drops everything below. Memory stays bounded by the
    # input cap (MAX_TEXT_CHARS / MAX_INPUT_BYTES), not by the depth.
    "huge_tree": True,
}


def _text_parser() -> etree.HTMLParser:
    # A plain etree parser (not lxml.html's): its elements need no per-element class lookup,
    # which is most of the cost of walking a big page. A new parser per page: parsers keep state.
    return etree.HTMLParser(**_PARSER_OPTIONS)


def _utf8_parser() -> etree.HTMLParser:
    # The encoding is given, so a page's own (possibly lying) charset declaration is not obeyed.
    return etree.HTMLParser(**_PARSER_OPTIONS, encoding="utf-8")


def _parse(markup: str | bytes, parser: etree.HTMLParser) -> etree._Element | None:
    try:
        return etree.fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None


def script_output(code: str) -> str | None:
    """The text a tiny inline script prints (see ``_SCRIPT_STATEMENT``), or None when the script
    does anything else, prints markup or prints nothing."""
    if len(code) > _MAX_PRINTING_SCRIPT or "write" not in code:
        return None
    names: dict[str, str] = {}
    printed: list[str] = []
    position, end = 0, len(code.rstrip())
    while position < end:
        statement = _SCRIPT_STATEMENT.match(code, position)
        if statement is None or statement.end() == position:
            return None
        if statement.group("name"):
            names[statement.group("name")] = statement.group("value")[1:-1]
        elif statement.group("test"):
            if not names.get(statement.group("test")):
                names[statement.group("target")] = statement.group("default")[1:-1]
        else:
            arg = statement.group("arg")
            if arg[0] in "'\"":
                printed.append(arg[1:-1])
            elif arg in names:
                printed.append(names[arg])
            else:
                return None
        position = statement.end()
    return "".join(printed) or None


def is_hidden(element: etree._Element) -> bool:
    """True when the element's own attributes hide it (its descendants go with it)."""
    names = element.keys()
    return bool(names) and _hides(element, names)


def _hides(element: etree._Element, names: list[str]) -> bool:
    """:func:`is_hidden` given the element's attribute names (one C call fetched them all)."""
    if "hidden" in names:
        return True
    if "style" in names:
        # Word-exported pages carry kilobytes of inline style on every cell: substring tests in
        # C first, the regex only where a hiding property is named at all.
        style = (element.get("style") or "").lower()
        if "display" in style and _DISPLAY_NONE.search(style):
            return True
        if "visibility" in style and _VISIBILITY_HIDDEN.search(style):
            return True
    if "class" in names:
        classes = element.get("class") or ""
        return "ng-hide" in classes and bool(_HIDDEN_CLASSES.intersection(classes.split()))
    return False


def tag_of(element: object) -> str | None:
    tag = getattr(element, "tag", None)
    return tag.lower() if isinstance(tag, str) else None


def visible_lines(
    root: etree._Element,
    start_index: int = 0,
    from_script: bool = False,
    revealed: frozenset[str] = frozenset(),
) -> list[Line]:
    """The visible text of ``root`` as lines in reading order (``revealed``: ids of hidden elements
    a script shows, see :func:`revealed_ids`).

    One walk with lxml's ``iterwalk`` (start/end events come from C; no recursion limit). A
    skipped or hidden element is judged once and its whole subtree is never entered, so a hidden
    menu costs one check, not one per descendant. ``root`` comes from :func:`parse_html`: comments
    and processing instructions were dropped while parsing (``iterwalk`` does not report them, so
    text after one would otherwise be lost).
    """
    lines: list[Line] = []
    buffer: list[str] = []
    link_chars = 0
    link_depth = 0
    owners: list[etree._Element] = [root]
    block_tags, skip_tags, hides = BLOCK_TAGS, SKIP_TAGS, _hides
    invisible = p.INVISIBLE_CHAR.search

    def flush(owner: etree._Element) -> None:
        """Close the current line (called only with text in the buffer)."""
        nonlocal link_chars
        # normalize_space, inlined: collapse spaces first, then clean the rare zero-width run.
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text and invisible(text):
            text = normalize_space(text)
        if text:
            index = start_index + len(lines)
            lines.append(Line(text, owner, index, min(link_chars, len(text)), from_script))
        link_chars = 0

    # The tags of the open elements: an "end" event takes its tag from here, not from lxml
    # (``element.tag`` builds a new string on every call).
    open_tags: list[str] = []
    push, pop = open_tags.append, open_tags.pop
    walker = etree.iterwalk(root, events=("start", "end"))
    skip_subtree = walker.skip_subtree
    # The element whose subtree was skipped: its "end" event still comes, right after its "start".
    skipped: etree._Element | None = None
    tail_taken = False
    for event, element in walker:
        if event == "end":
            tag = pop()
            if element is skipped:
                skipped = None
                if tail_taken:  # a <br>: its tail is already in the buffer
                    tail_taken = False
                    continue
            elif tag in block_tags:
                if buffer:
                    flush(element)
                owners.pop()
            elif tag == "a":
                link_depth -= 1
            tail = element.tail
            # Spaces before a line's first word vanish when it is normalised: not buffering them
            # spares a flush per whitespace run between blocks (most of a page's tails).
            if tail and element is not root and (buffer or not tail.isspace()):
                buffer.append(tail)
                if link_depth:
                    link_chars += len(tail.strip())
            continue
        tag = element.tag
        push(tag)
        if tag in skip_tags:
            skip_subtree()
            skipped = element
            if tag == "script" and element.text:
                printed = script_output(element.text)
                if printed:
                    buffer.append(printed)
            continue
        # A whole <body> hidden by its style is a template's "no flash before the script ran":
        # the script reveals it, and a reader sees the page. Only smaller elements stay hidden.
        names = element.keys()
        if (
            names
            and tag not in _REVEALED_TAGS
            and hides(element, names)
            and not (revealed and element.get("id") in revealed)
        ):
            skip_subtree()
            skipped = element
            continue
        if tag == "br":
            if buffer:
                flush(owners[-1])
            tail = element.tail
            if tail and not tail.isspace():
                buffer.append(tail)
            skip_subtree()
            skipped, tail_taken = element, True
            continue
        if tag in block_tags:
            if buffer:
                flush(owners[-1])
            owners.append(element)
        elif tag == "a":
            link_depth += 1
        text = element.text
        if text and (buffer or not text.isspace()):
            buffer.append(text)
            if link_depth:
                link_chars += len(text.strip())
    if buffer:
        flush(owners[-1] if owners else root)
    return lines


def visible_text(element: etree._Element) -> str:
    return " ".join(line.text for line in visible_lines(element))


@dataclass(slots=True)
class PageElements:
    """The elements later stages look up across the whole page, found in one walk."""

    scripts: list[etree._Element]
    #: The first ``<base>`` (anywhere: a browser obeys one in the body too), or None.
    base: etree._Element | None
    #: Every ``<a>``, in document order.
    anchors: list[etree._Element]


def page_elements(root: etree._Element) -> PageElements:
    """``<script>``, ``<base>`` and ``<a>`` elements of the page, in document order.

    One walk: each walk of a big page's tree costs about 0.1 ms in lxml even when it yields
    nothing (``iter("base")`` on a page without one), and three stages needed one each.
    """
    scripts: list[etree._Element] = []
    anchors: list[etree._Element] = []
    base: etree._Element | None = None
    for element in root.iter("script", "base", "a"):
        tag = element.tag
        if tag == "a":
            anchors.append(element)
        elif tag == "script":
            scripts.append(element)
        elif base is None and element is not root:
            base = element
    return PageElements(scripts, base, anchors)


def writing_scripts(scripts: Iterable[etree._Element]) -> list[str]:
    """The code of those inline ``scripts`` (see :func:`page_elements`) that call ``document.write``."""
    codes: list[str] = []
    for script in scripts:
        code = script.text
        if code and "write" in code and "document" in code:
            codes.append(code)
    return codes


def revealed_ids(codes: list[str]) -> frozenset[str]:
    """Ids of hidden elements whose markup a script reads and writes out (``writing_scripts``)."""
    found: set[str] = set()
    for code in codes:
        if "innerHTML" in code:
            found.update(_COPIED_OUT.findall(code))
    return frozenset(found)


def script_fragments(codes: list[str]) -> list[etree._Element]:
    """HTML that inline scripts (``writing_scripts``) write with ``document.write``, parsed, when it
    carries labels."""
    fragments: list[etree._Element] = []
    for code in codes:
        for call in _DOCUMENT_WRITE.finditer(code):
            literal = "".join(a or b for a, b in _STRING_LITERAL.findall(call.group("arg")))
            if "<" not in literal or not p.LABEL_IN_LINE.search(normalize_space(_strip_tags(literal))):
                continue
            fragment = parse_html(f"<html><body><table>{literal}</table></body></html>")
            if fragment is not None:
                fragments.append(fragment)
    return fragments


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]*>", " ", html)


def is_inside(element: etree._Element | None, container: etree._Element) -> bool:
    """True when ``element`` is ``container`` or one of its descendants."""
    while element is not None:
        if element is container:
            return True
        element = element.getparent()
    return False
