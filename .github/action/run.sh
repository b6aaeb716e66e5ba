#!/usr/bin/env bash
# Runs the Action's `command` input with orgctl and exposes the result as
# step outputs (action.yml lists them): json (the whole -o json output), id
# and created (for a single create), changes (how many organizations the
# plan changes, or the run created, updated or deleted), exit-code, and the
# paths of the files the run wrote: plan (plan-out, diff --out), junit
# (--junit) and summary (the Markdown the command added to the job summary,
# kept as a file for a pull-request comment).
#
# Inputs (environment): ORGCTL_COMMAND, the orgctl arguments as shell words
# (e.g. create --provider qovery --name acme --plan TEAM_2025
# --if-not-exists); ORGCTL_BIN, the orgctl to run; ORGCTL_PLAN_OUT and
# ORGCTL_JUNIT, paths or empty; GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# RUNNER_TEMP. jq reads the result (GitHub's runners have it). The token
# comes from the environment (ORGCTL_*_TOKEN from a secret), never from the
# command line.
set -euo pipefail
bin="${ORGCTL_BIN:-orgctl}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
out=$(mktemp "$tmp/orgctl-json.XXXXXX")
# The command is the workflow author's own input, split as shell words.
eval "set -- $ORGCTL_COMMAND"
[ -n "${ORGCTL_PLAN_OUT:-}" ] && set -- "$@" --out "$ORGCTL_PLAN_OUT"
[ -n "${ORGCTL_JUNIT:-}" ] && set -- "$@" --junit "$ORGCTL_JUNIT"

# The command writes its Markdown summary to a file of its own, which is
# then added to the job summary and kept for a pull-request comment.
summary=
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary=$(mktemp "$tmp/orgctl-summary.XXXXXX")
  mv "$summary" "$summary.md" && summary="$summary.md"
fi
status=0
GITHUB_STEP_SUMMARY="${summary:-${GITHUB_STEP_SUMMARY:-}}" "$bin" "$@" -o json >"$out" || status=$?
cat "$out"
if [ -n "$summary" ]; then
  if [ -s "$summary" ]; then cat "$summary" >>"$GITHUB_STEP_SUMMARY"; else rm -f "$summary"; summary=; fi
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  delim="ORGCTL_JSON_$RANDOM$RANDOM"
  # diff prints one document with a summary; apply and create -f one result
  # a line; a single create one organization.
  changes=$(jq -s '
    if length == 1 and (.[0] | type) == "object" and (.[0] | has("summary")) then
      .[0].summary | (.create + .update + .delete)
    elif length == 1 and (.[0] | type) == "object" and (.[0] | has("created")) then
      if .[0].created then 1 else 0 end
    else
      [.[] | select(type == "object" and (.status == "created" or .status == "updated" or .status == "deleted"))] | length
    end' "$out" 2>/dev/null || true)
  plan=
  [ -n "${ORGCTL_PLAN_OUT:-}" ] && [ -f "$ORGCTL_PLAN_OUT" ] && plan=$ORGCTL_PLAN_OUT
  junit=
  [ -n "${ORGCTL_JUNIT:-}" ] && [ -f "$ORGCTL_JUNIT" ] && junit=$ORGCTL_JUNIT
  {
    echo "exit-code=$status"
    echo "json<<$delim"
    cat "$out"
    echo "$delim"
    # A single organization object: its id and whether this run created it.
    # (-s: a stream of results gives one empty value, not one a line.)
    echo "id=$(jq -rs 'if length == 1 and (.[0] | type) == "object" then (.[0].id // "") else "" end' "$out" 2>/dev/null || true)"
    echo "created=$(jq -rs 'if length == 1 and (.[0] | type) == "object" and (.[0] | has("created")) then (.[0].created | tostring) else "" end' "$out" 2>/dev/null || true)"
    echo "changes=$changes"
    echo "plan=$plan"
    echo "junit=$junit"
    echo "summary=$summary"
  } >>"$GITHUB_OUTPUT"
fi
rm -f "$out"
# diff's 8 says "there are changes", which is what a pull-request plan is
# for: it does not fail the step (exit-code and changes say it).
if [ "$status" = 8 ] && [ "${1:-}" = diff ]; then
  exit 0
fi
exit "$status"
