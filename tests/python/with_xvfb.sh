#!/bin/sh
# Run a command under a private X server (xvfb-run -a) for ParaView's GLX rendering.
# Under load, xvfb-run -a now and then hands out a display whose server refuses the
# connection ("bad X server connection"); that is the X server, not the code under test, so
# such a run is retried (up to three times). Any other failure is reported as it is.
log=$(mktemp)
attempt=1
while :; do
  xvfb-run -a -s "-screen 0 1280x1024x24" "$@" >"$log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] || [ "$attempt" -ge 3 ] ||
     ! grep -q -e "bad X server connection" -e "Xvfb failed to start" "$log"; then
    cat "$log"
    rm -f "$log"
    exit "$rc"
  fi
  echo "with_xvfb.sh: attempt $attempt could not use its X server; retrying" >&2
  attempt=$((attempt + 1))
  sleep 2
done
