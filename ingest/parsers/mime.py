"""Documents wrapped in a MIME message: a browser's "Webpage, single file" (MHTML, .mht) and
an e-mail (.eml) that carries written answers, saved from a mail client.

Read with the standard library's MIME parser, which undoes each part's quoted-printable or
base64 transfer encoding; the message's headers (From, Subject…) are not part of the
document. The page or text inside is then read as any saved page or text file is.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage

from ingest.parsers.common import decode_bytes

# Both start with a block of headers, so the head of the file tells.
_HEAD = 4096
_HEADER_LINE_RE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MIME_VERSION_RE = re.compile(rb"^MIME-Version:[ \t]*1\.0", re.IGNORECASE | re.MULTILINE)
_FLOWED_SIGNATURE = "-- "

WEB_ARCHIVE = "saved web archive (MHTML)"
E_MAIL = "e-mail message"


@dataclass(frozen=True)
class Unwrapped:
    """What a MIME message holds: its page or text (empty when it has neither)."""

    kind: str  # WEB_ARCHIVE or E_MAIL, for skip reasons
    text: str
    is_html: bool


def unwrap(data: bytes) -> Unwrapped | None:
    """The page or text a MIME message carries, decoded; None when ``data`` is not one.

    An HTML part is preferred to a plain one: an e-mail's plain alternative is usually
    re-wrapped by the mail client, where the HTML keeps the page's lines as they were.
    """
    head = data[:_HEAD]
    if not (_HEADER_LINE_RE.match(head.lstrip()) and _MIME_VERSION_RE.search(head)):
        return None
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(data)
    kind = WEB_ARCHIVE if message.get_content_type() == "multipart/related" else E_MAIL
    for subtype in ("html", "plain"):
        part = _first_part(message, subtype)
        if part is not None:
            text = _decoded(part)
            if subtype == "plain" and part.get_param("format", "").lower() == "flowed":
                text = unflow(text, delete_space=part.get_param("delsp", "").lower() == "yes")
            return Unwrapped(kind, text, is_html=subtype == "html")
    return Unwrapped(kind, "", is_html=False)


def unflow(text: str, *, delete_space: bool = False) -> str:
    """Undo ``format=flowed`` (RFC 3676): a line ending in a space continues on the next.

    Mail clients wrap long plain-text lines this way, which would otherwise split a
    question's or an answer's paragraph into several.
    """
    lines: list[str] = []
    pending = ""
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if line.startswith(" "):
            line = line[1:]  # space-stuffed
        if line.endswith(" ") and line != _FLOWED_SIGNATURE:
            pending += line[:-1] if delete_space else line
        else:
            lines.append(pending + line)
            pending = ""
    if pending:
        lines.append(pending)
    return "\n".join(lines)


def _first_part(message: EmailMessage, subtype: str) -> EmailMessage | None:
    for part in message.walk():
        if part.get_content_maintype() == "text" and part.get_content_subtype() == subtype:
            return part
    return None


def _decoded(part: EmailMessage) -> str:
    # Browsers often declare no charset on an MHTML part (the page's own <meta> says it):
    # then the bytes are decoded as any document's are.
    payload = part.get_payload(decode=True) or b""
    if charset := part.get_content_charset():
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            pass  # a charset Python does not know: guess, as for any document
    return decode_bytes(payload) or ""
