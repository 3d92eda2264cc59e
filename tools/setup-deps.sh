#!/usr/bin/env bash
# Installs the Debian packages numamm needs, only those that are missing.
# Called by tools/run-tests and tools/run-bench; safe to run again.
set -euo pipefail

pkgs=(
  build-essential cmake g++ clang pkg-config
  libclang-rt-14-dev   # libFuzzer and the sanitizer runtimes for clang (tools/run-fuzz)
  libnuma-dev numactl libhwloc-dev hwloc-nox
  libbenchmark-dev liburing-dev liburcu-dev systemtap-sdt-dev linux-perf
  valgrind gnuplot-nox
  tmux                 # tests/stats drive numamm-top in a real terminal
  # QEMU guest harness (tests/vm): the guest kernel is fetched with apt-get download.
  qemu-system-x86 busybox-static cpio kmod
  # peers for the benchmarks
  libjemalloc-dev libgoogle-perftools-dev libmimalloc-dev
  # real programs the drop-in malloc runs under LD_PRELOAD (tests/malloc, bench/malloc)
  python3 libpython3.11-testsuite sqlite3 git redis-server redis-tools time   # testsuite: python3 -m test
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
