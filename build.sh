#!/bin/sh
# build.sh: find liburing's C source, build its static library out of tree, and
# install headers and liburing.a under build/liburing/ for cgo to link.
#
# Source, in this order (the first that is found wins):
#   1. $LIBURING_SRC, a liburing source tree (release 2.6 or newer);
#   2. the git submodule third_party/liburing (tag liburing-2.6), checked out on
#      demand with `git submodule update --init`;
#   3. offline fallback: the upstream release that Debian ships as its source
#      package `liburing` 2.9 (suite trixie), downloaded with apt-get from the
#      archive this machine's apt sources already use, checked by sha256;
#   4. otherwise: stop and say what to do.
#
# Nothing is written into the source tree: it is copied to build/work and built
# there. When the source has not changed since the last build, nothing is done.
set -eu

root=$(cd "$(dirname "$0")" && pwd)
build="$root/build"
out="$build/liburing"
min_major=2
min_minor=6

# The Debian fallback: upstream tag liburing-2.9, byte-identical orig tarball.
deb_pkg=liburing
deb_suite=trixie
deb_upstream=2.9
deb_sha256=57e9b36e4ac1e46b8e0351dfb1694dc59638fc25e384b4ba36d87b800b16db1a

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

is_liburing_tree() {
	[ -f "$1/configure" ] && [ -f "$1/src/include/liburing.h" ] && [ -f "$1/liburing.spec" ]
}

tree_version() {
	awk '/^Version:/ { print $2; exit }' "$1/liburing.spec"
}

# apt's own idea of the Debian archive this machine uses (no host name is
# written into the project): the REPO_URI of its main suite.
debian_archive_uri() {
	command -v apt-get >/dev/null 2>&1 || return 1
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null |
		awk '$3 == "deb" && $2 !~ /-/ && $1 !~ /security/ { print $1; exit }'
}

fetch_debian_source() {
	dst="$build/debian-src"
	tarball="$dst/${deb_pkg}_${deb_upstream}.orig.tar.gz"
	if [ ! -f "$tarball" ]; then
		uri=$(debian_archive_uri) || true
		[ -n "${uri:-}" ] || { say "no Debian archive found in this machine's apt sources"; return 1; }
		say "offline fallback: Debian source package $deb_pkg $deb_upstream-* (suite $deb_suite) from $uri"
		apt_dir="$build/apt"
		rm -rf "$apt_dir"
		mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d" "$dst"
		: >"$apt_dir/status"
		keyring=/usr/share/keyrings/debian-archive-keyring.gpg
		if [ -f "$keyring" ]; then opt="signed-by=$keyring"; else opt="trusted=yes"; fi
		echo "deb-src [$opt] $uri $deb_suite main" >"$apt_dir/etc/sources.list"
		set -- -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" \
			-o Dir::Etc::SourceParts=/dev/null \
			-o "Dir::Etc::Preferences=$apt_dir/etc/preferences" \
			-o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d" \
			-o "Dir::State::Lists=$apt_dir/lists" \
			-o "Dir::State::status=$apt_dir/status" \
			-o "Dir::Cache=$apt_dir/cache" \
			-o Debug::NoLocking=1 -o APT::Sandbox::User=root -q
		apt-get "$@" update >"$apt_dir/update.log" 2>&1 || { say "apt-get update failed (see $apt_dir/update.log)"; return 1; }
		ver=$(apt-cache "$@" showsrc "$deb_pkg" 2>/dev/null | awk '/^Version:/ { print $2 }' | grep "^$deb_upstream-" | head -n 1)
		[ -n "$ver" ] || { say "suite $deb_suite offers no $deb_pkg $deb_upstream-*"; return 1; }
		(cd "$dst" && apt-get "$@" source --download-only "$deb_pkg=$ver") >"$apt_dir/source.log" 2>&1 ||
			{ say "apt-get source failed (see $apt_dir/source.log)"; return 1; }
	fi
	sum=$(sha256sum "$tarball" | cut -d' ' -f1)
	if [ "$sum" != "$deb_sha256" ]; then
		rm -f "$tarball"
		die "sha256 mismatch for $tarball: got $sum, want $deb_sha256"
	fi
	rm -rf "$dst/tree"
	mkdir -p "$dst/tree"
	tar -xzf "$tarball" -C "$dst/tree" --strip-components=1
	echo "$dst/tree"
}

