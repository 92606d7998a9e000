#!/usr/bin/env bash
# Lighthouse (mobile preset, performance only) on a fact check served the
# production way: debug off, hashed and compressed static files, gunicorn
# with deploy/gunicorn.conf.py, on 127.0.0.1. Not run by CI; a measurement.
#
#   bench/lighthouse.sh                 # demo content, an SQLite file in a temp folder
#   LIGHTHOUSE_DIR=/tmp/lh bench/lighthouse.sh
#
# Needs Node (npx) and Chromium at /usr/bin/chromium. Lighthouse is installed
# from the npm registry into $LIGHTHOUSE_DIR (outside the repository) on the
# first run. Prints the performance score and the metrics, and writes the
# full JSON report to $WORK/lighthouse.json.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
LIGHTHOUSE_DIR=${LIGHTHOUSE_DIR:-/tmp/factually-lighthouse}
WORK=$(mktemp -d /tmp/factually-lighthouse-run-XXXXXX)
PORT=${PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

if [ ! -x "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" ]; then
    mkdir -p "$LIGHTHOUSE_DIR"
    (cd "$LIGHTHOUSE_DIR" && npm install lighthouse --no-audit --no-fund --loglevel=error)
fi

export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_LOG_LEVEL=WARNING
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-lighthouse-$(head -c 24 /dev/urandom | base64)}
export ALLOWED_HOSTS=127.0.0.1 STRIPE_WEBHOOK_SECRET=whsec_lighthouse
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/db.sqlite3}
export DJANGO_STATIC_ROOT="$WORK/static" ACCESS_LOG="" LOG_LEVEL=warning

cd "$ROOT"
"$PY" manage.py migrate --noinput -v 0
DJANGO_DEBUG=1 "$PY" manage.py load_demo > /dev/null
"$PY" manage.py collectstatic --noinput -v 0
URL=${URL:-http://127.0.0.1:$PORT$("$PY" manage.py shell --no-imports -c '
from articles.models import Publication
print("PATH", Publication.objects.live().order_by("-published_at").first().get_absolute_url())
' 2>/dev/null | sed -n "s/^PATH //p")}

.venv/bin/gunicorn factually.wsgi --config deploy/gunicorn.conf.py \
    --bind "127.0.0.1:$PORT" --workers 2 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK/static"' EXIT
for _ in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.2
done
curl -fsS -o /dev/null "$URL"  # Warm the page cache, as a visited page is.

CHROME_PATH=/usr/bin/chromium "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" "$URL" \
    --only-categories=performance --output=json --output-path="$WORK/lighthouse.json" \
    --quiet --chrome-flags="--headless=new --no-sandbox --disable-gpu \
--disable-background-networking --disable-component-update --disable-sync --no-first-run"

"$PY" - "$WORK/lighthouse.json" <<'EOF'
import json
import sys

report = json.load(open(sys.argv[1]))
audits = report["audits"]
print(f"{report['finalDisplayedUrl']}")
print(f"performance: {report['categories']['performance']['score'] * 100:.0f}")
for name in (
    "first-contentful-paint",
    "largest-contentful-paint",
    "speed-index",
    "total-blocking-time",
    "cumulative-layout-shift",
):
    print(f"  {audits[name]['title']}: {audits[name]['displayValue']}")
for name in ("render-blocking-resources", "render-blocking-insight"):
    items = audits.get(name, {}).get("details", {}).get("items", [])
    for item in items:
        print(f"  render-blocking: {item.get('url')}")
print(f"report: {sys.argv[1]}")
EOF
