"""The search query language: text -> tree -> SQL for PostgreSQL full-text search.

Pure logic: no Django, no ORM, no database. ``search/engine.py`` runs what this module builds.

The language keeps the promise of the official search page (quotation marks for an exact phrase,
``AND`` / ``OR`` as link words) and adds a little more::

    query    := or_expr
    or_expr  := and_expr ( "OR" and_expr )*
    and_expr := unary ( ["AND"] unary )*          # words side by side are ANDed too
    unary    := ( "NOT" | "-" | field ":" )* atom
    atom     := word | word* | "quoted phrase" | "(" or_expr ")"
    field    := heading | question | answer | asker | answerer | department

Only upper-case AND / OR / NOT are operators, so ``rivers and lakes`` is three ordinary words.
Parsing is lenient: an unclosed quote or bracket runs to the end, a stray ``)`` or a dangling
operator is dropped. QueryError is raised only when nothing searchable remains or the query is
too big; its message is shown to the reader as is.

Stop words ("the", "not", ...) cannot be recognised here because only PostgreSQL knows the
dictionary: a query of stop words alone compiles, and the engine must check
``numnode(to_tsquery(SEARCH_CONFIG, ...))`` to tell the reader that nothing could be searched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_LENGTH = 1000
MAX_TERMS = 50
MAX_DEPTH = 10
# Shorter prefixes would match a large share of the archive and make the GIN scan slow.
MIN_PREFIX = 3

NO_WORDS_MESSAGE = (
    "Your search has no words to look for. Try a word or a phrase in quotation marks, "
    'e.g. "Parliamentary Estate".'
)
TOO_LONG_MESSAGE = f"Your search is too long: please use at most {MAX_LENGTH:,} characters."
TOO_MANY_TERMS_MESSAGE = f"Your search has too many words: please use at most {MAX_TERMS}."
TOO_DEEP_MESSAGE = (
    f"Your search has too many brackets inside one another: please use at most {MAX_DEPTH}."
)

# The text search configuration of the search vector and of every query against it: English
# stemming and stop words, with accents removed first (migration 0010), so that "cafe" finds
# "café" and "Sian" finds "Siân". Its name is fixed SQL text, never input.
SEARCH_CONFIG = "archive_english"

# Fields searched in the weighted search_vector; the letter is the setweight() label.
WEIGHTS = {"heading": "A", "question": "B", "answer": "C"}
# The columns each field's text comes from, for phrases checked against the text itself.
TEXT_COLUMNS = {"heading": "heading", "question": "question_text", "answer": "answer_text"}
# The names the search vector holds besides (its D part): a phrase in no field may be in one.
NAME_COLUMNS = ("asker_name", "answerer_name", "department_name")
# Every column a phrase checked against the text may read.
LITERAL_COLUMNS = (*TEXT_COLUMNS.values(), *NAME_COLUMNS)

# The stop words of SEARCH_CONFIG (PostgreSQL's english list, tsearch_data/english.stop):
# the vector keeps no lexeme for them, so a phrase holding one is also checked against the
# text itself. Else '"not held centrally"' would find "information held centrally", and
# '"no longer"' any question with "longer".
_ENGLISH_STOP = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
    """
STOP_WORDS = frozenset(_ENGLISH_STOP.split())
# Fields searched by name in a related table: (foreign key column, table, text search config).
# Member names use 'simple' so that names are never stemmed ("Jones" must not find "Jone").
NAME_FIELDS = {
    "asker": ("asker_id", "archive_member", "simple"),
    "answerer": ("answerer_id", "archive_member", "simple"),
    "department": ("department_id", "archive_department", SEARCH_CONFIG),
}
FIELDS = (*WEIGHTS, *NAME_FIELDS)


