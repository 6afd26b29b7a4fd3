#!/usr/bin/env bash
# Builds the Debian package: a release build with the Swift runtime linked in (the package must
# not need /opt/swift), the systemd unit, the maintainer scripts and the docs. Depends is read off
# the binary: every shared library it loads, mapped to the installed package that ships it.
#
#   Scripts/build-deb.sh            writes .build/deb/rampart_<version>_<arch>.deb
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

scratch=.build/package
version=$(sed -n 's/.*public static let version = "\(.*\)"/\1/p' Sources/RampartServer/RampartServer.swift)
arch=$(dpkg --print-architecture)
[[ -n "$version" ]] || { echo "build-deb: no version in Sources/RampartServer/RampartServer.swift" >&2; exit 1; }

swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product rampart
binary="$scratch/release/rampart"

root=.build/deb/root
rm -rf "$root" && mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/rampart" "$root/lib/systemd/system" "$root/usr/share/doc/rampart"
# The binary finds its resource bundles (the web UI's files) next to itself: both go to
# /usr/lib/rampart, and /usr/bin/rampart is a link to it.
install -m 0755 "$binary" "$root/usr/lib/rampart/rampart"
strip --strip-unneeded "$root/usr/lib/rampart/rampart"
for bundle in "$scratch"/release/*.resources; do
    cp -R "$bundle" "$root/usr/lib/rampart/"
done
chmod -R u=rwX,go=rX "$root/usr/lib/rampart"
ln -s ../lib/rampart/rampart "$root/usr/bin/rampart"
install -m 0644 packaging/rampart.service "$root/lib/systemd/system/rampart.service"
install -m 0644 README.md docs/conformance.md docs/operations.md docs/grafana-dashboard.json "$root/usr/share/doc/rampart/"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"

# Depends: the packages that ship the libraries the binary loads (the C library and loader are
# Essential: libc6 covers them).
depends=()
while read -r library; do
    owner=$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [[ -z "$owner" ]] && owner=$(dpkg -S "$library" 2>/dev/null | head -1 | cut -d: -f1) || true
    if [[ -z "$owner" ]]; then echo "build-deb: no package ships $library" >&2; exit 1; fi
    [[ " ${depends[*]-} " == *" $owner "* ]] || depends+=("$owner")
done < <(ldd "$root/usr/lib/rampart/rampart" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
if ldd "$root/usr/lib/rampart/rampart" | grep -q /opt/swift; then
    echo "build-deb: the binary still loads the Swift runtime from /opt/swift" >&2; exit 1
fi

size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: rampart
Version: $version
Architecture: $arch
Maintainer: Rampart developers <rampart@localhost>
Installed-Size: $size
Depends: adduser, $(IFS=,; echo "${depends[*]}" | sed 's/,/, /g')
Section: science
Priority: optional
Homepage: https://localhost/rampart
Description: medical image archive (PACS), secure by default
 Rampart stores DICOM objects from modalities and other archives, answers
 DIMSE and DICOMweb queries and retrievals, and serves a web viewer. Every
 access is authenticated, authorized by a policy down to the data element,
 and audited. The package runs it as a hardened systemd service on the data
 folder /var/lib/rampart, listening on loopback until configured otherwise.
CONTROL

out=".build/deb/rampart_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
