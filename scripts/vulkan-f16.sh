#!/usr/bin/env bash
# A CPU Vulkan driver with `shader-f16` and `subgroups` for the native-f16 GPU tests: Mesa 25's
# lavapipe from Debian's bookworm-backports, unpacked into a project-local folder (nothing is
# installed system-wide: Chromium and the other GPU tests keep SwiftShader).
#
#   VK_ICD_FILENAMES=$(bash scripts/vulkan-f16.sh | tail -1) npm run -s cli -- unet-step …
#
# Idempotent: a second run only prints the ICD path. The last line of output is the absolute path
# of the ICD json, which names the driver by absolute path. Dependencies the machine lacks are
# fetched and unpacked too (apt computes them against the installed packages, with a private
# package list and cache); the driver loads with the system's own libraries where they exist
# (checked: Debian 12's libdrm 2.4.114 works although the backport asks for 2.4.121). Dawn itself
# needs the Vulkan loader libvulkan.so.1 (Debian libvulkan1, which `npm test` installs); if the
# check below finds a library missing, run with LD_LIBRARY_PATH=<root>/usr/lib/x86_64-linux-gnu.
# Needs apt-get (run as root, as CI does). Override the folder with SLOTHFUL_VULKAN_F16_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR="${SLOTHFUL_VULKAN_F16_DIR:-$PWD/.cache/vulkan-f16}"
ROOT="$DIR/root"
LIB="$ROOT/usr/lib/x86_64-linux-gnu"
ICD="$DIR/lvp_icd.json"
PACKAGE="mesa-vulkan-drivers/bookworm-backports"

if [ -f "$ICD" ] && [ -f "$LIB/libvulkan_lvp.so" ]; then
  echo "$ICD"
  exit 0
fi

# The Debian mirror this machine already uses (deb822 `URIs:` or a one-line `deb` entry).
mirror=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -1 | awk '{print $2}' || true)
[ -n "$mirror" ] || mirror=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | grep -v security | head -1 | awk '{print $2}' || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

mkdir -p "$DIR/lists/partial" "$DIR/debs/partial" "$ROOT"
printf 'deb %s bookworm main\ndeb %s bookworm-backports main\n' "$mirror" "$mirror" >"$DIR/sources.list"
apt_() {
  apt-get -o Dir::Etc::sourcelist="$DIR/sources.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State::Lists="$DIR/lists" -o Dir::Cache::Archives="$DIR/debs" \
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}
echo "== vulkan-f16: package lists from $mirror (bookworm, bookworm-backports)" >&2
apt_ -qq update >&2
echo "== vulkan-f16: downloading $PACKAGE and what this machine lacks of its dependencies" >&2
apt_ -qq -y -d --no-install-recommends install "$PACKAGE" >&2
for deb in "$DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$ROOT"; done
[ -f "$LIB/libvulkan_lvp.so" ] || { echo "vulkan-f16: $PACKAGE did not unpack libvulkan_lvp.so into $LIB" >&2; exit 1; }

# Every library the driver needs must be found: on the system, or (with LD_LIBRARY_PATH) unpacked.
if [ -n "$(ldd "$LIB/libvulkan_lvp.so" | grep 'not found' || true)" ]; then
  missing=$(LD_LIBRARY_PATH="$LIB" ldd "$LIB/libvulkan_lvp.so" | grep 'not found' || true)
  if [ -n "$missing" ]; then
    echo "vulkan-f16: libvulkan_lvp.so cannot load:" >&2
    echo "$missing" >&2
    exit 1
  fi
  echo "vulkan-f16: run with LD_LIBRARY_PATH=$LIB (the driver needs libraries unpacked there)" >&2
fi
ldconfig -p | grep -q 'libvulkan.so.1 ' || echo "vulkan-f16: no system libvulkan.so.1 (apt-get install libvulkan1, or LD_LIBRARY_PATH=$LIB)" >&2

api=$(sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' "$ROOT/usr/share/vulkan/icd.d/lvp_icd.json" 2>/dev/null | head -1 || true)
cat >"$ICD" <<EOF
{"file_format_version":"1.0.0","ICD":{"library_path":"$LIB/libvulkan_lvp.so","api_version":"${api:-1.4.305}"}}
EOF
echo "== vulkan-f16: $(dpkg-deb -f "$(ls "$DIR"/debs/mesa-vulkan-drivers_*.deb)" Version) unpacked into $ROOT" >&2
echo "$ICD"
