#!/usr/bin/env bash
# Installs what building and testing Rampart needs, and nothing when it is all there
# (then it prints nothing). Safe to run any number of times; `make run` and `make test` do.
#
#   Debian packages  dcmtk (dcmdump, storescu and its data dictionary), libsqlite3-dev (the
#                    archive index, through GRDB), zlib1g-dev and
#                    pkg-config (the Deflate transfer syntax, PNG), libturbojpeg0-dev
#                    (rendered images as JPEG), libcharls-dev (JPEG-LS), libopenjp2-7-dev
#                    (JPEG 2000 decoding), python3 with venv and pip,
#                    time (/usr/bin/time measures peak memory in the large-file tests),
#                    openssl (the network tests make their TLS certificates with it),
#                    rsyslog and rsyslog-gnutls (the audit export test's collector: the test
#                    runs its own rsyslogd; Debian's rsyslog service is kept from starting),
#                    postgresql and postgresql-contrib (15; the PostgreSQL index tests run a
#                    private cluster, Scripts/test-postgres.sh; the service is not started);
#                    for the tests only, chromium and chromium-driver (the web UI's browser tests),
#                    orthanc and orthanc-dicomweb (the scanner's target; the service is not started)
#   Swift            6.x at /opt/swift or on PATH: checked, never installed here
#   .venv/           Python packages of the interop tests (Tests/interop/requirements.txt),
#                    re-installed only when that file changes
#
# Usage: Scripts/install-deps.sh [--no-venv]
set -euo pipefail

cd "$(dirname "$0")/.."

want_venv=1
for argument in "$@"; do
    case "$argument" in
        --no-venv) want_venv=0 ;;
        *) echo "usage: $0 [--no-venv]" >&2; exit 2 ;;
    esac
done

say() { echo "install-deps: $*"; }
die() { echo "install-deps: error: $*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------------------
# Installs the Debian packages given that are not installed yet; silent when none is missing.
install_missing() {
    local missing=() package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$package")
        fi
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        die "missing Debian packages (${missing[*]}) and not root: run as root, or apt-get install ${missing[*]}"
    fi
    say "installing ${missing[*]}"
    local log
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    if ! { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        die "apt-get could not install ${missing[*]}"
    fi
    rm -f "$log"
}

# wrk drives the HTTP load of Benchmarks/load.py (`make load`).
install_missing dcmtk zlib1g-dev libturbojpeg0-dev libcharls-dev libopenjp2-7-dev libsqlite3-dev pkg-config python3 python3-venv python3-pip time openssl wrk
# The web UI's browser tests drive Debian's chromium through chromium-driver (tests only).
if ((want_venv)); then
    install_missing chromium chromium-driver
fi

# The audit export test starts rsyslogd itself, the index tests PostgreSQL, and the scanner test Orthanc (with its DICOMweb
# plugin), on loopback; installing the packages must not leave their system services running.
# Debian starts services through invoke-rc.d, which asks /usr/sbin/policy-rc.d first: where
# there is none, one that refuses (101) is in place for the install only. Where there is one (a container's), it decides.
syslog_missing=()
# PostgreSQL 15 (with contrib's pg_trgm) backs the index tests: Scripts/test-postgres.sh runs a
# private cluster, so Debian's own service stays stopped.
service_packages=(rsyslog rsyslog-gnutls postgresql postgresql-contrib)
if ((want_venv)); then
    service_packages+=(orthanc orthanc-dicomweb)
fi
for package in "${service_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
        syslog_missing+=("$package")
    fi
done
if ((${#syslog_missing[@]})); then
    [[ $(id -u) -eq 0 ]] || command -v sudo >/dev/null \
        || die "missing Debian packages (${syslog_missing[*]}) and not root: run as root, or apt-get install ${syslog_missing[*]}"
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    say "installing ${syslog_missing[*]} (the service is not started)"
    policy=/usr/sbin/policy-rc.d
    placed=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\n# Placed by Rampart install-deps.sh while installing services; removed after.\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        placed=1
    fi
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    status=0
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${syslog_missing[@]}" >"$log" 2>&1 \
        || { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${syslog_missing[@]}"; } >>"$log" 2>&1 \
        || status=$?
    ((placed)) && "${sudo[@]}" rm -f "$policy"
    if ((status)); then
        tail -n 30 "$log" >&2
        rm -f "$log"
        die "apt-get could not install ${syslog_missing[*]}"
    fi
    rm -f "$log"
fi
for tool in /usr/bin/dcmdump /usr/bin/storescu /usr/bin/time /usr/sbin/rsyslogd /usr/lib/postgresql/15/bin/initdb; do
    [[ -x $tool ]] || die "$tool is missing although its package is installed"
done
ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 || die "rsyslog's TLS driver (lmnsd_gtls.so, package rsyslog-gnutls) is missing"
ls /usr/share/libdcmtk*/dicom.dic >/dev/null 2>&1 || die "DCMTK's data dictionary (/usr/share/libdcmtk*/dicom.dic) is missing"

# --- Swift --------------------------------------------------------------------------------
if ! command -v swift >/dev/null; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    else
        die "no Swift toolchain: expected /opt/swift/usr/bin/swift or swift on PATH (Swift 6.x from swift.org)"
    fi
fi
swift_version=$(swift --version 2>&1 | grep -o 'Swift version [0-9][0-9.]*' | head -n 1 || true)
[[ -n $swift_version ]] || die "'swift --version' failed (are the toolchain's system libraries installed?): $(swift --version 2>&1 | head -n 3)"
[[ ${swift_version#Swift version } == 6.* ]] || die "Rampart needs Swift 6.x, found $swift_version"

# --- Python packages of the interop tests ---------------------------------------------------
((want_venv)) || exit 0
requirements=Tests/interop/requirements.txt
venv=.venv
stamp=$venv/.requirements.sha256
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import sys' 2>/dev/null \
    && [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
    exit 0
fi
if ! [[ -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    say "creating $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
fi
say "installing $requirements into $venv"
log=$(mktemp)
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    die "pip could not install $requirements"
fi
rm -f "$log"
echo "$wanted" >"$stamp"
