#!/bin/sh
# Harness self-test: a script that never finishes.  The guest must kill it
# at its limit and report a failure, never a pass, and run the next script.
echo "selftest-hang: sleeping forever"
while :; do sleep 3600; done
