# tuiyan — build, run and test.  `make run` and `make test` do all set-up.
# Sources and tests are discovered by wildcard: add a file, not a rule.

BUILD   ?= build
CC      ?= cc
SAN     ?=
PKGS     = lua5.4 libcjson readline libsodium libarchive libseccomp libutf8proc xlsxwriter
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
	@$(MAKE) --no-print-directory $(BIN) $(UNIT_BIN)
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
CHROMIUM_SHOT    = chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir=$(abspath $(BUILD))/docs/profile --window-size=1280,1500
.PHONY: docs
docs: all
	@rm -rf $(BUILD)/docs && mkdir -p $(BUILD)/docs
	@ln -s $(CURDIR)/examples $(CURDIR)/scenarios $(BUILD)/docs/
	cd $(BUILD)/docs && PATH=$(abspath $(dir $(BIN))):$$PATH $(DOCS_PROGRESS) --quiet
	cd $(BUILD)/docs && PATH=$(abspath $(dir $(BIN))):$$PATH $(DOCS_UNCERTAINTY) --quiet --force
	$(CHROMIUM_SHOT) --screenshot=$(CURDIR)/docs/report-progress.png file://$(abspath $(BUILD))/docs/report/progress.html
	$(CHROMIUM_SHOT) --screenshot=$(CURDIR)/docs/report-uncertainty.png file://$(abspath $(BUILD))/docs/report/wuwei_uncertainty.html

clean:
	rm -rf build tuiyan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
