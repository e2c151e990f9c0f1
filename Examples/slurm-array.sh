#!/usr/bin/env bash
# Classify one collection on N nodes: a Slurm job array, one `batchvision classify` per task.
#
#   sbatch Examples/slurm-array.sh  s3://anonymous@air-example-data-2/imagenette2/train/  /shared/predictions/
#
# Slurm sets SLURM_ARRAY_TASK_ID = 0..N-1; `--shard auto/N` reads it and takes that contiguous
# slice of the sorted inputs. Each task writes part-s<i>of<N>-*.parquet and its own manifest into
# the shared output folder (no collisions); read the folder as one table when all are done.
# Resubmitting the array (or `scontrol requeue`) resumes each shard where it stopped (--resume).
# Keep --array=0-(N-1) and N below equal.
#SBATCH --job-name=batchvision
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=batchvision-%A_%a.log
set -euo pipefail

N=8
SOURCE=${1:?usage: sbatch slurm-array.sh SOURCE OUTPUT_DIR/}
OUTPUT=${2:?usage: sbatch slurm-array.sh SOURCE OUTPUT_DIR/}
MODEL=${MODEL:-resnet152}

# A trailing / makes the output a folder of part files, which every shard can share.
[[ $OUTPUT == */ ]] || OUTPUT="$OUTPUT/"

status=0
batchvision classify "$SOURCE" \
    --model "$MODEL" --batch-size 64 \
    --threads "${SLURM_CPUS_PER_TASK:-4}" --decode-workers "${SLURM_CPUS_PER_TASK:-4}" \
    --output "$OUTPUT" --shard "auto/$N" --resume --quiet || status=$?
# Exit 2: the shard finished but some inputs failed; each has a row with its error, so the task succeeded.
if [[ $status -eq 2 ]]; then
    echo "shard $SLURM_ARRAY_TASK_ID/$N: some inputs failed; see the error column" >&2
    status=0
fi
exit $status
