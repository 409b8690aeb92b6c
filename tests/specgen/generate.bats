#!/usr/bin/env bats
# specgen generate: the default config, --rootless, every flag, templates, output, errors.
bats_require_minimum_version 1.5.0
load ../helpers/common

setup() {
	requires jq
	DEFAULT=$("$SPECGEN" generate)
}

# Fails unless the JSON document in $1 passes specgen validate.
assert_valid() {
	run "$SPECGEN" validate - <<<"$1"
	assert_success
}

# check_edit DEL EXPR WANT FLAG...: generating with FLAG... sets jq EXPR to the
# JSON WANT, leaves the rest of the default (jq DEL deletes what the flags may
# touch) byte-for-byte as it was, and stays valid.
check_edit() {
	local del=$1 expr=$2 want=$3 out got
	shift 3
	run "$SPECGEN" generate "$@"
	assert_success
	out=$output
	got=$(jq -c "$expr" <<<"$out")
	[[ $got == "$(jq -c . <<<"$want")" ]] || fail "$* set $expr to $got, expected $want"
	diff <(jq -S "$del" <<<"$DEFAULT") <(jq -S "$del" <<<"$out") ||
		fail "$* changed more than $del"
	assert_valid "$out"
}

# check_field PATH WANT FLAG...: the common case, one field named by a jq path.
check_field() {
	local path=$1 want=$2
	shift 2
	check_edit "del($path)" "$path" "$want" "$@"
}

@test "specgen generate: prints the same bytes on every run" {
	run "$SPECGEN" generate
	assert_success
	[[ $output == "$DEFAULT" ]]
	run "$SPECGEN" generate --rootless
	first=$output
	run "$SPECGEN" generate --rootless
	[[ $output == "$first" ]]
}

@test "specgen generate: the default config passes specgen validate" {
	assert_valid "$DEFAULT"
}

@test "specgen generate: the default config has runc's process, mounts and masks" {
	requires runc
	cd "$BATS_TEST_TMPDIR"
	runc spec
	runc=$(cat config.json)
	for f in .process.user .process.args .process.env .process.cwd .process.rlimits \
		.process.noNewPrivileges .process.capabilities.bounding .root \
		'[.mounts[].destination]' .linux.readonlyPaths .linux.resources; do
		[[ $(jq -c "$f" <<<"$DEFAULT") == "$(jq -c "$f" <<<"$runc")" ]] ||
			fail "$f differs from runc spec"
	done
	# runc's masked paths all masked, plus the newer ones.
	run jq -e --argjson r "$(jq .linux.maskedPaths <<<"$runc")" \
		'.linux.maskedPaths | contains($r) and contains(["/proc/interrupts"])' <<<"$DEFAULT"
	assert_success
	run jq -c '.process.terminal, .ociVersion, [.linux.namespaces[].type], .process.capabilities.ambient' <<<"$DEFAULT"
	assert_output $'false\n"1.3.0"\n["pid","network","ipc","uts","mount","cgroup"]\nnull'
}

@test "specgen generate: the default seccomp profile allows only what the default capabilities use" {
	run jq -c '.linux.seccomp | .defaultAction, .defaultErrnoRet, .architectures' <<<"$DEFAULT"
	if [[ $(uname -m) == x86_64 ]]; then
		assert_output $'"SCMP_ACT_ERRNO"\n1\n["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]'
	fi
	allowed='[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and .args == null) | .names[]]'
	run jq -e "$allowed | index(\"read\") and index(\"execve\") and (index(\"mount\") | not) and (index(\"ptrace\") | not)" <<<"$DEFAULT"
	assert_success
	# personality only with its harmless arguments, clone without namespace flags.
	run jq -c '[.linux.seccomp.syscalls[] | select(.names == ["personality"]) | .args[0].value]' <<<"$DEFAULT"
	assert_output '[0,8,131072,131080,4294967295]'
	run jq -c '.linux.seccomp.syscalls[] | select(.names == ["clone3"]) | .errnoRet' <<<"$DEFAULT"
	assert_output 38
}

@test "specgen generate: --cap-add CAP_SYS_ADMIN also allows mount in the default seccomp profile" {
	run "$SPECGEN" generate --cap-add CAP_SYS_ADMIN
	assert_success
	run jq -e '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and .args == null) | .names[]] | index("mount") and index("setns")' <<<"$output"
	assert_success
	run "$SPECGEN" generate --cap-add CAP_SYS_ADMIN --cap-drop SYS_ADMIN
	assert_success
	[[ $output == "$DEFAULT" ]]
}

