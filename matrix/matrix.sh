#!/bin/sh
# matrix/matrix.sh: the kernel matrix. Runs the package's test binaries on
# Debian's Linux 6.1 LTS and 6.12 kernels under QEMU (software emulation) and
# natively on this machine's kernel, and prints one table of test x kernel
# plus a summary per kernel (passed, skipped with reasons, failed).
#
#   matrix/matrix.sh           the full matrix (make kernel-matrix)
#   matrix/matrix.sh --smoke   the core tests on 6.1 only (make kernel-smoke)
#
# Steps: fetch the kernels (matrix/fetch.sh, cached under build/matrix/);
# build each test binary with `go test -c`, statically linked (cgo included),
# and the examples (the tests run them; the guest has no go toolchain);
# build an initramfs whose /init is matrix/runner; boot each kernel with a time
# limit, with a fresh ext4 disk (NVMe) that the guest mounts on /tmp; collect
# the runner's records; print the table (matrix/table) and keep it in
# build/matrix/{full,smoke}/table.md (table-changed.md: only the rows that do
# not pass everywhere).
#
# Settings (environment): MATRIX_KERNELS (names in matrix/fetch.sh's pins),
# MATRIX_RUN (a go test -run pattern, passed to every test binary as
# -test.run: MATRIX_RUN='^TestLiburing_poll$' runs that test alone),
# MATRIX_TIMEOUT (seconds per kernel), MATRIX_HOST=0 (no native column),
# MATRIX_DISK=0 (the guests' /tmp is tmpfs instead of the ext4 disk),
# MATRIX_SMP, MATRIX_MEM (MiB).
# Needs qemu-system-x86, cpio and mkfs.ext4 (e2fsprogs); installs them with
# apt-get when missing and running as root. Never uses KVM (it hangs on this
# kind of machine).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
mx="$root/build/matrix"
GO=${GO:-go}

say() { printf 'matrix: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

mode=full
case "${1:-}" in
--smoke) mode=smoke ;;
"") ;;
*) die "usage: $0 [--smoke]" ;;
esac

# The smoke: the core tests (core_test.go) of the root package on 6.1.
smoke_run='^(TestQueueInitExit|TestQueueInitErrors|TestQueueInitParams|TestClosedRing|TestNopRoundTrip|TestFullSQ|TestPrepSQEFields|TestGetSQEInitializes|TestSQESetters|TestFileRoundTrip|TestTrapError|TestProbe|TestOpcodeName|TestVersion)$'
if [ "$mode" = smoke ]; then
	kernels=${MATRIX_KERNELS:-linux-6.1}
	run_pattern=${MATRIX_RUN:-$smoke_run}
	host=${MATRIX_HOST:-0}
	limit=${MATRIX_TIMEOUT:-300}
	out="$mx/smoke"
else
	kernels=${MATRIX_KERNELS:-linux-6.1 linux-6.12}
	run_pattern=${MATRIX_RUN:-}
	host=${MATRIX_HOST:-1}
	limit=${MATRIX_TIMEOUT:-1200}
	out="$mx/full"
fi
smp=${MATRIX_SMP:-2}
mem=${MATRIX_MEM:-2048}
disk=${MATRIX_DISK:-1}

t0=$(date +%s)

# Tools: QEMU, cpio and mkfs.ext4, installed on demand (root with apt only).
# Without mkfs.ext4 (and no way to install it) the guests' /tmp is tmpfs.
missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
# mkfs_ext4: mkfs.ext4 from PATH or the sbin folders (not in a user's PATH).
mkfs_ext4() { PATH="$PATH:/usr/sbin:/sbin" command -v mkfs.ext4; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
if [ "$disk" != 0 ] && ! mkfs_ext4 >/dev/null 2>&1; then
	if can_install; then
		missing="$missing e2fsprogs"
	else
		say "no mkfs.ext4 (apt-get install e2fsprogs): the guests' /tmp is tmpfs"
		disk=0
	fi
fi
if [ -n "$missing" ]; then
	if can_install; then
		say "installing$missing with apt-get"
		mkdir -p "$mx"
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; } \
			>"$mx/install.log" 2>&1 || die "apt-get install$missing failed (see $mx/install.log)"
	else
		die "needs$missing: apt-get install$missing"
	fi
