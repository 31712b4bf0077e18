#!/usr/bin/env bash
# System packages the tests need (headless Chromium for the web tests, Java 17 for the Spark
# engine's local-mode tests). Installed with apt when
# missing and when we may (root on Debian); otherwise say what is missing and let the tests skip.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing system packages: ${need[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "warning: missing system packages (${need[*]}); browser and Spark tests will be skipped" >&2
fi