@test "specgen generate: --rootless maps the caller to root and drops what needs privilege" {
	run "$SPECGEN" generate --rootless
	assert_success
	doc=$output
	assert_valid "$doc"
	run jq -c '[.linux.namespaces[].type], .linux.uidMappings, .linux.gidMappings, .linux.resources' <<<"$doc"
	assert_output "[\"pid\",\"ipc\",\"uts\",\"mount\",\"user\"]
[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]
[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]
null"
	run jq -c '[.mounts[].destination], (.mounts[] | select(.destination == "/sys")), [.mounts[].options // [] | .[] | select(startswith("gid="))]' <<<"$doc"
	assert_output '["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys"]
{"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}
[]'
}

@test "specgen generate: --rootless maps the uid and gid of an unprivileged caller" {
	requires root
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SPECGEN" generate --rootless
	assert_success
	run jq -c '.linux.uidMappings, .linux.gidMappings' <<<"$output"
	assert_output $'[{"containerID":0,"hostID":65534,"size":1}]\n[{"containerID":0,"hostID":65534,"size":1}]'
}

@test "specgen generate: process flags each change only their field" {
	check_field .process.cwd '"/srv"' --cwd /srv
	check_field .process.env '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","TERM=dumb","A=b=c"]' \
		--env TERM=dumb --env A=1 --env A=b=c
	check_field .process.env '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]' --env-unset TERM
	check_field .process.terminal true --terminal
	check_field .process.terminal false --terminal --no-terminal
	check_field .process.user.uid 1000 --uid 1000
	check_field .process.user.gid 4294967294 --gid 4294967294
	# (gid_t)-1 is "unchanged" to setresgid: the generated config would run as root.
	run -2 "$SPECGEN" generate --gid 4294967295
	assert_output "specgen: generate: --gid '4294967295': expected a number from 0 to 4294967294"
	check_field .process.user.additionalGids '[5,6]' --additional-gids 5,6
	check_field .process.user.umask 18 --umask 022
	check_field .process.noNewPrivileges false --new-privileges
	check_field .process.noNewPrivileges true --new-privileges --no-new-privileges
	check_field .process.oomScoreAdj -500 --oom-score-adj -500
	check_field .process.apparmorProfile '"p"' --apparmor p
	check_field .process.selinuxLabel '"l"' --selinux-label l
	check_field .process.rlimits '[{"type":"RLIMIT_NOFILE","hard":4096,"soft":100},{"type":"RLIMIT_CORE","hard":0,"soft":0}]' \
		--rlimit NOFILE=100:4096 --rlimit RLIMIT_CORE=0
}

@test "specgen generate: the command comes from --args and from the words after the options" {
	check_field .process.args '["/bin/echo","a b"]' --args /bin/echo --args 'a b'
	check_field .process.args '["sh","-c","echo hi"]' --cwd / -- sh -c 'echo hi'
	check_field .process.args '["ls","-l"]' ls -l
}

@test "specgen generate: capability flags edit the sets they name" {
	set_caps='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_NET_RAW"]'
	check_edit 'del(.process.capabilities)' '.process.capabilities' \
		"{\"bounding\":$set_caps,\"effective\":$set_caps,\"permitted\":$set_caps}" --cap-add net_raw
	check_edit 'del(.process.capabilities)' '.process.capabilities.bounding' \
		'["CAP_AUDIT_WRITE","CAP_NET_BIND_SERVICE"]' --cap-drop KILL
	check_field .process.capabilities.ambient '["CAP_KILL"]' --cap-add-ambient CAP_KILL
	check_field .process.capabilities.inheritable '["CAP_KILL"]' --cap-add inheritable:KILL
	check_field .process.capabilities.effective '["CAP_AUDIT_WRITE","CAP_NET_BIND_SERVICE"]' --cap-drop-effective KILL
	check_field .process.capabilities.permitted '[]' --cap-drop permitted:ALL
	run "$SPECGEN" generate --cap-add ALL
	assert_success
	run jq '.process.capabilities.bounding | length > 38' <<<"$output"
	assert_output true
}

@test "specgen generate: root, hostname and mount flags each change only their field" {
	check_field .root.path '"/srv/root"' --rootfs /srv/root
	check_field .root.readonly false --rootfs-readwrite
	check_field .root.readonly true --rootfs-readwrite --rootfs-readonly
	check_field .hostname '"web"' --hostname web
	check_field .domainname '"example"' --domainname example
	check_field .linux.rootfsPropagation '"slave"' --rootfs-propagation slave
	check_field '.mounts[7]' '{"destination":"/data","type":"bind","source":"/srv","options":["rbind","ro"]}' \
		--mount type=bind,source=/srv,destination=/data,options=rbind:ro
	check_field '.mounts[7]' '{"destination":"/data","type":"bind","source":"/srv","options":["rbind"]}' \
		--mount src=/srv,dst=/data,options=rbind
	check_field '.mounts[1]' '{"destination":"/dev","type":"tmpfs","source":"tmpfs"}' \
		--mount type=tmpfs,destination=/dev
	check_field '.mounts[7]' '{"destination":"/m","type":"bind","source":"/s","options":["rbind","idmap"],"uidMappings":[{"containerID":0,"hostID":1000,"size":10}],"gidMappings":[{"containerID":0,"hostID":2000,"size":10}]}' \
		--mount source=/s,destination=/m,options=rbind,uidmap=0:1000:10,gidmap=0:2000:10
	check_field '.mounts[7]' '{"destination":"/o","type":"overlay","source":"overlay","options":["lowerdir=/a:/b","ro","upperdir=/u"]}' \
		--mount type=overlay,source=overlay,destination=/o,option=lowerdir=/a:/b,options=ro,option=upperdir=/u
	check_edit 'del(.mounts)' '[.mounts[].destination]' '["/proc","/dev","/dev/pts","/dev/shm","/sys","/sys/fs/cgroup"]' \
		--mount-remove /dev/mqueue
	check_edit 'del(.linux.maskedPaths)' '.linux.maskedPaths | (index("/x") != null) and (index("/proc/kcore") == null)' true \
		--masked-path /x --masked-path /x --masked-path-remove /proc/kcore
	check_edit 'del(.linux.readonlyPaths)' '.linux.readonlyPaths' '["/proc/bus","/proc/fs","/proc/irq","/proc/sysrq-trigger","/y"]' \
		--readonly-path /y --readonly-path-remove /proc/sys
}

@test "specgen generate: namespace and id flags each change only their field" {
	check_field .linux.namespaces '[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}]' --ns-remove net
	check_field .linux.namespaces '[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"},{"type":"time"}]' --ns-add time
	check_field '.linux.namespaces[1]' '{"type":"network","path":"/proc/1/ns/net"}' --ns-join net=/proc/1/ns/net
	# Sharing a namespace drops the fields the runtime would refuse without it (check_edit validates).
	check_edit 'del(.linux.namespaces, .hostname, .domainname)' '[.linux.namespaces, .hostname, .domainname]' \
		'[[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"mount"},{"type":"cgroup"}],null,null]' \
		--domainname example --ns-remove uts
	check_edit 'del(.linux.uidMappings, .linux.gidMappings, .linux.timeOffsets, .linux.namespaces)' \
		'[.linux.uidMappings, .linux.gidMappings, .linux.timeOffsets, .linux.namespaces]' \
		"[null,null,null,$(jq -c .linux.namespaces <<<"$DEFAULT")]" \
		--uidmap 0:1000:1 --gidmap 0:1000:1 --time-offset boottime=1 --ns-remove user --ns-remove time
	check_edit 'del(.linux.uidMappings, .linux.gidMappings, .linux.namespaces)' '[.linux.uidMappings, .linux.gidMappings, .linux.namespaces[-1]]' \
		'[[{"containerID":0,"hostID":100000,"size":65536}],[{"containerID":0,"hostID":100000,"size":65536}],{"type":"user"}]' \
		--uidmap 0:100000:65536 --gidmap 0:100000:65536
	check_field .linux.sysctl '{"net.ipv4.ip_forward":"1","kernel.msgmax":"a=b"}' --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=a=b
	check_edit 'del(.linux.devices, .linux.resources.devices)' '[.linux.devices, .linux.resources.devices[1]]' \
		'[[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438}],{"allow":true,"type":"c","major":10,"minor":229,"access":"rwm"}]' \
		--device c:10:229:/dev/fuse:0666
	check_edit 'del(.linux.devices, .linux.resources.devices)' '.linux.devices' \
		'[{"path":"/dev/sdz","type":"b","major":8,"minor":0,"uid":1,"gid":2}]' \
		--device type=b,path=/dev/sdz,major=8,minor=0,uid=1,gid=2
}

@test "specgen generate: cgroup flags each change only their field" {
	check_field .linux.cgroupsPath '"/ct/web"' --cgroups-path /ct/web
	check_field .linux.resources.memory '{"limit":536870912,"reservation":1024,"swap":-1}' \
		--memory-limit 512M --memory-reservation 1k --memory-swap -1
	check_field .linux.resources.cpu '{"shares":512,"quota":-1,"period":100000,"cpus":"0-1,3","mems":"0"}' \
		--cpu-shares 512 --cpu-quota -1 --cpu-period 100000 --cpus 0-1,3 --cpuset-mems 0
	check_edit 'del(.linux.resources.cpu)' .linux.resources.cpu '{"cpus":"2"}' --cpuset-cpus 2
	check_field .linux.resources.pids '{"limit":100}' --pids-limit 100
	check_field .linux.resources.blockIO '{"weight":500,"weightDevice":[{"major":8,"minor":0,"weight":300}],"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":2}],"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":3}],"throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":4}],"throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":5}]}' \
		--blkio-weight 500 --blkio-weight-device 8:0:100 --blkio-weight-device 8:0:300 --blkio-read-bps 8:0:2 \
		--blkio-write-bps 8:0:3 --blkio-read-iops 8:0:4 --blkio-write-iops 8:0:5
}

@test "specgen generate: hooks take their env and timeout from the flags after them" {
	check_field .hooks '{"prestart":[{"path":"/bin/a","args":["/bin/a","x","y"],"env":["K=v=w"],"timeout":5}],"poststop":[{"path":"/bin/b","args":["/bin/b"],"timeout":2}]}' \
		--hook prestart:/bin/a:x:y --hook-env K=v=w --env-unset NONE --hook-timeout 5 \
		--hook poststop:/bin/b --hook-timeout 2
	run "$SPECGEN" generate --hook prestart:/bin/a --hook-env K=v=w --hook poststop:/bin/b --hook-timeout 2
	assert_success
	run jq -c '.hooks.prestart[0], .hooks.poststop[0]' <<<"$output"
	assert_output $'{"path":"/bin/a","args":["/bin/a"],"env":["K=v=w"]}\n{"path":"/bin/b","args":["/bin/b"],"timeout":2}'
	run "$SPECGEN" generate --hook prestart:/bin/a:b --hook-arg c:d --hook-arg ''
	assert_success
	run jq -c '.hooks.prestart[0].args' <<<"$output"
	assert_output '["/bin/a","b","c:d",""]'
	for stage in createRuntime createContainer startContainer poststart; do
		check_edit "del(.hooks)" .hooks "{\"$stage\":[{\"path\":\"/h\",\"args\":[\"/h\"]}]}" --hook "$stage:/h"
	done
	check_field .annotations '{"org.example/a":"b=c"}' --annotation org.example/a=b=c
}

@test "specgen generate: runtime-spec 1.2 and 1.3 fields have their flags" {
	check_edit 'del(.linux.timeOffsets, .linux.namespaces)' '[.linux.timeOffsets, .linux.namespaces[-1]]' \
		'[{"monotonic":{"secs":5,"nanosecs":250000000},"boottime":{"secs":-3,"nanosecs":0}},{"type":"time"}]' \
		--time-offset monotonic=5.25 --time-offset boottime=-3
	check_field .linux.netDevices '{"eth1":{"name":"ceth0"},"eth2":{}}' --net-device eth1:ceth0 --net-device eth2
	check_field .process.scheduler '{"policy":"SCHED_FIFO","priority":10,"flags":["SCHED_FLAG_RESET_ON_FORK"]}' \
		--scheduler fifo,priority=10,flags=reset_on_fork
	check_field .process.scheduler '{"policy":"SCHED_DEADLINE","runtime":1,"deadline":2,"period":3}' \
		--scheduler SCHED_DEADLINE,runtime=1,deadline=2,period=3
	check_field .process.ioPriority '{"class":"IOPRIO_CLASS_BE","priority":4}' --io-priority be:4
	check_field .process.execCPUAffinity '{"initial":"0","final":"1-3"}' --exec-cpu-affinity initial=0,final=1-3
	# The lists' own commas stay in the list: only ",final=" starts the next field.
	check_field .process.execCPUAffinity '{"initial":"0-3,7","final":"1,4-5"}' \
		--exec-cpu-affinity initial=0-3,7,final=1,4-5
	check_field .linux.memoryPolicy '{"mode":"MPOL_INTERLEAVE","nodes":"0-1","flags":["MPOL_F_STATIC_NODES"]}' \
		--memory-policy interleave:0-1:static_nodes
	check_field .linux.personality '{"domain":"LINUX32"}' --personality linux32
}

@test "specgen generate: --seccomp none drops the profile and --seccomp FILE reads one" {
	check_field .linux.seccomp null --seccomp none
	echo '{"defaultAction":"SCMP_ACT_LOG","x-own":1}' >"$BATS_TEST_TMPDIR/sc.json"
	check_field .linux.seccomp '{"defaultAction":"SCMP_ACT_LOG","x-own":1}' --seccomp "$BATS_TEST_TMPDIR/sc.json"
	echo '[1]' >"$BATS_TEST_TMPDIR/bad.json"
	run -1 "$SPECGEN" generate --seccomp "$BATS_TEST_TMPDIR/bad.json"
	assert_output "specgen: generate: --seccomp: '$BATS_TEST_TMPDIR/bad.json' does not hold a JSON object"
}

@test "specgen generate: --template - in a pipe keeps unknown keys and the template's seccomp" {
	tmpl='{"ociVersion":"1.0.2","x-top":{"a":[1,2]},"process":{"cwd":"/","args":["a"],"user":{"uid":0,"gid":0},"x-proc":true,"env":["A=0"]},"root":{"path":"rootfs"},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW"}}}'
	run bash -c 'printf "%s" "$1" | "$2" generate --template - --env A=1 --cwd /srv' _ "$tmpl" "$SPECGEN"
	assert_success
	want=$(jq -c '.process.env = ["A=1"] | .process.cwd = "/srv"' <<<"$tmpl")
	[[ $(jq -c . <<<"$output") == "$want" ]] || fail "got $output"
	tmpl_file=$BATS_TEST_TMPDIR/t.json
	printf '%s' "$tmpl" >"$tmpl_file"
	run "$SPECGEN" generate --template "$tmpl_file" --seccomp default
	assert_success
	run jq -c '.linux.seccomp.defaultAction, ."x-top"' <<<"$output"
	assert_output $'"SCMP_ACT_ERRNO"\n{"a":[1,2]}'
}

@test "specgen generate: removing from a list a template lacks adds nothing" {
	run "$SPECGEN" generate --template - --env-unset A --mount-remove /x --masked-path-remove /y \
		--readonly-path-remove /z --ns-remove pid --cap-drop KILL <<<'{"x-keep":1}'
	assert_success
	[[ $(jq -c . <<<"$output") == '{"x-keep":1}' ]] || fail "got $output"
}

@test "specgen generate: --template --rootless edits the template as runc spec --rootless would" {
	"$SPECGEN" generate >"$BATS_TEST_TMPDIR/t.json"
	run "$SPECGEN" generate --template "$BATS_TEST_TMPDIR/t.json" --rootless
	assert_success
	[[ $output == "$("$SPECGEN" generate --rootless)" ]]
}

@test "specgen generate: --template and -o on the same file edit a config in place" {
	cfg=$BATS_TEST_TMPDIR/config.json
	"$SPECGEN" generate -o "$cfg"
	run "$SPECGEN" generate --template "$cfg" -o "$cfg" --hostname edited
	assert_success
	[[ $(jq -r .hostname "$cfg") == edited ]]
	diff <(jq -S 'del(.hostname)' <<<"$DEFAULT") <(jq -S 'del(.hostname)' "$cfg")
}

@test "specgen generate: -o and --bundle write the file and print nothing" {
	run "$SPECGEN" generate -o "$BATS_TEST_TMPDIR/out.json" --hostname o
	assert_success
	assert_output ''
	[[ $(jq -r .hostname "$BATS_TEST_TMPDIR/out.json") == o ]]
	mkdir "$BATS_TEST_TMPDIR/b"
	run "$SPECGEN" generate --bundle "$BATS_TEST_TMPDIR/b"
	assert_success
	assert_output ''
	[[ $(cat "$BATS_TEST_TMPDIR/b/config.json") == "$DEFAULT" ]]
	# Atomic: no temporary file is left beside it.
	run ls -A "$BATS_TEST_TMPDIR/b"
	assert_output config.json
	# Errors name the file asked for, never the temporary one, and leave nothing behind.
	run -1 "$SPECGEN" generate --bundle "$BATS_TEST_TMPDIR/missing"
	assert_output "specgen: generate: create '$BATS_TEST_TMPDIR/missing/config.json': No such file or directory"
	run -1 "$SPECGEN" generate -o "$BATS_TEST_TMPDIR/b"
	assert_output "specgen: generate: replace '$BATS_TEST_TMPDIR/b': Is a directory"
	run ls -A "$BATS_TEST_TMPDIR"
	assert_output $'b\nout.json'
}

@test "specgen generate: an empty --bundle, -o or --template is a usage error" {
	# An empty bundle would otherwise name /config.json.
	run -2 "$SPECGEN" generate --bundle ''
	assert_output "specgen: generate: --bundle '': expected a non-empty DIR"
	run -2 "$SPECGEN" generate -o ''
	assert_output "specgen: generate: --output '': expected a non-empty FILE"
	run -2 "$SPECGEN" generate --template ''
	assert_output "specgen: generate: --template '': expected a non-empty FILE"
}

@test "specgen generate: bad flag values print one line and exit 2" {
	while IFS='|' read -r args want; do
		read -ra argv <<<"$args"
		run -2 "$SPECGEN" generate "${argv[@]}"
		[[ $output == "specgen: generate: $want" ]] || fail "$args: got '$output', expected '$want'"
	done <<'EOF'
--uid x|--uid 'x': expected a number from 0 to 4294967294
--uid -1|--uid '-1': expected a number from 0 to 4294967294
--gid 4294967296|--gid '4294967296': expected a number from 0 to 4294967294
--gid 4294967295|--gid '4294967295': expected a number from 0 to 4294967294
--uid 4294967295|--uid '4294967295': expected a number from 0 to 4294967294
--uid|--uid: expected a value
--umask 0999|--umask '0999': expected an octal mode from 0 to 0777, like 022
--env =x|--env '=x': expected KEY=VALUE with a non-empty KEY
--env-unset A=b|--env-unset 'A=b': expected a variable name without '='
--cap-add FOO|--cap-add 'FOO': expected a capability name like CAP_NET_ADMIN or ALL
--cap-add all:KILL|--cap-add 'all:KILL': expected SET:CAP with SET one of bounding, effective, permitted, inheritable, ambient
--mount type=bind,destination=/y|--mount 'type=bind,destination=/y': expected source=PATH for a bind mount
--mount source=/x,type=tmpfs|--mount 'source=/x,type=tmpfs': expected destination=PATH with an absolute PATH
--mount destination=/x|--mount 'destination=/x': expected type=TYPE (or options=bind/rbind for a bind mount)
--mount destination=/x,type=tmpfs,size=1|--mount 'destination=/x,type=tmpfs,size=1': expected mount keys type, source, destination, options, option, uidmap, gidmap; found 'size'
--mount-remove rel|--mount-remove 'rel': expected an absolute path
--ns-add foo|--ns-add 'foo': expected a namespace type: pid, network, mount, ipc, uts, user, cgroup or time
--ns-join net|--ns-join 'net': expected TYPE=PATH with an absolute PATH, like net=/run/netns/x
--uidmap 1:2|--uidmap '1:2': expected CONTAINER_ID:HOST_ID:SIZE with a SIZE above 0
--gidmap 0:0:0|--gidmap '0:0:0': expected CONTAINER_ID:HOST_ID:SIZE with a SIZE above 0
--rlimit FOO=1|--rlimit 'FOO=1': expected a limit type like NOFILE or RLIMIT_NOFILE before '='
--rlimit NOFILE=2:1|--rlimit 'NOFILE=2:1': expected a soft limit no higher than the hard limit
--rlimit NOFILE|--rlimit 'NOFILE': expected TYPE=SOFT[:HARD], like NOFILE=1024:4096
--rlimit NOFILE=unlimited|--rlimit 'NOFILE=unlimited': expected SOFT[:HARD] as numbers from 0 to 9223372036854775807 after '='
--memory-limit 12Q|--memory-limit '12Q': expected a size in bytes (suffix K, M, G or T allowed) or -1 for unlimited
--memory-swap -2|--memory-swap '-2': expected a size in bytes (suffix K, M, G or T allowed) or -1 for unlimited
--cpu-shares -1|--cpu-shares '-1': expected a number from 0 to 9223372036854775807
--cpu-quota 1.5|--cpu-quota '1.5': expected a number from -9223372036854775808 to 9223372036854775807
--cpus a|--cpus 'a': expected a list like 0-3,7
--cpus 3-1|--cpus '3-1': expected a list like 0-3,7
--cpuset-mems 0,|--cpuset-mems '0,': expected a list like 0-3,7
--exec-cpu-affinity initial=2-1|--exec-cpu-affinity 'initial=2-1': expected initial=LIST[,final=LIST] (or final=LIST) with CPU lists like 0-3,7
--exec-cpu-affinity initial=0,,final=1|--exec-cpu-affinity 'initial=0,,final=1': expected initial=LIST[,final=LIST] (or final=LIST) with CPU lists like 0-3,7
--memory-policy bind:3-1|--memory-policy 'bind:3-1': expected MODE[:NODES[:FLAG,...]] with MODE like bind or MPOL_INTERLEAVE and NODES like 0-1
--pids-limit 0|--pids-limit '0': expected a positive number, or -1 for unlimited
--blkio-weight 5|--blkio-weight '5': expected a number from 10 to 1000
--blkio-weight-device 8:0|--blkio-weight-device '8:0': expected MAJOR:MINOR:WEIGHT with WEIGHT from 10 to 1000
--blkio-read-bps 8:x:1|--blkio-read-bps '8:x:1': expected MAJOR:MINOR:RATE with numbers
--hook-env A=1|--hook-env 'A=1': expected after a --hook
--hook-timeout 3|--hook-timeout '3': expected after a --hook
--hook-arg x|--hook-arg 'x': expected after a --hook
--cap-add-bounding bounding:KILL|--cap-add-bounding 'bounding:KILL': expected a capability name like CAP_NET_ADMIN or ALL
--mount type=tmpfs,destination=/x,option=context="a,b"|--mount 'type=tmpfs,destination=/x,option=context="a,b"': expected KEY=VALUE items, found 'b"'
--hook foo:/bin/true|--hook 'foo:/bin/true': expected STAGE:PATH[:ARG...] with STAGE one of prestart, createRuntime, createContainer, startContainer, poststart, poststop
--hook prestart:rel|--hook 'prestart:rel': expected STAGE:PATH[:ARG...] with an absolute PATH
--hook prestart:/x --hook-timeout 0|--hook-timeout '0': expected a number of seconds from 1 to 2147483647
--oom-score-adj 1001|--oom-score-adj '1001': expected a number from -1000 to 1000
--seccomp /nonexistent|--seccomp '/nonexistent': expected default, none or a readable file: No such file or directory
--device x:1:2:/dev/x|--device 'x:1:2:/dev/x': expected type=c, b, u or p
--device c:1:2|--device 'c:1:2': expected TYPE:MAJOR:MINOR:PATH[:MODE] or type=..,path=..,major=..,minor=..
--time-offset realtime=1|--time-offset 'realtime=1': expected CLOCK=SECS[.FRACTION] with CLOCK monotonic or boottime
--time-offset monotonic=1.1234567890|--time-offset 'monotonic=1.1234567890': expected up to 9 digits after the '.'
--net-device a/b|--net-device 'a/b': expected HOST_NAME[:CONTAINER_NAME], interface names of 1 to 15 characters
--scheduler bogus|--scheduler 'bogus': expected POLICY[,KEY=VALUE...] with POLICY like SCHED_OTHER, SCHED_FIFO or rr
--scheduler rr,nice=x|--scheduler 'rr,nice=x': expected nice=N with a 32-bit number
--io-priority rt:8|--io-priority 'rt:8': expected CLASS:PRIORITY with CLASS rt, be or idle and PRIORITY from 0 to 7
--exec-cpu-affinity foo=1|--exec-cpu-affinity 'foo=1': expected initial=LIST[,final=LIST] (or final=LIST) with CPU lists like 0-3,7
--memory-policy nope|--memory-policy 'nope': expected MODE[:NODES[:FLAG,...]] with MODE like bind or MPOL_INTERLEAVE and NODES like 0-1
--personality LINUX64|--personality 'LINUX64': expected LINUX or LINUX32
--rootfs-propagation rslave|--rootfs-propagation 'rslave': expected one of private, shared, slave, unbindable
--cwd rel|--cwd 'rel': expected an absolute path
--sysctl novalue|--sysctl 'novalue': expected KEY=VALUE with a non-empty KEY
--additional-gids 1,x|--additional-gids '1,x': expected comma-separated group ids from 0 to 4294967294 (at most 256)
--additional-gids 1,4294967295|--additional-gids '1,4294967295': expected comma-separated group ids from 0 to 4294967294 (at most 256)
--bogus|unknown option '--bogus'; see 'specgen generate --help'
-x|unknown option '-x'; see 'specgen generate --help'
-o a --bundle b|--output and --bundle: expected one of them, not both
EOF
}

@test "specgen generate: flags that together make an invalid config are a usage error" {
	run -2 "$SPECGEN" generate --ns-remove uts --hostname web
	assert_output 'specgen: generate: the flags make the config invalid: /hostname: hostname needs its own uts namespace; hint: add {"type": "uts"} to linux.namespaces'
	run -2 "$SPECGEN" generate --scheduler fifo,priority=200
	assert_output 'specgen: generate: the flags make the config invalid: /process/scheduler/priority: priority out of range (expected 1 to 99, found 200); hint: real-time policies take a priority from 1 to 99'
	run -2 "$SPECGEN" generate --sysctl net..x=1 --memory-policy local:0
	assert_output --regexp "^specgen: generate: the flags make the config invalid: /linux/sysctl/net..x: sysctl key 'net..x' has an invalid component .* \(and more\)$"
	run -2 "$SPECGEN" generate -o "$BATS_TEST_TMPDIR/out.json" --scheduler deadline,runtime=3,deadline=2,period=1
	[[ ! -e $BATS_TEST_TMPDIR/out.json ]] || fail "an invalid config was written"
}

@test "specgen generate: a broken template or profile stays usable, so flags can fix it" {
	# The template's own errors are not the flags' doing.
	run -0 "$SPECGEN" generate --template - --env A=1 <<<'{"ociVersion": "1.3.0", "process": {"cwd": "rel"}}'
	run -0 "$SPECGEN" generate --template - --cwd / <<<'{"ociVersion": "1.3.0", "root": {"path": "r"}, "process": {"cwd": "rel", "args": ["sh"]}}'
	run -0 "$SPECGEN" validate - <<<"$output"
	# So is a --seccomp FILE: a broken profile can still be handed to a runtime to test it.
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}' >"$BATS_TEST_TMPDIR/p.json"
	run -0 "$SPECGEN" generate --seccomp "$BATS_TEST_TMPDIR/p.json"
	run -2 "$SPECGEN" generate --seccomp "$BATS_TEST_TMPDIR/p.json" --ns-remove uts --hostname h
	# A template with a great many errors of its own is edited as quickly as a clean one:
	# the starting errors are a set, not a list compared pairwise.
	jq -n '{ociVersion: "1.3.0", root: {path: "r"}, process: {cwd: "/", args: ["sh"]},
		linux: {maskedPaths: [range(200000) | "rel\(.)"]}}' >"$BATS_TEST_TMPDIR/many.json"
	run -0 --separate-stderr "$SPECGEN" generate --template "$BATS_TEST_TMPDIR/many.json" --env A=1
	[[ $(jq '.linux.maskedPaths | length' <<<"$output") == 200000 ]]
	# A new error on top of old ones is still refused.
	run -2 "$SPECGEN" generate --template - --hostname h <<<'{"ociVersion": "1.3.0", "process": {"cwd": "rel"}}'
	assert_output --partial 'the flags make the config invalid: /hostname: hostname needs its own uts namespace'
}