fi
[ -f "$root/build/liburing/STAMP" ] || die "liburing is not built: run make (or ./build.sh) first"

# The same cgo settings as the Makefile's: the liburing fingerprint rebuilds
# the package when the C library changes.
export CGO_ENABLED=1
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g -DLIBURING_GO_STAMP=$(cat "$root/build/liburing/STAMP")}"

# 1. Kernels and busybox (the guest's /bin/sh).
kdirs=$("$root/matrix/fetch.sh" $kernels busybox) || die "fetching the kernels failed"
busybox_dir=$(printf '%s\n' "$kdirs" | awk -F'\t' '$1 == "busybox" { print $3 }')

# 2. Binaries: the runner (/init), test2json, the table, the test binaries.
bin="$mx/bin"
mkdir -p "$bin"
cd "$root"
CGO_ENABLED=0 $GO build -o "$bin/runner" ./matrix/runner
CGO_ENABLED=0 $GO build -o "$bin/test2json" cmd/test2json
$GO build -o "$bin/table" ./matrix/table
# Packages with tests (the matrix tooling itself excepted); the smoke runs the
# root package only.
if [ "$mode" = smoke ]; then
	pkgs=$($GO list .)
else
	pkgs=$($GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./... | grep -v '/matrix/')
fi
modpath=$($GO list -m)
static() {
	if readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; then
		die "$1 is not statically linked"
	fi
}
for pkg in $pkgs; do
	name=$(basename "$pkg")
	say "go test -c $pkg (static)"
	$GO test -c -o "$bin/$name.test" -tags netgo,osusergo \
		-ldflags '-linkmode external -extldflags -static' "$pkg"
	static "$bin/$name.test"
done
# The examples, which the tests package runs (LIBURING_GO_EXAMPLES names
# their folder, where go test would build them with the toolchain).
examples=""
if [ "$mode" = full ]; then
	examples=$($GO list ./examples/...)
	rm -rf "$bin/examples"
	mkdir -p "$bin/examples"
	say "go build ./examples/... (static)"
	for ex in $examples; do
		$GO build -o "$bin/examples/$(basename "$ex")" -tags netgo,osusergo \
			-ldflags '-linkmode external -extldflags -static' "$ex"
		static "$bin/examples/$(basename "$ex")"
	done
fi

# pkg_dir: the package's folder relative to the module root.
pkg_dir() {
	rel=${1#"$modpath"}
	echo "${rel#/}"
}

# config TEST2JSON ENV_JSON BIN_DIR SRC_ROOT [TMPDISK]: the runner's
# configuration.
config() {
	printf '{"test2json": "%s", "timeout": "15m", "tmpdisk": "%s", "env": %s, "packages": [' "$1" "${5:-}" "$2"
	sep=""
	for pkg in $pkgs; do
		name=$(basename "$pkg")
		rel=$(pkg_dir "$pkg")
		args="[]"
		[ -z "$run_pattern" ] || args="[\"-test.run=$(printf '%s' "$run_pattern" | sed 's/[\\"]/\\&/g')\"]"
		printf '%s\n {"pkg": "%s", "bin": "%s/%s.test", "dir": "%s/%s", "args": %s}' \
			"$sep" "$pkg" "$3" "$name" "$4" "$rel" "$args"
		sep=","
	done
	printf '\n]}\n'
}

# 3. The initramfs.
stage="$out/initramfs"
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/matrix/bin" "$stage/etc" "$stage/src" "$stage/root"
cp "$bin/runner" "$stage/init"
cp "$bin/test2json" "$stage/bin/test2json"
cp "$busybox_dir/busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$stage/etc/hosts"
for pkg in $pkgs; do
	name=$(basename "$pkg")
	rel=$(pkg_dir "$pkg")
	cp "$bin/$name.test" "$stage/matrix/bin/"
	mkdir -p "$stage/src/$rel"
	# The package's testdata, which go test would find in its folder.
	[ ! -d "$root/$rel/testdata" ] || cp -R "$root/$rel/testdata" "$stage/src/$rel/"
done
if [ -n "$examples" ]; then
	cp -R "$bin/examples" "$stage/matrix/examples"
	genv='["PATH=/bin", "HOME=/root", "TMPDIR=/tmp", "LIBURING_GO_EXAMPLES=/matrix/examples"]'