class QueryError(ValueError):
    """A problem with the reader's query; ``message`` is shown on the page as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | And | Or | Not


@dataclass(frozen=True)
class CompiledQuery:
    where_sql: str  # a boolean SQL expression with %s placeholders
    params: tuple[str, ...]  # values for the placeholders, in order
    rank_tsquery: str  # positive main-text terms for ts_rank / ts_headline; "" if none
    tree: Node

    @property
    def has_prefixes(self) -> bool:
        """Whether a leaf is a prefix: never a stop word, though the word it spells may be
        ("just*" finds "justice")."""
        return any(isinstance(leaf, Term) and leaf.prefix for leaf in _leaves(self.tree))

    @property
    def reads_text(self) -> bool:
        """Whether ``where_sql`` reads the text columns, not only the search vector."""
        return any(_checks_text(leaf) for leaf in _leaves(self.tree))

    @property
    def narrowed_to_fields(self) -> bool:
        """Some words must be in a given field, and none is excluded from one.

        PostgreSQL's estimate of a match ignores the fields (the vector's weight labels), so
        for such a query it counts the questions holding the words in any field: more than
        match, never fewer.
        """
        required = sum(leaf.field in WEIGHTS for leaf in _leaves(self.tree, positive_only=True))
        return required > 0 and required == sum(
            leaf.field in WEIGHTS for leaf in _leaves(self.tree)
        )


# --- Tokenising -------------------------------------------------------------------------------

_FIELD_RE = re.compile(rf"({'|'.join(FIELDS)}):", re.IGNORECASE)
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class _Token:
    kind: str  # WORD, PHRASE, FIELD, AND, OR, NOT, "(" or ")"
    text: str = ""  # a WORD's text or a FIELD's name
    prefix: bool = False
    words: tuple[str, ...] = ()


# Characters unaccent() turns into a quote or a backslash, tsquery syntax: name searches
# run unaccent over the tsquery text, so they are made the plain characters first, which
# the compiler then escapes like any other ("department:0" and U+2018 was a syntax error).
_SYNTAX_LOOKALIKES = str.maketrans(
    {
        **dict.fromkeys("\u02b9\u02bb\u02bc\u02bd\u02c8\u2018\u2019\u201b\u2032\uff07", "'"),
        **dict.fromkeys("\u2216\ufe68\uff3c", "\\"),
        "\u0149": "'n",
    }
)


def _clean(text: str) -> str:
    # Control characters (NUL included) separate words; PostgreSQL rejects NUL in text.
    # Format characters (soft hyphens, zero-width spaces pasted from Word) are dropped so that
    # they do not split a word, and lone surrogates cannot be sent to the database at all.
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category not in ("Cf", "Cs"):
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_SYNTAX_LOOKALIKES)


def _searchable(word: str) -> bool:
    # Pure punctuation or emoji yields no lexeme in PostgreSQL; dropping it here lets us
    # say "no words" instead of silently matching everything or nothing.
    return any(char.isalnum() for char in word)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == '"':
            close = text.find('"', i + 1)
            close = end if close == -1 else close
            words = tuple(w for w in text[i + 1 : close].split() if _searchable(w))
            if words:
                tokens.append(_Token("PHRASE", words=words))
            i = close + 1
        elif char in "()":
            tokens.append(_Token(char))
            i += 1
        elif char == "-" and i + 1 < end and not text[i + 1].isspace() and text[i + 1] not in "-)":
            tokens.append(_Token("NOT"))
            i += 1
        elif match := _FIELD_RE.match(text, i):
            tokens.append(_Token("FIELD", match.group(1).lower()))
            i = match.end()
        else:
            start = i
            while i < end and not text[i].isspace() and text[i] not in '"()':
                i += 1
            word = text[start:i]
            if word in _OPERATORS:
                tokens.append(_Token(word))
                continue
            bare = word.rstrip("*")
            if _searchable(bare):
                prefix = bare != word and len(bare) >= MIN_PREFIX
                tokens.append(_Token("WORD", bare, prefix))
    return _drop_unopened_brackets(tokens)


def _drop_unopened_brackets(tokens: list[_Token]) -> list[_Token]:
    # A ")" that closes nothing is read as if it were not there, so "a) OR b" stays an OR.
    kept, depth = [], 0
    for token in tokens:
        if token.kind == ")" and depth == 0:
            continue
        depth += {"(": 1, ")": -1}.get(token.kind, 0)
        kept.append(token)
    return kept


# --- Parsing ----------------------------------------------------------------------------------


def _combine(cls: type[And] | type[Or], children: list[Node]) -> Node | None:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, cls) else (child,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else cls(tuple(flat))


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def _peek(self) -> str:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else "END"

    def _next(self) -> _Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def parse(self) -> Node | None:
        return self._or_expr(None)

    def _or_expr(self, field: str | None) -> Node | None:
        children = []
        while True:
            if (child := self._and_expr(field)) is not None:
                children.append(child)
            if self._peek() != "OR":
                return _combine(Or, children)
            self._next()

    def _and_expr(self, field: str | None) -> Node | None:
        children = []
        while self._peek() not in ("OR", ")", "END"):
            if self._peek() == "AND":
                self._next()
            elif (child := self._unary(field)) is not None:
                children.append(child)
        return _combine(And, children)

    def _unary(self, field: str | None) -> Node | None:
        # Prefix operators are collected in a loop, not by recursion, so "- - - - x" cannot
        # exhaust the stack; the field nearest the operand wins.
        negated = False
        while self._peek() in ("NOT", "FIELD"):
            token = self._next()
            if token.kind == "NOT":
                negated = not negated
            else:
                field = token.text
        node = self._atom(field)
        if node is None or not negated:
            return node
        return node.child if isinstance(node, Not) else Not(node)

    def _atom(self, field: str | None) -> Node | None:
        kind = self._peek()
        if kind == "WORD":
            token = self._next()
            return Term(token.text, token.prefix, field)
        if kind == "PHRASE":
            return Phrase(self._next().words, field)
        if kind == "(":
            self._next()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(TOO_DEEP_MESSAGE)
            node = self._or_expr(field)
            if self._peek() == ")":
                self._next()
            self.depth -= 1
            return node
        return None  # a NOT or field with nothing after it is dropped


def parse(text: str) -> Node:
    """Parse the reader's query into a tree; raise QueryError if there is nothing to search."""
    # Measured before cleaning, so that a megabyte of pasted text costs nothing.
    if len(text.strip()) > MAX_LENGTH:
        raise QueryError(TOO_LONG_MESSAGE)
    text = _clean(text)
    tokens = _tokenize(text)
    words = sum(len(t.words) for t in tokens) + sum(t.kind == "WORD" for t in tokens)
    if words > MAX_TERMS:
        raise QueryError(TOO_MANY_TERMS_MESSAGE)
    node = _Parser(tokens).parse()
    if node is None:
        raise QueryError(NO_WORDS_MESSAGE)
    return node


