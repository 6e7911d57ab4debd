# Sourced by scripts/postgres.sh and scripts/chromium.sh (which define die): install Debian
# packages for a test component, or stop with one line saying why it cannot be provisioned.

# apt_provision WHAT MISSING PACKAGE...
#   WHAT     the component, as the one-line failure names it
#   MISSING  what is missing, e.g. "/usr/bin/chromium is missing"
apt_provision() {
    local what="$1" missing="$2" log
    shift 2
    [ "$(id -u)" = 0 ] || die "cannot provision $what: $missing and only root can apt-get" \
        "install $* (running as $(id -un))"
    command -v apt-get >/dev/null || die "cannot provision $what: $missing and there is no" \
        "apt-get on this machine"
    echo "$(basename "$0"): installing $*" >&2
    log="$(mktemp)"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; \
        } >"$log" 2>&1; then
        die "cannot provision $what: apt-get failed:" \
            "$(grep -E '^(E|W):' "$log" | tail -n 1 || tail -n 1 "$log")"
    fi
    rm -f "$log"
}
