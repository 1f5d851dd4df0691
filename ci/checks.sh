#!/usr/bin/env bash
# Check-and-count helpers of the stage scripts (sourced): one PASS or FAIL line per check and a
# closing count. check and reject keep the command's output in $CHECK_LOG (set it first).
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
# check NAME CMD...: passes when CMD succeeds, else fails and shows the tail of its output.
check() {
  local name=$1
  shift
  if "$@" >"$CHECK_LOG" 2>&1; then pass "$name"; else
    fail "$name"
    tail -n 20 "$CHECK_LOG" | sed 's/^/    | /'
  fi
}
# reject NAME CMD...: passes when CMD fails (a bad input refused).
reject() {
  local name=$1
  shift
  if "$@" >"$CHECK_LOG" 2>&1; then fail "$name (was accepted)"; else pass "$name"; fi
}
# result STATUS NAME: passes when STATUS (of a check already run) is 0.
result() { if [ "$1" = 0 ]; then pass "$2"; else fail "$2"; fi; }
# summary LABEL: prints "LABEL: N passed, M failed"; fails when any check did.
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