# --- Compiling --------------------------------------------------------------------------------

_TABLE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _lexeme(word: str, prefix: bool = False, label: str = "") -> str:
    # The only place user text enters tsquery syntax: always inside quotes, escaped.
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    suffix = ("*" if prefix else "") + label
    return f"{quoted}:{suffix}" if suffix else quoted


def _leaf_tsquery(node: Term | Phrase, label: str) -> str:
    if isinstance(node, Term):
        return _lexeme(node.text, node.prefix, label)
    return " <-> ".join(_lexeme(word, label=label) for word in node.words)


# A prefix is matched against stemmed lexemes: "immigration" is stored as "immigr", shorter
# than the prefix "immigrati" a reader types, and stemming the prefix itself changes it
# ("police" becomes "polic", which starts "policy"'s "polici"). So a prefix matches the
# lexemes that start with it as typed, its own stem, and the stems a word starting with it
# can have: the prefix cut by up to STEM_CUT letters (the suffixes the stemmer removes run
# that far past a prefix: "immigrati" for "immigr", "organisati" for "organis"), never below
# MIN_STEM. Like any stemmed search it finds words sharing those stems ("hedges*" finds
# "hedging", both "hedg"). Checking each match's text for the prefix instead costs ~70 µs a
# row: 0.7 s for "immigra*" at a million questions.
STEM_CUT = 3
MIN_STEM = 4