else
	genv='["PATH=/bin", "HOME=/root", "TMPDIR=/tmp"]'
fi
# The guest's /tmp: the first NVMe disk (below), or tmpfs.
tmpdisk=""
[ "$disk" = 0 ] || tmpdisk=/dev/nvme0n1
config /bin/test2json "$genv" /matrix/bin /src "$tmpdisk" >"$stage/matrix/config.json"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/initramfs.cpio"
say "initramfs: $(du -h "$out/initramfs.cpio" | cut -f1) ($out/initramfs.cpio)"

# 4. Each kernel under QEMU, with a time limit.
cols=""
for k in $kernels; do
	kdir=$(printf '%s\n' "$kdirs" | awk -F'\t' -v k="$k" '$1 == k { print $3 }')
	ver=$(cat "$kdir/VERSION")
	label="${ver%-*} (QEMU)"
	run="$out/runs/$k"
	rm -rf "$run"
	mkdir -p "$run"
	# A fresh, empty ext4 file system for the guest's /tmp (sparse; removed
	# after the run): a disk file system, where the tests' temporary files
	# get O_DIRECT, fadvise, RWF_NOWAIT and user xattrs as on most machines.
	set --
	if [ -n "$tmpdisk" ]; then
		img="$run/tmp.ext4"
		truncate -s 1G "$img"
		"$(mkfs_ext4)" -q -F -L matrix-tmp "$img" || die "mkfs.ext4 $img failed"
		set -- -drive "file=$img,if=none,id=tmp,format=raw,cache=unsafe" -device nvme,drive=tmp,serial=matrix-tmp
	fi
	say "$k: booting $(cat "$kdir/PACKAGE") $ver under QEMU (TCG, -cpu max, $smp CPUs, limit ${limit}s${tmpdisk:+, /tmp on an ext4 disk})"
	s=$(date +%s)
	rc=0
	timeout -k 10 "$limit" qemu-system-x86_64 -nodefaults -no-user-config -accel tcg -cpu max \
		-smp "$smp" -m "$mem" -display none -monitor none -no-reboot \
		-kernel "$kdir/vmlinuz" -initrd "$out/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4" "$@" \
		-serial "file:$run/console.log" -serial "file:$run/results.jsonl" </dev/null >"$run/qemu.log" 2>&1 || rc=$?
	secs=$(($(date +%s) - s))
	[ -z "$tmpdisk" ] || rm -f "$img"
	note=""
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		note="timeout after ${limit}s"
	elif [ "$rc" != 0 ]; then
		note="qemu exit status $rc: $(head -c 300 "$run/qemu.log" | tr '\n|=' '   ')"
	fi
	say "$k: ${secs}s${note:+, $note}; console: $run/console.log"
	grep '^matrix\( init\)\?: ' "$run/console.log" | sed "s/^/  [$k] /" | tr -d '\r' >&2 || true
	if ! grep -q '"kind":"done"' "$run/results.jsonl" 2>/dev/null; then
		say "$k: the guest did not finish; the console's last lines:"
		tail -n 30 "$run/console.log" | tr -d '\r' | sed 's/^/  | /' >&2
	fi
	cols="$cols|$label=$run/results.jsonl=$note"
done

# 5. The same binaries natively on this machine's kernel.
if [ "$host" = 1 ]; then
	run="$out/runs/host"
	rm -rf "$run"
	mkdir -p "$run"
	config "$bin/test2json" '[]' "$bin" "$root" >"$run/config.json"
	say "host: running the same binaries on $(uname -r)"
	s=$(date +%s)
	"$bin/runner" -config "$run/config.json" -out "$run/results.jsonl" >"$run/console.log" 2>&1 || true
	say "host: $(($(date +%s) - s))s"
	rel=$(uname -r)
	cols="$cols|${rel%%-*} (host)=$run/results.jsonl="
fi

# 6. The table.
say "total: $(($(date +%s) - t0))s"
echo
IFS='|'
# shellcheck disable=SC2086
set -- ${cols#|}
unset IFS
# The rows that differ from all-pass, for the README: table-changed.md.
"$bin/table" -changed -o "$out/table-changed.md" "$@" >/dev/null || true
"$bin/table" -o "$out/table.md" "$@"
