#!/bin/bash
# Regenerates tools/nsinit/hot-order.ld: the functions a container's run calls, in
# one block at the front of nsinit's text.
#
# Why: the kernel maps a file's pages 64 KiB around each page fault, so a run that
# calls a few functions scattered over nsinit's 1 MiB of text (most of it static
# glibc) ends up with nearly all of it mapped, and that is most of its peak RSS.
# With the functions it calls packed together, a run maps a quarter as much.
#
# How: nsinit is linked with a link map, a uprobe is put on each of its functions,
# and the commands of a container's life are run (run, create, start, state, ps,
# kill, delete, list). Each function that fired is looked up in the map, which
# names the input section that holds it: '.text.NAME' for our code (built with
# -ffunction-sections), an archive member's '.text' for glibc and the libraries.
# Functions the kernel's uprobes cannot step over (glibc's EVEX and AVX-512
# string functions) are not probed; their sections go in whole. The order only
# moves code: a stale file costs memory, never correctness.
#
# Needs root (uprobes, containers). Leaves no uprobe, mount or container behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-tools/nsinit/hot-order.ld}
ROOTFS=${ROOTFS:-build/rootfs}
GROUP=nsinit_hot_$$

[[ $(id -u) -eq 0 ]] || { echo "hot-order: needs root (uprobes, containers)" >&2; exit 1; }
for tool in jq runc perl readelf; do
	command -v "$tool" >/dev/null || { echo "hot-order: '$tool' missing; run 'make deps'" >&2; exit 1; }
done
[[ -x $ROOTFS/bin/busybox ]] || { echo "hot-order: no rootfs at '$ROOTFS'; run 'make rootfs'" >&2; exit 1; }

if [[ -z ${CT_HOT_PRIVATE:-} ]]; then
	export CT_HOT_PRIVATE=1
	exec unshare --mount --propagation private -- bash "$0" "$@"
fi

tmp=$(mktemp -d)
tracefs=$tmp/tracefs
# A trace instance of our own: its buffer is big enough for every hit of a container's
# life (the global one, a few MiB, drops the first workloads' hits) and it records
# whatever the global tracing_on says.
trace=$tracefs/instances/$GROUP
cleanup() {
	if [[ -d $trace ]]; then
		[[ -d $trace/events/$GROUP ]] && echo 0 >"$trace/events/$GROUP/enable"
		rmdir "$trace"
	fi
	if [[ -d $tracefs/events/$GROUP ]]; then
		# Listed first: removing while reading the list skips entries. One line per
		# write: the kernel takes no probe line split across writes.
		sed -n "s|^p:\($GROUP/[^ ]*\) .*|-:\1|p" "$tracefs/uprobe_events" >"$tmp/remove"
		while read -r probe; do echo "$probe"; done <"$tmp/remove" >>"$tracefs/uprobe_events"
	fi
	"$tmp/build/nsinit" --root "$tmp/state" delete --force hot-b >/dev/null 2>&1 || true
	umount "$tracefs" "$tmp/state" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The same objects as 'make', linked without the current order and with a map.
make -s BUILD="$tmp/build" HOT_ORDER= LDFLAGS="-Wl,-Map,$tmp/nsinit.map" "$tmp/build/nsinit"
bin=$tmp/build/nsinit

mkdir "$tracefs" "$tmp/state"
mount -t tracefs none "$tracefs"
mount -t tmpfs -o mode=0700 ct-hot "$tmp/state"
# FUNC and IFUNC (the resolvers glibc runs at start) symbols, by address.
readelf -sW "$bin" | awk '($4 == "FUNC" || $4 == "IFUNC") && $2 !~ /^0+$/ { print $2, $8 }' |
	sort -u -k1,1 >"$tmp/all"
grep -v -E 'evex|avx512' "$tmp/all" >"$tmp/funcs"
grep -E 'evex|avx512' "$tmp/all" >"$tmp/unprobed"
awk -v g="$GROUP" -v b="$bin" '{ printf "p:%s/f%d %s:0x%s\n", g, NR, b, $1 }' "$tmp/funcs" |
	while read -r probe; do echo "$probe"; done >>"$tracefs/uprobe_events"
mkdir "$trace"
echo 65536 >"$trace/buffer_size_kb"

# Trace lines read 'TASK-PID [CPU] FLAGS TIME: fN: (ADDRESS)'; only our group is enabled.
# The probes stay enabled from the first workload to the end of the second: each
# enabling or disabling waits for an RCU grace period per probe, minutes in all.
hits() {
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^f[0-9]+:$/) { print substr($i, 2, length($i) - 2); next } }' \
		"$trace/trace" | sort -un >"$1"
	[[ -s $1 ]] || { echo "hot-order: no uprobe fired" >&2; exit 1; }
	echo >"$trace/trace"
}
nsinit() { "$bin" --root "$tmp/state" "$@"; }
mkdir -p "$tmp/a" "$tmp/b"
ln -s "$PWD/$ROOTFS" "$tmp/a/rootfs"
ln -s "$PWD/$ROOTFS" "$tmp/b/rootfs"

# First: what make bench times, a run of /bin/true with runc's default config.
runc spec --bundle "$tmp/a"
jq '.process.args = ["/bin/true"] | .process.terminal = false | del(.process.capabilities.ambient)' \
	"$tmp/a/config.json" >"$tmp/b/config.json"
mv "$tmp/b/config.json" "$tmp/a/config.json"
echo 1 >"$trace/events/$GROUP/enable"
nsinit run --bundle "$tmp/a" hot-a </dev/null
hits "$tmp/hits.1"