def _folded(word: str) -> str:
    # As the configuration's unaccent and lower-casing leave a word, for a tsquery that
    # bypasses the configuration.
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Letters unaccent turns into plain ones that Unicode does not decompose ("Łódź" is "lodz").
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "œ": "oe", "æ": "ae", "đ": "d", "ð": "d", "þ": "th",
     "ħ": "h", "\u0131": "i", "ŀ": "l", "ŧ": "t"}
)  # fmt: skip


def _prefix_forms(text: str, label: str) -> str:
    """The lexemes a word starting with ``text`` may be stored as, as raw tsquery text.

    A prefix the parser would split ("o'bri*": "O'Brien" is stored as "o" and "brien") is
    its whole parts followed by the forms of its last one.
    """
    parts = [part for part in _WORD_PARTS_RE.split(_folded(text)) if part]
    if not parts:
        return _lexeme(_folded(text), prefix=True, label=label)
    *whole, word = parts
    forms = _last_part_forms(word, label)
    if not whole:
        return forms
    return " <-> ".join([*(_lexeme(part, label=label) for part in whole), f"({forms})"])


_WORD_PARTS_RE = re.compile(r"[^\w]+")


def _last_part_forms(word: str, label: str) -> str:
    shortest = max(len(word) - STEM_CUT, MIN_STEM)
    cuts = [
        _lexeme(word[:length], label=label) for length in range(len(word) - 1, shortest - 1, -1)
    ]
    return " | ".join([_lexeme(word, prefix=True, label=label), *cuts])


def _holds_stop_words(node: Phrase) -> bool:
    return len(node.words) > 1 and any(_folded(word) in STOP_WORDS for word in node.words)


def _literal_phrase(table: str, node: Phrase) -> _Sql:
    """The phrase's words in this order, in the field's text (any field's or name's when
    none is named), letter case and accents aside, anything but letters and digits between
    them."""
    pattern = r"\m" + r"\W+".join(_regex_literal(_folded(word)) for word in node.words) + r"\M"
    columns = [TEXT_COLUMNS[node.field]] if node.field in TEXT_COLUMNS else LITERAL_COLUMNS
    tests = [f"unaccent({table}.{column}) ~* %s" for column in columns]
    return _Sql("(" + " OR ".join(tests) + ")", (pattern,) * len(tests))


def _checks_text(node: Term | Phrase) -> bool:
    """Whether the vector's match is checked against the text: phrases with stop words,
    which the vector has no lexeme for."""
    return isinstance(node, Phrase) and node.field not in NAME_FIELDS and _holds_stop_words(node)


def _regex_literal(word: str) -> str:
    # In PostgreSQL's regular expressions a backslash before a character that is not a
    # letter or digit stands for the character itself.
    return "".join(char if char.isalnum() else "\\" + char for char in word)


def _rank_leaf(node: Term | Phrase) -> str:
    if isinstance(node, Term) and node.prefix:
        return f"({_prefix_forms(node.text, '')} | {_lexeme(node.text)})"
    return _group(_leaf_tsquery(node, ""), _is_one_lexeme(node))


def _is_one_lexeme(node: Term | Phrase) -> bool:
    return isinstance(node, Term) or len(node.words) == 1


def _group(tsquery: str, leaf: bool) -> str:
    return tsquery if leaf else f"({tsquery})"


@dataclass(frozen=True)
class _TsQuery:
    """A subtree searched in search_vector alone, kept as tsquery text so it costs one @@."""

    text: str
    leaf: bool  # a single lexeme, safe to combine without brackets


@dataclass(frozen=True)
class _Sql:
    sql: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class _TsExpr:
    """A subtree searched in search_vector alone that needs lexemes the configuration must
    not stem (a prefix's): a tsquery-valued SQL expression, still one @@."""

    sql: str
    params: tuple[str, ...]


