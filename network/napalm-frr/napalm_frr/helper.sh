#!/bin/sh
# napalm-frr device helper: the commit, confirm and rollback steps run here, on the device, as root,
# so that a lost SSH session can never leave a half-applied change and a revert timer outlives it.
# The driver uploads this file to $STATE/helper and calls it through sudo.
#
#   helper stage DIR          take DIR as the candidate (see "A configuration directory"), validate it
#   helper commit [SECONDS]   save the rollback point, apply the candidate; with SECONDS arm a revert
#   helper confirm            disarm the revert timer
#   helper rollback           apply the rollback point (disarms a pending revert)
#   helper revert TOKEN       (the timer) roll back if the commit TOKEN is still unconfirmed
#   helper discard            drop the candidate
#   helper pending            exit 0 while a commit waits for confirmation
#
# Exit status 0 = done; 1 = refused or failed (the device's own words on stderr).
#
# A configuration directory (the candidate, the rollback point) holds `interfaces`, `frr.conf` and
# `files.list`: one line "N<TAB>PATH" per further whole file, its content in files/N; a missing
# files/N means PATH did not exist (in a rollback point) and is removed when that point is applied.
# $STATE/managed.list is the files.list of the configuration applied last. $STATE/pristine/ keeps each
# further file as it was before napalm-frr first wrote it (PATH with / as %, or PATH.absent): a replace
# whose candidate no longer carries a file puts that original back, as a NOS returns dropped lines to
# their defaults.
set -u
STATE=/var/lib/napalm-frr
CAND=$STATE/candidate
ROLLBACK=$STATE/rollback
PENDING=$STATE/pending
LOG=$STATE/last.log
FRR_RELOAD="python3 /usr/lib/frr/frr-reload.py"
TAB=$(printf '\t')
umask 077
# The session that started us may vanish mid-commit; finishing the job matters more than reporting.
trap '' HUP PIPE

fail() {
    echo "$*" >&2
    exit 1
}

mkdir -p "$STATE"
exec 9>"$STATE/lock"
flock -w 300 9 || fail "another napalm-frr operation holds $STATE/lock"

log_tail() {
    tail -n 30 "$LOG" >&2
}