# 1-4: choose the source tree.
src=""
kind=""
if [ -n "${LIBURING_SRC:-}" ]; then
	is_liburing_tree "$LIBURING_SRC" || die "LIBURING_SRC=$LIBURING_SRC is not a liburing source tree"
	src=$(cd "$LIBURING_SRC" && pwd)
	kind="LIBURING_SRC"
else
	sub="$root/third_party/liburing"
	if ! is_liburing_tree "$sub" && [ -e "$root/.git" ] && [ -f "$root/.gitmodules" ]; then
		say "checking out the submodule third_party/liburing"
		mkdir -p "$build"
		if ! (cd "$root" && GIT_TERMINAL_PROMPT=0 timeout 120 git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=20 \
			submodule update --init third_party/liburing) >"$build/submodule.log" 2>&1; then
			say "submodule checkout failed, offline? ($(grep -m1 'fatal:' "$build/submodule.log" || echo "see $build/submodule.log"))"
		fi
	fi
	if is_liburing_tree "$sub"; then
		src="$sub"
		kind="submodule third_party/liburing"
	elif fetched=$(fetch_debian_source) && [ -n "$fetched" ]; then
		src="$fetched"
		kind="Debian source package $deb_pkg $deb_upstream (offline fallback)"
	fi
fi
if [ -z "$src" ]; then
	die "no liburing source found. Do one of:
  git submodule update --init third_party/liburing     (needs access to the code host)
  LIBURING_SRC=/path/to/liburing make                  (a liburing >= $min_major.$min_minor source tree)
  make with apt access to a Debian archive             (fetches liburing $deb_upstream from suite $deb_suite)
  or build with -tags liburing_system against an installed liburing >= $min_major.$min_minor"
fi

version=$(tree_version "$src")
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
if [ "$major" -lt "$min_major" ] || { [ "$major" -eq "$min_major" ] && [ "$minor" -lt "$min_minor" ]; }; then
	die "liburing $version at $src is too old: need $min_major.$min_minor or newer"
fi

# Fingerprint of what the library is built from: every file under src/ plus
# the files configure reads, and the compiler.
cc=${CC:-gcc}
stamp=$(
	cd "$src" && {
		find src configure Makefile Makefile.common liburing.spec -type f ! -name '*.o*' ! -name '*.a' ! -name '*.so*' \
			! -name '*.d' ! -path 'src/include/liburing/compat.h' ! -path 'src/include/liburing/io_uring_version.h' \
			-print | LC_ALL=C sort | xargs sha256sum
		"$cc" --version | head -n 1
	} | sha256sum | cut -c1-16
)

if [ -f "$out/STAMP" ] && [ "$(cat "$out/STAMP")" = "$stamp" ] && [ -f "$out/lib/liburing.a" ]; then
	say "liburing $version up to date ($kind: $src)"
	exit 0
fi

say "building liburing $version from $kind: $src"
work="$build/work"
rm -rf "$work" "$out"
mkdir -p "$work" "$out/lib"
(cd "$src" && tar --exclude=.git -cf - .) | (cd "$work" && tar -xf -)
jobs=$(nproc 2>/dev/null || echo 2)
(
	cd "$work"
	./configure --cc="$cc" >configure.log 2>&1 || { cat configure.log >&2; exit 1; }
	make -s -C src -j"$jobs" ENABLE_SHARED=0 LIBURING_CFLAGS=-fPIC liburing.a >make.log 2>&1 || { cat make.log >&2; exit 1; }
)
cp -R "$work/src/include" "$out/include"
cp "$work/src/liburing.a" "$out/lib/liburing.a"
echo "$version" >"$out/VERSION"
echo "$kind: $src" >"$out/SOURCE"
echo "$stamp" >"$out/STAMP"
say "built liburing $version into $out"
