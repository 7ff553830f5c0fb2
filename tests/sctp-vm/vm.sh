#!/usr/bin/env bash
# Run a command on a kernel that has SCTP: Debian's kernel (SCTP as a module) booted in QEMU,
# with the host's whole filesystem as the guest's root (read-only 9p) so the host's own
# programs run there unchanged (../../../shared/SCTP-VM-NOTES.md has the recipe).
#
#   tests/sctp-vm/vm.sh CMD [ARG...]
#
# The command runs as root under chroot in the host's current directory, with a writable
# tmpfs on /run (HOME and TMPDIR point there; the host's /tmp is visible read-only) and the
# loopback up with 127.0.0.1 and 127.0.0.2. Its output streams to stdout; the script exits
# with its status. SCTP_VM_OUT (default $target/sctp-vm/out) is writable in the guest at the
# same path, for artifacts (captures, logs) to outlive the VM.
#
# What it needs: qemu-system-x86_64, cpio, gzip, a static busybox and a /boot/vmlinuz-* whose
# /lib/modules has sctp.ko. Missing ones are installed with apt-get (Debian packages
# qemu-system-x86 linux-image-amd64 busybox-static cpio) when we are root, unless
# SCTP_VM_INSTALL=0. When they still cannot be had it says why and exits 77 (skipped); under
# CI (the CI variable set) that is a failure, exit 1.
#
# Environment: SCTP_VM_TIMEOUT (seconds for the whole VM, 900), SCTP_VM_MEM (MiB, 1536),
# SCTP_VM_SMP (virtual CPUs, 2), SCTP_VM_KEEP=1 keeps the per-run directory. Passed into the
# guest: PATH, CI, RUST_BACKTRACE, RUST_LOG, PYTHON*, and every SCPD_*, SCTP_*, INTEROP_*.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
work=$target/sctp-vm
export SCTP_VM_OUT=${SCTP_VM_OUT:-$work/out}
timeout_s=${SCTP_VM_TIMEOUT:-900}

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARG...]" >&2; exit 2; }

skip() {
    if [ -n "${CI:-}" ]; then
        echo "sctp-vm: FAILED: $* (CI is set: a missing VM is a failure)" >&2
        exit 1
    fi
    echo "sctp-vm: SKIPPED: $*" >&2
    exit 77
}

# The newest installed kernel that has SCTP as a module (or built in).
find_kernel() {
    local k v
    for k in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -rV); do
        v=${k#/boot/vmlinuz-}
        [ -r "$k" ] || continue
        if ls /lib/modules/"$v"/kernel/net/sctp/sctp.ko* >/dev/null 2>&1; then
            echo "$v"
            return 0
        fi
    done
    return 1
}

static_busybox() {
    local b
    for b in /bin/busybox /usr/bin/busybox; do
        [ -x "$b" ] || continue
        # busybox-static is not linked against libc; the dynamic busybox package is.
        if ! ldd "$b" >/dev/null 2>&1; then
            echo "$b"
            return 0
        fi
    done
    return 1
}

missing() {
    local m=()
    command -v qemu-system-x86_64 >/dev/null || m+=(qemu-system-x86)
    command -v cpio >/dev/null || m+=(cpio)
    static_busybox >/dev/null || m+=(busybox-static)
    find_kernel >/dev/null || m+=(linux-image-amd64)
    echo "${m[@]:-}"
}

need=$(missing)
if [ -n "$need" ] && [ "${SCTP_VM_INSTALL:-1}" != 0 ] && [ "$(id -u)" = 0 ] &&
    command -v apt-get >/dev/null; then
    echo "sctp-vm: installing $need" >&2
    # shellcheck disable=SC2086
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2 || true
    fi
    need=$(missing)
fi
# Ubuntu installs kernels readable by root only: say so rather than "install it".
if [[ " $need " == *" linux-image-amd64 "* ]]; then
    for k in /boot/vmlinuz-*; do
        [ -e "$k" ] && [ ! -r "$k" ] && skip "$k is not readable by $(id -un) (run as root)"
    done
fi
[ -z "$need" ] || skip "needs $need (Debian: apt-get install --no-install-recommends qemu-system-x86 linux-image-amd64 busybox-static cpio)"

kver=$(find_kernel)
busybox=$(static_busybox)
mods=/lib/modules/$kver