def _stemmed(tsquery: str) -> _TsExpr:
    return _TsExpr(f"to_tsquery('{SEARCH_CONFIG}', %s)", (tsquery,))


def _prefix_expr(node: Term, label: str) -> _TsExpr:
    # The raw lexemes (``::tsquery`` is not stemmed by the configuration) or the stem.
    return _TsExpr(
        f"(%s::tsquery || to_tsquery('{SEARCH_CONFIG}', %s))",
        (_prefix_forms(node.text, label), _lexeme(node.text, label=label)),
    )


def _vector_match(table: str, query: _TsQuery | _TsExpr) -> _Sql:
    expr = _stemmed(query.text) if isinstance(query, _TsQuery) else query
    return _Sql(f"{table}.search_vector @@ {expr.sql}", expr.params)


def _combined(texts: list[str], exprs: list[_TsExpr], operator: str) -> _TsQuery | _TsExpr:
    """Operands of one AND or OR on the vector: tsquery text while no operand needs an
    expression, else one expression joining them with the tsquery operators && or ||."""
    text = f" {operator} ".join(texts)
    if not exprs:
        return _TsQuery(text, leaf=False)
    pieces = [_stemmed(text), *exprs] if texts else exprs
    joiner = " && " if operator == "&" else " || "
    return _TsExpr(
        "(" + joiner.join(piece.sql for piece in pieces) + ")",
        tuple(param for piece in pieces for param in piece.params),
    )


# What a written question's number (UIN) looks like: "HL2005" in the Lords, five or six
# digits in the Commons (shorter numbers are more often figures than questions).
_UIN_RE = re.compile(r"HL\d{1,6}|\d{5,6}", re.IGNORECASE)


def _compile(node: Node, table: str) -> _TsQuery | _TsExpr | _Sql:
    if isinstance(node, Term | Phrase):
        if not (node.text if isinstance(node, Term) else node.words):
            raise ValueError(f"{node!r} has nothing to search for")  # '' is a tsquery error
        if node.field in NAME_FIELDS:
            column, names, config = NAME_FIELDS[node.field]
            # = ANY(ARRAY(...)) rather than IN (...): the names are looked up once, first,
            # and the questions fetched through the index on the key, where the planner
            # would guess a match rate for the names and, guessing high, test every
            # question in the archive against them (700 ms at a million).
            # Without accents on either side: "asker:sean" finds "Seán".
            sql = (
                f"{table}.{column} = ANY(ARRAY(SELECT id FROM {names} WHERE "
                f"to_tsvector('{config}', unaccent(name)) @@ to_tsquery('{config}', unaccent(%s))))"
            )
            return _Sql(sql, (_leaf_tsquery(node, ""),))
        label = WEIGHTS.get(node.field or "", "")
        if isinstance(node, Term) and node.prefix:
            return _prefix_expr(node, label)
        vector = _TsQuery(_leaf_tsquery(node, label), leaf=_is_one_lexeme(node))
        if isinstance(node, Term) and not node.field and _UIN_RE.fullmatch(node.text):
            # A question's number, pasted in: the question itself, besides any text citing it.
            match = _vector_match(table, vector)
            return _Sql(f"({match.sql} OR {table}.uin = %s)", (*match.params, node.text.upper()))
        if not _checks_text(node):
            return vector
        match, literal = _vector_match(table, vector), _literal_phrase(table, node)
        return _Sql(f"{match.sql} AND {literal.sql}", match.params + literal.params)
    if isinstance(node, Not):
        inner = _compile(node.child, table)
        if isinstance(inner, _TsQuery):
            return _TsQuery("!" + _group(inner.text, inner.leaf), leaf=True)
        if isinstance(inner, _TsExpr):
            return _TsExpr(f"(!! {inner.sql})", inner.params)
        # IS NOT TRUE rather than NOT: a question with no asker is "not asked by Smith",
        # whereas NOT (NULL IN (...)) is NULL and would hide it.
        return _Sql(f"({inner.sql}) IS NOT TRUE", inner.params)
    if not node.children:
        raise ValueError(f"{type(node).__name__} needs at least one child")
    tsquery_op, sql_op = ("&", "AND") if isinstance(node, And) else ("|", "OR")
    parts = [_compile(child, table) for child in node.children]
    texts = [_group(p.text, p.leaf) for p in parts if isinstance(p, _TsQuery)]
    exprs = [p for p in parts if isinstance(p, _TsExpr)]
    sqls = [p for p in parts if isinstance(p, _Sql)]
    vector = _combined(texts, exprs, tsquery_op)
    if not sqls:
        return vector
    if texts or exprs:
        sqls.insert(0, _vector_match(table, vector))
    return _Sql(
        f" {sql_op} ".join(f"({p.sql})" for p in sqls),
        tuple(param for p in sqls for param in p.params),
    )


