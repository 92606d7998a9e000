"""
Who sent a request, and how often they have: the one client address that
every per-client limit keys on (login throttling, /ask/, /support/, the
donation banner's counters), and the one counter those limits share.

The address is the connection's own (REMOTE_ADDR), unless the connection
comes from a proxy listed in TRUSTED_PROXIES. The shipped nginx
configuration overwrites X-Real-IP with the address it saw, so from such a
proxy that header is the client's address. From anyone else a header is
only the client's own word, and is ignored: otherwise a client could name a
fresh address for every request and never reach a limit.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def _parsed(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of TRUSTED_PROXIES (addresses or networks)."""
    ip = _parsed(address)
    if ip is None:
        return False
    for entry in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request) -> str:
    """
    The address of the client that sent `request`: X-Real-IP when the
    connection comes from a trusted proxy and the header holds an address,
    else the connection's own address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if is_trusted_proxy(remote):
        forwarded = _parsed(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded is not None:
            return str(forwarded)
    return remote


def client_key(request, purpose: str) -> str:
    """
    A cache key for this client and `purpose`: a keyed hash of its address,
    so the cache never holds an address.
    """
    digest = hashlib.blake2b(
        client_address(request).encode(),
        key=settings.SECRET_KEY.encode()[:64],
        digest_size=16,
    ).hexdigest()
    return f"clients:{purpose}:{digest}"


def over_limit(key: str, limit: int, window: int) -> bool:
    """
    Count one more use of `key` in the shared cache; True once past `limit`
    within `window` seconds of the first use. While the cache is down
    nothing is counted and nothing is refused.
    """
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:
        # The key expired between the two calls: this is the first use.
        cache.set(key, 1, timeout=window)
        used = 1
    return used > limit


def client_over_limit(request, purpose: str, *, limit: int, window: int) -> bool:
    """Count one use of `purpose` by this request's client; True once over."""
    return over_limit(client_key(request, purpose), limit, window)
