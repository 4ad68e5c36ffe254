# Sourced by bin/test: the browser tests (ConsoleBrowserIT) drive Debian's Chromium through its
# ChromeDriver at these fixed paths. They come from apt, so Selenium never downloads a browser
# (this machine's network reaches the package registries only).
LANYARD_CHROMIUM=/usr/bin/chromium
LANYARD_CHROMEDRIVER=/usr/bin/chromedriver

# Installs chromium and chromium-driver when either is missing. When that cannot be done, says so
# once and carries on: the other tests still run, and ConsoleBrowserIT fails naming what is missing.
lanyard_ensure_chromium() {
  [[ -x "$LANYARD_CHROMIUM" && -x "$LANYARD_CHROMEDRIVER" ]] && return 0
  local cannot="bin/test: the browser tests need $LANYARD_CHROMIUM and $LANYARD_CHROMEDRIVER"
  cannot+=" (Debian: apt-get install chromium chromium-driver)"
  local as_root=()
  if (( EUID != 0 )); then
    command -v sudo >/dev/null || { echo "$cannot; no sudo to install them" >&2; return 0; }
    as_root=(sudo)
  fi
  command -v apt-get >/dev/null || { echo "$cannot; no apt-get to install them" >&2; return 0; }

  echo "bin/test: installing chromium and chromium-driver for the browser tests (once)" >&2
  local log
  log=$(mktemp)
  # Another apt-get (a package being installed by hand, unattended upgrades) holds dpkg's lock for
  # a while on a fresh machine: wait for it up to 5 minutes instead of failing at once.
  local wait_lock=(-o DPkg::Lock::Timeout=300)
  local install=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${wait_lock[@]}" install -y -qq chromium chromium-driver)
  # A stale package list names versions the mirror no longer has: refresh it once and try again.
  if "${install[@]}" >"$log" 2>&1 \
      || { "${as_root[@]}" apt-get "${wait_lock[@]}" update -qq >>"$log" 2>&1 && "${install[@]}" >>"$log" 2>&1; }; then
    rm -f "$log"
  else
    echo "$cannot; installing them failed (apt-get's output: $log)" >&2
  fi
}