def _leaves(node: Node, positive_only: bool = False) -> list[Term | Phrase]:
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, Not):
        return [] if positive_only else _leaves(node.child)
    return [leaf for child in node.children for leaf in _leaves(child, positive_only)]


def compile_query(node: Node, table: str = "archive_question") -> CompiledQuery:
    """Compile a tree into a WHERE expression over ``table`` (see CompiledQuery)."""
    if not _TABLE_RE.fullmatch(table):
        raise ValueError(f"not a plain table name: {table!r}")
    compiled = _compile(node, table)
    if not isinstance(compiled, _Sql):
        compiled = _vector_match(table, compiled)
    # ORed and without weight labels, so every matching row gets a rank and ts_headline finds a
    # fragment even in a field that holds only some of the words.
    rank_parts = dict.fromkeys(
        _rank_leaf(leaf)
        for leaf in _leaves(node, positive_only=True)
        if leaf.field not in NAME_FIELDS
    )
    return CompiledQuery(compiled.sql, compiled.params, " | ".join(rank_parts), node)


def build(text: str, table: str = "archive_question") -> CompiledQuery:
    """Parse and compile the reader's query; raise QueryError with a message for the page."""
    return compile_query(parse(text), table)


# --- Describing -------------------------------------------------------------------------------


def _describe(node: Node, stated: str | None) -> tuple[str, bool]:
    """Return the text and whether it can stand as an operand without brackets."""
    if isinstance(node, Term | Phrase):
        field = f"{node.field}:" if node.field and node.field != stated else ""
        if isinstance(node, Term):
            return f"{field}{node.text}{'*' if node.prefix else ''}", True
        return f'{field}"{" ".join(node.words)}"', True
    if isinstance(node, Not):
        text, atomic = _describe(node.child, stated)
        return f"NOT {text}" if atomic else f"NOT ({text})", True
    fields = {leaf.field for leaf in _leaves(node)}
    shared = fields.pop() if len(fields) == 1 else None
    if shared and shared != stated:
        text, _ = _describe(node, shared)
        return f"{shared}:({text})", True
    parts = []
    for child in node.children:
        text, atomic = _describe(child, stated)
        # AND binds tighter than OR, so only an OR inside an AND needs brackets.
        bracket = not atomic and (isinstance(node, And) or isinstance(child, Or))
        parts.append(f"({text})" if bracket else text)
    return (" " if isinstance(node, And) else " OR ").join(parts), False


def describe(node: Node) -> str:
    """A normalised, human-readable form of the query (for page titles); parses back the same."""
    return _describe(node, None)[0]


def highlight_terms(node: Node) -> list[str]:
    """Words and phrases (any field) the reader wants to see, negations excluded, deduplicated.

    Prefix terms keep their trailing ``*`` so a highlighter can match the start of words.
    """
    seen: dict[str, str] = {}
    for leaf in _leaves(node, positive_only=True):
        if isinstance(leaf, Term):
            text = leaf.text + ("*" if leaf.prefix else "")
        else:
            text = " ".join(leaf.words)
        seen.setdefault(text.casefold(), text)
    return list(seen.values())
