#!/usr/bin/env bash
# An agent's loop around tdl (see docs/agents.md): run, read the decision, fix, run again.
#   TDL         how to start tdl (default: npx tdl)
#   FIX         the agent's own fixing step; it gets the path of a JSON file with the failure clusters
#   MAX_ROUNDS  at most this many runs (default 3)
# Exit: 0 proceed, 1 still deferred, 2 usage (fix the playbook or flags), 3 infrastructure, 130 interrupted.
set -u
TDL=${TDL:-npx tdl}
FIX=${FIX:?set FIX to the command that fixes failures}
max=${MAX_ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for round in $(seq 1 "$max"); do
  # --json: exactly one JSON document (the run record) on stdout; progress goes to stderr.
  $TDL run --json --publish "${PUBLISH:-outbox}" >"$work/run.json"
  code=$?
  case $code in
    0) echo "round $round: proceed"; exit 0 ;;
    1) ;; # defer: read why, fix, run again
    *) echo "round $round: tdl exited $code"; exit "$code" ;;
  esac
  node -e '
    const fs = require("node:fs");
    const [file, out, round] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    console.log(`round ${round}: ${r.decision?.decision ?? "no decision"}: ${r.decision?.reasons?.[0] ?? ""}`);
    const clusters = r.phases.find((p) => p.id === "root-cause")?.data?.clusters ?? [];
    fs.writeFileSync(out, JSON.stringify(clusters, null, 2));
  ' "$work/run.json" "$work/clusters.json" "$round"
  $FIX "$work/clusters.json" || { echo "round $round: the fix step failed"; exit 1; }
done
echo "still deferred after $max rounds"
exit 1
