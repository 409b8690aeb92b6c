#!/bin/bash
# Runs the cgroup tests on a pure cgroup v2 kernel: Debian's own kernel
# (downloaded, not installed) booted under qemu with cgroup_no_v1=all and a
# busybox initramfs holding statically built test binaries. Prints the guest's
# TAP lines and ends with "cgroup2: N passed, N failed"; exits 1 on any failure,
# and on a guest that never reported (hang, panic, timeout).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$PWD/$BUILD
CC=${CC:-gcc}
work=$BUILD/cgroup2
guest_timeout=${CGROUP2_TIMEOUT:-300}
mkdir -p "$work"
# Everything of one run lives in its own directory, so that parallel runs
# (several `make check` at once) do not share an initramfs or a serial log.
run=$(mktemp -d "$work/run.XXXXXX")
trap 'rm -rf "$run"' EXIT

die() {
	echo "cgroup2: $*" >&2
	exit 1
}

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing; run 'make deps'"
[[ -x /bin/busybox ]] || die "/bin/busybox missing; run 'make deps'"

# The kernel: the ABI in the package name changes with each security update,
# so ask apt which one linux-image-amd64 means today, and cache it. Offline,
# a cached kernel is used as it is. A lock keeps parallel runs from racing.
fetch_kernel() {
	local pkg deb
	exec 9>"$work/.lock"
	flock 9
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	if [[ -f $work/vmlinuz && (-z $pkg || $(cat "$work/kernel.pkg" 2>/dev/null) == "$pkg") ]]; then
		flock -u 9
		return 0
	fi
	[[ -n $pkg ]] || die "cannot resolve linux-image-amd64 with apt-cache"
	rm -rf "$work/kpkg" "$work"/*.deb
	(cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
	deb=$(ls "$work"/linux-image-*.deb)
	dpkg-deb -x "$deb" "$work/kpkg"
	cp "$work"/kpkg/boot/vmlinuz-* "$work/vmlinuz.new"
	mv "$work/vmlinuz.new" "$work/vmlinuz"
	echo "$pkg" >"$work/kernel.pkg"
	rm -rf "$work/kpkg" "$deb"
	flock -u 9
}

# Static binaries: one file each, nothing to copy from the host's /lib.
build_static() {
	local out=$1
	shift
	"$CC" -std=gnu11 -D_GNU_SOURCE -I. -O2 -static -o "$out" "$@" \
		"$BUILD/libcommon.a" -ljansson -lcap -lseccomp 2>"$run/link.log" ||
		{ cat "$run/link.log" >&2; die "static link of $out failed"; }
}

# The container configs the guest's nsinit tests use; jq is not in the guest.
make_configs() {
	local out=$1 base
	base=$(mktemp -d)
	(cd "$base" && "$BUILD/nsinit" spec) || die "nsinit spec failed"
	jq '.process.terminal = false | .process.args = ["sleep", "100"] |
		.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}' \
		"$base/config.json" >"$out/limits.json"
	jq '.process.terminal = false | .process.args = ["cat", "/proc/self/cgroup"]' \
		"$base/config.json" >"$out/cgroupns.json"
	jq '.process.terminal = false | .process.args = ["sleep", "100"] |
		.linux.cgroupsPath = "/ct-abs/inner"' "$base/config.json" >"$out/abspath.json"
	jq '.process.terminal = false | .process.args = ["grep", "Cpus_allowed_list", "/proc/self/status"]' \
		"$base/config.json" >"$out/affinity.json"
	jq '.linux.resources.cpu = {"cpus": "2"}' "$out/affinity.json" >"$out/cpuset.json"
	jq '.process.terminal = false |
		.process.capabilities.bounding += ["CAP_MKNOD"] |
		.process.capabilities.effective += ["CAP_MKNOD"] |
		.process.capabilities.permitted += ["CAP_MKNOD"] |
		.process.args = ["sh", "-c", "echo x >/dev/null && echo null ok; mknod /dev/k c 1 11 && : >/dev/k"]' \
		"$base/config.json" >"$out/devices.json"
	jq '.process.terminal = false | .process.args = ["sleep", "100"] |
		.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] +
			[{"type": "network", "path": "/proc/1/ns/net"}]' \
		"$base/config.json" >"$out/joinns.json"
	rm -rf "$base"
}

make_initramfs() {
	local root=$run/root t
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,tests,ct/bundle}
	cp /bin/busybox "$root/bin/busybox"
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	for t in "${tests[@]}"; do
		cp "$run/$t" "$root/tests/$t"
	done
	cp "$run/nsinit" "$root/bin/nsinit"
	cp tests/cgroup2/nsinit.sh "$root/tests/nsinit.sh"
	cp -a "$BUILD/rootfs" "$root/ct/bundle/rootfs"
	make_configs "$root/ct"
	cp tests/cgroup2/init.sh "$root/init"
	chmod 0755 "$root/init"
	(cd "$root" && find . | /bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) | gzip -1 >"$run/initrd.gz"
}

[[ -x $BUILD/rootfs/bin/busybox ]] || die "no container rootfs; run 'make rootfs'"
command -v jq >/dev/null || die "jq missing; run 'make deps'"
fetch_kernel
tests=(test_cgroup)
build_static "$run/test_cgroup" tests/unit/test_cgroup.c
# getpwuid in a static binary warns about NSS: the guest has /etc/passwd and no NSS modules.
build_static "$run/nsinit" "$BUILD"/tools/nsinit/*.o
make_initramfs

start=$(date +%s.%N)
set +e
timeout "$guest_timeout" qemu-system-x86_64 -accel tcg -nographic -no-reboot -m 1024 -smp 3 \
	-kernel "$work/vmlinuz" -initrd "$run/initrd.gz" \
	-append 'console=ttyS0 cgroup_no_v1=all panic=-1 quiet' </dev/null >"$run/serial.log" 2>&1
qrc=$?
set -e
end=$(date +%s.%N)

# Serial lines end in \r\n and may carry firmware escape codes: anchor on the TAP words.
tr -d '\r' <"$run/serial.log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' >"$run/serial.txt"
# The last run's console stays for a look after a failure.
cp "$run/serial.txt" "$work/serial.txt"
grep -E '^(ok|not ok|#)' "$run/serial.txt" || true
passed=$(grep -c '^ok' "$run/serial.txt" || true)
failed=$(grep -c '^not ok' "$run/serial.txt" || true)
done_line=$(grep -E '^CT-CGROUP2-DONE failed=[0-9]+' "$run/serial.txt" | tail -1 || true)
awk -v s="$start" -v e="$end" -v rc="$qrc" 'BEGIN { printf "cgroup2: qemu ran %.1f s (exit %d)\n", e - s, rc }'
if [[ -z $done_line ]]; then
	echo "not ok - cgroup2 guest never reported (timeout, hang or panic); tail of the console (kept in $work/serial.txt):"
	tail -n 30 "$run/serial.txt" | sed 's/^/#   /'
	failed=$((failed + 1))
elif [[ ${done_line#*failed=} -ne 0 && $failed -eq 0 ]]; then
	echo "not ok - cgroup2 guest reported ${done_line#*failed=} failures"
	failed=$((failed + 1))
fi
[[ $passed -gt 0 ]] || failed=$((failed + 1))
echo "cgroup2: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
