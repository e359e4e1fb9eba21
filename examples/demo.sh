#!/usr/bin/env bash
# npm run demo: everything a newcomer needs on a fresh Debian clone, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "demo: run as root: the lab gateway lives in network namespaces, and strongSwan may need installing" >&2
  exit 2
fi
[ -d node_modules/yargs ] && [ -d node_modules/tsx ] && [ -d node_modules/@peculiar/asn1-x509 ] && [ -d node_modules/@noble/curves ] || npm install --no-audit --no-fund
npm run --silent build
if [ ! -x /usr/lib/ipsec/charon ] || ! command -v swanctl >/dev/null; then
  echo "demo: installing strongSwan from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q strongswan-charon strongswan-swanctl libstrongswan-extra-plugins libcharon-extra-plugins \
    || { apt-get update -q && apt-get install -y -q strongswan-charon strongswan-swanctl libstrongswan-extra-plugins libcharon-extra-plugins; }
fi
if ! command -v pki >/dev/null; then
  echo "demo: installing strongswan-pki (the demo makes its own CA and certificates)"
  apt-get install -y -q strongswan-pki || { apt-get update -q && apt-get install -y -q strongswan-pki; }
fi
exec node --import tsx examples/demo.ts
