# liburing for Go. The two commands a new user needs:
#   make example   build liburing when needed and run the examples
#   make test      vet, the tests under -race, and a GOEXPERIMENT=cgocheck2 run
GO ?= go
CGO_CFLAGS_BASE ?= -O2 -g
# Go's build cache does not see changes to the C library cgo links, so every
# go command here carries the fingerprint of the built liburing in CGO_CFLAGS:
# switching liburing (2.6 submodule, LIBURING_SRC, 2.9 fallback) rebuilds.
GOENV = CGO_ENABLED=1 CGO_CFLAGS="$(CGO_CFLAGS_BASE) -DLIBURING_GO_STAMP=$$(cat $(CURDIR)/build/liburing/STAMP)"
TESTFLAGS ?=

.PHONY: all lib example test vet bench bench-uring test-bench test-race cover-check test-cgocheck2 generate check-generated clean \
	golden crosscheck test-crosscheck test-asan test-leaks fuzz

all: lib

lib:
	./build.sh

example: lib
	$(GOENV) $(GO) run ./examples/open_write_read_close
	$(GOENV) $(GO) run ./examples/probe
	$(GOENV) $(GO) run ./examples/cat go.mod

generate: lib
	$(GOENV) $(GO) generate .

check-generated:
	$(GO) run ./internal/gen -check

vet: lib
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GOENV) $(GO) vet ./...

# The -race run also records coverage of the package, so that cover-check can
# fail on any exported function that no test calls.
test-race: lib
	$(GOENV) $(GO) test -race -count=1 -coverpkg=github.com/liburing-go/liburing -coverprofile=build/cover.out $(TESTFLAGS) ./...

cover-check:
	@$(GO) tool cover -func=build/cover.out | awk '$$2 ~ /^[A-Z]/ && $$3 == "0.0%" { print "not called by any test: " $$1 " " $$2; bad = 1 } \
		/^total:/ { print "coverage of the package: " $$3 } END { exit bad }'

test-cgocheck2: lib
	$(GOENV) GOEXPERIMENT=cgocheck2 $(GO) test -count=1 $(TESTFLAGS) ./...

test: lib check-generated vet test-race cover-check test-cgocheck2 test-asan kernel-smoke test-bench test-crosscheck

# AddressSanitizer: the C code that cgo compiles (the package's preambles,
# liburing_cgo.c, liburing's inline helpers) and the Go code are checked for
# out-of-bounds and use-after-free accesses to C memory; liburing.a itself is
# not instrumented, but its malloc and free are. Needs gcc or clang with the
# ASan runtime (gcc's libasan).
test-asan: lib
	$(GOENV) $(GO) test -asan -count=1 $(TESTFLAGS) ./...

# The leak tests alone, LEAKS set-up and tear-down cycles each (make test
# already runs them with 10,000 under -race and cgocheck2).
LEAKS ?= 10000
test-leaks: lib
	$(GOENV) LIBURING_GO_LEAKS=$(LEAKS) $(GO) test -count=1 -v -run '^TestLeak' .

# Fuzzing: each fuzz target of the package for FUZZTIME (go test runs their
# seed corpora in every run; this searches for new inputs). Failing inputs
# are saved under testdata/fuzz and then run as seeds.
FUZZTIME ?= 20s
fuzz: lib
	@set -e; for f in $$($(GOENV) $(GO) test -list '^Fuzz' . | grep '^Fuzz'); do \
		echo "== $$f for $(FUZZTIME)"; \
		$(GOENV) $(GO) test -count=1 -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) .; \
	done

# Benchmarks: a separate module (it depends on the pure-Go giouring, which
# links on Go 1.23+ only with -checklinkname=0). BENCHFLAGS="-rounds 15
# -benchtime 200ms -run Nop" narrows or lengthens the run (default: 11
# rounds of 100 ms).
BENCHFLAGS ?=
bench: lib bench-uring
	cd bench && $(GOENV) $(GO) run -ldflags=-checklinkname=0 ./cmd/report $(BENCHFLAGS)

# The goroutine layer (package uring) against the standard library, one run
# each: HTTP hello under wrk (installed with apt-get when missing), TCP echo,
# 64 goroutines doing 4 KiB random reads with the OS threads they use.
# URINGBENCHFLAGS="-d 10s -run http" lengthens or narrows the run.
URINGBENCHFLAGS ?=
bench-uring: lib
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "bench-uring: wrk is missing and apt-get could not install it" >&2; exit 1; }
	cd bench && $(GOENV) $(GO) run -ldflags=-checklinkname=0 ./cmd/uringreport $(URINGBENCHFLAGS)

# The bench module's own tests (each contender runs briefly).
test-bench: lib
	cd bench && $(GOENV) $(GO) vet -ldflags=-checklinkname=0 ./... && $(GOENV) $(GO) test -ldflags=-checklinkname=0 -count=1 ./...

# C-parity oracle (package parity): the golden file of the linked liburing
# (parity/golden/liburing-<version>.json), after a liburing upgrade.
golden: lib
	$(GOENV) $(GO) run ./cmd/uringparity golden

# The oracle run on pure-Go io_uring libraries: a separate module (it
# depends on giouring and go-uring). crosscheck writes its report for the
# linked liburing (crosscheck/reports/liburing-<version>.md); test-crosscheck
# vets the module and fails when the oracle's report differs from it.
crosscheck: lib
	cd crosscheck && $(GOENV) $(GO) run -ldflags=-checklinkname=0 ./cmd/crosscheck -write

test-crosscheck: lib
	cd crosscheck && $(GOENV) $(GO) vet -ldflags=-checklinkname=0 ./... && $(GOENV) $(GO) test -ldflags=-checklinkname=0 -count=1 ./...

# The kernel matrix (matrix/matrix.sh): the test binaries, statically linked,
# on Debian's Linux 6.1 LTS and 6.12 kernels under QEMU (software emulation,
# never KVM) and natively on this kernel; prints one table of test x kernel
# and a summary per kernel into build/matrix/full/table.md. The kernels come
# from Debian's archive through apt (pinned, cached under build/matrix/);
# qemu-system-x86 and cpio are installed with apt-get when missing.
# MATRIX_RUN=pattern narrows the tests, MATRIX_KERNELS="linux-6.1" the kernels.
.PHONY: kernel-matrix kernel-smoke
kernel-matrix: lib
	$(GOENV) GO=$(GO) matrix/matrix.sh

# The bounded smoke of the matrix, part of make test: the core tests
# (core_test.go) on Linux 6.1 under QEMU, with a 300 s limit.
kernel-smoke: lib
	$(GOENV) GO=$(GO) matrix/matrix.sh --smoke

clean:
	rm -rf build
