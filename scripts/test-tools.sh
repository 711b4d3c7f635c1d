#!/usr/bin/env bash
# The programs the test suite runs for real, from Debian packages: a Redis server (shared limits, the result
# cache) and Chromium (the playground's browser tests, driven by Playwright; no browser is downloaded). Installed with apt-get when missing (as root, or through sudo); nothing is installed when all are there.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    apt=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
    apt=(sudo apt-get)
else
    echo "the tests need: ${missing[*]} (Debian packages); install them, e.g. apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "installing what the tests run: ${missing[*]}"
"${apt[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
