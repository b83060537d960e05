#!/bin/sh
# matrix/fetch.sh: fetch the guest kernels (and a static busybox for the
# guest's /bin/sh) of the kernel matrix from Debian's archive, with apt-get,
# into build/matrix/debs/, and unpack what the matrix uses into
# build/matrix/kernels/<name>/.
#
# The archive is the one this machine's own apt sources use (no host name is
# written into the project); a temporary sources list and apt state under
# build/matrix/apt name the two suites, as build.sh does for the liburing
# fallback. Versions are pinned below. When a pinned version has left the
# suite, the newest package of the same series is taken instead and the
# version used is printed. Everything is cached: once unpacked, nothing is
# fetched again until a pin changes (rm -rf build/matrix/kernels to refetch).
#
# Usage: matrix/fetch.sh [name ...]   (default: every entry of the pins)
# Prints, for each entry, "name<TAB>version<TAB>directory" on stdout.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
mx="$root/build/matrix"

# The pins: name, suite, package, version, series (a shell pattern of package
# names) and version series (a shell pattern of versions), what to unpack.
pins() {
	cat <<'EOF'
linux-6.1	bookworm	linux-image-6.1.0-47-cloud-amd64-unsigned	6.1.170-3	linux-image-6.1.0-*-cloud-amd64-unsigned	6.1.*	kernel
linux-6.12	trixie	linux-image-6.12.117+deb13-cloud-amd64-unsigned	6.12.117-1	linux-image-6.12.*-cloud-amd64-unsigned	6.12.*	kernel
busybox	bookworm	busybox-static	1:1.35.0-4+deb12u1+b1	busybox-static	1:1.35.*	busybox
EOF
}

say() { printf 'matrix/fetch.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# apt's own idea of the Debian archive this machine uses: the REPO_URI of its
# main suite (the same query as build.sh's).
debian_archive_uri() {
	command -v apt-get >/dev/null 2>&1 || return 1
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null |
		awk '$3 == "deb" && $2 !~ /-/ && $1 !~ /security/ { print $1; exit }'
}

apt_dir="$mx/apt"
apt_ready=""

# apt_setup writes the temporary sources list (the suites of the entries
# asked for, binary packages, main) and reads the archive's indexes once.
apt_setup() {
	[ -z "$apt_ready" ] || return 0
	uri=$(debian_archive_uri) || true
	[ -n "${uri:-}" ] || die "no Debian archive found in this machine's apt sources"
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d"
	: >"$apt_dir/status"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	if [ -f "$keyring" ]; then opt="signed-by=$keyring"; else opt="trusted=yes"; fi
	for suite in $suites; do
		echo "deb [$opt] $uri $suite main"
	done >"$apt_dir/etc/sources.list"
	say "reading the package lists of $suites from $uri"
	apt_opts="-o Dir::Etc::SourceList=$apt_dir/etc/sources.list -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=$apt_dir/etc/preferences -o Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d
		-o Dir::State::Lists=$apt_dir/lists -o Dir::State::status=$apt_dir/status -o Dir::Cache=$apt_dir/cache
		-o Acquire::Languages=none -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
		-o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
		-o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false
		-o Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false -o Debug::NoLocking=1 -o APT::Sandbox::User=root -q"
	# shellcheck disable=SC2086
	apt-get $apt_opts update >"$apt_dir/update.log" 2>&1 || die "apt-get update failed (see $apt_dir/update.log)"
	apt_ready=1
}

# versions_of pattern suite: "package version" of every package whose name
# matches the shell pattern, as the given suite offers it.
versions_of() {
	# shellcheck disable=SC2086
	for p in $(apt-cache $apt_opts pkgnames "${1%%\**}" 2>/dev/null); do
		# shellcheck disable=SC2254
		case "$p" in $1) echo "$p" ;; esac
	done | sort -u | while read -r p; do
		# shellcheck disable=SC2086
		apt-cache $apt_opts madison "$p" 2>/dev/null |
			awk -F' *[|] *' -v suite="$2" '{ split($3, a, " "); if (a[2] ~ "^" suite "/") print $1, $2 }'
	done | sed 's/^ *//' | sort -u
}

