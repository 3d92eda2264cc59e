#!/usr/bin/env bash
# tools/vm/build-guest.sh - build the numamm test guest: a Debian cloud kernel + our initramfs.
#
# Everything comes from Debian packages: the kernel is the current linux-image-*-cloud-amd64
# (the version the metapackage linux-image-cloud-amd64 depends on), fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into the build tree - never installed on
# the host. The initramfs holds busybox-static, tools/vm/init, the vfio modules in the load
# order depmod computes, our test programs with the shared libraries `ldd` says they need, and
# the static qexit helper.
#
# Outputs in --out DIR: vmlinuz, initrd.gz, image-info (what is inside). The kernel download is
# cached in DIR/kernel/<version>/, and the initramfs is rebuilt only when an input (a program,
# init, qexit, this script, the kernel version) changed. When the kernel cannot be fetched (no
# network, no apt lists), the script writes the reason to DIR/unavailable and exits 0 so that
# an offline build still succeeds; tools/vm/run-guest then reports every guest test as skipped
# with that reason.
#
# Usage: build-guest.sh --out DIR --qexit FILE [--stamp FILE] [--prog FILE]...
#   --stamp   touched only when the image is built and usable (the build system's output, so an
#             offline build tries the download again next time)
# Environment: NMM_VM_KERNEL_PKG=linux-image-<version>-cloud-amd64 pins the kernel package.
set -euo pipefail

out="" qexit="" stamp="" progs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--qexit) qexit=$2; shift 2 ;;
	--stamp) stamp=$2; shift 2 ;;
	--prog) progs+=("$2"); shift 2 ;;
	*) echo "build-guest: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] && [ -n "$qexit" ] || { echo "usage: build-guest.sh --out DIR --qexit FILE [--prog FILE]..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/kernel"
out=$(cd "$out" && pwd)

unavailable() {
	echo "build-guest: guest unavailable: $*" >&2
	echo "$*" > "$out/unavailable"
	[ -z "$stamp" ] || rm -f "$stamp"
	exit 0
}

for tool in busybox cpio gzip dpkg-deb depmod ldd; do
	command -v "$tool" >/dev/null || unavailable "'$tool' is not installed (tools/setup-deps.sh installs it)"
done
busybox=$(command -v busybox)
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	unavailable "$busybox is not static: install busybox-static"

# --- the kernel -----------------------------------------------------------------------------
kpkg=${NMM_VM_KERNEL_PKG:-}
if [ -z "$kpkg" ]; then
	kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	       awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
fi
kver=${kpkg#linux-image-}
kdir=$out/kernel/$kver
# The modules the guest loads: vfio-pci and the type1 IOMMU backend (vfio loads it by
# request_module, so no .dep names it). The cache keeps only these; another list refetches.
want_mods="vfio-pci vfio_iommu_type1"
[ "$(cat "$kdir/kept-modules" 2>/dev/null)" = "$want_mods" ] || rm -rf "$kdir"
if [ -z "$kpkg" ]; then
	# No apt lists: fall back to a kernel fetched earlier, if any.
	cached=$(ls -d "$out"/kernel/*/root/boot 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$cached" ] || unavailable "apt-cache does not know linux-image-cloud-amd64 (run apt-get update)"
	kdir=${cached%/root/boot}; kver=${kdir##*/}
	echo "build-guest: apt-cache cannot resolve linux-image-cloud-amd64; using cached kernel $kver" >&2
elif [ ! -f "$kdir/root/boot/vmlinuz-$kver" ]; then
	echo "build-guest: fetching $kpkg (apt-get download)" >&2
	rm -rf "$kdir" && mkdir -p "$kdir"
	if ! (cd "$kdir" && timeout 180 apt-get download -q "$kpkg" > apt.log 2>&1); then
		why=$(grep -E '^(E|W):' "$kdir/apt.log" | head -2 | tr '\n' ' ')
		rm -rf "$kdir"
		cached=$(ls -d "$out"/kernel/*/root/boot 2>/dev/null | sort -V | tail -1 || true)
		[ -n "$cached" ] || unavailable "apt-get download $kpkg failed: ${why:-see apt output}"
		kdir=${cached%/root/boot}; kver=${kdir##*/}
		echo "build-guest: download failed (${why}); using cached kernel $kver" >&2
	else
		dpkg-deb -x "$kdir"/"$kpkg"_*.deb "$kdir/root"
		rm -f "$kdir"/*.deb
		# The .deb ships no modules.dep: let depmod compute the dependencies, then keep only
		# vmlinuz, modules.dep and what the guest loads (~100 MB less in every build tree).
		depmod -b "$kdir/root" "$kver"
		mods=$kdir/root/lib/modules/$kver
		keep=$(awk -v want="$want_mods" 'BEGIN { k = split(want, w, " "); for (i = 1; i <= k; i++) W[w[i]] = 1 }
			{ sub(":", "", $1); n = split($1, p, "/"); b = p[n]; sub(/\.ko.*/, "", b)
			  if (b in W) for (i = 1; i <= NF; i++) print $i }' "$mods/modules.dep" | sort -u)
		mkdir "$kdir/keep"
		for m in $keep; do mkdir -p "$kdir/keep/$(dirname "$m")" && mv "$mods/$m" "$kdir/keep/$m"; done
		mv "$mods/modules.dep" "$kdir/keep/"
		rm -rf "$mods" "$kdir/root/usr" "$kdir/root/etc"
		mv "$kdir/keep" "$mods"
		echo "$want_mods" > "$kdir/kept-modules"
	fi
