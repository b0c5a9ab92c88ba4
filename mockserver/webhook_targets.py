"""Where webhook deliveries may go: loopback addresses by default, more with ``--webhook-allow``, never the mock.

Anyone holding a project key (and the fixture keys are public) chooses where the mock POSTs, so without this
the mock could be told to call its own ``/__mock/reset``, a service on the developer's loopback or network, or
a cloud metadata address. Every address a receiver's host resolves to must be allowed, and the delivery then
connects to the address that was checked, so DNS cannot answer differently between the check and the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ALLOW_SYNTAX = "HOST[:PORT], where HOST is a name, *.domain, an IP address or a network such as 10.0.0.0/8"
_NAME = re.compile(r"^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(Exception):
    """A receiver the policy does not allow; the message says why and how to allow it."""


@dataclass(frozen=True)
class AllowEntry:
    """One ``--webhook-allow`` value: a host name (``*.`` for its subdomains) or a network, on one port or all."""

    name: str | None
    network: IPNetwork | None
    port: int | None

    @classmethod
    def parse(cls, text: str) -> AllowEntry:
        """``HOST[:PORT]``; raises ``ValueError`` naming the expected syntax."""
        raw = text.strip().lower()
        host, port = _split_port(raw)
        if not host:
            raise ValueError(f"webhook allow entry {text!r} is not {ALLOW_SYNTAX}")
        try:
            return cls(None, _unmapped(ipaddress.ip_network(host.strip("[]"), strict=False)), port)
        except ValueError:
            pass
        name = host.rstrip(".")
        if not _NAME.match(name):
            raise ValueError(f"webhook allow entry {text!r} is not {ALLOW_SYNTAX}")
        return cls(name, None, port)

    def admits_port(self, port: int) -> bool:
        return self.port is None or self.port == port

    def names(self, host: str) -> bool:
        if self.name is None:
            return False
        if self.name.startswith("*."):
            return host.endswith(self.name[1:])
        return host == self.name

    def covers(self, address: IPAddress) -> bool:
        return self.network is not None and address.version == self.network.version and address in self.network


def _unmapped(network: IPNetwork) -> IPNetwork:
    """``::ffff:10.0.0.0/104`` as the IPv4 network it names (addresses are checked unmapped too)."""
    mapped = getattr(network.network_address, "ipv4_mapped", None)
    if mapped is None or network.prefixlen < 96:
        return network
    return ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}")


def _split_port(raw: str) -> tuple[str, int | None]:
    if raw.startswith("["):
        host, bracket, rest = raw[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isascii() and rest[1:].isdigit())):
            return "", None
        return host, int(rest[1:]) if rest else None
    if raw.count(":") == 1:
        host, _, port = raw.partition(":")
        if not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
            return "", None
        return host, int(port)
    return raw, None


@dataclass(frozen=True)
class Destination:
    """Where one delivery connects: the checked address, with the host and port the URL named."""

    address: str
    host: str
    port: int


def classify(address: IPAddress) -> str | None:
    """``None`` for a public address, else what kind of special-purpose address it is."""
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_unspecified:
        return "unspecified"
    if address.is_multicast:
        return "multicast"
    if address.is_private or not address.is_global:
        return "private"
    return None


def _address(host: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` has, as the system resolver answers (in a thread of the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class TargetPolicy:
    """Decides whether a delivery URL may be called, from the allow entries and the mock's own port.

    ``resolver`` answers a host's addresses (the system's by default; tests give their own DNS).
    """

    def __init__(self, allow: Iterable[str | AllowEntry] = (), own_port: int | None = None,
                 resolver: Resolver = resolve) -> None:
        self.entries = tuple(e if isinstance(e, AllowEntry) else AllowEntry.parse(e) for e in allow)
        self.own_port = own_port or None
        self.resolver = resolver

    def check_registration(self, url: str) -> None:
        """Refuse at once a URL that can only ever reach the mock itself; the rest is judged at delivery."""
        host, port = self._parse(url)
        address = _address(host)
        local = _is_localhost(host) or (address is not None and classify(address) in ("loopback", "unspecified"))
        if local and port == self.own_port:
            raise TargetRefused(f"port {port} of this machine is the mock itself")

    def check(self, url: str) -> tuple[str, int]:
        """What can be told from the URL alone: its ``(host, port)``, or ``TargetRefused``."""
        host, port = self._parse(url)
        if port == self.own_port:
            raise TargetRefused(f"port {port} is the mock's own: a delivery there would call the mock itself")
        address = _address(host)
        if address is not None:
            self._check_address(address, host, port)
        elif not (_is_localhost(host) or self._names(host, port) or any(e.network for e in self.entries)):
            raise TargetRefused(f"{host} is not allowed: the mock delivers to loopback addresses only "
                                f"unless --webhook-allow {host} adds it")
        return host, port

    @staticmethod
    def _parse(url: str) -> tuple[str, int]:
        parts = urlsplit(url)
        try:
            host, port = (parts.hostname or "").rstrip("."), parts.port
        except ValueError:
            raise TargetRefused("the URL's port is not a number from 1 to 65535") from None
        if parts.scheme not in _DEFAULT_PORTS or not host:
            raise TargetRefused("the URL is not http:// or https:// with a host")
        return host, port or _DEFAULT_PORTS[parts.scheme]

    async def destination(self, url: str, timeout: float) -> Destination:
        """Resolve the URL's host and check every address it has; the first one is where to connect.

        ``TargetRefused`` when the policy says no; ``OSError`` when the host does not resolve.
        """
        host, port = self.check(url)
        literal = _address(host)
        if literal is not None:
            return Destination(str(literal), host, port)
        answers = await asyncio.wait_for(self.resolver(host, port), timeout)
        addresses = [address for address in map(_address, dict.fromkeys(answers)) if address is not None]
        if not answers or len(addresses) != len(dict.fromkeys(answers)):
            raise OSError(f"{host} did not resolve to IP addresses")
        for address in addresses:
            self._check_address(address, host, port)
        return Destination(str(addresses[0]), host, port)

    def _check_address(self, address: IPAddress, host: str, port: int) -> None:
        kind = classify(address)
        if kind == "loopback" or any(e.covers(address) and e.admits_port(port) for e in self.entries):
            return
        shown = host if host == str(address) else f"{host} ({address})"
        if kind is not None:
            raise TargetRefused(f"{shown} is a {kind} address: allow it with --webhook-allow {address}")
        if not self._names(host, port):
            raise TargetRefused(f"{shown} is not allowed: the mock delivers to loopback addresses only "
                                f"unless --webhook-allow {host} adds it")

    def _names(self, host: str, port: int) -> bool:
        return any(e.names(host) and e.admits_port(port) for e in self.entries)


def _is_localhost(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")
