#!/bin/sh
# The seed's procedure on Debian's stock kernel with ten users at once
# (tests/sh/nss_debian_kernel.sh runs it with three).
NSS_DEBIAN_USERS=10 exec "$SRC/tests/sh/nss_debian_kernel.sh" "$@"
