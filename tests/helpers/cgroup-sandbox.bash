# shellcheck shell=bash
# Moves the test run into a cgroup of its own, made below the caller's cgroup in
# every mounted hierarchy (v1 controllers and the unified one), so that whatever
# the tests create nests there and nothing lands beside cgroups we do not own.
# cgroup_sandbox_leave moves back and removes everything below it.

CT_TEST_CGROUP=ct-test.$$
export CT_TEST_CGROUP
cgroup_sandbox_dirs=()

cgroup_own_path() {
	# $1: a v1 controller list as /proc/self/cgroup spells it, or "" for the unified one
	local ctrls path
	while IFS=: read -r _ ctrls path; do
		if [[ $ctrls == "$1" ]]; then
			printf '%s\n' "$path"
			return 0
		fi
	done </proc/self/cgroup
	return 1
}

cgroup_sandbox_enter() {
	local mnt fstype opts ctrls own dir
	while read -r _ mnt fstype opts _; do
		case $fstype in
		cgroup2) ctrls="" ;;
		cgroup)
			ctrls=$(tr ',' '\n' <<<"$opts" |
				grep -vxE 'rw|ro|relatime|nosuid|nodev|noexec|xattr|clone_children|noprefix|cpuset_v2_mode|favordynmods|nsdelegate|memory_recursiveprot|memory_localevents' |
				paste -sd,)
			;;
		*) continue ;;
		esac
		own=$(cgroup_own_path "$ctrls") || continue
		dir=$mnt${own%/}/$CT_TEST_CGROUP
		mkdir "$dir" 2>/dev/null || continue
		if [[ -f $dir/cpuset.cpus ]]; then
			cat "$dir/../cpuset.cpus" >"$dir/cpuset.cpus"
			cat "$dir/../cpuset.mems" >"$dir/cpuset.mems"
		fi
		# A new v1 cpu cgroup has no realtime budget, so SCHED_RR tests would fail: take a
		# slice of the parent's (the children's sum may not pass it), small enough that
		# several test runs side by side each get one.
		if [[ -f $dir/cpu.rt_runtime_us ]]; then
			echo 100000 >"$dir/cpu.rt_runtime_us" 2>/dev/null ||
				echo 10000 >"$dir/cpu.rt_runtime_us" 2>/dev/null
		fi
		if ! echo $$ >"$dir/cgroup.procs" 2>/dev/null; then
			rmdir "$dir"
			continue
		fi
		cgroup_sandbox_dirs+=("$dir")
	done </proc/self/mounts
	[[ ${#cgroup_sandbox_dirs[@]} -gt 0 ]]
}

cgroup_sandbox_leave() {
	local dir pid
	for dir in "${cgroup_sandbox_dirs[@]}"; do
		echo $$ >"$dir/../cgroup.procs" 2>/dev/null
		# anything a test left running in here is ours to end
		while read -r pid; do
			kill -9 "$pid" 2>/dev/null
		done < <(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)
		sleep 0.1
		find "$dir" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		# find -depth above already took $dir itself when all went well
		rmdir "$dir" 2>/dev/null || [[ ! -d $dir ]] || echo "run: cgroup '$dir' left behind" >&2
	done
}
