#!/usr/bin/env bash
# The supervision benchmark's download command (bench/supervise.sh): a long download that prints a progress line every
# INTERVAL seconds for SECONDS, then writes one file into the task folder.
#   bench/progress.sh TASK_DIR SECONDS INTERVAL quiet    # starts no process while it runs (a timed read is its sleep)
#   bench/progress.sh TASK_DIR SECONDS INTERVAL forking  # starts two short processes per line (sleep, date), as a
#                                                        # shell-script tool that calls other programs does
set -euo pipefail
dir=$1 seconds=$2 interval=$3 mode=${4:-quiet}
if [[ $mode == quiet ]]; then
  # a FIFO opened read-write never has data and never ends: `read -t` on it is a sleep without a process
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  exec 3<>"$fifo"
  rm -f "$fifo"
fi
end=$((SECONDS + seconds))
line=0
while ((SECONDS < end)); do
  line=$((line + 1))
  if [[ $mode == quiet ]]; then
    printf '[download] lecture %d: %d.%d%% of 212.4MiB at 3.1MiB/s ETA 00:%02d\n' \
      $((line / 40 + 1)) $((line % 40 * 2)) $((line % 10)) $((end - SECONDS))
    read -r -t "$interval" -u 3 || true
  else
    printf '[download] lecture %d: %s\n' $((line / 40 + 1)) "$(date +%T.%N)"
    sleep "$interval"
  fi
done
printf 'course\n' > "$dir/lecture.mp4"