fi
kroot=$kdir/root
[ -f "$kroot/boot/vmlinuz-$kver" ] || unavailable "no vmlinuz in $kroot"
[ -f "$kroot/lib/modules/$kver/modules.dep" ] || unavailable "no modules.dep in $kroot"

# Each wanted module after what it depends on: modules.dep lists dependencies so that loading
# them from the last to the first works, as modprobe does.
modorder=$(awk -v want="$want_mods" '
	{ sub(":", "", $1); mod = $1; n = split(mod, p, "/"); base = p[n]; sub(/\.ko.*/, "", base)
	  deps[base] = ""; path[base] = mod
	  for (i = NF; i >= 2; i--) deps[base] = deps[base] " " $i }
	function load(m,   d, k, i, b, q) {
		if (m in done) return; done[m] = 1
		k = split(deps[m], d, " ")
		for (i = 1; i <= k; i++) { q = split(d[i], b, "/"); sub(/\.ko.*/, "", b[q]); load(b[q]) }
		print path[m]
	}
	END { k = split(want, w, " "); for (i = 1; i <= k; i++) { if (!(w[i] in path)) { print "MISSING " w[i]; exit 1 } load(w[i]) } }
' "$kroot/lib/modules/$kver/modules.dep") || unavailable "kernel $kver lacks vfio modules: $modorder"

# --- is the initramfs up to date? ---------------------------------------------------------
inputs=$( { echo "$kver"; sha256sum "$0" "$here/init" "$qexit" "$busybox" "${progs[@]}" | cut -d' ' -f1; } | sha256sum | cut -d' ' -f1)
if [ -f "$out/initrd.gz" ] && [ -f "$out/vmlinuz" ] && [ "$(cat "$out/inputs.sha256" 2>/dev/null)" = "$inputs" ]; then
	rm -f "$out/unavailable"
	[ -z "$stamp" ] || touch "$stamp"
	echo "build-guest: guest image up to date ($kver)" >&2
	exit 0
fi

# --- assemble the initramfs ---------------------------------------------------------------
ir=$out/initramfs.d
rm -rf "$ir"
mkdir -p "$ir"/{bin,proc,sys,dev,tmp,nmm/bin,nmm/modules}
cp "$busybox" "$ir/bin/busybox"
cp "$here/init" "$ir/init" && chmod 755 "$ir/init"
cp "$qexit" "$ir/bin/qexit"
for m in $modorder; do
	src=$kroot/lib/modules/$kver/$m base=${m##*/}
	case "$m" in
	*.ko) cp "$src" "$ir/nmm/modules/$base" ;;
	*.ko.xz) xz -dc "$src" > "$ir/nmm/modules/${base%.xz}"; base=${base%.xz} ;;
	*.ko.zst) zstd -qdc "$src" > "$ir/nmm/modules/${base%.zst}"; base=${base%.zst} ;;
	*) unavailable "module $m has an unknown compression" ;;
	esac
	echo "$base" >> "$ir/nmm/modules.order"
done

# Programs and, for dynamic ones, every shared object ldd resolves, at the same path.
copy_lib() {
	mkdir -p "$ir$(dirname "$1")"
	[ -e "$ir$1" ] || cp -L "$1" "$ir$1"
}
for p in "${progs[@]}"; do
	[ -f "$p" ] || { echo "build-guest: program $p does not exist" >&2; exit 1; }
	cp "$p" "$ir/nmm/bin/" && chmod 755 "$ir/nmm/bin/${p##*/}"
	head -c4 "$p" | grep -q 'ELF' || continue
	deps=$(ldd "$p" 2>&1) || true
	if echo "$deps" | grep -q 'not found'; then
		echo "build-guest: $p: missing libraries:" >&2; echo "$deps" >&2; exit 1
	fi
	for lib in $(echo "$deps" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		copy_lib "$lib"
	done
done

cp "$kroot/boot/vmlinuz-$kver" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
(cd "$ir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
{
	echo "kernel: $kpkg ($kver)"
	echo "modules: $(tr '\n' ' ' < "$ir/nmm/modules.order")"
	echo "programs: $(ls "$ir/nmm/bin" | tr '\n' ' ')"
	echo "initrd: $(stat -c %s "$out/initrd.gz") bytes"
} > "$out/image-info"
echo "$inputs" > "$out/inputs.sha256"
rm -f "$out/unavailable"
[ -z "$stamp" ] || touch "$stamp"
echo "build-guest: built guest image in $out: $(tr '\n' ';' < "$out/image-info")" >&2