# pick name suite pkg ver series vseries: prints "package version" to fetch.
pick() {
	avail=$(versions_of "$5" "$2")
	if printf '%s\n' "$avail" | grep -qxF "$3 $4"; then
		echo "$3 $4"
		return
	fi
	best=$(printf '%s\n' "$avail" | while read -r p v; do
		# shellcheck disable=SC2254
		case "$v" in $6) echo "$p $v" ;; esac
	done | sort -k2,2V | tail -n 1)
	[ -n "$best" ] || die "$1: pinned $3 $4 is gone from $2 and no package of the series $5 ($6) is left"
	say "$1: pinned $3 $4 is gone from $2; using the newest of the series: $best"
	echo "$best"
}

fetch_one() { # name suite pkg ver series vseries kind
	dir="$mx/kernels/$1"
	if [ -f "$dir/VERSION" ] && [ "$(cat "$dir/PIN" 2>/dev/null)" = "$3=$4" ]; then
		printf '%s\t%s\t%s\n' "$1" "$(cat "$dir/VERSION")" "$dir"
		return
	fi
	apt_setup
	picked=$(pick "$@") || exit 1
	set -- "$@" "$picked"
	pkg=${8% *}
	ver=${8#* }
	debs="$mx/debs"
	mkdir -p "$debs"
	say "$1: apt-get download $pkg=$ver (suite $2)"
	# shellcheck disable=SC2086
	(cd "$debs" && apt-get $apt_opts download "$pkg=$ver") >"$apt_dir/download-$1.log" 2>&1 ||
		die "apt-get download $pkg=$ver failed (see $apt_dir/download-$1.log)"
	deb=$(ls "$debs/${pkg}_"*"_amd64.deb" 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "$1: no .deb for $pkg in $debs"
	unpack="$mx/unpack-$1"
	rm -rf "$unpack" "$dir"
	mkdir -p "$dir"
	dpkg -x "$deb" "$unpack"
	case "$7" in
	kernel)
		set -- "$@" "$(ls "$unpack"/boot/vmlinuz-* | head -n 1)"
		[ -f "$9" ] || die "$1: no /boot/vmlinuz-* in $deb"
		cp "$9" "$dir/vmlinuz"
		basename "$9" | sed 's/^vmlinuz-//' >"$dir/RELEASE"
		;;
	busybox)
		cp "$unpack/bin/busybox" "$dir/busybox"
		;;
	esac
	rm -rf "$unpack" "$deb"
	echo "$3=$4" >"$dir/PIN"
	echo "$pkg" >"$dir/PACKAGE"
	echo "$ver" >"$dir/VERSION"
	say "$1: $pkg $ver unpacked into $dir"
	printf '%s\t%s\t%s\n' "$1" "$ver" "$dir"
}

want="$*"
found=""
pins_file="$mx/pins.tsv"
mkdir -p "$mx"
pins | while IFS='	' read -r name suite rest; do
	if [ -n "$want" ]; then
		case " $want " in *" $name "*) ;; *) continue ;; esac
	fi
	printf '%s\t%s\t%s\n' "$name" "$suite" "$rest"
done >"$pins_file"
suites=$(cut -f2 "$pins_file" | sort -u | tr '\n' ' ')
suites=${suites% }
while IFS='	' read -r name suite pkg ver series vseries kind; do
	if [ -n "$want" ]; then
		case " $want " in *" $name "*) ;; *) continue ;; esac
	fi
	found="$found $name"
	fetch_one "$name" "$suite" "$pkg" "$ver" "$series" "$vseries" "$kind"
done <"$pins_file"
[ -n "$found" ] || die "no pin named: $want"
