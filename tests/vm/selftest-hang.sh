#!/bin/sh
# Harness self-test: a guest that never finishes.  The host runner must
# kill it at its timeout and report a failure, never a pass.
echo "selftest-hang: sleeping forever"
while :; do sleep 3600; done
