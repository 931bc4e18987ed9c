#!/usr/bin/env bash
# Installs the Debian packages sipsleuth builds and tests with (see docs/dependencies.md).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libpcap-dev libarchive-dev zlib1g-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libre2-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  tshark gzip
  libpugixml-dev
  # The HTML report's browser test: headless Chromium driven through ChromeDriver
  # by a Python (standard library only) WebDriver client; fonts so text renders.
  chromium chromium-driver fonts-dejavu-core python3
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # tshark asks whether non-root users may capture; answer no, we only read files.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
