#!/bin/bash
# House-style checks: formatting, clang-tidy, cppcheck, shellcheck, and no
# TODO/FIXME/XXX committed (LIMITATION: is the one way to mark a shortcoming).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
rc=0
mapfile -t csrc < <(git ls-files '*.c' '*.h')
mapfile -t shsrc < <(git ls-files 'tests/*.sh' 'tests/*.bash' '.ci/run')
read -ra pkgflags < <(pkg-config --cflags jansson libcap libseccomp)
flags=(-std=gnu11 -D_GNU_SOURCE -I. "${pkgflags[@]}")

clang-format-14 --dry-run --Werror "${csrc[@]}" || rc=1
for f in "${csrc[@]}"; do
	[[ $f == *.c ]] || continue
	clang-tidy-14 --quiet "$f" -- "${flags[@]}" 2>/dev/null || { echo "lint: clang-tidy: $f"; rc=1; }
done
cppcheck --quiet --enable=warning,portability --error-exitcode=1 --inline-suppr \
	-I. "${csrc[@]}" || rc=1
shellcheck -x "${shsrc[@]}" || rc=1
if git grep -nwE 'TODO|FIXME|XXX' -- ':!tests/helpers/lint.sh'; then
	echo "lint: TODO/FIXME/XXX found; use 'LIMITATION:' with a clear error instead" >&2
	rc=1
fi
exit $rc
