#!/usr/bin/env bash
# Installs the Debian packages of tools/packages.txt (build, guest, tests, bench).
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
want=$(grep -v '^#' tools/packages.txt | tr '\n' ' ')
# Skip apt entirely when everything is already there (developer machines).
if dpkg-query -W -f='${Status}\n' $want 2>/dev/null | grep -qv 'install ok installed' ||
   [ "$(dpkg-query -W -f='${Status}\n' $want 2>/dev/null | wc -l)" -lt "$(echo $want | wc -w)" ]; then
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $want >/dev/null
fi
