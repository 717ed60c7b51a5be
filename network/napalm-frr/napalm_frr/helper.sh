#!/bin/sh
# napalm-frr device helper: the commit, confirm and rollback steps run here, on the device, as root,
# so that a lost SSH session can never leave a half-applied change and a revert timer outlives it.
# The driver uploads this file to $STATE/helper and calls it through sudo.
#
#   helper stage SESSION DIR        take DIR as SESSION's candidate (see "A configuration directory"), validate it
#   helper commit SESSION [SECONDS] save the rollback point, apply SESSION's candidate; with SECONDS arm a revert
#   helper confirm SESSION          disarm the revert timer of SESSION's commit
#   helper rollback SESSION         apply the rollback point, then disarm a pending revert
#   helper revert TOKEN             (the timer) roll back if the commit TOKEN is still unconfirmed
#   helper discard SESSION          drop SESSION's candidate
#   helper pending                  exit 0 while a commit waits for confirmation (its owner on stdout)
#
# Exit status 0 = done; 1 = refused or failed (the device's own words on stderr).
#
# Each driver session (SESSION, a random id) has its own candidate in $STATE/candidates/SESSION, so a
# plan or drift never touches the candidate of an apply in flight. A commit armed with SECONDS is the
# device's change lock: $STATE/pending names its session and deadline, and until it is confirmed,
# rolled back by that session or reverted by its timer, every other session's commit, confirm and
# rollback is refused -- whichever checkout or machine it comes from.
#
# A configuration directory (a candidate, the rollback point) holds `interfaces`, `frr.conf` and
# `files.list`: one line "N<TAB>PATH" per further whole file, its content in files/N; a missing
# files/N means PATH did not exist (in a rollback point) and is removed when that point is applied.
# $STATE/managed.list is the files.list of the configuration applied last. $STATE/pristine/ keeps each
# further file as it was before napalm-frr first wrote it (PATH with / as %, or PATH.absent): a replace
# whose candidate no longer carries a file puts that original back, as a NOS returns dropped lines to
# their defaults.
set -u
STATE=/var/lib/napalm-frr
CANDIDATES=$STATE/candidates
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

# "VRF VNI" for each `vrf VRF / vni VNI` (an L3VNI) in the FRR config on stdin.
l3vnis() {
    awk '/^vrf /{vrf=$2} /^ vni /{if (vrf != "") print vrf, $2} /^exit-vrf/{vrf=""}' | sort
}

# Unconfigure the running L3VNIs that the config in FILE no longer has, before frr-reload.py runs: it
# removes `router bgp ASN vrf VRF` first, which FRR 8.4 refuses while the VRF still has its L3VNI
# ("% Please unconfigure l3vni"), so taking a zone away would fail half-way. RUNNING is the running
# config when the caller has just read it (a commit's rollback point); otherwise it is read here.
release_l3vnis() {
    if [ -n "${2:-}" ]; then l3vnis <"$2"; else vtysh -c "show running-config" | l3vnis; fi >"$STATE/l3vnis.running"
    l3vnis <"$1" | comm -23 "$STATE/l3vnis.running" - | while read -r vrf vni; do
        echo "== vrf $vrf: no vni $vni (before the reload removes its BGP instance)" >>"$LOG"
        vtysh -c "configure terminal" -c "vrf $vrf" -c "no vni $vni" >>"$LOG" 2>&1 || exit 1
    done
}

