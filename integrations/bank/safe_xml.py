"""Reading an XML file that came from outside: no DTD, no entity, nothing fetched, never the
whole tree.

Two layers, so that a mistake in one is caught by the other:

1. Before libxml2 sees a byte, the prolog (what comes before the root element) is read
   here: a DOCTYPE, or any other `<!` declaration, refuses the file, and so does an
   encoding whose bytes could mean something else than they look like here (only
   ASCII-compatible encodings and UTF-16 are taken). Billion laughs, external entities
   and external DTDs all need a DOCTYPE, so none of them reaches the parser.
2. The parser itself runs with entities, DTD loading and the network off and libxml2's
   size limits on (`PARSER_OPTIONS`). An entity reference without a DTD is a syntax error.

The root element is read first from the opening bytes alone, so a file that is not the
expected document is refused before the rest is parsed. Then `events` streams the file
through `lxml.etree.iterparse`: the caller clears what it has read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO, Final

from lxml import etree

from integrations.bank.statement import FileRefused

PARSER_OPTIONS: Final[dict[str, Any]] = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,  # a caller walking children meets elements only
    "remove_pis": True,
    "remove_blank_text": True,
}

_CHUNK = 64 * 1024
# A prolog longer than this is not a bank's (theirs are a declaration and perhaps a comment).
_PROLOG_LIMIT = 1024 * 1024

_ASCII_COMPATIBLE = re.compile(r"(?:utf-?8|us-ascii|ascii|iso[-_]?8859-\d{1,2}|latin-?1|windows-125\d|cp125\d)\Z", re.I)
_UTF16 = re.compile(r"utf-?16(?:le|be)?\Z", re.I)
_ENCODING = re.compile(r"""encoding\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_POSITION = re.compile(r", line [0-9]+, column [0-9]+\Z")
_MORE = "more"
_ROOT = "root"


def _text_of(head: bytes) -> tuple[bool, str]:
    """(is UTF-16, the opening bytes as text). ASCII-compatible bytes are read as Latin-1,
    which never fails and keeps every ASCII character of the markup where it is."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x00\x00\x00<", b"<\x00\x00\x00")):
        raise FileRefused("", "UTF-32 files are not accepted")
    if head.startswith(b"\xef\xbb\xbf"):
        return False, head[3:].decode("latin-1")
    if head.startswith((b"\xff\xfe", b"<\x00")):
        body = head[2:] if head.startswith(b"\xff\xfe") else head
        return True, body[: len(body) // 2 * 2].decode("utf-16-le", "replace")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        body = head[2:] if head.startswith(b"\xfe\xff") else head
        return True, body[: len(body) // 2 * 2].decode("utf-16-be", "replace")
    return False, head.decode("latin-1")


def _check_declaration(declaration: str, utf16: bool) -> None:
    found = _ENCODING.search(declaration)
    if found is None:
        return
    encoding = found.group(1) if found.group(1) is not None else found.group(2)
    accepted = _UTF16 if utf16 else _ASCII_COMPATIBLE
    if not accepted.match(encoding):
        raise FileRefused("line 1", f"the XML declaration names an encoding that is not accepted: {encoding!r}")


def _prolog(head: bytes) -> str:
    """_ROOT when the root element starts in `head` after a clean prolog, _MORE when the
    prolog may go on past it; refuses a DOCTYPE, a declaration or anything not XML."""
    utf16, text = _text_of(head)
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return _MORE
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return _MORE
            if i == 0 and text.startswith("<?xml", 0):
                _check_declaration(text[:end], utf16)
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return _MORE
            i = end + 3
        elif "<!--".startswith(text[i:]):
            return _MORE  # "<", "<!" or "<!-" at the end of what was read
        elif text.startswith("<!", i):
            found = text[i : i + 40].split(None, 1)[0]
            raise FileRefused(
                "", f"the file declares a DTD ({found!r}): DOCTYPEs, entities and external references are refused"
            )
        elif text[i] == "<" and (text[i + 1].isalpha() or text[i + 1] in "_:" or ord(text[i + 1]) > 127):
            return _ROOT
        else:
            raise FileRefused("", f"not an XML file: it starts with {head[:40]!r}")


class _Replay:
    """The opening bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size < 0:
            out, self._head = self._head, b""
            return out + self._rest.read()
        out, self._head = self._head[:size], self._head[size:]
        return out


def refusal(log: Any, error: etree.XMLSyntaxError) -> FileRefused:
    """libxml2's first complaint in this parse, with its line and column (lxml's own
    message is sometimes 'no element found' where the log says which entity was undefined)."""
    entries = [entry for entry in log if entry.level_name in ("FATAL", "ERROR")]
    if entries:
        first = entries[0]
        return FileRefused(f"line {first.line}, column {first.column}", f"not well-formed XML: {first.message}")
    message = _POSITION.sub("", error.msg or "") or "no element found"
    if error.lineno:
        return FileRefused(f"line {error.lineno}, column {(error.offset or 0) + 1}", f"not well-formed XML: {message}")
    return FileRefused("", f"not well-formed XML: {message}")


class SafeXml:
    """An XML stream whose prolog was checked and whose root element is known (`root_tag`,
    as lxml writes it: `{namespace}Name`)."""

    def __init__(self, stream: BinaryIO) -> None:
        head = b""
        while True:
            chunk = stream.read(_CHUNK)
            head += chunk
            if not head:
                raise FileRefused("", "the file is empty")
            verdict = _prolog(head)
            if verdict == _ROOT:
                break
            if not chunk:
                raise FileRefused("", "not an XML file: it ends before its root element")
            if len(head) > _PROLOG_LIMIT:
                raise FileRefused("", f"no root element in the first {_PROLOG_LIMIT} bytes")
        self.root_tag, head = self._root(head, stream)
        self._source = _Replay(head, stream)

    @staticmethod
    def _root(head: bytes, stream: BinaryIO) -> tuple[str, bytes]:
        # A throwaway parse of the opening bytes: libxml2 itself says what the root is,
        # prefix and namespace resolved, before the real parse starts.
        probe = etree.XMLPullParser(events=("start",), **PARSER_OPTIONS)
        fed = head
        try:
            probe.feed(fed)
            while True:
                root = SafeXml._first_start(probe)
                if root is not None:
                    return root, fed
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                if len(fed) > _PROLOG_LIMIT:
                    raise FileRefused("", "not an XML file: its root element does not end")
                fed += chunk
                probe.feed(chunk)
            # The whole file is read: libxml2 holds back its last bytes until told so.
            probe.close()
        except etree.XMLSyntaxError as error:
            root = SafeXml._first_start(probe)
            if root is not None:
                return root, fed  # a file cut short: the real parse says where, after what it could read
            raise refusal(probe.error_log, error) from None
        root = SafeXml._first_start(probe)
        if root is None:
            raise FileRefused("", "not an XML file: it has no root element")
        return root, fed

    @staticmethod
    def _first_start(probe: etree.XMLPullParser) -> str | None:
        for _event, element in probe.read_events():
            if isinstance(element, etree._Element):
                return element.tag
        return None

    def events(
        self, tags: tuple[str, ...], kinds: tuple[str, ...] = ("start", "end")
    ) -> Iterator[tuple[str, etree._Element]]:
        """(kind, element) for the elements named `tags`, in file order."""
        parse = etree.iterparse(self._source, events=kinds, tag=tags, **PARSER_OPTIONS)
        try:
            for event, element in parse:
                if isinstance(element, etree._Element):
                    yield event, element
        except etree.XMLSyntaxError as error:
            raise refusal(parse.error_log, error) from None
