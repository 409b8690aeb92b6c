#!/bin/bash
# Installs, from Debian, whatever the build and the tests need and this machine
# lacks. Runs apt-get update first only when something is missing.
set -euo pipefail

pkgs=(
	build-essential pkg-config libjansson-dev libcap-dev libseccomp-dev
	bats bats-support bats-assert busybox-static
	util-linux iproute2 procps libcap2-bin
	runc crun jq python3 time
	clang clang-format-14 clang-tidy-14 cppcheck shellcheck valgrind hyperfine
	qemu-system-x86
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing packages: ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
