#!/usr/bin/env bash
# Refreshes each app's Danish message catalogue (src/boligsocial/<app>/locale/da/LC_MESSAGES/django.po).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$root"/src/boligsocial/*/locale; do
  app=$(dirname "$dir")
  (cd "$app" && "$root/.venv/bin/boligsocial" makemessages -l da --no-location --no-obsolete >/dev/null)
done