@test "specgen generate: a value that is not UTF-8 is a usage error; a file name may be any bytes" {
	run -2 "$SPECGEN" generate --hostname $'bad\xff'
	assert_output "specgen: generate: --hostname: expected UTF-8 text"
	run -2 "$SPECGEN" generate --env $'A=\xc3'
	assert_output "specgen: generate: --env: expected UTF-8 text"
	run -2 "$SPECGEN" generate -- sh -c $'echo \xff'
	assert_output "specgen: generate: command word 3: expected UTF-8 text"
	run -0 "$SPECGEN" generate -o "$BATS_TEST_TMPDIR/"$'\xff.json' --hostname 'héllo'
	[[ $(jq -r .hostname "$BATS_TEST_TMPDIR/"$'\xff.json') == héllo ]]
}

@test "specgen generate: a very long bad value still shows the reason" {
	local long
	long=$(printf 'a%.0s' {1..5000})
	run -2 "$SPECGEN" generate --hostname "$long"
	assert_output "specgen: generate: --hostname '$(printf 'a%.0s' {1..80})...': expected at most 4095 characters"
	run -2 "$SPECGEN" generate --hook-env "A=${long:0:3000}"
	assert_output --regexp "^specgen: generate: --hook-env 'A=a{78}\.\.\.': expected after a --hook$"
}

