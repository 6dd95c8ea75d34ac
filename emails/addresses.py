"""Mailboxes for headers, built only through the standard library's header registry.

A display name comes from people (a candidate's or a company's name): it loses control,
format (bidi overrides, zero-width) and separator characters, angle brackets and quotes,
and any @-address other than the mailbox's own, so "support@bank.fr" <evil@x.example>
cannot pose as the bank; `email.headerregistry.Address` then quotes or encodes it as
RFC 5322 / 2047 require. Domains are IDNA-encoded (A-labels: société.example →
xn--socit-esab.example), so headers and SMTP envelopes stay ASCII; only a non-ASCII local
part needs SMTPUTF8 (`needs_smtputf8`).
"""

from __future__ import annotations

import re
import unicodedata
from email.errors import HeaderParseError, NonASCIILocalPartDefect
from email.headerregistry import Address, HeaderRegistry

import idna

MAX_NAME = 78
# After NFKC, which folds look-alikes such as the fullwidth ＠ into @.
_ADDRESS_LIKE = re.compile(r"\S*@\S*")
_POSING = str.maketrans({c: " " for c in '<>"\\'})
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_registry = HeaderRegistry()


class AddressError(ValueError):
    """Not one usable email address."""


def ascii_domain(domain: str) -> str:
    """The domain as A-labels (IDNA 2008, UTS 46 mapping); AddressError when invalid."""
    try:
        return idna.encode(domain.strip().rstrip("."), uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as err:
        raise AddressError(f"{domain!r} is not a valid domain: {err}") from None


def addr_spec(address: str) -> str:
    """`local@domain` with the domain IDNA-encoded; AddressError unless exactly one address."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or "@" in local:
        raise AddressError(f"{address!r} is not an email address")
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES or c.isspace() for c in local):
        raise AddressError(f"{address!r} holds a space or an invisible character")
    return f"{local}@{ascii_domain(domain)}"


def display_name(name: str, address: str) -> str:
    """`name` made safe to show next to `address` (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(" " if unicodedata.category(c) in _REFUSED_CATEGORIES else c for c in text)
    own = address.strip().lower()
    text = _ADDRESS_LIKE.sub(lambda m: m.group(0) if m.group(0).lower() == own else " ", text)
    text = " ".join(text.translate(_POSING).split())
    return text[:MAX_NAME].strip()


def mailbox(name: str, address: str) -> Address:
    """One header mailbox: a cleaned display name and an IDNA-encoded address."""
    spec = addr_spec(address)
    local, _, domain = spec.rpartition("@")
    # By parts: Address(addr_spec=…) refuses a non-ASCII local part, which SMTPUTF8 allows.
    return Address(display_name=display_name(name, spec), username=local, domain=domain)


def quoted(box: Address) -> str:
    """Header text with the display name always quoted: `"Name" <a@b>`. The name holds no
    quote or backslash (`display_name` removed them); the registry parses this text again
    and encodes a non-ASCII name (RFC 2047) when it writes the header."""
    return f'"{box.display_name}" <{box.addr_spec}>' if box.display_name else box.addr_spec


def format_mailbox(name: str, address: str) -> str:
    """`mailbox` as header text, its display name quoted."""
    return quoted(mailbox(name, address))


def parse_mailbox(value: str) -> Address:
    """Exactly one mailbox from header text, re-cleaned; AddressError otherwise."""
    if any(ch in value for ch in "\r\n\x00"):
        raise AddressError("line breaks are not allowed in an address")
    try:
        header = _registry("To", value)
        addresses = header.addresses
    except (HeaderParseError, ValueError, IndexError, TypeError) as err:
        raise AddressError(f"{value!r} is not an email address: {err}") from None
    if len(addresses) != 1 or len(header.groups) != 1 or header.groups[0].display_name:
        raise AddressError(f"{value!r} must hold exactly one address")
    # Trailing text, a second @, an unclosed bracket … (a non-ASCII local part is fine:
    # `needs_smtputf8` tells the provider).
    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]
    if defects:
        raise AddressError(f"{value!r} is not one well-formed address: {defects[0]}")
    (parsed,) = addresses
    if not parsed.username or not parsed.domain:
        raise AddressError(f"{value!r} is not an email address")
    return mailbox(parsed.display_name, parsed.addr_spec)


def needs_smtputf8(address: Address) -> bool:
    """A non-ASCII local part: only an SMTPUTF8 server can take it (the domain never needs
    it, being IDNA-encoded)."""
    return not address.username.isascii()
