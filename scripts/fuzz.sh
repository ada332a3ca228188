#!/usr/bin/env bash
# Runs each fuzz target of build-fuzz/ (scripts/build-fuzz.sh) for a bounded time, starting from
# its committed seed corpus (tests/fuzz/corpus/NAME/) and the inputs that once crashed it
# (tests/fuzz/regressions/NAME/), and prints how many inputs each one ran. Fails when any target
# crashes, leaks, hangs on one input or runs out of memory; the input that did it is kept in
# build-fuzz/crashes/ (add it to tests/fuzz/regressions/NAME/ once the fault is fixed).
#
#   scripts/fuzz.sh                 every target, ADBRIDGE_FUZZ_SECONDS (20) seconds each
#   scripts/fuzz.sh http_api        one target
#
# New inputs the fuzzer finds go to a temporary folder, so the committed corpus stays small.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${ADBRIDGE_FUZZ_SECONDS:-20}
if (($# > 0)); then
  targets=("$@")
else
  targets=(form_definition phone_csv field_types image_decode http_api)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p build-fuzz/crashes
failed=()
for target in "${targets[@]}"; do
  binary=build-fuzz/tests/fuzz/fuzz_$target
  [[ -x $binary ]] || { echo "fuzz: $binary is not built (scripts/build-fuzz.sh)" >&2; exit 1; }
  inputs=(tests/fuzz/corpus/$target)
  [[ -d tests/fuzz/regressions/$target ]] && inputs+=(tests/fuzz/regressions/$target)
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="build-fuzz/crashes/$target-")
  [[ -f tests/fuzz/$target.dict ]] && options+=(-dict="tests/fuzz/$target.dict")
  mkdir -p "$work/$target"
  log=$work/$target.log
  if "$binary" "${options[@]}" "$work/$target" "${inputs[@]}" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed+=("$target")
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  printf 'fuzz %-16s %10s executions in %ss  %s\n' "$target" "${runs:-?}" "$seconds" "$result"
  if [[ $result != ok ]]; then
    grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==|Test unit written|abort|^#' "$log" | tail -n 40 >&2
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: ${failed[*]} failed; the inputs are in build-fuzz/crashes/" >&2
  exit 1
fi
