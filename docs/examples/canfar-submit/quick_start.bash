#!/bin/bash
# Runs inside the image, in the directory the job was submitted from (on /arc).
echo "processing $1 on $(hostname)"
