#!/usr/bin/env bash
# Runs docs/quickstart.md as written: starts the server with the run command of its first block (`npm start`, on the
# embedded PostgreSQL), runs every later ```sh block verbatim in order, then checks the outcome: at least one alert
# with source and destination addresses, and a dry-run block whose API answer lists the firewall commands.
# The server's data (embedded PostgreSQL, Redis append-only file, imports) goes to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
DOC=docs/quickstart.md
fail() { echo "quickstart-check: $*" >&2; exit 1; }

work=$(mktemp -d)
# as root, the embedded PostgreSQL runs as `postgres`, which must be able to enter the data directory's parents
chmod 755 "$work"
blocks="$work/blocks"
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  require("fs").mkdirSync(process.argv[2]);
  blocks.forEach((b, i) => require("fs").writeFileSync(`${process.argv[2]}/${i}.sh`, b));
' "$DOC" "$blocks"
count=$(ls "$blocks" | wc -l)
[ "$count" -ge 2 ] || fail "no command blocks found in $DOC"
[ "$(cat "$blocks/0.sh")" = "npm ci && npm start" ] || fail "the first block of $DOC is not the install-and-run command"
[ $((count - 1)) -le 5 ] || fail "$DOC takes $((count - 1)) commands after install-and-run (5 at most)"

export EMBEDDED_PG_DIR="$work/postgres" EMBEDDED_PG_PORT=$((20000 + RANDOM % 20000))
export REDIS_DATA_DIR="$work/redis" REDIS_KEY_PREFIX="ids-quickstart-$$" IMPORT_DIR="$work/imports"
unset DATABASE_URL PORT NODE_ENV
had_alerts_json=$([ -e alerts.json ] && echo yes || echo no)

if curl -s -o /dev/null http://localhost:3000/; then fail "something already listens on port 3000"; fi
echo "== npm start (server log: $work/server.log)"
# a process group of its own, so that stopping it stops npm and the node process it runs
setsid npm start > "$work/server.log" 2>&1 &
server=$!
cleanup() {
  kill -TERM -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  [ "$had_alerts_json" = yes ] || rm -f alerts.json
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  curl -sf -o /dev/null http://localhost:3000/health/ready && break
  kill -0 "$server" 2>/dev/null || { tail -30 "$work/server.log"; fail "the server exited during start-up"; }
  sleep 1
done
curl -sf -o /dev/null http://localhost:3000/health/ready || { tail -30 "$work/server.log"; fail "not ready after 600 s"; }
curl -sf http://localhost:3000/ | grep -q '"/docs"' || fail "GET / does not point to /docs"

for i in $(seq 1 $((count - 1))); do
  echo "== step $i"
  cat "$blocks/$i.sh"
  # one shell for every step, as in the reader's terminal: a variable set in one step is there in the next
  cat "$blocks/$i.sh" >> "$work/steps.sh"
  echo "echo; echo '--- end of step $i'" >> "$work/steps.sh"
done
echo "== running the steps"
bash -euo pipefail "$work/steps.sh" | tee "$work/out.txt"

echo "== checking"
node -e '
  const fs = require("fs");
  const alerts = JSON.parse(fs.readFileSync("alerts.json", "utf8")).items;
  const addressed = alerts.filter((a) => a.src_ip && a.dst_ip);
  if (!addressed.length) throw new Error("no alert carries source and destination addresses");
  const out = fs.readFileSync(process.argv[1], "utf8");
  const last = out.split(/--- end of step \d+\n?/).filter((s) => s.trim()).pop();
  const block = JSON.parse(last);
  if (!block.id || !Array.isArray(block.dry_run_commands) || !block.dry_run_commands.length) {
    throw new Error("the block answer lists no dry_run_commands: " + last);
  }
  console.log(`${alerts.length} alerts, ${addressed.length} with addresses; blocked ${block.target} (dry run): ` +
    block.dry_run_commands.map((c) => c.argv.join(" ")).join("; "));
' "$work/out.txt"
echo "quickstart-check: passed"
