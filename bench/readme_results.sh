# Sourced by the benchmarks' run.sh: puts a run's results into bench/README.md.
#
#   source "$root/bench/readme_results.sh"
#   write_readme_results letters "$work/results.md" || die "..."
#
# Replaces what stands between the lines <!-- NAME-results:begin --> and
# <!-- NAME-results:end --> with the lines of the file. Returns non-zero, saying why, when the
# README lacks the markers (and then leaves it alone).
write_readme_results() {
  local name=$1 block=$2
  local readme_file
  readme_file=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/README.md
  local begin="<!-- $name-results:begin -->" end="<!-- $name-results:end -->"
  if ! grep -qF "$begin" "$readme_file" || ! grep -qF "$end" "$readme_file"; then
    echo "$readme_file lacks the $name-results markers" >&2
    return 1
  fi
  awk -v block="$block" -v begin="$begin" -v end="$end" '
    index($0, begin) { print; while ((getline line < block) > 0) print line; skip = 1; next }
    index($0, end) { skip = 0 }
    !skip { print }' "$readme_file" >"$readme_file.tmp"
  mv "$readme_file.tmp" "$readme_file"
}
