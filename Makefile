# Haazri — build, run, test, bench.
#   make run     demo kiosk: virtual scanner, sample probationers enrolled from bundled images
#   make run-central  the same kiosk beside the reference central server (roster down, check-ins up)
#   make test    every test (the same suite again under ASan + UBSan: make test-asan; on other dates:
#                make test-dates)
#   make bench   prints `bench: KEY VALUE UNIT` lines
#   make fuzz    every libFuzzer harness of tests/fuzz/ for FUZZ_SECONDS (60) each
#
# The folder is the layer: every .c under app/ drivers/ ui/ sync/ goes into one static library
# (build/libhaazri.a) except the programs' mains listed below; tests link against that library.

BUILD    ?= build
CC       ?= cc
PKGS     := libfprint-2 glib-2.0 gio-2.0 gio-unix-2.0 sqlite3 libpng libjpeg libgpiod json-glib-1.0 \
            sdl2 SDL2_ttf libcurl libsodium libsystemd alsa
# The reference central server (receiver/) adds its own: HTTP serving and PostgreSQL.
RECEIVER_PKGS := $(PKGS) libmicrohttpd libpq
SAN      ?=

CFLAGS   ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. $(SAN)
override LDFLAGS += $(SAN) -pthread

MAINS    := app/main.c drivers/finger-tool.c
LIB_SRC  := $(filter-out $(MAINS),$(wildcard app/*.c app/*/*.c drivers/*.c ui/*.c sync/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/test-*.c)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC:= $(wildcard tests/bench-*.c)
BENCHES  := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
RECEIVER_SRC := $(wildcard receiver/*.c)
PROGRAMS := $(BUILD)/haazri $(BUILD)/haazri-ctl $(BUILD)/haazri-finger \
            $(if $(RECEIVER_SRC),$(BUILD)/haazri-receiver)

DEPS_STAMP := $(BUILD)/.deps-ok

.PHONY: all run run-central test test-dates test-asan bench deps clean install deb package-test prompts screenshots fuzz fuzzers
.SECONDARY:
PROMPTS_STAMP := $(BUILD)/prompts/.made
all: $(PROGRAMS) $(TESTS) $(BENCHES) $(BUILD)/tests/haazri-hooks $(BUILD)/tests/lazyfs $(BUILD)/tests/powercut-storm \
     $(BUILD)/tests/adms-server $(PROMPTS_STAMP)

# Installs missing Debian packages once per build folder (apt-get update first; needs root).
# NO_DEPS=1 skips it (the Debian package build: Build-Depends do that job there).
$(DEPS_STAMP): scripts/deps.sh scripts/node-tools.sh tests/contract/package-lock.json
	@mkdir -p $(BUILD)
	$(if $(NO_DEPS),,./scripts/deps.sh)
	@touch $@
deps: $(DEPS_STAMP)

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

# V=1 shows the full compiler lines.
Q := $(if $(V),,@)
$(BUILD)/obj/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libhaazri.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/haazri: $(BUILD)/obj/app/main.o $(BUILD)/libhaazri.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
# haazri-ctl is the administration front end (ctl/), a program on top of the library.
CTL_SRC  := $(wildcard ctl/*.c)
$(BUILD)/haazri-ctl: $(CTL_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/libhaazri.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
$(BUILD)/haazri-finger: $(BUILD)/obj/drivers/finger-tool.o $(BUILD)/libhaazri.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
# The receiver is its own program (a central server), not part of the kiosk's library.
$(BUILD)/obj/receiver/%.o: receiver/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags $(RECEIVER_PKGS)) -MMD -MP -c $< -o $@
$(BUILD)/haazri-receiver: $(RECEIVER_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/libhaazri.a
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(RECEIVER_PKGS)) -lm
# The kiosk with test hooks compiled in (tests/test-service.c stalls its main loop).
$(BUILD)/obj/tests/haazri-hooks.o: app/main.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -DHAAZRI_TEST_HOOKS $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/tests/haazri-hooks: $(BUILD)/obj/tests/haazri-hooks.o $(BUILD)/libhaazri.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
# The power-cut tests (docs/powercut.md): a FUSE file system that loses what was not fsync'd, and the
# storm that cuts the power under the store, the sync and the audit trail.
$(BUILD)/tests/lazyfs: tests/powercut/lazyfs.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags fuse3 glib-2.0) $(LDFLAGS) -o $@ $< $(shell pkg-config --libs fuse3 glib-2.0)
$(BUILD)/tests/powercut-storm: $(BUILD)/obj/tests/powercut/storm.o $(BUILD)/obj/tests/powercut/writer.o $(BUILD)/obj/tests/helpers.o $(BUILD)/obj/tests/central.o $(BUILD)/libhaazri.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
# The reference ADMS ("iclock") server the ADMS tests run against (tests/adms-server.c).
$(BUILD)/obj/tests/adms-server.o: tests/adms-server.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(shell pkg-config --cflags glib-2.0 libmicrohttpd) -MMD -MP -c $< -o $@
$(BUILD)/tests/adms-server: $(BUILD)/obj/tests/adms-server.o
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs glib-2.0 libmicrohttpd)
# (objects first: a test's own extra objects, below, are listed after the library)
$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(BUILD)/obj/tests/helpers.o $(BUILD)/obj/tests/central.o $(BUILD)/libhaazri.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(PKG_LIBS) -lm
# The officer screen's test drives a whole kiosk, which tests/officer-kiosk.c builds.
$(BUILD)/tests/test-officer-screen: $(BUILD)/obj/tests/officer-kiosk.o
$(BUILD)/tests/bench-gallery: $(BUILD)/obj/tests/gallery-startup.o

# Spoken prompts (Urdu and English), synthesised with espeak-ng from the screen's translation table.
$(PROMPTS_STAMP): $(BUILD)/haazri-ctl scripts/make-prompts.sh
	./scripts/make-prompts.sh $(BUILD)
	@touch $@
prompts: $(PROMPTS_STAMP)

# Every screen state × language order × panel size, offscreen, into $(BUILD)/screenshots/*.png.
screenshots: all
	HAAZRI_TESTDATA=$(CURDIR)/tests/data HAAZRI_SCREENSHOTS=$(BUILD)/screenshots \
		$(BUILD)/tests/test-screen -p /screen/screenshots -p /screen/officer-screenshots
	@echo "screenshots: $(BUILD)/screenshots/"

run: $(PROGRAMS) $(PROMPTS_STAMP)
	./scripts/demo.sh $(BUILD)

# The demo kiosk beside the reference central server on 127.0.0.1 (docs/sync.md).
run-central: $(PROGRAMS) $(PROMPTS_STAMP)
	./scripts/demo-central.sh $(BUILD)

test: all
	./tests/run.sh $(BUILD)

# The same suite on the calendar days that break date code (leap day and year end crossing midnight,
# 2030, today), under faketime and in other machine time zones: tests/dates.sh.
test-dates: all
	REAL=$(REAL) HAAZRI_SKIP="$(HAAZRI_SKIP)" ./tests/dates.sh $(BUILD)

# The same suite under AddressSanitizer + UBSan, in its own build folder. Leak checking stays off:
# GLib and libfprint keep process-lifetime allocations that LeakSanitizer reports as leaks.
test-asan:
	$(MAKE) BUILD=build/asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		CFLAGS="-O1 -g" all
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		./tests/run.sh build/asan

bench: all
	./tests/bench.sh $(BUILD)

# ---- fuzzing: libFuzzer harnesses over every parser of outside input (tests/fuzz/README.md) ----
# The library again with Debian's clang, ASan + UBSan and libFuzzer's coverage, in its own folder;
# each harness is linked against it.
FUZZ_DIR     := build/fuzz
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz-*.c)
FUZZERS      := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
fuzzers:
	$(MAKE) BUILD=$(FUZZ_DIR) CC=clang SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" CFLAGS="-O1 -g" \
		$(FUZZ_DIR)/libhaazri.a
	$(MAKE) $(FUZZERS)
$(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz-common.h $(FUZZ_DIR)/libhaazri.a
	clang -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. $(PKG_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) \
		$< $(FUZZ_DIR)/libhaazri.a $(PKG_LIBS) -lm -o $@
fuzz: fuzzers
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh long

clean:
	rm -rf build

# make install [PREFIX=/usr/local] [DESTDIR=...]: programs, man pages, systemd units, udev rule,
# service user (sysusers.d), and /etc/haazri/haazri.conf — never overwriting one an installer edited
# (the new defaults go beside it as haazri.conf.dist).
PREFIX     ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
STATEDIR   ?= /var/lib/haazri
LIBDIR_SYS ?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)
install: $(PROGRAMS) $(PROMPTS_STAMP)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/haazri $(DESTDIR)$(SYSCONFDIR)/haazri \
		$(DESTDIR)$(LIBDIR_SYS)/systemd/system $(DESTDIR)$(LIBDIR_SYS)/udev/rules.d $(DESTDIR)$(LIBDIR_SYS)/sysusers.d
	install -m 0755 $(BUILD)/haazri $(BUILD)/haazri-ctl $(if $(RECEIVER_SRC),$(BUILD)/haazri-receiver) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 docs/man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	if [ -e $(DESTDIR)$(SYSCONFDIR)/haazri/haazri.conf ] && ! cmp -s config/haazri.conf $(DESTDIR)$(SYSCONFDIR)/haazri/haazri.conf; then \
		install -m 0644 config/haazri.conf $(DESTDIR)$(SYSCONFDIR)/haazri/haazri.conf.dist; \
		echo "kept your $(SYSCONFDIR)/haazri/haazri.conf; the new defaults are in haazri.conf.dist"; \
	else install -m 0644 config/haazri.conf $(DESTDIR)$(SYSCONFDIR)/haazri/haazri.conf; fi
	for u in config/systemd/*.service; do \
		sed 's|/usr/bin/|$(PREFIX)/bin/|; s|/etc/haazri/|$(SYSCONFDIR)/haazri/|; s|/var/lib/haazri|$(STATEDIR)|' $$u \
			> $(DESTDIR)$(LIBDIR_SYS)/systemd/system/$$(basename $$u); done
	install -m 0644 config/udev/70-haazri.rules $(DESTDIR)$(LIBDIR_SYS)/udev/rules.d/
	install -m 0644 config/sysusers-haazri.conf $(DESTDIR)$(LIBDIR_SYS)/sysusers.d/haazri.conf
	install -d $(DESTDIR)$(PREFIX)/share/haazri/prompts
	install -m 0644 $(BUILD)/prompts/*.wav $(DESTDIR)$(PREFIX)/share/haazri/prompts/
	install -d -m 0750 $(DESTDIR)$(STATEDIR)

# The Debian package (build/haazri_*.deb), and a check that it installs on a clean Debian 12 root.
deb:
	./scripts/build-deb.sh
package-test: deb
	./tests/package/test-package.sh

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d)
# The LED driver's test on a real kernel GPIO chip (qemu + gpio-sim) brings its own rules.
-include tests/gpio-vm/gpio-vm.mk
-include tests/camera-vm/camera-vm.mk
