from collections import Counter
from datetime import UTC, datetime

import lxml.html
import pytest
from lxml import etree

from tasks.config import DedupConfig, ExtractConfig
from tasks.extract import process_page
from tasks.fast_xpath import FastXPath, compile_xpath, library_xpaths

NOW = datetime(2026, 1, 1, tzinfo=UTC)
REGEXP = {"re": "http://exslt.org/regular-expressions"}  # as the libraries bind it


def same_elements(left: list, right: list) -> bool:
    return len(left) == len(right) and all(a is b for a, b in zip(left, right, strict=True))


class Compared:
    """Calls libxml2's evaluation and the fast one on the same node, records whether they
    agree, and hands on libxml2's result."""

    def __init__(self, fast: FastXPath, calls: Counter, disagreements: Counter) -> None:
        self.original, self.fast, self.path = fast.original, fast, fast.path
        self.calls, self.disagreements = calls, disagreements

    def __call__(self, node, **variables):
        expected = self.original(node, **variables)
        self.calls[self.path] += 1
        if not same_elements(self.fast(node, **variables), expected):
            self.disagreements[self.path] += 1
        return expected


def test_every_library_call_on_real_pages_gives_libxml2s_elements(benchmark, monkeypatch):
    # Every compiled expression trafilatura and htmldate evaluate while the 24 real pages
    # are extracted, on the very trees they evaluate it on, pruned and converted.
    pages = [
        {"kind": "html", "url": truth["url"], "fetched_at": NOW, "payload": html}
        for html, truth in benchmark.values()
    ]
    # Both modes: the precision mode evaluates expressions the default mode does not.
    configs, dedup = (ExtractConfig(), ExtractConfig(favor_precision=True)), DedupConfig()
    before = [process_page(p, config, dedup) for config in configs for p in pages]
    calls: Counter = Counter()
    disagreements: Counter = Counter()
    compared: dict[int, object] = {}

    def checked(xpath):
        if id(xpath) not in compared and isinstance(xpath, etree.XPath):
            fast = compile_xpath(xpath)
            compared[id(xpath)] = (
                Compared(fast, calls, disagreements) if fast is not xpath else xpath
            )
        return compared.get(id(xpath), xpath)

    for module, attribute, value in library_xpaths():
        if isinstance(value, etree.XPath):
            monkeypatch.setattr(module, attribute, checked(value))
        else:
            monkeypatch.setattr(module, attribute, type(value)(checked(x) for x in value))
    after = [process_page(p, config, dedup) for config in configs for p in pages]
    assert len(calls) >= 20 and sum(calls.values()) >= 300  # the extraction path is covered
    assert not disagreements
    assert after == before


DOCUMENT = """<html><body>
<div class="x" id="hidden"><p>a</p><!-- a comment --></div>
<div id="hidden" class="x" data-x=""><h1>b</h1><?pi x?></div>
<section id="x" class="Hidden Teaser"><p class="x">c</p><p class="x">d</p><rel>me</rel></section>
<div class="hidden" id="x" style="display:none"><span class="ABC">e</span><p>f</p></div>
<ul id="comments-1"><li class="comment">g</li></ul><p id="">h</p>
</body></html>"""

EXPRESSIONS = [
    ".//*[re:test(@id|@class, 'hidden')]",
    ".//*[re:test(@class|@id, '^hid')]",
    ".//*[re:test(@class, 'HIDDEN', 'i') or re:test(@class, 'teaser', 'i')]",
    ".//*[contains(translate(@class, 'AB', 'a'), 'aC')]",
    ".//*[@class='Hidden' or @id='hid' or contains(@class, 'x')]",
    ".//*[contains(translate(@class, 'T', 't'), 'teaser') or @style]",
    ".//*[self::div or self::p][@class='x' or @id][1]",
    ".//*[self::div or self::section][ re:test(@id, 'x') or contains(@class, 'x')][1]",
    "(.//div[@id])[1]|(.//p)[1]",
    "(.//*[self::p or self::span])[1]",
    ".//*[self::div or self::section][not(.//h1) or @id='hidden']",
    "//*[rel='me']",
    ".//*[re:test(@id, '^$|^x')]",
    ".//*[re:test(@class, '(x)\\1') or re:test(@class, '^x$') or @class='ABC']",
    ".//*[@data-x]",
    ".//*[@id|@class='x']",
    ".//*[re:test(@class, '(?i)hidden') or re:test(@class, 'x')]",
    ".//*[starts-with(@id|@class, 'x') and not(self::p)]",
    "//p|//span",
    ".//*[self::ul or self::li][ re:test(@id, '^comments') or contains(@class, 'comment')]",
    ".//*[@class='x' or contains(@style, 'display:none') or re:test(@id|@style, 'none')]",
]


@pytest.mark.parametrize("path", EXPRESSIONS)
def test_edge_cases_give_libxml2s_elements_from_every_node(path):
    # Attribute order in unions, regex flags and empty values, translate() deleting
    # characters, first-child and first-overall positions, comments and processing
    # instructions in the tree, and detached subtrees.
    original = etree.XPath(path, namespaces=REGEXP)
    fast = compile_xpath(original)
    assert isinstance(fast, FastXPath)
    root = lxml.html.document_fromstring(DOCUMENT)
    for node in list(root.iter(etree.Element)):
        assert same_elements(fast(node), original(node)), etree.tostring(node)
    detached = root.find(".//section")
    detached.getparent().remove(detached)
    for node in (detached, detached[0]):
        assert same_elements(fast(node), original(node))


@pytest.mark.parametrize(
    "path",
    [
        ".//p/text()",
        "//div//a[@href]",
        ".//*[local-name()='p']",
        "(.//p)[2]",
        ".//p[last()]",
        ".//*[re:test(@id, 'x', 'm')]",
        ".//*[@xml:lang]",
    ],
)
def test_expressions_outside_the_subset_stay_with_libxml2(path):
    original = etree.XPath(path, namespaces=REGEXP)
    assert compile_xpath(original) is original


def test_whole_documents_and_variables_go_to_libxml2():
    original = etree.XPath(".//p[@class=$name]|.//span")
    root = lxml.html.document_fromstring(DOCUMENT)
    simple = FastXPath(etree.XPath("//p"))
    assert same_elements(simple(root.getroottree()), root.xpath("//p"))
    assert compile_xpath(original) is original  # a variable is outside the subset
