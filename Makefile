# tuiyan — build, run and test.  `make run` and `make test` do all set-up.
# Sources and tests are discovered by wildcard: add a file, not a rule.

BUILD   ?= build
CC      ?= cc
SAN     ?=
PKGS     = lua5.4 libcjson readline libsodium libarchive libseccomp libutf8proc xlsxwriter expat
VERSION  = 0.1.0

# Evaluated lazily so `make deps` can install pkg-config first.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT     = -O2 -g
ifeq ($(SAN),1)
OPT     = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN   = -fsanitize=address,undefined
endif
# -ffp-contract=off: a*b+c is never fused into an FMA, so results do not depend on the CPU.
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) -ffp-contract=off \
             -DTUIYAN_VERSION='"$(VERSION)"' -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(LDSAN) $(LDFLAGS)
# The vectorised draws and kernels: sqrt without errno (the same values; nothing reads errno),
# else GCC keeps a branch to libm's sqrt in the loop and does not vectorise it.
$(BUILD)/obj/core/dist.o $(BUILD)/obj/core/eval_simd_sse2.o $(BUILD)/obj/core/eval_simd_avx2.o \
    $(BUILD)/obj/core/eval_simd_avx512.o: CFLAGS_ALL += -fno-math-errno

CORE_SRC = $(wildcard src/core/*.c)
IO_SRC   = $(wildcard src/io/*.c)
BIND_SRC = $(wildcard src/bind/*.c)
HOST_SRC = $(wildcard src/host/*.c)
LIB_OBJ  = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CORE_SRC) $(IO_SRC))
APP_OBJ  = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(BIND_SRC) $(HOST_SRC) src/main.c) $(BUILD)/obj/embedded.o

# Everything compiled into the binary: the Lua stdlib, host Lua, default data.
EMBED_FILES = $(sort $(shell find stdlib lua -type f \( -name '*.lua' -o -name '*.csv' -o -name '*.json' \) 2>/dev/null))

UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)

BIN = ./tuiyan
ifneq ($(BUILD),build)
BIN = $(BUILD)/tuiyan
endif

.PHONY: all deps run test unit-test lua-test cli-test fuzz asan bench clean
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory $(BIN)

deps:
	@sh tools/deps.sh

$(BIN): $(APP_OBJ) $(BUILD)/libtuiyan.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(APP_OBJ) $(BUILD)/libtuiyan.a $(PKG_LIBS)

$(BUILD)/libtuiyan.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O2 -Wall -Wextra -o $@ $<

$(BUILD)/embedded.c: $(BUILD)/embed $(EMBED_FILES)
	$(BUILD)/embed $@ $(EMBED_FILES)

$(BUILD)/obj/embedded.o: $(BUILD)/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc/host -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtuiyan.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libtuiyan.a $(CMOCKA_LIBS) $(PKG_LIBS)

run: all
	$(BIN) run scenarios/wuwei_progress.lua

test:
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory -j$$(nproc 2>/dev/null || echo 2) $(BIN) $(UNIT_BIN)
	@sh tests/run_all.sh "$(BIN)" "$(BUILD)"

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 test

# libFuzzer targets over the production readers (clang only); each runs briefly.
FUZZ_SECONDS ?= 5
fuzz: deps
	@sh tests/fuzz/run.sh "$(FUZZ_SECONDS)"

bench: all
	@sh bench/run.sh

# The README's two screenshots, from exactly the commands the README shows beside them (run in
# $(BUILD)/docs with examples/ and scenarios/ linked in), rendered by headless Chromium as
# tests/cli/test_html.sh does. SOURCE_DATE_EPOCH, when set, fixes the footer's date.
DOCS_PROGRESS    = tuiyan progress examples/plans/illustrative_targets.csv --format html --out report/
DOCS_UNCERTAINTY = tuiyan run scenarios/wuwei_uncertainty.lua --format html --out report/
DOCS_COMPARISON  = tuiyan run scenarios/wuwei_combined.lua --format html --out report/
CHROMIUM_SHOT    = chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir=$(abspath $(BUILD))/docs/profile --window-size=1280,1500
.PHONY: docs
docs: all
	@rm -rf $(BUILD)/docs && mkdir -p $(BUILD)/docs
	@ln -s $(CURDIR)/examples $(CURDIR)/scenarios $(BUILD)/docs/
	@# each page is shot before the next command: a run's --force replaces the outputs of the run
	@# before it in report/ (tests/cli/docs_pictures.py checks this recipe against the README)
	cd $(BUILD)/docs && PATH=$(abspath $(dir $(BIN))):$$PATH $(DOCS_PROGRESS) --quiet
	@test -f $(BUILD)/docs/report/progress.html || { echo "make docs: no report progress.html" >&2; exit 1; }
	$(CHROMIUM_SHOT) --screenshot=$(CURDIR)/docs/report-progress.png file://$(abspath $(BUILD))/docs/report/progress.html
	cd $(BUILD)/docs && PATH=$(abspath $(dir $(BIN))):$$PATH $(DOCS_UNCERTAINTY) --quiet --force
	@test -f $(BUILD)/docs/report/wuwei_uncertainty.html || { echo "make docs: no report wuwei_uncertainty.html" >&2; exit 1; }
	$(CHROMIUM_SHOT) --screenshot=$(CURDIR)/docs/report-uncertainty.png file://$(abspath $(BUILD))/docs/report/wuwei_uncertainty.html
	cd $(BUILD)/docs && PATH=$(abspath $(dir $(BIN))):$$PATH $(DOCS_COMPARISON) --quiet --force
	@test -f $(BUILD)/docs/report/wuwei_combined.html || { echo "make docs: no report wuwei_combined.html" >&2; exit 1; }
	$(CHROMIUM_SHOT) --screenshot=$(CURDIR)/docs/report-comparison.png file://$(abspath $(BUILD))/docs/report/wuwei_combined.html

clean:
	rm -rf build tuiyan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- Installing: make install PREFIX=/usr/local DESTDIR=, make uninstall, make deb, make man.
# The binary needs no file at run time (the Lua library and the default plan are compiled in).
# The man page is generated from the built binary's own --help and help TOPIC texts.
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/tuiyan
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# The page's and the Debian changelog's date: SOURCE_DATE_EPOCH, else the last commit's day.
MAN_DATE    ?= $(shell d=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)}; date -u -d "@$${d:-$$(date +%s)}" +%F)
DOC_FILES    = README.md LICENSE CHANGELOG.md
EXAMPLE_FILES = $(sort $(shell find examples scenarios -type f 2>/dev/null))
DEB_MAINTAINER ?= tuiyan maintainers <maintainers@users.noreply.h-seed-60943105.example>
DEB_ROOT    ?= $(BUILD)/deb-root
DEB         ?= $(BUILD)/tuiyan_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb

.PHONY: install uninstall deb man test-install

man:
	@sh tools/deps.sh
	@$(MAKE) --no-print-directory $(BIN)
	@mkdir -p $(BUILD)/man
	$(BIN) run tools/manpage.lua $(BIN) $(VERSION) $(MAN_DATE) $(DOCDIR) > $(BUILD)/man/tuiyan.1.tmp
	@mv $(BUILD)/man/tuiyan.1.tmp $(BUILD)/man/tuiyan.1

install: man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/tuiyan
	install -m 0644 $(BUILD)/man/tuiyan.1 $(DESTDIR)$(MANDIR)/man1/tuiyan.1
	install -m 0644 completion/tuiyan.bash $(DESTDIR)$(BASHCOMPDIR)/tuiyan
	install -m 0644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
	@for f in $(EXAMPLE_FILES); do install -D -m 0644 "$$f" "$(DESTDIR)$(DOCDIR)/$$f" || exit 1; done
	@echo "installed $(DESTDIR)$(BINDIR)/tuiyan, its man page, bash completion and $(DESTDIR)$(DOCDIR)"

# Removes the files install writes, then tuiyan's own documentation folders once empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tuiyan $(DESTDIR)$(MANDIR)/man1/tuiyan.1 $(DESTDIR)$(BASHCOMPDIR)/tuiyan
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(DOC_FILES) $(EXAMPLE_FILES))
	@if [ -d "$(DESTDIR)$(DOCDIR)" ]; then find "$(DESTDIR)$(DOCDIR)" -depth -type d -empty -delete; fi

# A Debian package from a staged install (PREFIX=/usr); packaging/deb/build.sh does the rest.
deb:
	rm -rf $(DEB_ROOT)
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_ROOT)) PREFIX=/usr >/dev/null
	sh packaging/deb/build.sh $(DEB_ROOT) $(DEB) $(VERSION) "$(DEB_MAINTAINER)" $(MAN_DATE)

# The install checks alone (make test runs them too): the .deb into a private dpkg root, man,
# completion, removal and lintian; never the real system.
test-install:
	@sh tools/deps.sh test
	@$(MAKE) --no-print-directory $(BIN)
	@sh tests/cli/test_install.sh "$(BIN)" "$(BUILD)"

# The whole (synthetic) country through shards: 2,844 units × 10,000 samples × 2021–2035 via GNU
# parallel and tuiyan merge, against the unsharded run (bench/scale.sh; SHARDS=4 to change).
.PHONY: bench-scale
bench-scale: all
	@sh bench/scale.sh $(BIN)
