#!/usr/bin/env bash
# Debian's chromium for the web page tests (tests/integration/test_web_page.py drives it with
# Playwright; no browser is downloaded from a hub).
#
#   scripts/chromium.sh install   apt-get install chromium when /usr/bin/chromium is missing
#                                 (root only), then prove it renders a page headless. Exit 1
#                                 with one line saying why when either fails.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

die() { echo "chromium.sh: $*" >&2; exit 1; }
# shellcheck source=scripts/apt-provision.sh
. "$(dirname "$0")/apt-provision.sh"

cmd_install() {
    if ! [ -x "$CHROMIUM" ]; then
        apt_provision "chromium for the web page tests" "$CHROMIUM is missing" \
            chromium fonts-dejavu-core
        [ -x "$CHROMIUM" ] || die "apt installed no $CHROMIUM"
    fi
    prove_chromium
}

prove_chromium() {
    # Render a page headless, with the flags that keep it off the (closed) network.
    local profile dom version
    profile="$(mktemp -d)"
    dom="$(timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --dump-dom 'data:text/html,<p id="x">molgen</p>' \
        2>"$profile.err")" || true
    if [[ "$dom" != *'<p id="x">molgen</p>'* ]]; then
        local why
        why="$(grep -v '^\s*$' "$profile.err" | tail -n 1)"
        rm -rf "$profile" "$profile.err"
        die "$CHROMIUM does not render a page headless: ${why:-no output}"
    fi
    rm -rf "$profile" "$profile.err"
    version="$("$CHROMIUM" --version 2>/dev/null || echo "chromium")"
    echo "chromium.sh: $version renders pages headless" >&2
}

case "${1:-}" in
    install) cmd_install ;;
    *) die "usage: chromium.sh install" ;;
esac
