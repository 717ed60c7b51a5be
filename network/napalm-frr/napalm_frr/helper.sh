#!/bin/sh
# napalm-frr device helper: the commit, confirm and rollback steps run here, on the device, as root,
# so that a lost SSH session can never leave a half-applied change and a revert timer outlives it.
# The driver uploads this file to $STATE/helper and calls it through sudo.
#
#   helper stage DIR          take DIR/interfaces and DIR/frr.conf as the candidate, validate both
#   helper commit [SECONDS]   save the rollback point, apply the candidate; with SECONDS arm a revert
#   helper confirm            disarm the revert timer
#   helper rollback           apply the rollback point (disarms a pending revert)
#   helper revert TOKEN       (the timer) roll back if the commit TOKEN is still unconfirmed
#   helper discard            drop the candidate
#
# Exit status 0 = done; 1 = refused or failed (the device's own words on stderr).
set -u
STATE=/var/lib/napalm-frr
CAND=$STATE/candidate
ROLLBACK=$STATE/rollback
PENDING=$STATE/pending
LOG=$STATE/last.log
FRR_RELOAD="python3 /usr/lib/frr/frr-reload.py"
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

# Apply the two files in DIR to the running device and persist them.
apply_dir() {
    dir=$1
    : >"$LOG"
    install -m 644 "$dir/interfaces" /etc/network/interfaces.napalm-frr &&
        mv /etc/network/interfaces.napalm-frr /etc/network/interfaces || return 1
    echo "== ifreload -a" >>"$LOG"
    ifreload -a >>"$LOG" 2>&1 || return 1
    echo "== frr-reload.py --reload" >>"$LOG"
    # frr-reload.py also writes the resulting running config to /etc/frr/frr.conf.
    $FRR_RELOAD --reload "$dir/frr.conf" >>"$LOG" 2>&1 || return 1
    chown frr:frr /etc/frr/frr.conf 2>/dev/null
    chmod 640 /etc/frr/frr.conf
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
    [ -f "$src/interfaces" ] && [ -f "$src/frr.conf" ] || fail "stage: $src lacks interfaces or frr.conf"
    # ifup -s exits 1 on mere warnings (and when no interface is "auto"); its errors say "error:".
    out=$(ifup -a -s -i "$src/interfaces" 2>&1 | grep '^error:' | grep -v 'no ifaces found matching')
    [ -z "$out" ] || fail "ifupdown2 rejects the interfaces candidate: $out"
    validate_frr "$src/frr.conf"
    rm -rf "$CAND.new"
    mkdir -p "$CAND.new"
    cp "$src/interfaces" "$src/frr.conf" "$CAND.new/"
    rm -rf "$CAND"
    mv "$CAND.new" "$CAND"
}

cmd_commit() {
    revert_in=${1:-}
    [ -f "$PENDING" ] && fail "a commit is waiting for confirmation: confirm it or roll back first"
    [ -f "$CAND/interfaces" ] && [ -f "$CAND/frr.conf" ] || fail "no candidate loaded"
    validate_frr "$CAND/frr.conf"
    rm -rf "$ROLLBACK.new"
    mkdir -p "$ROLLBACK.new"
    cp /etc/network/interfaces "$ROLLBACK.new/interfaces" || fail "cannot save /etc/network/interfaces"
    vtysh -c "show running-config" | sed -n '/^frr version/,$p' >"$ROLLBACK.new/frr.conf"
    [ -s "$ROLLBACK.new/frr.conf" ] || fail "cannot read the FRR running config"
    rm -rf "$ROLLBACK"
    mv "$ROLLBACK.new" "$ROLLBACK"
    if ! apply_dir "$CAND"; then
        echo "applying the candidate failed; restoring the rollback point:" >&2
        log_tail
        cp "$LOG" "$STATE/failed.log"
        apply_dir "$ROLLBACK" || fail "RESTORE FAILED too; device state is uncertain: $(tail -n 10 "$LOG")"
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

case ${1:-} in
stage) cmd_stage "$2" ;;
commit) cmd_commit "${2:-}" ;;
confirm) [ -f "$PENDING" ] || fail "no commit is waiting for confirmation"; disarm ;;
rollback) cmd_rollback ;;
revert) cmd_revert "$2" ;;
discard) rm -rf "$CAND" ;;
*) fail "usage: helper stage DIR | commit [SECONDS] | confirm | rollback | revert TOKEN | discard" ;;
esac
