#!/usr/bin/env bash
# Runs the Action's `command` input with orgctl and exposes the JSON result
# as step outputs: json (the whole document), id and created (for a
# create; empty for other commands). Inputs (environment): ORGCTL_COMMAND,
# the orgctl arguments as shell words (e.g. create --provider qovery --name
# acme --plan TEAM_2025 --if-not-exists); ORGCTL_BIN, the orgctl to run;
# GITHUB_OUTPUT. jq reads the result (GitHub's runners have it). The token comes from the environment (ORGCTL_*_TOKEN from a
# secret), never from the command line.
set -euo pipefail
bin="${ORGCTL_BIN:-orgctl}"
out=$(mktemp)
# The command is the workflow author's own input, split as shell words.
eval "set -- $ORGCTL_COMMAND"
status=0
"$bin" "$@" -o json >"$out" || status=$?
cat "$out"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  delim="ORGCTL_JSON_$RANDOM$RANDOM"
  {
    echo "exit-code=$status"
    echo "json<<$delim"
    cat "$out"
    echo "$delim"
    # A single organization object: its id and whether this run created it.
    echo "id=$(jq -r 'if type == "object" then (.id // "") else "" end' "$out" 2>/dev/null || true)"
    echo "created=$(jq -r 'if type == "object" and has("created") then (.created | tostring) else "" end' "$out" 2>/dev/null || true)"
  } >>"$GITHUB_OUTPUT"
fi
exit "$status"
