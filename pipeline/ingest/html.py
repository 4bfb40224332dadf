"""HTML pages: main content only, headings and list items kept as their own lines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import trafilatura
from lxml import html as lxml_html

from pipeline.limits import add_note, current_limits
from pipeline.ingest.text import decode_bytes

DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "aside",
             "form", "button", "svg", "template", "object", "embed")
BLOCK_TAGS = ("p", "div", "section", "article", "main", "li", "h1", "h2", "h3", "h4", "h5",
              "h6", "tr", "br", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th")
COOKIE_HINT = re.compile(r"cookie|consent|gdpr|banner", re.IGNORECASE)
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>")
# Void elements, and elements a parser closes by itself when the next one starts.
SELF_CLOSING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
                "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp"}


def read_html(data: bytes) -> tuple[str, str]:
    """Return (markdown-ish text, encoding) of a page's main content."""
    markup, encoding = decode_bytes(data)
    max_depth = current_limits().max_depth
    depth = nesting_depth(markup)
    if depth > max_depth:
        # libxml2 stops building the tree 256 levels down: what lies deeper would be lost.
        add_note("deeply_nested", f"the page nests elements {depth:,} deep (limit {max_depth:,}, "
                 "PRAXIS_MAX_DEPTH); read as flat text, navigation and banners included")
        return read_flat_text(markup), encoding
    text = trafilatura.extract(
        markup,
        output_format="markdown",
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not text or not text.strip():
        text = extract_plain_text(markup)
    return text, encoding


def nesting_depth(markup: str) -> int:
    """How deep elements nest, counting tags the way a browser does not close by itself."""
    depth = deepest = 0
    for match in TAG.finditer(markup):
        name = match.group(2).lower()
        if name in SELF_CLOSING or match.group(3):
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


class FlatText(HTMLParser):
    """Visible text of any markup, however broken or deep: one line per block element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP_TAGS and tag not in SELF_CLOSING:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in DROP_TAGS and self.hidden:
            self.hidden -= 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def read_flat_text(markup: str) -> str:
    """Text of a page too deep for a tree: tags dropped, blocks kept apart."""
    parser = FlatText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def extract_plain_text(markup: str) -> str:
    """Fallback for pages too small for trafilatura: visible text, one block per line."""
    if not markup.strip():
        return ""
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for element in list(tree.iter(*DROP_TAGS)):
        element.drop_tree()
    for element in list(tree.iter()):
        attributes = " ".join(str(element.get(a, "")) for a in ("id", "class", "role"))
        if element.getparent() is not None and COOKIE_HINT.search(attributes):
            element.drop_tree()
    lines = []
    for element in tree.iter(*BLOCK_TAGS):
        own = (element.text or "").strip()
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            own = element.text_content().strip()
            if own:
                lines.append("#" * int(element.tag[1]) + " " + own)
            continue
        if element.tag == "li":
            own = element.text_content().strip()
            if own:
                lines.append("- " + own)
            continue
        if own:
            lines.append(own)
        for child in element:
            tail = (child.tail or "").strip()
            if tail and child.tag not in BLOCK_TAGS:
                lines.append(tail)
    return "\n\n".join(lines)