@test "specgen generate: a template it cannot edit fails with one line and exit 1" {
	run -1 "$SPECGEN" generate --template - --env A=1 <<<'{"process": 5}'
	assert_output "specgen: generate: --env 'A=1': '/process' in the document is not an object"
	run -1 "$SPECGEN" generate --template - --env A=1 <<<'{"process": {"env": {}}}'
	assert_output "specgen: generate: --env 'A=1': '/process/env' in the document is not an array"
	run -1 "$SPECGEN" generate --template - <<<'[1]'
	assert_output "specgen: generate: read template: '<stdin>' does not hold a JSON object"
	run -1 "$SPECGEN" generate --template - <<<'{bad'
	assert_output --partial "specgen: generate: read template: parse '<stdin>': invalid JSON at line 1"
	run -1 "$SPECGEN" generate --template "$BATS_TEST_TMPDIR/none.json"
	assert_output "specgen: generate: read template: open '$BATS_TEST_TMPDIR/none.json': No such file or directory"
}

@test "specgen generate: --help documents every flag it accepts" {
	run "$SPECGEN" generate --help
	assert_success
	help=$output
	mapfile -t flags < <(grep -oE '^  (-., )?--[a-z0-9-]+( [^ ]+)?' <<<"$help" | sed -E 's/^  (-., )?//')
	((${#flags[@]} > 80)) || fail "only ${#flags[@]} flags in --help"
	for f in "${flags[@]}"; do
		name=${f%% *}
		[[ $name == --help ]] && continue
		if [[ $f == *" "* ]]; then
			# A flag that takes a value names itself when the value is missing.
			run -2 "$SPECGEN" generate "$name"
			assert_output "specgen: generate: $name: expected a value"
		else
			run "$SPECGEN" generate "$name"
			assert_success
		fi
	done
}
