#!/bin/sh
# check-config.sh FRAGMENT DOTCONFIG
# Fails (and names the options) when an option the fragment asks for did not
# end up in the final kernel .config: a dependency was missing, or the option
# does not exist in this kernel.  Kconfig drops such options silently.
set -eu
frag=$1 conf=$2
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		if ! grep -qxF -- "$line" "$conf"; then
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$conf" || echo "absent")
			echo "kernel config: wanted $line, got: $got" >&2
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -qE "^$opt=" "$conf"; then
			echo "kernel config: wanted $opt off, got: $(grep -E "^$opt=" "$conf")" >&2
			bad=1
		fi
		;;
	esac
done <"$frag"
exit $bad
