#!/usr/bin/env bash
# Lighthouse 12 (mobile settings, headless Debian Chromium) on the client's Today screen.
# Prints the four category scores. Lighthouse 13 needs Node 22, so 12.x is pinned.
# Usage: bench/lighthouse.sh [route]   e.g. /checkin (default: Today). Installs lighthouse into
# bench/node_modules on first run.
set -euo pipefail
route=${1:-/}
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
CHROME=${CHROME_PATH:-/usr/bin/chromium}
LH=bench/node_modules/.bin/lighthouse
[ -x "$LH" ] || npm install --prefix bench --no-save --no-audit --no-fund lighthouse@12 >/dev/null

tmp=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
origin="http://127.0.0.1:$port"
settings=$("$PY" - "$port" "$tmp" <<'PY'
import json
import sys

from wellness.crypto import generate_vapid_private_key, new_data_key

port, tmp = int(sys.argv[1]), sys.argv[2]
print(json.dumps({
    "port": port, "origin": f"http://127.0.0.1:{port}", "var_dir": tmp,
    "database_url": f"sqlite://{tmp}/lighthouse.sqlite3", "secret_key": "lighthouse-secret",
    "data_key": new_data_key(), "vapid_private_key": generate_vapid_private_key(),
    "vapid_contact": "mailto:ops@example.org", "scheduler_enabled": False, "log_level": "WARNING"}))
PY
)
"$PY" -m tests.live "$settings" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 150); do curl -fs "$origin/readyz" >/dev/null && break; sleep 0.2; done

# Sign a client in and hand Lighthouse the session cookie.
cookie=$("$PY" - "$origin" <<'PY'
import sys

import httpx

origin = sys.argv[1]
r = httpx.post(f"{origin}/api/v1/auth/register", headers={"Origin": origin}, json={
    "username": "lighthouse", "password": "correct horse battery staple", "display_name": "Sam"})
r.raise_for_status()
print("; ".join(f"{k}={v}" for k, v in r.cookies.items()))
PY
)

CHROME_PATH="$CHROME" "$LH" "$origin/#$route" --quiet --output=json --output-path="$tmp/report.json" \
  --form-factor=mobile --only-categories=performance,accessibility,best-practices,seo \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
  --extra-headers="{\"Cookie\": \"$cookie\"}" >/dev/null 2>"$tmp/lighthouse.log" || { cat "$tmp/lighthouse.log"; exit 1; }

"$PY" - "$tmp/report.json" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))
print(f"Lighthouse {report['lighthouseVersion']} · {report['finalDisplayedUrl']} · mobile")
for key, cat in report["categories"].items():
    print(f"{cat['title']:>15}: {round(cat['score'] * 100)}")
    for ref in cat["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"{'':>17}- {audit['title']} ({audit['score']})")
PY
