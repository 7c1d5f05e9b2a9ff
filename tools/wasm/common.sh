# shellcheck shell=bash
# The part of tools/wasm/setup and tools/wasm/build they share: where the
# Debian root is, how it is made, checked, locked, entered and deleted.
# Sourced by both (bash, `set -euo pipefail`); PROG names the caller.
#
# The rules it keeps (issue 21):
# - Nothing runs as root. mmdebstrap --mode=unshare makes the root as the
#   calling user and writes it as a tar stream, which tar unpacks as that
#   user: every file of the root is the user's, so the user can delete it.
# - Every mount is made inside a private mount namespace (`unshare --user
#   --map-root-user --mount --pid --fork --kill-child`) that dies with the
#   build. No other process sees one, and no interruption leaves one behind.
# - It deletes only a folder it made: a canonical path, a marker written into
#   the new folder before anything else, and under the lock no mount at or
#   below it. Anything else is refused, untouched.
# - A lock (flock on ROOT.lock, beside the root): one setup or build at a
#   time per root.
# - Every package is checked against Debian's archive keyring (signed-by on
#   each source line; apt refuses what it cannot verify).

# The toolchain: rustc, cargo and the wasm32 standard library from
# trixie-backports, lld from trixie. The Rust packages come from one upload
# as a set, and need a newer C library than Debian 12's, hence a root.
RUST_VERSION="1.98.1+dfsg1-1~bpo13+1"
LLD_VERSION="1:19.0-63"
SUITE=trixie
MIRROR="${ACT_LOSS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
KEYRING="${ACT_LOSS_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}"
MARKER_NAME=.act-loss-book-wasm-root
MARKER_TEXT="made by act-loss-book's tools/wasm/setup, which may delete this folder and everything in it"
STAMP_NAME=.act-loss-book-toolchain
WANT="mmdebstrap $SUITE: rustc cargo libstd-rust-dev libstd-rust-dev-wasm32 libstd-rust-1.98 $RUST_VERSION; lld $LLD_VERSION"
# Device nodes the build may use: bound one by one, never the host's /dev.
DEVICES="null zero full random urandom"
# The lock this process holds (set by lock_root only, never inherited).
ACT_LOSS_WASM_LOCKED=""

fail() {
    printf '%s: %s\n' "$PROG" "$*" >&2
    exit 1
}

need() { # need COMMAND PACKAGE: one line naming the package if COMMAND is missing
    command -v "$1" >/dev/null 2>&1 ||
        fail "'$1' not found: install Debian's '$2' package (or rustup's target: rustup target add wasm32-wasip1)"
}

