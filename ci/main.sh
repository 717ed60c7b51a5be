#!/usr/bin/env bash
# The main job (README): the whole pipeline on the sample design, set-up included. Leaves the lab running
# for a look around (`fundament lab status`, `fundament lab down` when done). Reports go to build/reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib.sh
. ci/lib.sh
ci/setup-python.sh
# shellcheck source=ci/bootstrap-lab.sh
. ci/bootstrap-lab.sh
fundament=.venv/bin/fundament
reports=build/reports
mkdir -p "$reports"

step() { printf '\n==> %s\n' "$*"; }

step "source of truth: validate and summarise the design"
$fundament inventory check
$fundament inventory show

step "datacenter: the real Pulumi engine against the lab's vCenter simulator (vcsim)"
ci/bootstrap-infra.sh
$fundament infra sim up
$fundament infra up --stack lab
# Exit 0: the simulator now holds exactly what the design declares (2 would mean changes pending).
$fundament infra preview --stack lab

step "lab: containerlab with Linux + FRR switches, built from the design"
$fundament lab up
$fundament lab graph -o "$reports/lab-topology.svg"
$fundament lab fidelity

step "network: render, plan, apply with commit-confirm, plan again"
$fundament net render
set +e
$fundament net plan >"$reports/plan-before.txt"
plan=$?
set -e
case $plan in
  0) echo "plan: the lab already matches the design" ;;
  2) echo "plan: changes pending (see $reports/plan-before.txt)" ;;
  *) cat "$reports/plan-before.txt"; exit "$plan" ;;
esac
$fundament net apply
$fundament net plan

step "verification: the check catalog derived from the design"
# Exit 3 is warnings only (e.g. a lossy ping that still got through): reported, not a failure.
pass_on_warnings $fundament net verify --junit "$reports/verify.xml" --markdown "$reports/verify.md"
$fundament migrate status

step "workplace: build, prove and export the default PoC image"
$fundament workplace build

step "done: reports in $reports, the lab keeps running ('fundament lab down' removes it)"
