#!/bin/bash
#SBATCH --job-name=frames
#SBATCH --array=0-9%3           # ten frames, three at a time
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=30               # minutes
#SBATCH --output=logs/%x-%A_%a.out
#SBATCH --export=NONE

echo "frame $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT (job $SLURM_ARRAY_JOB_ID)"
