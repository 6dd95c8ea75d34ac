"""Client addresses behind reverse proxies: `TRUSTED_PROXIES`, applied with Werkzeug's ProxyFix.

Without it, `request.remote_addr` is the connection's peer and no header changes it: rate
limits and logs see whoever connected. Behind proxies, set either

- a number N: every request comes through exactly N proxies, each appending to
  `X-Forwarded-For` (and setting `X-Forwarded-Proto` / `-Host`); the client is the N-th
  address from the right;
- their addresses or networks (`10.0.0.5, 10.1.0.0/16`): forwarded headers are read only
  when the peer is one of them, and hop by hop, while the next address to the left is one
  of them too; a client that connects directly cannot claim another address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse(value: str) -> int | list[Network]:
    """0 (none), a count, or networks; ValueError naming what does not parse."""
    text = value.strip()
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    networks = []
    for part in (p.strip() for p in text.split(",")):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"expected a number of proxies or their addresses, got {part!r}"
            ) from None
    return networks


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxies:
    """ProxyFix for the hops that are known proxies, none when the peer is not one."""

    def __init__(self, app: WSGIApplication, networks: list[Network]) -> None:
        self.app = app
        self.networks = networks

    def hops(self, environ: WSGIEnvironment) -> int:
        if not _trusted(environ.get("REMOTE_ADDR", ""), self.networks):
            return 0
        forwarded = [a for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        # The peer is one proxy; each address it was handed counts as a further hop only
        # while that address is a known proxy too. The first other one is the client.
        hops = 1
        while hops < len(forwarded) and _trusted(forwarded[-hops], self.networks):
            hops += 1
        return min(hops, len(forwarded))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        hops = self.hops(environ)
        if not hops:
            return self.app(environ, start_response)
        fixed = ProxyFix(self.app, x_for=hops, x_proto=hops, x_host=hops)
        return fixed(environ, start_response)


def wrap(app: WSGIApplication, setting: str) -> WSGIApplication:
    """`app` behind the proxies `setting` trusts (TRUSTED_PROXIES), or unchanged."""
    trusted = parse(setting)
    if isinstance(trusted, int):
        if not trusted:
            return app
        return ProxyFix(app, x_for=trusted, x_proto=trusted, x_host=trusted)
    return TrustedProxies(app, trusted)
