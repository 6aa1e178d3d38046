#!/bin/sh
# The benchmark's download command: one 1 KiB file into the task folder given as $1.
head -c 1024 /dev/zero > "$1/lesson.bin"