# canon PATH: PATH made absolute, its existing part resolved by `cd -P`
# (symbolic links, '.', '..', repeated and trailing slashes, a leading '//'),
# the rest taken name by name.
canon() {
    local path=$1 out=/ part next
    local -a parts
    case $path in
    '' | *$'\n'*) return 1 ;;
    /*) ;;
    *) path=$PWD/$path ;;
    esac
    IFS=/ read -r -a parts <<<"$path"
    for part in "${parts[@]}"; do
        case $part in
        '' | .) continue ;;
        ..)
            out=${out%/*}
            [ -n "$out" ] || out=/
            continue
            ;;
        esac
        next=${out%/}/$part
        if [ -d "$next" ]; then
            out=$(cd -P -- "$next" && pwd -P) || return 1
            while case $out in //*) true ;; *) false ;; esac do out=${out#/}; done
        else
            out=$next
        fi
    done
    printf '%s\n' "$out"
}

# The root: ACT_LOSS_WASM_ROOT, or a folder in the user's cache.
root_path() {
    local want="${ACT_LOSS_WASM_ROOT:-${XDG_CACHE_HOME:-${HOME:?}/.cache}/act-loss-book/wasm-root}" dir
    dir=$(canon "$want") || fail "ACT_LOSS_WASM_ROOT '$want' is not a usable path"
    case $dir in
    / | "$HOME" | "${HOME%/}") fail "ACT_LOSS_WASM_ROOT '$want' names '$dir', which setup will not own" ;;
    esac
    printf '%s\n' "$dir"
}

is_ours() { # the marker this script writes first into a folder it makes
    [ -d "$1" ] && [ ! -L "$1" ] && [ -f "$1/$MARKER_NAME" ] && [ ! -L "$1/$MARKER_NAME" ] &&
        [ "$(cat -- "$1/$MARKER_NAME")" = "$MARKER_TEXT" ]
}

is_ready() {
    is_ours "$1" && [ -f "$1/$STAMP_NAME" ] && [ "$(cat -- "$1/$STAMP_NAME")" = "$WANT" ]
}

# mounts_below DIR: prints every mount point at or below DIR, as this process
# sees them (/proc/self/mountinfo, whose paths escape ' ', tab, newline and
# '\' in octal). Fails closed when the table cannot be read.
mounts_below() {
    [ -r /proc/self/mountinfo ] || fail "cannot read /proc/self/mountinfo to check for mounts below $1; touching nothing"
    DIR=$1 awk '
        function unescape(s,   out, i, c) {
            out = ""
            for (i = 1; i <= length(s); i++) {
                c = substr(s, i, 1)
                if (c == "\\" && substr(s, i + 1, 3) ~ /^[0-7][0-7][0-7]$/) {
                    c = sprintf("%c", (substr(s, i + 1, 1) * 64) + (substr(s, i + 2, 1) * 8) + substr(s, i + 3, 1))
                    i += 3
                }
                out = out c
            }
            return out
        }
        { mp = unescape($5); d = ENVIRON["DIR"]
          if (mp == d || substr(mp, 1, length(d) + 1) == d "/") print mp }
    ' /proc/self/mountinfo
}

# refuse_unless_ours DIR: for a DIR that exists, one line and exit 1 unless it
# carries the marker and nothing is mounted at or below it.
refuse_unless_ours() {
    local dir=$1 mounts
    if [ -L "$dir" ] || { [ -e "$dir" ] && ! is_ours "$dir"; }; then
        fail "'$dir' exists and was not made by tools/wasm/setup (no $MARKER_NAME in it): leaving it as it is; set ACT_LOSS_WASM_ROOT to a new folder, or remove it yourself"
    fi
    if [ -e "$dir" ]; then
        mounts=$(mounts_below "$dir")
        [ -z "$mounts" ] ||
            fail "'$dir' has something mounted at or below it ($(printf '%s' "$mounts" | tr '\n' ' ')): leaving it as it is"
    fi
}

# lock_root DIR: an exclusive lock on DIR.lock on descriptor 9, held until
# this process and the children that inherit it (the build) have ended.
lock_root() {
    [ "${ACT_LOSS_WASM_LOCKED:-}" = "$1.lock" ] && return 0
    need flock util-linux
    mkdir -p -- "$(dirname -- "$1")"
    exec 9>>"$1.lock"
    if ! flock -n 9; then
        printf '%s: waiting for another setup or build using %s\n' "$PROG" "$1" >&2
        flock 9
    fi
    ACT_LOSS_WASM_LOCKED="$1.lock"
}

# remove_root DIR: deletes a root this script made, under the lock.
remove_root() {
    local dir=$1
    [ "${ACT_LOSS_WASM_LOCKED:-}" = "$dir.lock" ] || fail "internal: remove_root without the lock"
    refuse_unless_ours "$dir"
    is_ours "$dir" || fail "internal: remove_root on '$dir'"
    # Read-only folders (unpacked with the user as owner) become writable so
    # rm can empty them; neither find nor rm follows a symbolic link.
    find "$dir" -type d ! -perm -u+w -exec chmod u+w {} + 2>/dev/null || true
    rm -rf -- "$dir"
}

# The prerequisites for making the root, each one clear line.
check_make_prerequisites() {
    local me
    need mmdebstrap mmdebstrap
    need tar tar
    need unshare util-linux
    { [ -f "$KEYRING" ] && [ -r "$KEYRING" ]; } ||
        fail "no Debian archive keyring at '$KEYRING' (install debian-archive-keyring, or set ACT_LOSS_DEBIAN_KEYRING): refusing to install packages that cannot be verified"
    if [ "$(id -u)" != 0 ]; then
        need newuidmap uidmap
        need newgidmap uidmap
        me=$(id -un)
        for f in /etc/subuid /etc/subgid; do
            { [ -r "$f" ] && awk -F: -v n="$me" -v u="$(id -u)" '($1 == n || $1 == u) && $3 >= 65536 { ok = 1 } END { exit !ok }' "$f"; } ||
                fail "no range of 65536 subordinate ids for '$me' in $f, which mmdebstrap --mode=unshare needs: as root, 'usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $me' (pick a free range)"
        done
    fi
    check_userns
}

check_userns() {
    need unshare util-linux
    unshare --user --map-root-user --mount true 2>/dev/null ||
        fail "unshare --user --map-root-user --mount fails: this kernel does not let an ordinary user make a user namespace (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)"
}

# in_root ROOT CHDIR BIND... -- COMMAND...: runs COMMAND in ROOT, in CHDIR,
# as the root of a new user namespace mapped to the calling user only (so
# whatever it writes is the caller's), with its own mount, pid and network
# namespaces (no network: the crates were fetched before). ROOT gets a new
# proc, the device nodes in DEVICES and each BIND at its own path. All of it
# ends with the namespace: when COMMAND ends, on SIGINT, SIGTERM or SIGHUP
# (pid 1 exits, which kills everything in the namespace), and when unshare
# itself is killed (--kill-child).
# After COMMAND succeeds, IN_ROOT_AFTER (a sh script, run outside the root,
# from the environment) runs in the namespace too, as the caller.
# shellcheck disable=SC2016 # expanded by the sh that runs it
IN_ROOT_INIT='
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$1 chdir=$2 after=$3
shift 3
mount -t proc proc "$root/proc"
for d in $DEVICES; do mount --bind "/dev/$d" "$root/dev/$d"; done
while [ "$1" != -- ]; do
    mkdir -p "$root$1"
    mount --bind "$1" "$root$1"
    shift
done
shift
trap "exit 130" INT
trap "exit 143" TERM
trap "exit 129" HUP
chroot "$root" /bin/sh -c "cd \"\$1\" && shift && exec \"\$@\"" sh "$chdir" "$@" &
status=0
wait $! || status=$?
[ "$status" = 0 ] || exit "$status"
[ -z "$after" ] || sh -c "$after"
'
in_root() {
    local root=$1 chdir=$2
    shift 2
    DEVICES=$DEVICES exec unshare --user --map-root-user --mount --propagation private \
        --pid --fork --kill-child --net -- \
        /bin/sh -c "$IN_ROOT_INIT" sh "$root" "$chdir" "${IN_ROOT_AFTER:-}" "$@"
}

# make_root DIR: a new Debian root in DIR (which must not exist), marked as
# ours before anything is written into it.
make_root() {
    local dir=$1 log src why opts=()
    { [ ! -e "$dir" ] && [ ! -L "$dir" ]; } || fail "internal: make_root on existing '$dir'"
    mkdir -p -- "$(dirname -- "$dir")"
    mkdir -- "$dir"
    printf '%s\n' "$MARKER_TEXT" >"$dir/$MARKER_NAME"
    log=$(mktemp "${TMPDIR:-/tmp}/act-loss-wasm-setup.XXXXXX")
    # A dated snapshot's Release files have expired; only then is their
    # Valid-Until ignored (otherwise a mirror could replay an old archive).
    case "$MIRROR" in
    *snapshot.debian.org*) opts+=(--aptopt='Acquire::Check-Valid-Until "false"') ;;
    *) [ "${ACT_LOSS_DEBIAN_SNAPSHOT:-}" != 1 ] || opts+=(--aptopt='Acquire::Check-Valid-Until "false"') ;;
    esac
    src="[signed-by=$KEYRING] $MIRROR"
    printf '%s: making a Debian %s root with Rust %s for wasm32-wasip1 in %s (about a minute, 1.2 GB)\n' \
        "$PROG" "$SUITE" "$RUST_VERSION" "$dir" >&2
    if ! mmdebstrap --mode=unshare --variant=essential --format=tar "${opts[@]}" \
        --include="rustc=$RUST_VERSION,cargo=$RUST_VERSION,libstd-rust-dev=$RUST_VERSION,libstd-rust-dev-wasm32=$RUST_VERSION,libstd-rust-1.98=$RUST_VERSION,lld=$LLD_VERSION" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        "$SUITE" - "deb $src $SUITE main" "deb $src $SUITE-backports main" 2>>"$log" |
        tar -x -C "$dir" --no-same-owner --no-same-permissions --exclude='./dev/*' 2>>"$log"; then
        remove_root "$dir"
        why=$(awk '/^E: / { print substr($0, 4); exit }' "$log")
        fail "mmdebstrap failed (${why:-no network, a package that cannot be verified with $KEYRING, or the mirror lacks a pinned version?}); removed the half-made $dir; its output is in $log"
    fi
    mkdir -p -- "$dir/proc" "$dir/dev"
    for d in $DEVICES; do : >"$dir/dev/$d"; done
    local targets
    targets=$( (in_root "$dir" / -- rustc --print target-list) 2>>"$log") || targets=""
    if ! printf '%s\n' "$targets" | grep -x wasm32-wasip1 >/dev/null; then
        remove_root "$dir"
        fail "the new root's rustc has no wasm32-wasip1 target, or cannot run; removed $dir; see $log"
    fi
    printf '%s\n' "$WANT" >"$dir/$STAMP_NAME"
    rm -f -- "$log"
}

# rustup_has_wasm: rustup's toolchain has the wasm32-wasip1 target.
rustup_has_wasm() {
    local targets
    [ "${ACT_LOSS_WASM_TOOLCHAIN:-}" != debian-root ] || return 1
    command -v rustup >/dev/null 2>&1 || return 1
    targets=$(rustup target list --installed 2>/dev/null) || return 1
    printf '%s\n' "$targets" | grep -x wasm32-wasip1 >/dev/null
}

# ensure_toolchain: sets HOW to "rustup", or to "debian-root DIR" once DIR is
# ready (made if need be); with the Debian root, the lock stays held. Call it
# in the shell that goes on to use the root, not in $(...).
ensure_toolchain() {
    local dir
    if rustup_has_wasm; then
        HOW=rustup
        return 0
    fi
    dir=$(root_path) || exit 1
    # A folder that is not ours is refused before anything is created, even
    # the lock file beside it; so is a missing prerequisite.
    refuse_unless_ours "$dir"
    is_ready "$dir" || check_make_prerequisites
    lock_root "$dir"
    refuse_unless_ours "$dir"
    if ! is_ready "$dir"; then
        [ ! -e "$dir" ] || remove_root "$dir"
        make_root "$dir"
    fi
    # shellcheck disable=SC2034 # read by the scripts that source this file
    HOW="debian-root $dir"
}
