#!/bin/sh
# examples/scale/parallel.sh [N] — the SYNTHETIC national job on one machine with GNU parallel
# (Debian's `parallel`): N shards (default: one per core), then one merge. The merged folder
# national/ holds the very bytes `tuiyan run examples/scale/national.lua ... --out national` writes.
set -eu
N=${1:-$(nproc)}
tuiyan run examples/scale/gen_counties.lua > counties_synthetic.csv
seq 1 "$N" | parallel tuiyan run examples/scale/national.lua --samples 10000 --format csv \
  --shard {}/"$N" --out "$(pwd)/shards/{}" --quiet -- counties_synthetic.csv
tuiyan merge $(seq 1 "$N" | sed 's|^|shards/|') --out national
