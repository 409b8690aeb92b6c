#!/bin/bash
# Builds a minimal root filesystem from Debian's static busybox: the applets as
# symlinks, /etc/passwd and /etc/group, and the empty directories a container's
# mounts land on.
set -euo pipefail
dest=${1:?usage: mkrootfs.sh DIR}
bb=/bin/busybox
[[ -x $bb ]] || { echo "mkrootfs: $bb missing; run 'make deps'" >&2; exit 1; }

tmp=$dest.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,home,run,var,usr/bin,usr/sbin}
chmod 1777 "$tmp/tmp"
cp "$bb" "$tmp/bin/busybox"
for applet in $("$bb" --list); do
	[[ $applet == busybox ]] && continue
	ln -s busybox "$tmp/bin/$applet"
done
cat >"$tmp/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$tmp/etc/group" <<'GR'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
GR
echo "nameserver 127.0.0.1" >"$tmp/etc/resolv.conf"
: >"$tmp/etc/hosts"
rm -rf "$dest"
mv "$tmp" "$dest"
