"""
Fetching a page on an editor's behalf, made safe for a server to do: real
HTTP, http(s) only, one overall deadline, a size cap, a few redirects, and
never to a private, loopback or otherwise internal address. The host is
resolved once per request, every address it resolves to is checked, and
the connection goes to the checked address, so that DNS cannot answer
differently between the check and the connection; each redirect is checked
the same way. `SOURCE_FETCH_ALLOW_LOOPBACK` lets tests fetch from 127.0.0.1
only. `sources.metadata` reads a source's details from what this fetches.
"""

import http.client
import io
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 5  # Seconds for the whole fetch, redirects included.
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 4
USER_AGENT = "FactuallySourceFetcher/1.0 (+https://factually.example/)"


class FetchError(Exception):
    """Why a page could not be fetched, in words an editor can act on."""


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    body: bytes


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if getattr(settings, "SOURCE_FETCH_ALLOW_LOOPBACK", False) and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> str:
    """The address to connect to, refusing a host with any internal address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(
            _("The address %(host)s was not found.") % {"host": host}
        ) from error
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_allowed(address) for address in addresses):
        raise FetchError(
            _(
                "%(host)s is a private or local address; only public sites can be fetched."
            )
            % {"host": host}
        )
    return addresses[0]


class _Deadline:
    """One moment by which the whole fetch must be over."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; raises TimeoutError once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("The fetch's deadline passed.")
        return left


class _DeadlineSocket:
    """
    A socket whose every send and receive may take only the time left
    before the deadline. A socket timeout alone bounds each read, not their
    sum: a site sending a byte a second never trips it, through its headers
    as well as its body.
    """

    def __init__(self, sock, deadline: _Deadline):
        self._sock = sock
        self._deadline = deadline
        # As socket.socket does: http.client closes the connection while
        # the response is still being read through the file it made.
        self._files = 0
        self._closed = False

    def recv_into(self, buffer, nbytes=0):
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer, nbytes)

    def sendall(self, data):
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.sendall(data)

    def makefile(self, mode="rb", buffering=None, **_kwargs):
        # What http.client reads the response through: every read ends up
        # in recv_into() above.
        self._files += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))

    def _decref_socketios(self):
        # Called by the file from makefile() when it is closed.
        self._files = max(self._files - 1, 0)
        if self._closed and not self._files:
            self._sock.close()

    def close(self):
        self._closed = True
        if not self._files:
            self._sock.close()

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, not to whatever DNS says now."""

    def __init__(self, host, address, *, deadline, **kwargs):
        super().__init__(host, **kwargs)
        self.address = address
        self.deadline = deadline

    def connect(self):
        sock = socket.create_connection(
            (self.address, self.port), self.deadline.remaining()
        )
        self.sock = _DeadlineSocket(sock, self.deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, address, *, deadline, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address
        self.deadline = deadline

    def connect(self):
        sock = socket.create_connection(
            (self.address, self.port), self.deadline.remaining()
        )
        # Certificates are checked against the host name, as usual; the
        # handshake too must end before the deadline.
        sock.settimeout(self.deadline.remaining())
        sock = self._context.wrap_socket(sock, server_hostname=self.host)
        self.sock = _DeadlineSocket(sock, self.deadline)


def fetch(url: str, *, accept: str = "text/html,application/xhtml+xml") -> Response:
    """
    GET a public http(s) address, following a few redirects, within limits:
    all of it, redirects included, within TIMEOUT seconds.
    """
    deadline = _Deadline(TIMEOUT)
    for _redirect in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(_("Only http:// and https:// addresses can be fetched."))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve(parts.hostname, port)
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(
            parts.hostname, address, port=port, deadline=deadline
        )
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            deadline.remaining()
            connection.request(
                "GET", path, headers={"User-Agent": USER_AGENT, "Accept": accept}
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("The site redirected nowhere."))
                url = urljoin(url, location)
                continue
            body = b""
            while len(body) <= MAX_BYTES:
                deadline.remaining()
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                body += chunk
            if len(body) > MAX_BYTES:
                raise FetchError(_("The page is too large to read (over 2 MB)."))
            return Response(
                url=url,
                status=response.status,
                content_type=response.getheader("Content-Type", ""),
                body=body,
            )
        except TimeoutError as error:
            raise FetchError(_("The site took too long to answer.")) from error
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(
                _("The site could not be reached (%(reason)s).") % {"reason": error}
            ) from error
        finally:
            connection.close()
    raise FetchError(_("The site redirected too many times."))