# Modules in load order, resolved from modules.dep (each after its dependencies).
# crc32c_generic is libcrc32c's soft dependency, which modules.dep does not list.
declare -A seen=()
order=()
add_module() {
    local name=$1 path deps d
    path=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$mods/modules.dep" | head -1 | cut -d: -f1)
    if [ -z "$path" ]; then
        # Built into this kernel: nothing to load.
        grep -qE "(^|/)${name}\.ko" "$mods/modules.builtin" 2>/dev/null && return 0
        skip "kernel $kver has no module $name"
    fi
    [ -z "${seen[$path]:-}" ] || return 0
    seen[$path]=1
    deps=$(grep -E "^${path//./\\.}:" "$mods/modules.dep" | cut -d: -f2)
    for d in $deps; do
        d=${d##*/}
        add_module "${d%%.ko*}"
    done
    order+=("$path")
}
for m in crc32c_generic sctp virtio_pci 9pnet_virtio 9p; do
    add_module "$m"
done

mkdir -p "$work" "$SCTP_VM_OUT"
stamp=$( (echo "$kver ${order[*]}"; cat "$0") | sha256sum | cut -c1-12)
initrd=$work/initramfs-$kver-$stamp.cpio.gz
if [ ! -s "$initrd" ]; then
    rm -f "$work"/initramfs-*.cpio.gz
    tree=$(mktemp -d "$work/initramfs.XXXXXX")
    mkdir -p "$tree"/{bin,dev,proc,sys,host,mod}
    cp "$busybox" "$tree/bin/busybox"
    : >"$tree/modules"
    for p in "${order[@]}"; do
        n=${p##*/}
        case $n in
        *.ko.xz) xz -dc "$mods/$p" >"$tree/mod/${n%.xz}" ;;
        *.ko.zst) zstd -qdc "$mods/$p" >"$tree/mod/${n%.zst}" ;;
        *.ko.gz) gzip -dc "$mods/$p" >"$tree/mod/${n%.gz}" ;;
        *) cp "$mods/$p" "$tree/mod/$n" ;;
        esac
        echo "${n%.ko*}.ko" >>"$tree/modules"
    done
    cp "$here/init" "$tree/init"
    chmod 755 "$tree/init"
    (cd "$tree" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
    mv "$initrd.tmp" "$initrd"
    rm -rf "$tree"
fi

# The command, as a script the guest runs with the host's bash in the host's directory.
run=$(mktemp -d "$work/run.XXXXXX")
cleanup() {
    [ -n "${SCTP_VM_KEEP:-}" ] || rm -rf "$run"
}
trap cleanup EXIT
{
    echo "export HOME=/run/home TMPDIR=/run/tmp"
    echo "mkdir -p \"\$HOME\" \"\$TMPDIR\""
    while IFS= read -r var; do
        printf 'export %s=%q\n' "$var" "${!var}"
    done < <(compgen -e | grep -E '^(PATH|CI|RUST_BACKTRACE|RUST_LOG|PYTHON[A-Z_]*|SCPD_[A-Z0-9_]*|SCTP_[A-Z0-9_]*|INTEROP_[A-Z0-9_]*|CARGO_TARGET_DIR)$')
    printf 'cd %q\n' "$PWD"
    printf 'exec'
    printf ' %q' "$@"
    echo
} >"$run/cmd"

log=$run/console.log
echo "sctp-vm: booting $kver (QEMU TCG) for: $*" >&2
t0=$(date +%s)
set +e
# The guest prints SCTP-VM-START before the command and SCTP-VM-EXIT <status> after it;
# the console before START (boot, module loading) is only shown when something fails.
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
    -accel tcg -cpu max -smp "${SCTP_VM_SMP:-2}" -m "${SCTP_VM_MEM:-1536}" \
    -nographic -monitor none -serial stdio -no-reboot -nic none \
    -kernel "/boot/vmlinuz-$kver" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 scpdvm.cmd=$run/cmd scpdvm.out=$SCTP_VM_OUT" \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$SCTP_VM_OUT,mount_tag=out,security_model=none" \
    </dev/null 2>&1 | tr -d '\r' | tee "$log" | sed -u -n '/SCTP-VM-START$/,/SCTP-VM-EXIT [0-9]*$/{/SCTP-VM-START$/d;/^SCTP-VM-EXIT [0-9]*$/d;s/SCTP-VM-EXIT [0-9]*$//;p}'
qrc=${PIPESTATUS[0]}
set -e
status=$(sed -n 's/.*SCTP-VM-EXIT \([0-9]*\)$/\1/p' "$log" | tail -1)
echo "sctp-vm: VM ran $(($(date +%s) - t0)) s" >&2
if [ -z "$status" ]; then
    echo "sctp-vm: the guest did not report an exit status (QEMU exit $qrc; timeout ${timeout_s}s); console:" >&2
    tail -n 60 "$log" >&2
    exit 1
fi
exit "$status"
