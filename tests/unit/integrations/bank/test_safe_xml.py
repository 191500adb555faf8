"""Hostile XML: nothing is expanded, fetched or read from disk, and the file is refused
with a message that says why. Each attack is tried against camt053.read (the prolog check
refuses it before libxml2 sees it) and, where it applies, against the parser options alone
(the second layer, were the first to miss)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree

from integrations.bank import camt053
from integrations.bank.safe_xml import PARSER_OPTIONS, SafeXml
from integrations.bank.statement import FileRefused
from tests.unit.integrations.bank.camt_documents import entries, ntry, one, refusal

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
SECRET = "s3cr3t-contents-of-a-local-file"


class Server:
    """An HTTP server on 127.0.0.1 that counts what it is asked for."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                body = f'<!ENTITY leak "{SECRET}">'.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    thread = threading.Thread(target=running.httpd.serve_forever, daemon=True)
    thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def camt_with(doctype: str, text: str) -> bytes:
    """A valid camt.053 but for its DOCTYPE, with `text` (an entity reference) as a remittance."""
    data = one(ntry(details=f"<TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>")).decode()
    head, rest = data.split("\n", 1)
    return f"{head}\n{doctype}\n{rest}".encode()


BILLION_LAUGHS = """<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""

DTD_REFUSED = "the file declares a DTD ('<!DOCTYPE'): DOCTYPEs, entities and external references are refused"


def test_billion_laughs_is_refused_at_once_without_expanding() -> None:
    started = time.perf_counter()

    refused = refusal(camt_with(BILLION_LAUGHS, "&lol9;"))

    assert str(refused) == DTD_REFUSED
    assert time.perf_counter() - started < 1


def test_billion_laughs_is_stopped_by_the_parser_options_either() -> None:
    data = camt_with(BILLION_LAUGHS, "&lol9;")
    started = time.perf_counter()

    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        for _ in etree.iterparse(io.BytesIO(data), **PARSER_OPTIONS):
            pass
    assert time.perf_counter() - started < 1


def test_an_external_entity_to_a_local_file_is_refused_and_never_read(secret_file: Path) -> None:
    doctype = f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'

    refused = refusal(camt_with(doctype, "&xxe;"))

    assert str(refused) == DTD_REFUSED
    assert SECRET not in str(refused) and SECRET not in repr(refused.__dict__)


def test_an_external_entity_to_a_local_file_is_not_read_by_the_parser_options_either(secret_file: Path) -> None:
    doctype = f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
    data = camt_with(doctype, "&xxe;")

    parse = etree.iterparse(io.BytesIO(data), **PARSER_OPTIONS)
    serialized = b"".join(etree.tostring(element) for _, element in parse)

    assert SECRET.encode() not in serialized
    assert parse.root is not None and SECRET.encode() not in etree.tostring(parse.root.getroottree())


def test_an_external_entity_over_http_is_refused_and_never_fetched(server: Server) -> None:
    doctype = f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "{server.url}/entity">]>'

    refused = refusal(camt_with(doctype, "&xxe;"))

    assert str(refused) == DTD_REFUSED
    assert server.requests == []


def test_an_external_dtd_is_refused_and_never_fetched(server: Server) -> None:
    doctype = f'<!DOCTYPE Document SYSTEM "{server.url}/camt.dtd">'

    assert str(refusal(camt_with(doctype, "leak: &leak;"))) == DTD_REFUSED
    assert server.requests == []


def test_the_parser_options_fetch_no_external_dtd_nor_entity(server: Server) -> None:
    for doctype, text in (
        (f'<!DOCTYPE Document SYSTEM "{server.url}/camt.dtd">', "x"),
        (f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "{server.url}/entity">]>', "&xxe;"),
        (f'<!DOCTYPE Document [<!ENTITY % dtd SYSTEM "{server.url}/p.dtd"> %dtd;]>', "x"),
    ):
        data = camt_with(doctype, text)
        try:
            for _ in etree.iterparse(io.BytesIO(data), **PARSER_OPTIONS):
                pass
        except etree.XMLSyntaxError:
            pass  # an undefined entity: refused, which is just as good
    assert server.requests == []


def test_parameter_entities_are_refused_and_read_nothing(secret_file: Path, server: Server) -> None:
    doctype = (
        f'<!DOCTYPE Document [<!ENTITY % file SYSTEM "file://{secret_file}">'
        f'<!ENTITY % dtd SYSTEM "{server.url}/evil.dtd"> %dtd; %file;]>'
    )

    refused = refusal(camt_with(doctype, "&leak;"))

    assert str(refused) == DTD_REFUSED
    assert SECRET not in str(refused)
    assert server.requests == []


@pytest.mark.parametrize(
    "prolog",
    [
        '<?xml version="1.0"?>\n<!-- a comment first -->\n<?pi before?>\n<!DOCTYPE Document>',
        "<!doctype Document>",
        "<!ENTITY x 'y'>",
        "   \n\t<!DOCTYPE Document>",
    ],
)
def test_any_declaration_in_the_prolog_is_refused(prolog: str) -> None:
    data = prolog.encode() + one(ntry()).split(b"\n", 1)[1]

    assert "declares a DTD" in str(refusal(data))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_doctype_in_utf16_is_refused_too(codec: str) -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Document [<!ENTITY x "y">]>' + f'<Document xmlns="{NS}"/>'

    assert "declares a DTD" in str(refusal(data.encode(codec)))


def test_a_camt_file_in_utf16_is_read_like_its_utf8_twin() -> None:
    data = one(ntry("4.20")).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")

    assert [entry.amount for entry in entries(data)] == [Decimal("4.20")]


@pytest.mark.parametrize("encoding", ["UTF-7", "IBM037", "UTF-32", "SHIFT_JIS"])
def test_an_encoding_whose_bytes_could_hide_markup_is_refused(encoding: str) -> None:
    data = one(ntry()).replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())

    assert str(refusal(data)) == (f"line 1: the XML declaration names an encoding that is not accepted: {encoding!r}")


def test_utf32_is_refused() -> None:
    assert str(refusal(f'<Document xmlns="{NS}"/>'.encode("utf-32"))) == "UTF-32 files are not accepted"


@pytest.mark.parametrize(
    ("encoding", "codec", "text"),
    [
        ("ISO-8859-1", "latin-1", "Café"),
        ("windows-1252", "cp1252", "Café €5"),
        ("us-ascii", "ascii", "Cafe"),
        ("utf8", "utf-8", "Café"),
    ],
)
def test_ascii_compatible_encodings_are_read(encoding: str, codec: str, text: str) -> None:
    data = one(ntry(details=f"<TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>")).decode()
    data = data.replace('encoding="UTF-8"', f'encoding="{encoding}"')

    (entry,) = entries(data.encode(codec))

    assert entry.remittance == text


def test_an_entity_reference_without_a_dtd_is_refused_with_its_line() -> None:
    data = one(ntry(details="<TxDtls><RmtInf><Ustrd>&xxe;</Ustrd></RmtInf></TxDtls>"))

    refused = str(refusal(data))

    line = data.decode().split("&xxe;")[0].count("\n") + 1
    assert refused.startswith(f"line {line}, column ")
    assert refused.endswith("not well-formed XML: Entity 'xxe' not defined")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "the file is empty"),
        (b"   \n  ", "not an XML file: it ends before its root element"),
        (b"hello, world", "not an XML file: it starts with b'hello, world'"),
        (b"%PDF-1.4\n%\xe2\xe3", "not an XML file: it starts with b'%PDF-1.4"),
        (b'{"Document": {}}', "not an XML file"),
        (b"\x00\x01\x02\x03", "not an XML file"),
        (b"<?xml version='1.0'?>", "not an XML file: it ends before its root element"),
        (b"<?xml version='1.0'?><!-- never closed", "not an XML file: it ends before its root element"),
        (b"<1Document/>", "not an XML file"),
    ],
)
def test_what_is_not_xml_is_refused_saying_so(data: bytes, why: str) -> None:
    assert str(refusal(data)).startswith(why)


def test_truncated_xml_is_refused_with_its_line_after_the_pieces_before_the_cut() -> None:
    data = one(ntry("1.00"), ntry("2.00"), ntry("3.00"))
    cut = data[: data.index(b'Ccy="EUR">3.00')]
    read: list[object] = []

    with pytest.raises(FileRefused) as refused:
        for piece in camt053.read(io.BytesIO(cut)):
            read.append(piece)

    lines = cut.count(b"\n") + 1
    assert str(refused.value).startswith(f"line {lines}, column ")
    assert "not well-formed XML: " in str(refused.value)
    assert len(read) == 3  # the head and the two entries wholly in the file


def test_xml_cut_inside_its_root_start_tag_is_refused() -> None:
    assert str(refusal(b'<?xml version="1.0"?>\n<Document xmlns="urn:')).startswith("line 2, column ")


def test_a_text_longer_than_libxml2s_limit_is_refused_not_held() -> None:
    huge = "x" * 10_000_001
    data = one(ntry(details=f"<TxDtls><RmtInf><Ustrd>{huge}</Ustrd></RmtInf></TxDtls>"))

    assert "not well-formed XML" in str(refusal(data))


def test_nesting_deeper_than_libxml2s_limit_is_refused() -> None:
    deep = "<Prtry>" * 5000 + "</Prtry>" * 5000
    data = one(ntry(details=f"<TxDtls>{deep}</TxDtls>"))

    assert "not well-formed XML" in str(refusal(data))


def test_the_root_is_known_before_the_rest_of_the_file_is_read() -> None:
    head = one(ntry()).split(b"<BkToCstmrStmt>")[0]
    rest = io.BytesIO(head + b"<BkToCstmrStmt>" + b"<x>" * 10)

    assert SafeXml(rest).root_tag == f"{{{NS}}}Document"
