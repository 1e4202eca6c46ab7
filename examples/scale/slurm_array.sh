#!/bin/sh
# examples/scale/slurm_array.sh — the SYNTHETIC national job as a Slurm array: task I of N runs
# shard I/N; a second job, started after the array succeeds, merges them.
#   tuiyan run examples/scale/gen_counties.lua > counties_synthetic.csv
#   jobid=$(sbatch --parsable --array=1-16 examples/scale/slurm_array.sh)
#   sbatch --dependency=afterok:$jobid --wrap \
#     "tuiyan merge $(printf 'shards/%d ' $(seq 1 16)) --out national"
# Run every task from the same folder (the scripts' paths are part of the command that merge
# checks), with the same tuiyan; shards/I must be on a file system the merge job can read.
#SBATCH --job-name=tuiyan-national
#SBATCH --cpus-per-task=1
#SBATCH --mem=200M
#SBATCH --time=00:30:00
set -eu
N=${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array=1-N}
I=${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=1-N}
mkdir -p shards
exec tuiyan run examples/scale/national.lua --samples 10000 --format csv \
  --shard "$I/$N" --out "$(pwd)/shards/$I" --quiet -- counties_synthetic.csv
