"""Which IP addresses the crawler may connect to.

A disclosure page can link anywhere, and DNS can answer anything: a public-looking name may
resolve to 127.0.0.1, 10.x or the cloud metadata address. The crawler therefore checks the
*resolved* address of every connection (redirect hops included) before opening it, and refuses
anything that is not a global unicast address — unless the site's own configured hosts are
themselves such addresses (loopback test sites, an intranet deployment), in which case exactly
those addresses are allowed and no others.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The address is private, loopback, link-local, reserved or otherwise not ours to reach."""


def parse_ip(value: str) -> IPAddress | None:
    """An IP literal (brackets and IPv6 zone ids tolerated), or None for a host name."""
    text = value.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def unmapped(address: IPAddress) -> IPAddress:
    """``::ffff:10.0.0.1`` is 10.0.0.1 on the wire: judge the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        # NAT64 well-known prefix 64:ff9b::/96 embeds an IPv4 address the same way.
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def why_not_public(address: IPAddress) -> str | None:
    """None for a global unicast address; otherwise the reason it is refused."""
    address = unmapped(address)
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    for reason, hit in checks:
        if hit:
            return reason
    return None


def is_public(address: IPAddress | str) -> bool:
    parsed = parse_ip(address) if isinstance(address, str) else address
    return parsed is not None and why_not_public(parsed) is None


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses, plus exactly the non-public addresses the site's own hosts have."""

    allowed_non_public: frozenset[IPAddress] = frozenset()

    def check(self, address: IPAddress | str) -> IPAddress:
        """Return the address if a connection to it is allowed, else raise :class:`AddressRefused`."""
        parsed = parse_ip(address) if isinstance(address, str) else address
        if parsed is None:
            raise AddressRefused(f"not an IP address: {address!r}")
        reason = why_not_public(parsed)
        if reason is None:
            return parsed
        if parsed in self.allowed_non_public or unmapped(parsed) in self.allowed_non_public:
            return parsed
        raise AddressRefused(f"{parsed} is {reason}: refused (not one of the site's own addresses)")

    @classmethod
    def for_hosts(cls, hosts: Iterable[str], resolver: Resolver | None = None) -> AddressPolicy:
        """Allow the non-public addresses the configured hosts themselves are or resolve to."""
        resolver = resolver or Resolver()
        allowed: set[IPAddress] = set()
        for host in hosts:
            literal = parse_ip(host)
            candidates = [literal] if literal is not None else resolver.resolve_all(host)
            for address in candidates:
                if why_not_public(address) is not None:
                    allowed.add(unmapped(address))
                    allowed.add(address)
        return cls(frozenset(allowed))


class Resolver:
    """Name resolution through the system resolver (one seam, so tests can substitute it)."""

    def resolve_all(self, host: str, port: int = 80) -> list[IPAddress]:
        literal = parse_ip(host)
        if literal is not None:
            return [literal]
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        out: list[IPAddress] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            address = parse_ip(str(sockaddr[0]))
            if address is not None and address not in out:
                out.append(address)
        return out


def resolve_checked(
    host: str, port: int, policy: AddressPolicy, resolver: Resolver | None = None
) -> IPAddress:
    """Resolve ``host`` and return the first allowed address to pin the connection to.

    Every resolved address must pass: a name that answers with one public and one private
    address is refused outright rather than gambled on.
    """
    resolver = resolver or Resolver()
    addresses = resolver.resolve_all(host, port)
    if not addresses:
        raise AddressRefused(f"{host}: name does not resolve")
    for address in addresses:
        policy.check(address)
    # Prefer IPv4 for loopback test sites bound to 127.0.0.1 only.
    addresses.sort(key=lambda a: a.version)
    return addresses[0]