# Apply the configuration in DIR to the running device and persist it. With "restart" FRR is restarted
# from the file instead of reloaded: the restore after a failed apply uses it, because a reload that failed
# half-way can leave a daemon dead (FRR 8.4's frr-reload.py kills bgpd when it changes the remote-as of an
# interface neighbor); restarting every daemon from the restored file leaves no doubt about the state.
apply_dir() {
    dir=$1
    how=${2:-reload}
    : >"$LOG"
    install -m 644 "$dir/interfaces" /etc/network/interfaces.napalm-frr &&
        mv /etc/network/interfaces.napalm-frr /etc/network/interfaces || return 1
    echo "== ifreload -a" >>"$LOG"
    ifreload -a >>"$LOG" 2>&1 || return 1
    echo "== frr-reload.py --reload" >>"$LOG"
    # The file goes in place first and is reloaded from there: frr-reload.py then skips its closing
    # `vtysh write`, which fails now and then on a busy machine after the change itself went through.
    install -m 640 -o frr -g frr "$dir/frr.conf" /etc/frr/frr.conf.napalm-frr &&
        mv /etc/frr/frr.conf.napalm-frr /etc/frr/frr.conf || return 1
    if [ "$how" = restart ]; then
        echo "== frrinit.sh restart" >>"$LOG"
        # The daemons it starts must not inherit our lock (fd 9), or they would hold it forever.
        /usr/lib/frr/frrinit.sh restart >>"$LOG" 2>&1 9>&- || return 1
    else
        $FRR_RELOAD --reload /etc/frr/frr.conf >>"$LOG" 2>&1 || return 1
    fi
    sshd_changed=""
    : >"$STATE/managed.list.new"
    mkdir -p "$STATE/pristine"
    while IFS="$TAB" read -r n path; do
        keep=$STATE/pristine/$(printf '%s' "$path" | tr / %)
        if [ ! -e "$keep" ] && [ ! -e "$keep.absent" ]; then
            if [ -f "$path" ]; then cp -p "$path" "$keep"; else : >"$keep.absent"; fi
        fi
        if [ -f "$dir/files/$n" ]; then
            install -D -m 644 "$dir/files/$n" "$path.napalm-frr" && mv "$path.napalm-frr" "$path" || return 1
            printf '%s\t%s\n' "$n" "$path" >>"$STATE/managed.list.new"
        else
            rm -f "$path"
        fi
        case $path in /etc/ssh/*) sshd_changed=yes ;; esac
    done <"$dir/files.list"
    # Files the last configuration managed and this one does not: back to how they were at first.
    cut -f2 "$STATE/managed.list" 2>/dev/null | while read -r path; do
        cut -f2 "$dir/files.list" | grep -qxF "$path" && continue
        keep=$STATE/pristine/$(printf '%s' "$path" | tr / %)
        if [ -f "$keep" ]; then
            cp -p "$keep" "$path" || exit 1
        else
            rm -f "$path"
        fi
        echo "restored $path" >>"$LOG"
    done || return 1
    grep -q '^restored /etc/ssh/' "$LOG" && sshd_changed=yes
    mv "$STATE/managed.list.new" "$STATE/managed.list"
    if [ -n "$sshd_changed" ]; then
        echo "== sshd -t and reload" >>"$LOG"
        sshd -t >>"$LOG" 2>&1 || return 1
        # sshd re-reads its configuration on HUP; sessions that are open stay open.
        [ ! -f /run/sshd.pid ] || kill -HUP "$(cat /run/sshd.pid)" >>"$LOG" 2>&1 || return 1
    fi
    return 0
}

disarm() {
    if [ -f "$PENDING" ]; then
        read -r pid _token <"$PENDING"
        # The timer leads its own process group (setsid): end the sleep with it.
        kill -TERM -- "-$pid" 2>/dev/null
        rm -f "$PENDING"
    fi
}

validate_frr() {
    out=$(vtysh -C -f "$1" 2>&1) || fail "FRR rejects the candidate: $out"
}

cmd_stage() {
    src=$1
    # The driver's upload directory: ours to remove once read, whatever the outcome.
    trap 'rm -rf "$src"' EXIT
    [ -f "$src/interfaces" ] && [ -f "$src/frr.conf" ] && [ -f "$src/files.list" ] ||
        fail "stage: $src lacks interfaces, frr.conf or files.list"
    # An unchanged interfaces file was accepted when it was applied; checking it again costs ~0.4 s.
    if ! cmp -s "$src/interfaces" /etc/network/interfaces; then
        # ifup -s exits 1 on mere warnings (and when no interface is "auto"); its errors say "error:".
        out=$(ifup -a -s -i "$src/interfaces" 2>&1 | grep '^error:' | grep -v 'no ifaces found matching')
        [ -z "$out" ] || fail "ifupdown2 rejects the interfaces candidate: $out"
    fi
    validate_frr "$src/frr.conf"
    while IFS="$TAB" read -r n path; do
        case $path in
        /etc/ssh/sshd_config | /etc/ssh/sshd_config.d/*)
            out=$(sshd -t -f "$src/files/$n" 2>&1) || fail "sshd rejects the candidate $path: $out"
            ;;
        esac
    done <"$src/files.list"
    rm -rf "$CAND.new"
    mkdir -p "$CAND.new"
    cp -R "$src/." "$CAND.new/"
    rm -rf "$CAND"
    mv "$CAND.new" "$CAND"
}

cmd_commit() {
    revert_in=${1:-}
    [ -f "$PENDING" ] && fail "a commit is waiting for confirmation: confirm it or roll back first"
    # Staging validated the candidate, and only root can change it since.
    [ -f "$CAND/interfaces" ] && [ -f "$CAND/frr.conf" ] || fail "no candidate loaded"
    rm -rf "$ROLLBACK.new"
    mkdir -p "$ROLLBACK.new/files"
    cp /etc/network/interfaces "$ROLLBACK.new/interfaces" || fail "cannot save /etc/network/interfaces"
    vtysh -c "show running-config" | sed -n '/^frr version/,$p' >"$ROLLBACK.new/frr.conf"
    [ -s "$ROLLBACK.new/frr.conf" ] || fail "cannot read the FRR running config"
    # Every file the candidate writes or the device manages now, as it is (or its absence).
    cat "$CAND/files.list" "$STATE/managed.list" 2>/dev/null | cut -f2 | awk '!seen[$0]++' |
        { n=0; while read -r path; do
            n=$((n + 1))
            printf '%s\t%s\n' "$n" "$path"
            [ ! -f "$path" ] || cp "$path" "$ROLLBACK.new/files/$n"
        done; } >"$ROLLBACK.new/files.list"
    rm -rf "$ROLLBACK"
    mv "$ROLLBACK.new" "$ROLLBACK"
    if ! apply_dir "$CAND"; then
        echo "applying the candidate failed; restoring the rollback point:" >&2
        log_tail
        cp "$LOG" "$STATE/failed.log"
        apply_dir "$ROLLBACK" restart || fail "RESTORE FAILED too; device state is uncertain: $(tail -n 10 "$LOG")"
        fail "the device is back at the rollback point"
    fi
    rm -rf "$CAND"
    if [ -n "$revert_in" ]; then
        token=$(date +%s%N)
        # Close the lock descriptor in the timer, or it would hold the lock while it sleeps.
        setsid sh -c "sleep $revert_in; exec $STATE/helper revert $token" </dev/null >/dev/null 2>&1 9>&- &
        echo "$! $token" >"$PENDING"
    fi
}

cmd_rollback() {
    [ -f "$ROLLBACK/interfaces" ] && [ -f "$ROLLBACK/frr.conf" ] || fail "no rollback point saved on this device"
    disarm
    apply_dir "$ROLLBACK" || { log_tail; fail "rollback failed"; }
}

cmd_revert() {
    [ -f "$PENDING" ] || exit 0
    read -r _pid token <"$PENDING"
    [ "$token" = "$1" ] || exit 0
    apply_dir "$ROLLBACK"
    echo "reverted unconfirmed commit $1 at $(date -u +%FT%TZ)" >>"$LOG"
    # Only now: has_pending_commit reads this file without the lock, so it must outlast the revert.
    rm -f "$PENDING"
}

# A revert timer does not outlive the device (a restart, say): an unconfirmed commit whose timer is
# gone is reverted now, as the timer would have done. The timer's command line carries its token.
if [ -f "$PENDING" ] && [ "${1:-}" != revert ]; then
    read -r pid token <"$PENDING"
    if ! grep -qsF "$token" "/proc/$pid/cmdline"; then
        apply_dir "$ROLLBACK"
        echo "reverted unconfirmed commit $token: its revert timer was gone" >>"$LOG"
        rm -f "$PENDING"
    fi
fi

case ${1:-} in
stage) cmd_stage "$2" ;;
commit) cmd_commit "${2:-}" ;;
confirm) [ -f "$PENDING" ] || fail "no commit is waiting for confirmation"; disarm ;;
rollback) cmd_rollback ;;
revert) cmd_revert "$2" ;;
discard) rm -rf "$CAND" ;;
pending) [ -f "$PENDING" ] ;;
*) fail "usage: helper stage DIR | commit [SECONDS] | confirm | rollback | revert TOKEN | discard | pending" ;;
esac
