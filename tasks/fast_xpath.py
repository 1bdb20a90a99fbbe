"""Trafilatura's and htmldate's XPath expressions, evaluated in Python over lxml's element
iterators: the same elements in the same order, in a fraction of the time.

The expressions these libraries run on every page test each element's `id` and `class` with
EXSLT `re:test`, which libxml2 evaluates by calling back into Python once per element and
attribute. Those callbacks were about a third of an extraction worker's time. The small subset
of XPath the libraries use (a descendant step whose predicates look at the element's own name
and attributes, unions of such steps, `step[1]` and `(step)[1]`) is compiled here into one
Python function per predicate, with the regular expressions on one attribute merged into one;
lxml still walks the tree and filters element names in C. An expression outside the subset
keeps its libxml2 evaluation, and so does a call with XPath variables or on a whole document.
The prefix `re:` is read as EXSLT's regular expressions, which both libraries bind it to.

tests/tasks/test_fast_xpath.py checks, on the fixture pages, that every call the libraries make
during extraction returns exactly what libxml2 returns.
"""

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from lxml import etree

Test = Callable[[etree._Element], bool]
Node = tuple  # a predicate's syntax: (kind, operands...), see _Parser
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'[^']*'|"[^"]*")
    | (?P<number>\d+)
    | (?P<op>//|::|[/\[\]()|,=@.*])
    | (?P<name>[A-Za-z_][\w-]*(?::[A-Za-z_][\w-]*)?)
    )""",
    re.VERBOSE,
)
# Regular expressions that cannot be merged into one alternation: group references would
# point elsewhere once the groups of the other alternatives come first.
_UNMERGEABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_LIBRARIES = ("trafilatura", "htmldate")


class Unsupported(ValueError):
    """The expression uses XPath outside the subset compiled here."""


def _tokens(path: str) -> list[tuple[str, str]]:
    tokens, position, path = [], 0, path.strip()
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position or match.lastgroup is None:
            raise Unsupported(f"cannot read {path[position : position + 20]!r}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


@dataclass
class _Step:
    """One step of a union: elements below the node (or anywhere in its document when
    `from_root`) named in `tags` (any name when None) that satisfy `predicates`; of those only
    the first child of each parent when `first_child` (`step[1]`), and only the very first
    when `first_only` (`(step)[1]`)."""

    from_root: bool
    tags: frozenset[str] | None
    predicates: list[Node]
    first_child: bool = False
    first_only: bool = False


class _Parser:
    """Recursive descent over one expression's tokens into _Step objects whose predicates
    are syntax tuples; raises Unsupported on anything outside the subset.

    Predicate syntax: ("or", [nodes]), ("and", [nodes]), ("not", node), ("self", name),
    ("descendant", name), ("child_equals", name, text), ("has", attribute),
    ("equals", attributes, text), and (function, argument, text, ignore_case) for contains,
    starts-with and re:test, where an argument is ("value", attributes) or
    ("translate", attributes, from, to).
    """

    def __init__(self, path: str) -> None:
        self.tokens = _tokens(path)
        self.position = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[0] != "string" and token[1] == value

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        token = self.peek()
        if (
            token is None
            or (value is not None and token[1] != value)
            or (kind is not None and token[0] != kind)
        ):
            raise Unsupported(f"expected {value or kind}, found {token}")
        self.position += 1
        return token[1]

    def literal(self) -> str:
        return self.take(kind="string")[1:-1]

    def name(self) -> str:
        name = self.take(kind="name")
        if ":" in name or self.at("(") or self.at("::"):
            raise Unsupported(f"{name} is not a plain name")
        return name

    def union(self) -> list[_Step]:
        """union := branch ('|' branch)*"""
        steps = [self.branch()]
        while self.at("|"):
            self.take("|")
            steps.append(self.branch())
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek()}")
        if len({step.from_root for step in steps}) > 1:
            raise Unsupported("a union of steps from the node and from the document")
        return steps

    def branch(self) -> _Step:
        """branch := '(' step ')' '[1]' | step"""
        if not self.at("("):
            return self.step()
        self.take("(")
        step = self.step()
        self.take(")")
        self.first_position()
        step.first_only = True
        return step

    def first_position(self) -> None:
        self.take("[")
        if self.take(kind="number") != "1":
            raise Unsupported("a position other than the first")
        self.take("]")

    def step(self) -> _Step:
        """step := ('.//' | '//') ('*' | NAME) ('[' or ']')* ('[1]')?"""
        from_root = not self.at(".")
        if not from_root:
            self.take(".")
        self.take("//")
        tags = None if self.at("*") else frozenset([self.name()])
        if tags is None:
            self.take("*")
        step = _Step(from_root, tags, [])
        while self.at("["):
            if (token := self.peek(1)) is not None and token[0] == "number":
                self.first_position()
                step.first_child = True
                break
            self.take("[")
            predicate = self.or_expression()
            self.take("]")
            names = _only_names(predicate)
            if step.tags is None and not step.predicates and names is not None:
                step.tags = names  # `*[self::a or self::b]`: lxml filters the names in C
            else:
                step.predicates.append(predicate)
        if self.at("/") or self.at("//") or self.at("["):
            raise Unsupported("more than one step, or a predicate after a position")
        return step

    def joined(self, operator: str, operand: Callable[[], Node]) -> Node:
        """operand (operator operand)*: the operand alone, or (operator, [operands])."""
        parts = [operand()]
        while self.at(operator):
            self.take(operator)
            parts.append(operand())
        return parts[0] if len(parts) == 1 else (operator, parts)

    def or_expression(self) -> Node:
        return self.joined("or", self.and_expression)

    def and_expression(self) -> Node:
        return self.joined("and", self.primary)

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise Unsupported("unexpected end")
        kind, value = token
        if kind == "op" and value == "(":
            self.take("(")
            inner = self.or_expression()
            self.take(")")
            return inner
        if kind == "op" and value == "@":
            names = self.attributes()
            if not self.at("="):
                if len(names) > 1:
                    raise Unsupported("a union of attributes as a test")
                return ("has", names[0])
            self.take("=")
            return ("equals", names, self.literal())
        if kind == "op" and value == "." and self.peek(1) == ("op", "//"):
            self.take(".")
            self.take("//")
            return ("descendant", self.name())
        if kind != "name":
            raise Unsupported(f"unexpected {value}")
        if value == "self" and self.peek(1) == ("op", "::"):
            self.take("self")
            self.take("::")
            return ("self", self.name())
        if self.peek(1) == ("op", "="):  # `name='x'`: a child element with that text
            name = self.name()
            self.take("=")
            return ("child_equals", name, self.literal())
        if value == "not":
            self.take("not")
            self.take("(")
            inner = self.or_expression()
            self.take(")")
            return ("not", inner)
        return self.function()

    def attributes(self) -> tuple[str, ...]:
        """'@a' ('|' '@b')*"""
        names = []
        while True:
            self.take("@")
            names.append(self.name())
            if not (self.at("|") and self.peek(1) == ("op", "@")):
                return tuple(names)
            self.take("|")

    def argument(self) -> Node:
        """'@a|@b' or translate('@a', FROM, TO)"""
        if not self.at("translate"):
            return ("value", self.attributes())
        self.take("translate")
        self.take("(")
        names = self.attributes()
        self.take(",")
        source = self.literal()
        self.take(",")
        target = self.literal()
        self.take(")")
        return ("translate", names, source, target)

    def function(self) -> Node:
        """contains(a, TEXT) | starts-with(a, TEXT) | re:test(a, PATTERN[, FLAGS])"""
        function = self.take(kind="name")
        if function not in ("contains", "starts-with", "re:test"):
            raise Unsupported(f"function {function}")
        self.take("(")
        argument = self.argument()
        self.take(",")
        text = self.literal()
        flags = ""
        if function == "re:test" and self.at(","):
            self.take(",")
            flags = self.literal()
            if set(flags) - {"i", "g"}:  # lxml's re:test reads only 'i'
                raise Unsupported(f"regular expression flags {flags!r}")
        self.take(")")
        return (function, argument, text, "i" in flags)


def _only_names(node: Node) -> frozenset[str] | None:
    """The names when `node` is `self::a or self::b ...` and nothing else."""
    if node[0] == "self":
        return frozenset([node[1]])
    if node[0] == "or":
        names = [_only_names(part) for part in node[1]]
        if all(n is not None for n in names):
            return frozenset().union(*names)  # type: ignore[arg-type]
    return None


def _first_value(element: etree._Element, names: frozenset[str]) -> str:
    """XPath's string value of `@a|@b`: the first of those attributes in the element's own
    attribute order (libxml2 and lxml's re:test agree on this), '' when none is set."""
    return next((value for key, value in element.items() if key in names), "")


def _child_text_equals(element: etree._Element, name: str, text: str) -> bool:
    return any(child.xpath("string()") == text for child in element.iterchildren(name))


def _translation(source: str, target: str) -> dict[int, int | None]:
    """XPath's translate(): a character of `source` becomes the one of `target` at the same
    position, or is deleted where `target` is shorter; its first position wins."""
    table: dict[int, int | None] = {}
    for index, character in enumerate(source):
        table.setdefault(ord(character), ord(target[index]) if index < len(target) else None)
    return table


def _as_pattern(node: Node) -> str | None:
    """`node` as a regular expression over one attribute's value, when it can join an
    alternation: an equality, contains, starts-with or re:test on a single attribute."""
    kind = node[0]
    if kind == "equals" and len(node[1]) == 1:
        return rf"\A{re.escape(node[2])}\Z"
    if kind in ("contains", "starts-with", "re:test") and node[1][0] == "value":
        if len(node[1][1]) != 1:
            return None
        if kind == "contains":
            return re.escape(node[2])
        if kind == "starts-with":
            return rf"\A{re.escape(node[2])}"
        if _UNMERGEABLE.search(node[2]):
            return None
        return f"(?i:{node[2]})" if node[3] else f"(?:{node[2]})"
    return None


def _regex(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise Unsupported(f"regular expression {pattern!r}: {error}") from None


def _attribute_of(node: Node) -> str:
    return str(node[1][0] if node[0] == "equals" else node[1][1][0])


class _Compiler:
    """Turns predicate syntax into the source of one Python expression over `e` (the element)
    and `g` (its `get`), with the constants it needs in `namespace`."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "_first_value": _first_value,
            "_child_text_equals": _child_text_equals,
        }

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def value(self, argument: Node) -> str:
        names = argument[1]
        if len(names) == 1:
            text = f"(g({names[0]!r}) or '')"
        else:
            text = f"_first_value(e, {self.constant(frozenset(names))})"
        if argument[0] == "translate":
            text = f"{text}.translate({self.constant(_translation(argument[2], argument[3]))})"
        return text

    def search(self, pattern: str, attribute: str) -> str:
        """A regular expression searched in one attribute, skipped when it is not set and
        the expression cannot match an empty value."""
        compiled = _regex(pattern)
        call = self.constant(compiled.search)
        if compiled.search(""):
            return f"({call}(g({attribute!r}) or '') is not None)"
        return f"((_v := g({attribute!r})) is not None and {call}(_v) is not None)"

    def expression(self, node: Node) -> str:
        kind = node[0]
        if kind == "or":
            return self.alternatives(node[1])
        if kind == "and":
            return "(" + " and ".join(self.expression(part) for part in node[1]) + ")"
        if kind == "not":
            return f"(not {self.expression(node[1])})"
        if kind == "self":
            return f"(e.tag == {node[1]!r})"
        if kind == "descendant":
            return f"(next(e.iterdescendants({node[1]!r}), None) is not None)"
        if kind == "child_equals":
            return f"_child_text_equals(e, {node[1]!r}, {node[2]!r})"
        if kind == "has":
            return f"(g({node[1]!r}) is not None)"
        if kind == "equals":
            return "(" + " or ".join(f"g({name!r}) == {node[2]!r}" for name in node[1]) + ")"
        if kind == "contains":
            return f"({node[2]!r} in {self.value(node[1])})"
        if kind == "starts-with":
            return f"{self.value(node[1])}.startswith({node[2]!r})"
        # re:test
        pattern = f"(?i:{node[2]})" if node[3] else node[2]
        if node[1][0] == "value" and len(node[1][1]) == 1:
            return self.search(pattern, node[1][1][0])
        return f"({self.constant(_regex(pattern).search)}({self.value(node[1])}) is not None)"

    def alternatives(self, parts: list[Node]) -> str:
        """`a or b or ...`, with the tests on one attribute merged into one search."""
        by_attribute: dict[str, list[Node]] = {}
        others = []
        for part in parts:
            if _as_pattern(part) is None:
                others.append(self.expression(part))
            else:
                by_attribute.setdefault(_attribute_of(part), []).append(part)
        merged = []
        for attribute, same in by_attribute.items():
            try:
                merged.append(self.search("|".join(str(_as_pattern(p)) for p in same), attribute))
            except Unsupported:  # e.g. a pattern with flags that only hold at its start
                others.extend(self.expression(part) for part in same)
        return "(" + " or ".join(merged + others) + ")"

    def test(self, predicates: list[Node]) -> Test | None:
        if not predicates:
            return None
        body = " and ".join(self.expression(predicate) for predicate in predicates)
        source = f"def _test(e):\n    g = e.get\n    return bool({body})\n"
        return self._function(source)

    def union_test(self, steps: list[_Step]) -> Test:
        """One test for a union of plain steps: an element matches when any step does. The
        steps that only name elements share one set lookup; one call per element instead of
        one per step and element (a union of nine steps ran three times faster)."""
        names_only: set[str] = set()
        parts = []
        for step in steps:
            tests = [self.expression(predicate) for predicate in step.predicates]
            if step.tags is None and not tests:
                return lambda element: True
            if not tests:
                names_only.update(step.tags or ())
                continue
            if step.tags is not None:
                tests.insert(0, f"(t in {self.constant(step.tags)})")
            parts.append("(" + " and ".join(tests) + ")")
        if names_only:
            parts.insert(0, f"(t in {self.constant(frozenset(names_only))})")
        source = (
            f"def _test(e):\n    g = e.get\n    t = e.tag\n    return bool({' or '.join(parts)})\n"
        )
        return self._function(source)

    def _function(self, source: str) -> Test:
        exec(compile(source, "<fast_xpath>", "exec"), self.namespace)
        test: Test = self.namespace.pop("_test")
        return test


@dataclass
class _Branch:
    """A compiled step."""

    tags: frozenset[str] | None
    test: Test | None
    first_child: bool
    first_only: bool

    def matches(self, element: etree._Element) -> bool:
        return (self.tags is None or element.tag in self.tags) and (
            self.test is None or self.test(element)
        )


class FastXPath:
    """A drop-in for an `lxml.etree.XPath` on HTML elements: called on an element, it returns
    the same elements in document order. Other calls go to the original."""

    def __init__(self, original: etree.XPath) -> None:
        self.original = original
        self.path = original.path
        steps = _Parser(original.path).union()
        self._from_root = steps[0].from_root
        self._branches = [
            _Branch(step.tags, _Compiler().test(step.predicates), step.first_child, step.first_only)
            for step in steps
        ]
        names = [branch.tags for branch in self._branches]
        self._tags: tuple[Any, ...] = (
            tuple(sorted(frozenset().union(*names)))  # type: ignore[arg-type]
            if all(n is not None for n in names)
            else (etree.Element,)  # elements only: no comments or processing instructions
        )
        plain = not any(step.first_child or step.first_only for step in steps)
        self._plain_test = (
            None
            if not plain
            else self._branches[0].test
            if len(steps) == 1
            else _Compiler().union_test(steps)
        )
        self._plain = plain

    def __call__(self, node: Any, **variables: Any) -> Any:
        if variables or not isinstance(node, etree._Element) or not isinstance(node.tag, str):
            return self.original(node, **variables)  # a document, comment or variables
        if self._from_root:
            root = node.getroottree().getroot()
            if root is None:
                return self.original(node)
            candidates: Iterator[etree._Element] = root.iter(*self._tags)
        else:
            candidates = node.iterdescendants(*self._tags)
        if not self._plain:
            return _select(candidates, self._branches)
        test = self._plain_test
        if test is None:
            return list(candidates)
        return [element for element in candidates if test(element)]

    def __repr__(self) -> str:
        return f"FastXPath({self.path!r})"


def _select(candidates: Iterator[etree._Element], branches: list[_Branch]) -> list:
    """The elements any branch matches, each once, in document order. A `first_child` branch
    keeps only the first of its matches among siblings; a `first_only` branch stops after its
    first match."""
    found = []
    parents: list[set] = [set() for _ in branches]
    spent: set[int] = set()
    for element in candidates:
        hit = False
        for index, branch in enumerate(branches):
            if index in spent or not branch.matches(element):
                continue
            if branch.first_child:
                parent = element.getparent()
                if parent in parents[index]:
                    continue
                parents[index].add(parent)
            hit = True
            if branch.first_only:
                spent.add(index)
        if hit:
            found.append(element)
            if len(spent) == len(branches):
                break
    return found


def compile_xpath(original: etree.XPath) -> "FastXPath | etree.XPath":
    """The fast equivalent of `original`, or `original` itself when it uses XPath outside the
    subset compiled here."""
    try:
        return FastXPath(original)
    except Unsupported:
        return original


def library_xpaths() -> Iterator[tuple[ModuleType, str, Any]]:
    """(module, attribute, value) for each XPath object, or non-empty list or tuple of them,
    that a module of trafilatura or htmldate holds."""
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in _LIBRARIES:
            continue
        for attribute, value in list(vars(module).items()):
            if isinstance(value, etree.XPath) or (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(item, etree.XPath | FastXPath) for item in value)
            ):
                yield module, attribute, value


def speed_up_library_xpaths() -> int:
    """Replace the XPath objects trafilatura's and htmldate's modules hold by their fast
    equivalents (see library_xpaths); return how many expressions were compiled. Idempotent."""
    compiled: dict[int, Any] = {}

    def fast(xpath: Any) -> Any:
        if not isinstance(xpath, etree.XPath):
            return xpath
        if id(xpath) not in compiled:
            compiled[id(xpath)] = compile_xpath(xpath)
        return compiled[id(xpath)]

    for module, attribute, value in library_xpaths():
        if isinstance(value, etree.XPath):
            setattr(module, attribute, fast(value))
        else:
            setattr(module, attribute, type(value)(fast(item) for item in value))
    return sum(isinstance(value, FastXPath) for value in compiled.values())