# Apply the configuration in DIR to the running device and persist it. With "restart" FRR is restarted
# from the file instead of reloaded: the restore after a failed apply uses it, because a reload that failed
# half-way can leave a daemon dead (FRR 8.4's frr-reload.py kills bgpd when it changes the remote-as of an
# interface neighbor); restarting every daemon from the restored file leaves no doubt about the state.
apply_dir() {
    dir=$1
    how=${2:-reload}
    running=${3:-}
    # A reload whose interfaces file is the one in place skips ifreload (ifupdown2 in a user-mode-Linux
    # switch spends 10-15 s of CPU on it); a restart always runs it, to leave no doubt after a failure.
    if [ "$how" = reload ] && cmp -s "$dir/interfaces" /etc/network/interfaces; then
        echo "== interfaces unchanged: no ifreload" >>"$LOG"
    else
        install -m 644 "$dir/interfaces" /etc/network/interfaces.napalm-frr &&
            mv /etc/network/interfaces.napalm-frr /etc/network/interfaces || return 1
        echo "== ifreload -a" >>"$LOG"
        ifreload -a >>"$LOG" 2>&1 || return 1
    fi
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
        release_l3vnis "$dir/frr.conf" "$running" || return 1
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

# Bring the device to the configuration in DIR and make sure FRR runs it. A reload that fails, or
# that leaves a daemon dead without saying so (see apply_dir), falls back to a full restart from the
# restored file, tried twice: a restore is the last line of defence and must not give up on one error.
restore() {
    dir=$1
    if [ "${2:-reload}" = reload ]; then
        apply_dir "$dir" reload && frr_running && return 0
        echo "== the reload did not take: restarting FRR from the restored file" >>"$LOG"
    fi
    apply_dir "$dir" restart && frr_running && return 0
    echo "== the restart failed: once more" >>"$LOG"
    apply_dir "$dir" restart && frr_running
}

frr_running() {
    echo "== frrinit.sh status" >>"$LOG"
    /usr/lib/frr/frrinit.sh status >>"$LOG" 2>&1 9>&-
}

# pending = "PID TOKEN SESSION DEADLINE" of the armed revert timer.
read_pending() {
    pid="" token="" owner="" deadline=""
    [ -f "$PENDING" ] && read -r pid token owner deadline <"$PENDING"
}

# Refuse SESSION when another session's commit waits for confirmation: that change holds the device.
owner_only() {
    read_pending
    [ -z "$token" ] || [ "$owner" = "$1" ] ||
        fail "another change holds this device: commit of session $owner waits for confirmation" \
            "(it reverts by itself at $(date -u -d "@$deadline" +%FT%TZ 2>/dev/null || echo "$deadline"))"
}

disarm() {
    read_pending
    if [ -n "$pid" ]; then
        # The timer leads its own process group (setsid): end the sleep with it.
        kill -TERM -- "-$pid" 2>/dev/null
        rm -f "$PENDING"
    fi
}

validate_frr() {
    out=$(vtysh -C -f "$1" 2>&1) || fail "FRR rejects the candidate: $out"
}

cmd_stage() {
    src=$3
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
    # Likewise the FRR file in place was accepted when it was applied (vtysh -C costs 3-5 s in a switch).
    cmp -s "$src/frr.conf" /etc/frr/frr.conf || validate_frr "$src/frr.conf"
    while IFS="$TAB" read -r n path; do
        case $path in
        /etc/ssh/sshd_config | /etc/ssh/sshd_config.d/*)
            out=$(sshd -t -f "$src/files/$n" 2>&1) || fail "sshd rejects the candidate $path: $out"
            ;;
        esac
    done <"$src/files.list"
    # Candidates of sessions that ended without discarding: gone after a day.
    find "$CANDIDATES" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null
    rm -rf "$CAND.new"
    mkdir -p "$CAND.new"
    cp -R "$src/." "$CAND.new/"
    rm -rf "$CAND"
    mv "$CAND.new" "$CAND"
}

cmd_commit() {
    revert_in=${3:-}
    owner_only "$2"
    [ -z "$token" ] || fail "a commit is waiting for confirmation: confirm it or roll back first"
    case $revert_in in '' | *[!0-9]*) [ -z "$revert_in" ] || fail "commit: SECONDS must be a number" ;; esac
    # Staging validated the candidate, and only root can change it since.
    [ -f "$CAND/interfaces" ] && [ -f "$CAND/frr.conf" ] || fail "no candidate loaded"
    : >"$LOG"
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
    if ! apply_dir "$CAND" reload "$ROLLBACK/frr.conf"; then
        echo "applying the candidate failed; restoring the rollback point:" >&2
        log_tail
        cp "$LOG" "$STATE/failed.log"
        : >"$LOG"
        restore "$ROLLBACK" restart || fail "RESTORE FAILED too; device state is uncertain: $(tail -n 10 "$LOG")"
        fail "the device is back at the rollback point"
    fi
    rm -rf "$CAND"
    if [ -n "$revert_in" ]; then
        token=$(date +%s%N)
        # Close the lock descriptor in the timer, or it would hold the lock while it sleeps.
        setsid sh -c "sleep $revert_in; exec $STATE/helper revert $token" </dev/null >/dev/null 2>&1 9>&- &
        echo "$! $token $2 $(($(date +%s) + revert_in))" >"$PENDING"
    fi
}

cmd_confirm() {
    owner_only "$2"
    [ -n "$token" ] || fail "no commit is waiting for confirmation"
    disarm
}

# Disarm only once the rollback point is back: if the restore fails, the timer (or the next call,
# see below) tries again instead of leaving the device at a commit nobody confirmed.
cmd_rollback() {
    owner_only "$2"
    [ -f "$ROLLBACK/interfaces" ] && [ -f "$ROLLBACK/frr.conf" ] || fail "no rollback point saved on this device"
    : >"$LOG"
    restore "$ROLLBACK" || { log_tail; fail "rollback failed: the device is not at its rollback point"; }
    disarm
}

# The timer's revert, and the revert of a commit whose timer is gone: $PENDING goes only once the
# rollback point is back (has_pending_commit reads it without the lock, so it must outlast the revert);
# after a failed restore it stays, and the next call that reaches the helper tries again.
revert_pending() {
    : >"$LOG"
    if restore "$ROLLBACK"; then
        echo "reverted unconfirmed commit $token $1 at $(date -u +%FT%TZ)" >>"$LOG"
        rm -f "$PENDING"
    else
        echo "REVERT FAILED for unconfirmed commit $token $1 at $(date -u +%FT%TZ); retried at the next call" >>"$LOG"
        cp "$LOG" "$STATE/failed.log"
        return 1
    fi
}

valid_session() {
    case ${1:-} in '' | *[!0-9a-f]*) fail "${2:-}: SESSION must be a hexadecimal id" ;; esac
}

# A revert timer does not outlive the device (a restart, say): an unconfirmed commit whose timer is
# gone is reverted now, as the timer would have done. The timer's command line carries its token.
read_pending
if [ -n "$token" ] && [ "${1:-}" != revert ] && ! grep -qsF "$token" "/proc/$pid/cmdline"; then
    revert_pending "(its revert timer was gone)" ||
        fail "an unconfirmed commit whose revert timer was gone could not be reverted: $(tail -n 10 "$LOG")"
fi

case ${1:-} in
stage | commit | confirm | rollback | discard)
    valid_session "${2:-}" "$1"
    CAND=$CANDIDATES/$2
    ;;
esac
case ${1:-} in
stage) cmd_stage "$@" ;;
commit) cmd_commit "$@" ;;
confirm) cmd_confirm "$@" ;;
rollback) cmd_rollback "$@" ;;
revert)
    read_pending
    [ -n "$token" ] && [ "$token" = "${2:-}" ] || exit 0
    revert_pending "(not confirmed in time)" || exit 1
    ;;
discard) rm -rf "$CAND" ;;
pending)
    read_pending
    [ -n "$token" ] || exit 1
    echo "$owner"
    ;;
*) fail "usage: helper stage SESSION DIR | commit SESSION [SECONDS] | confirm SESSION | rollback SESSION | revert TOKEN | discard SESSION | pending" ;;
esac
