#!/usr/bin/env bash
# A generated course, downloaded the way a course tool downloads one (bench/course.sh runs it as the download command,
# for enrollflow and for the sequential peer alike):
#
#   bench/course-download.sh TASK_DIR COURSE_URL
#
# The course is described by its URL: https://courses.example.com/course/1/?lectures=24&mib=10&seconds=24 (each left out
# takes that default), so that one download command serves every task of the bench, its warm-up included.
#
# - lectures of mib MiB of random bytes, in sections of 8 ("Section 1/001 Lecture 1.mp4"), each written
#   under a .part name in pieces every 250 ms and renamed when complete, its subtitles (.en.vtt) written beside it;
# - a progress line every 250 ms, as yt-dlp prints them;
# - a helper process started first that lives as long as the download (as ffmpeg or aria2c would) and ends with it;
# - paced on the wall clock: the whole course takes its seconds, however long the writes take, unless the disk is slower.
set -euo pipefail

dir="$1"
url="${2:-}"
param() { if [[ "$url" =~ [?\&]$1=([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo "$2"; fi; }
lectures=$(param lectures 24)
mib=$(param mib 10)
seconds=$(param seconds 24)
cd "$dir"

sleep 86400 &
helper=$!
trap 'kill "$helper" 2>/dev/null || true' EXIT

micros() { local t="${EPOCHREALTIME/[.,]/}"; echo "${t#0}"; }
start=$(micros)
piece_ms=250
lecture_ms=$((seconds * 1000 / lectures))
pieces=$((lecture_ms / piece_ms > 0 ? lecture_ms / piece_ms : 1))
piece_bytes=$((mib * 1048576 / pieces))
total=$((lectures * pieces))
tick=0

for ((l = 1; l <= lectures; l++)); do
  section="Section $(((l - 1) / 8 + 1))"
  name=$(printf '%03d Lecture %d' "$l" "$l")
  mkdir -p "$section"
  for ((p = 1; p <= pieces; p++)); do
    head -c "$piece_bytes" /dev/urandom >> "$section/$name.mp4.part"
    tick=$((tick + 1))
    # sleep until this piece's moment on the course's own clock (no drift from the time the writes took)
    wait_us=$((start + tick * piece_ms * 1000 - $(micros)))
    if ((wait_us > 0)); then
      sleep "$(printf '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000)))"
    fi
    printf '[download] %5d.%d%% of lecture %d/%d (%d MiB) at %d MiB/s\n' $((tick * 100 / total)) \
      $((tick * 1000 / total % 10)) "$l" "$lectures" "$mib" $((mib * 1000 / lecture_ms))
  done
  mv "$section/$name.mp4.part" "$section/$name.mp4"
  printf 'WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nLecture %d\n' "$l" > "$section/$name.en.vtt"
done
echo "[download] 100% of $lectures lectures"
