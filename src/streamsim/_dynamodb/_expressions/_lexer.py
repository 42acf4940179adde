"""The lexer shared by every kind of DynamoDB expression.

An expression is cut into tokens; whitespace (space, tab, CR, LF) only separates them.

AWS behaviour (checked against the ScyllaDB Alternator test suite, which runs against DynamoDB):

* a bare name is ``[A-Za-z][A-Za-z0-9_]*``: it cannot start with ``_`` or a digit;
* a name placeholder is ``#`` then one or more of ``[A-Za-z0-9_]``; a value placeholder is
  ``:`` then one or more of the same (``#1``, ``:_`` are fine, a lone ``#`` or ``:`` is not);
* a list index is a run of digits;
* anything else is a one-character token the parser rejects, so ``SET _123 = :v`` fails with
  ``token: "_", near: "SET _123"``.

A syntax error names the token and quotes the source from the start of the token before it to
the end of the token after it (``near``); at the end of input the token is ``<EOF>`` and the
quote ends at the token before it.
"""

from __future__ import annotations

from typing import Final

# Token kinds.
NAME: Final = "name"  # bare identifier, keyword or function name
NAME_REF: Final = "#name"  # expression attribute name placeholder
VALUE_REF: Final = ":value"  # expression attribute value placeholder
NUMBER: Final = "number"  # digits (list index)
PUNCT: Final = "punct"  # ( ) [ ] , . = <> < <= > >= + -
ERROR: Final = "error"  # a character no token starts with
EOF: Final = "eof"

_WHITESPACE: Final = frozenset(" \t\r\n")
_ALPHA: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS: Final = frozenset("0123456789")
_WORD: Final = _ALPHA | _DIGITS | {"_"}
_SINGLE: Final = frozenset("()[],.=+-")


class Token:
    """One token: its kind, its text and where it sits in the source."""

    __slots__ = ("end", "kind", "start", "text")

    def __init__(self, kind: str, text: str, start: int, end: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r}, {self.start})"

    def is_keyword(self, word: str) -> bool:
        """Return whether this token is the (case-insensitive) keyword ``word``."""
        return self.kind == NAME and self.text.upper() == word

    @property
    def shown(self) -> str:
        """The token as an AWS syntax error names it (``<EOF>`` at the end)."""
        return "<EOF>" if self.kind == EOF else self.text


def tokenize(source: str) -> list[Token]:
    """Cut ``source`` into tokens, ending with an ``EOF`` token.

    Never fails: characters no token starts with become ``ERROR`` tokens for the parser to
    report.

    >>> [t.text for t in tokenize("SET a.b[2] = :v")]
    ['SET', 'a', '.', 'b', '[', '2', ']', '=', ':v', '']
    """
    tokens: list[Token] = []
    append = tokens.append
    n = len(source)
    i = 0
    while i < n:
        c = source[i]
        if c in _WHITESPACE:
            i += 1
            continue
        start = i
        if c in _ALPHA:
            i += 1
            while i < n and source[i] in _WORD:
                i += 1
            append(Token(NAME, source[start:i], start, i))
        elif c == "#" or c == ":":
            i += 1
            while i < n and source[i] in _WORD:
                i += 1
            if i - start == 1:
                append(Token(ERROR, c, start, i))
            else:
                append(Token(NAME_REF if c == "#" else VALUE_REF, source[start:i], start, i))
        elif c in _DIGITS:
            i += 1
            while i < n and source[i] in _DIGITS:
                i += 1
            append(Token(NUMBER, source[start:i], start, i))
        elif c in _SINGLE:
            i += 1
            append(Token(PUNCT, c, start, i))
        elif c == "<" or c == ">":
            i += 1
            if i < n and (source[i] == "=" or (c == "<" and source[i] == ">")):
                i += 1
            append(Token(PUNCT, source[start:i], start, i))
        else:
            i += 1
            append(Token(ERROR, c, start, i))
    append(Token(EOF, "", n, n))
    return tokens


def near(source: str, tokens: list[Token], index: int) -> str:
    """Return AWS's ``near`` text for a syntax error at ``tokens[index]``.

    It is the source from the start of the previous token to the end of the next one (or of
    this one, when the next is the end of input; or of the previous one, at the end itself).

    >>> src = "SET _123 = :v"
    >>> near(src, tokenize(src), 1)
    'SET _123'
    """
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    if token.kind == EOF:
        end = tokens[index - 1].end if index > 0 else token.end
    else:
        after = tokens[index + 1]
        end = token.end if after.kind == EOF else after.end
    return source[start:end]


#: Deepest nesting of parentheses (groups and function calls) and ``NOT`` an expression may
#: have.  UNCONFIRMED: AWS documents no nesting limit, only 300 operators and functions per
#: expression (and ``((a = b))`` is refused as redundant, so every level costs an operator);
#: streamsim refuses deeper expressions before parsing, so parsing and evaluating every
#: accepted expression recurse at most this deep, whatever the caller's stack depth.
MAX_NESTING = 50


def nesting(tokens: list[Token]) -> int:
    """How deeply ``tokens`` nest parentheses and ``NOT``, counted without recursion.

    A run of ``NOT`` nests over the operand that follows it (up to the next ``AND``, ``OR``
    or closing parenthesis); an opening parenthesis nests one level under the ``NOT`` run
    before it; a closing one ends both.

    >>> nesting(tokenize("NOT NOT (a = :a AND NOT size(b) > :b)"))
    5
    """
    depth = deepest = pending = 0
    opened: list[int] = []
    for token in tokens:
        kind = token.kind
        if kind == PUNCT and token.text == "(":
            opened.append(depth)
            depth += pending + 1
            pending = 0
            deepest = max(deepest, depth)
        elif kind == PUNCT and token.text == ")":
            if opened:
                depth = opened.pop()
            pending = 0
        elif kind == NAME and token.text.upper() == "NOT":
            pending += 1
            deepest = max(deepest, depth + pending)
        elif kind == NAME and token.text.upper() in ("AND", "OR"):
            pending = 0  # the operand under the NOT run ended
    return deepest


#: At most this many operators in one expression (rule H.36).
MAX_OPERATORS: Final = 300
_CONDITION_OPERATORS: Final = frozenset({"=", "<>", "<", "<=", ">", ">="})
_CONDITION_WORDS: Final = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
_UPDATE_OPERATORS: Final = frozenset({"+", "-"})


def operator_count(tokens: list[Token], update: bool) -> int:
    """How many operators ``tokens`` hold, as DynamoDB counts them for its limit of 300.

    In a condition (and a filter or key condition) the comparators and ``AND``, ``OR``,
    ``NOT``, ``BETWEEN`` and ``IN`` count; in an UpdateExpression, ``+`` and ``-`` (``SET``'s
    ``=`` does not).  Parentheses, function calls and paths do not count.

    >>> operator_count(tokenize("a < b OR (NOT c = :c)"), False)
    4
    >>> operator_count(tokenize("SET a = :x + :y - :z"), True)
    2
    """
    count = 0
    for token in tokens:
        kind = token.kind
        if kind == PUNCT:
            if token.text in (_UPDATE_OPERATORS if update else _CONDITION_OPERATORS):
                count += 1
        elif not update and kind == NAME and token.text.upper() in _CONDITION_WORDS:
            count += 1
    return count