# Then a container's whole life with our own default config (which has seccomp).
rm "$tmp/a/config.json"
nsinit spec --bundle "$tmp/a"
jq '.process.args = ["/bin/sleep", "10"]' "$tmp/a/config.json" >"$tmp/b/config.json"
jq '.process.args = ["/bin/true"]' "$tmp/b/config.json" >"$tmp/a/config.json"
nsinit run --bundle "$tmp/a" hot-a </dev/null
nsinit create --bundle "$tmp/b" hot-b </dev/null
nsinit state hot-b >/dev/null
nsinit start hot-b
nsinit list >/dev/null
nsinit ps hot-b >/dev/null
nsinit kill hot-b KILL
while [[ $(nsinit state hot-b) != *'"stopped"'* ]]; do sleep 0.01; done
nsinit delete hot-b
echo 0 >"$trace/events/$GROUP/enable"
hits "$tmp/hits.2"

# Hit numbers -> addresses -> the input sections of the map that hold them, the
# first workload's before the second's. Each object with code in the list has its
# read-only data listed too, in the same order, in front of the rest.
perl -e '
	my ($funcs, $unprobed, $map, $out, @hitfiles) = @ARGV;
	open(my $f, "<", $funcs) or die "$funcs: $!";
	my @addr = map { hex((split)[0]) } <$f>;
	open(my $u, "<", $unprobed) or die "$unprobed: $!";
	my @unprobed = map { hex((split)[0]) } <$u>;
	# The map names an input section, then (on that line or the next) address, size, file.
	open(my $m, "<", $map) or die "$map: $!";
	my @secs;
	while (my $line = <$m>) {
		next unless $line =~ /^ (\.text\S*)(.*)/;
		my ($name, $rest) = ($1, $2);
		$rest = <$m> if $rest =~ /^\s*$/;
		next unless defined $rest && $rest =~ /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)/;
		push @secs, [$name, hex($1), hex($2), $3] if hex($2) > 0;
	}
	@secs = sort { $a->[1] <=> $b->[1] } @secs;
	sub section_of {
		my ($a) = @_;
		my ($lo, $hi) = (0, $#secs);
		while ($lo <= $hi) {
			my $mid = int(($lo + $hi) / 2);
			my $s = $secs[$mid];
			if ($a < $s->[1]) { $hi = $mid - 1 }
			elsif ($a >= $s->[1] + $s->[2]) { $lo = $mid + 1 }
			else { return $mid }
		}
		return undef;
	}
	# libfoo.a(member.o) -> *libfoo.a:member.o; a plain object -> */name.o
	sub file_pattern {
		my ($file) = @_;
		return $file =~ m{([^/]+\.a)\((.*)\)$} ? "*$1:$2" : $file =~ m{([^/]+)$} ? "*/$1" : undef;
	}
	my (@text, @rodata, %seen, $nfuncs);
	my @tiers = map {
		open(my $h, "<", $_) or die "$_: $!";
		[map { chomp; $_ } <$h>]
	} @hitfiles;
	# glibc picks its EVEX and AVX-512 string functions at start on CPUs that have
	# them; uprobes cannot step over their instructions, so they are not probed and
	# all go in, first.
	# Read-only data that no probe can see, after that of the first workload: our own (all
	# of it is small), then the data-only glibc members the code above reads, the
	# ctype tables last as only their first pages are read. perf record -e
	# page-faults -d on a bench run shows any other that is missing.
	my @data_only = ("*libcommon.a:*", "*/tools/nsinit/*.o", "*libc.a:itoa-digits.o",
			 "*libc.a:itoa-udigits.o", "*libc.a:varshift.o", "*libc.a:C-ctype.o");
	$nfuncs = 0;
	for my $tier (undef, @tiers) {
		my @idx = $tier ? map { section_of($addr[$_ - 1]) } @$tier
			: map { section_of($_) } @unprobed;
		$nfuncs += $tier ? @$tier : 0;
		for my $i (sort { $a <=> $b } grep { defined } @idx) {
			my ($name, undef, undef, $file) = @{$secs[$i]};
			my $pat = file_pattern($file) // next;
			push @text, "$pat($name)" unless $seen{"$pat($name)"}++;
			push @rodata, "$pat(.rodata .rodata.*)" unless $seen{"$pat:ro"}++;
		}
		next unless $tier && $tier == $tiers[0];
		for my $pat (@data_only) {
			push @rodata, "$pat(.rodata .rodata.*)" unless $seen{"$pat:ro"}++;
		}
	}
	open(my $o, ">", $out) or die "$out: $!";
	print $o "/* Generated by tests/bench/hot-order.sh: the code a container run calls, and the\n";
	print $o "   read-only data of the same objects, packed at the front, so that the pages the\n";
	print $o "   kernel maps around each fault hold what the run uses. Only the order changes;\n";
	print $o "   a rule that matches nothing is skipped. */\n";
	print $o "SECTIONS\n{\n\t.text.hot :\n\t{\n";
	print $o "\t\t$_\n" for @text;
	print $o "\t}\n}\nINSERT BEFORE .text;\n\n";
	# Inserted ahead of the default script page-aligning the read-only segment.
	print $o "SECTIONS\n{\n\t. = ALIGN(CONSTANT(MAXPAGESIZE));\n\t.rodata.hot :\n\t{\n";
	print $o "\t\t$_\n" for @rodata;
	print $o "\t}\n}\nINSERT BEFORE .rodata;\n";
	printf "hot-order: %d functions ran, %d code and %d data rules written to %s\n",
		$nfuncs, scalar(@text), scalar(@rodata), $out;
' "$tmp/funcs" "$tmp/unprobed" "$tmp/nsinit.map" "$OUT" "$tmp/hits.1" "$tmp/hits.2"
