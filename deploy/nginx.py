"""
Render deploy/nginx.conf for a set of app servers.

    python deploy/nginx.py --listen 80 --upstream 127.0.0.1:8001 \\
        --upstream 127.0.0.1:8002 --static-root staticfiles \\
        --prefix /var/lib/factually-nginx > nginx.conf
    nginx -p /var/lib/factually-nginx -c "$PWD/nginx.conf" -g 'daemon off;'

Brotli is used when Debian's modules are installed (apt-get install
libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static); otherwise
nginx compresses with gzip only. The prefix folder holds the pid file, the
logs, the proxy cache and nginx's temporary files; it is created if needed.
"""

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
MODULES = Path("/usr/lib/nginx/modules")
BROTLI_FILTER = MODULES / "ngx_http_brotli_filter_module.so"
BROTLI_STATIC = MODULES / "ngx_http_brotli_static_module.so"
COMPRESSED_TYPES = (
    "text/plain text/css text/xml application/json application/javascript "
    "application/xml application/atom+xml application/rss+xml image/svg+xml"
)


def brotli_available():
    return BROTLI_FILTER.exists() and BROTLI_STATIC.exists()


def render(
    *,
    listen,
    upstreams,
    static_root,
    prefix,
    access_log=True,
    brotli=None,
    user=None,
):
    """The configuration text, with every placeholder filled in."""
    prefix = Path(prefix).resolve()
    for folder in ("temp", "cache"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    if brotli is None:
        brotli = brotli_available()
    values = {
        "LOAD_MODULES": (
            f"load_module {BROTLI_FILTER};\nload_module {BROTLI_STATIC};"
            if brotli
            else "# Brotli modules not installed: gzip only."
        ),
        "BROTLI": (
            "    brotli on;\n    brotli_comp_level 5;\n    brotli_min_length 256;\n"
            f"    brotli_types {COMPRESSED_TYPES};\n"
            if brotli
            else ""
        ),
        "BROTLI_STATIC": "            brotli_static on;" if brotli else "",
        "UPSTREAMS": "\n".join(
            f"        server {upstream} max_fails=1 fail_timeout=5s;"
            for upstream in upstreams
        ),
        # Started as root, nginx runs its workers as this user.
        "USER": f"user {user};" if user else "",
        "LISTEN": str(listen),
        "STATIC_ROOT": str(Path(static_root).resolve()),
        "PREFIX": str(prefix),
        "ACCESS_LOG": f"{prefix}/access.log" if access_log else "off",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise ValueError("A placeholder in deploy/nginx.conf was left unfilled.")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--listen", default="8080", help="port, or address:port")
    parser.add_argument(
        "--upstream",
        action="append",
        required=True,
        help="an app server's address:port (repeat for each)",
    )
    parser.add_argument("--static-root", required=True, help="collectstatic's folder")
    parser.add_argument("--prefix", required=True, help="pid, logs, cache, temp")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--user", help="the workers' user, when started as root")
    args = parser.parse_args()
    sys.stdout.write(
        render(
            listen=args.listen,
            upstreams=args.upstream,
            static_root=args.static_root,
            prefix=args.prefix,
            access_log=not args.no_access_log,
            user=args.user,
        )
    )


if __name__ == "__main__":
    main()
