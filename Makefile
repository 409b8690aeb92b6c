# SPDX-License-Identifier: Apache-2.0
# One Makefile builds libcommon.a, the three tools, the unit tests and the test
# root filesystem. Sources are found by wildcard: a new .c file under common/ or
# tools/<tool>/ is built without touching this file.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DESTDIR ?=
BUILD ?= build
CC ?= gcc
PKG_CONFIG ?= pkg-config
PKGS := jansson libcap libseccomp

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Wimplicit-fallthrough -Wundef
ifeq ($(SANITIZE),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SANLD := -fsanitize=address,undefined
else
OPT := -O2 -g -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
SANLD :=
endif
CFLAGS ?=
LDFLAGS ?=
# The tools are linked static-pie against Debian's libjansson.a, libcap.a and
# libseccomp.a: with no shared objects to map and relocate, each call starts about
# 0.5 ms sooner and a container run peaks about 0.8 MiB lower (measured with make
# bench). STATIC=0 links them dynamically, so that a library update needs no
# rebuild; sanitizer builds are always dynamic.
STATIC ?= 1
ifeq ($(SANITIZE),1)
STATIC := 0
endif
# Each function and datum in a section of its own, so that the link can order them
# (HOT_ORDER below).
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. $(WARN) $(OPT) -fstack-protector-strong -fPIE \
	-ffunction-sections -fdata-sections \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now $(SANLD) $(LDFLAGS)
# pack-relative-relocs (DT_RELR) stores the static-pie's 4,000 relative relocations
# in 3 KiB instead of 94 KiB, all of which every start reads.
ifeq ($(STATIC),1)
TOOL_LDFLAGS := -static-pie -Wl,-z,relro,-z,now -Wl,-z,pack-relative-relocs $(LDFLAGS)
else
TOOL_LDFLAGS := $(ALL_LDFLAGS)
endif
# nsinit's text starts with the functions a container's run calls
# (tests/bench/hot-order.sh makes the list): the kernel maps 64 KiB of a binary
# around each page fault, so scattered calls map nearly all of it. HOT_ORDER=
# links without it.
HOT_ORDER ?= tools/nsinit/hot-order.ld
comma := ,
nsinit_LDEXTRA := $(if $(HOT_ORDER),-Wl$(comma)-T$(comma)$(HOT_ORDER))
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -ljansson -lcap -lseccomp)

TOOLS := specgen nsinit nsenter-lite
COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
ROOTFS := $(BUILD)/rootfs

define tool_rules
$(1)_SRC := $$(wildcard tools/$(1)/*.c)
$(1)_OBJ := $$($(1)_SRC:%.c=$$(BUILD)/%.o)
$$(BUILD)/$(1): $$($(1)_OBJ) $$(BUILD)/libcommon.a $$(filter %.ld,$$($(1)_LDEXTRA:-Wl,-T,%=%))
	$$(CC) $$(TOOL_LDFLAGS) $$($(1)_LDEXTRA) -o $$@ $$($(1)_OBJ) $$(BUILD)/libcommon.a $$(LIBS)
endef

.PHONY: all deps install uninstall check check-unit check-bats check-asan check-cgroup2 lint demo \
	bench hot-order fuzz rootfs clean

all: $(TOOLS:%=$(BUILD)/%)

$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libcommon.a $(LIBS)

-include $(COMMON_OBJ:.o=.d) $(foreach t,$(TOOLS),$($(t)_OBJ:.o=.d))

# Installs the Debian packages the build and the tests need, only when missing.
deps:
	@tests/helpers/deps.sh

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(TOOLS:%=$(BUILD)/%) $(DESTDIR)$(BINDIR)/

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)

# A busybox root filesystem for containers, from Debian's busybox-static.
rootfs: $(ROOTFS)/bin/busybox
$(ROOTFS)/bin/busybox: tests/helpers/mkrootfs.sh
	tests/helpers/mkrootfs.sh $(ROOTFS)

# The README's test command: dependencies, build, unit tests, every bats suite and
# the cgroup tests on a pure cgroup v2 kernel, ending with "N passed, N failed".
check: deps
	$(MAKE) all $(UNIT_BIN) rootfs
	BUILD=$(BUILD) CT_CGROUP2=1 tests/run.sh

check-unit: all $(UNIT_BIN)
	BUILD=$(BUILD) tests/run.sh --unit-only

# The cgroup tests again on a pure cgroup v2 kernel, booted under qemu (tests/cgroup2).
check-cgroup2: deps
	$(MAKE) $(BUILD)/libcommon.a $(BUILD)/nsinit rootfs
	BUILD=$(BUILD) tests/cgroup2/run.sh

check-bats: all rootfs
	BUILD=$(BUILD) tests/run.sh --bats-only

# The same tests built with AddressSanitizer and UBSan.
check-asan: deps
	$(MAKE) BUILD=build-asan SANITIZE=1 all \
		$(UNIT_SRC:%.c=build-asan/%) build-asan/rootfs/bin/busybox
	BUILD=build-asan UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tests/run.sh

lint:
	@tests/helpers/lint.sh

demo: deps
	$(MAKE) all rootfs
	BUILD=$(BUILD) tests/helpers/demo.sh

bench: all rootfs $(BUILD)/tests/bench/peak-rss
	BUILD=$(BUILD) tests/bench/run.sh

$(BUILD)/tests/bench/peak-rss: tests/bench/peak_rss.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# Rewrites tools/nsinit/hot-order.ld from a profile of container runs (root).
hot-order: rootfs
	tests/bench/hot-order.sh

fuzz:
	BUILD=build-fuzz tests/fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz
