#!/bin/busybox sh
# shellcheck shell=dash
# /init of the cgroup2 test guest: mount what the tests need, run them, print
# a done line with the failure count (the host trusts nothing else), power off.
/bin/busybox mount -t devtmpfs dev /dev
# The cpio has no /dev/console: without this the tests would run with no stdio.
exec </dev/console >/dev/console 2>&1
# pivot_root(2) refuses the initramfs rootfs (EINVAL): move into a tmpfs first,
# so that containers started here can pivot_root.
if [ -z "$CT_SWITCHED" ]; then
	/bin/busybox mkdir -p /newroot
	/bin/busybox mount -t tmpfs -o mode=0755 root /newroot
	for d in bin ct etc tests init; do
		/bin/busybox cp -a "/$d" /newroot/
	done
	/bin/busybox mkdir -p /newroot/dev /newroot/proc /newroot/sys /newroot/tmp /newroot/run
	/bin/busybox umount /dev
	export CT_SWITCHED=1
	exec /bin/busybox switch_root /newroot /init
fi
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
ln -s /proc/self/fd /dev/fd
# OOM reports would interleave with the TAP lines on the same console.
dmesg -n 1

echo "# cgroup2 guest: kernel $(uname -r), controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
failed=0
for t in /tests/*; do
	echo "# guest: ${t##*/}"
	CT_CGROUP_GUEST=1 CT_EXPECT_CGROUP=v2 "$t" >/tmp/out 2>&1
	rc=$?
	cat /tmp/out
	n=$(grep -c '^not ok' /tmp/out)
	grep -q '^1\.\.[1-9]' /tmp/out || n=$((n + 1))
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	failed=$((failed + n))
done
if [ "$failed" -ne 0 ]; then
	echo "# dmesg tail:"
	dmesg | tail -n 20 | sed 's/^/#   /'
fi
echo "CT-CGROUP2-DONE failed=$failed"
poweroff -f
