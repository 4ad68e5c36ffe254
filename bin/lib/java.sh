# Sourced by bin/lanyard and bin/test: finds a JDK >= 21 and exports JAVA_HOME so that
# both `java` and Maven use it. Lanyard targets Java 21 (records, virtual threads in Jetty 12).

# Major version of the java binary at $1 ("17", "21", "25"), or nothing if it cannot be told.
# Read from the JDK's `release` file (every JDK since 9 has one, JAVA_VERSION="25.0.3") when there is
# one: running `java -version` is a JVM start, 30-50 ms each, and finding a JDK without JAVA_HOME
# ran one per JDK installed (about 0.1 s of every `bin/lanyard serve` here, issue 16).
lanyard_java_major() {
  local version="" home
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  [[ -f "$home/release" ]] && version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)"$/\1/p' "$home/release")
  if [[ -z "$version" ]]; then
    version=$("$1" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }') || return 0
  fi
  # "1.8.0_392" is Java 8; "21.0.5", "25" and "26-ea" are their first number.
  case "$version" in
    1.*) echo "${version#1.}" | cut -d. -f1 ;;
    *) echo "$version" | cut -d. -f1 | cut -d- -f1 ;;
  esac
}

# Also leaves the major version in lanyard_major, so lanyard_quiet_maven does not run `java -version`
# a second time (each run is a JVM start, 30 ms or more of every command).
lanyard_java_ok() {
  lanyard_major=$(lanyard_java_major "$1")
  [[ "$lanyard_major" =~ ^[0-9]+$ ]] && (( lanyard_major >= 21 ))
}

lanyard_find_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && lanyard_java_ok "$JAVA_HOME/bin/java"; then
    export JAVA_HOME
    lanyard_quiet_maven
    return 0
  fi
  local on_path
  if on_path=$(command -v java) && lanyard_java_ok "$on_path"; then
    # /usr/bin/java is usually a chain of symlinks into the JDK; JAVA_HOME is two levels above the real binary.
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$on_path")")")
    export JAVA_HOME
    lanyard_quiet_maven
    return 0
  fi
  # Newest JDK under /usr/lib/jvm: a full JDK (javac too), since Maven compiles with it.
  local best="" best_major=0 dir major
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || continue
    major=$(lanyard_java_major "$dir/bin/java")
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if (( major > best_major )); then best="$dir" best_major=$major; fi
  done
  if (( best_major >= 21 )); then
    export JAVA_HOME="$best"
    lanyard_major=$best_major
    lanyard_quiet_maven
    return 0
  fi
  echo "Lanyard needs a JDK 21 or newer; install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME" >&2
  exit 1
}

# Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
# The warning is Maven's, not ours; allow the access so builds print only what matters.
lanyard_quiet_maven() {
  local major=${lanyard_major:-}
  [[ "$major" =~ ^[0-9]+$ ]] || major=$(lanyard_java_major "$JAVA_HOME/bin/java")
  if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 24 )); then
    case " ${MAVEN_OPTS:-} " in
      *sun-misc-unsafe-memory-access*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}

# The class path `serve` runs with, from a snapshot folder (lanyard.jar + lib/). One definition:
# the ahead-of-time cache below is valid only for the class path it was recorded with.
lanyard_server_classpath() {
  echo "$1/lanyard.jar:$1/lib/*"
}

# The files of the snapshot $1's class cache for this JDK: a cache from another JDK, or made with
# other object headers, would be refused at start (a slow start), so each gets its own.
lanyard_class_cache() {
  local runtime key
  runtime=$(sed -n 's/^JAVA_RUNTIME_VERSION=//p' "$JAVA_HOME/release" 2>/dev/null || true)
  key=$(printf '%s %s %s' "$JAVA_HOME" "$runtime" "$(lanyard_object_headers)" | cksum | cut -d' ' -f1)
  echo "$1/serve-$key"
}

# Makes the class cache of the snapshot $1 ready before a `serve` starts (bin/lanyard, and
# bench/side/run so the bench measures the same server). A cache is made from a recording of a
# whole start: the JVM writes its recording (JDK 25+) or its archive (JDK 21-24) when it exits,
# however the run went, so an exit before listening (`serve --help`, a start that failed) leaves
# a fraction of the classes (325 of 4,000 measured). The server writes <cache>.ready once it
# listens (-Dlanyard.cds.ready); a recording or archive without that mark is deleted here, and the
# next start records again.
# JDK 25+: the recording (<cache>.aotconf) is turned into the cache (<cache>.aot) here, once per
# build and JDK, in about 2 s on a 2-core machine; its output goes to <cache>.log, not the
# operator's terminal. A failure leaves no cache: the server starts without one and records again.
lanyard_server_prepare() {
  local cache
  cache=$(lanyard_class_cache "$1")
  if (( lanyard_major >= 25 )); then
    [[ -f "$cache.aot" ]] && return 0
    if [[ -f "$cache.aotconf" && -f "$cache.ready" ]]; then
      echo "lanyard: preparing the class cache of this build (once, a few seconds)..." >&2
      # A file of its own until complete: two starts of one build may prepare at once.
      if "$JAVA_HOME/bin/java" -XX:AOTMode=create -XX:AOTConfiguration="$cache.aotconf" \
          -XX:AOTCache="$cache.aot.$$" -Xlog:aot=error -Xlog:cds=error $(lanyard_object_headers) \
          -cp "$(lanyard_server_classpath "$1")" >"$cache.log" 2>&1; then
        mv -f "$cache.aot.$$" "$cache.aot"
        rm -f "$cache.aotconf"   # 40-50 MB, and not needed once the cache is made
      else
        echo "lanyard: the class cache was not made (see $cache.log); starting without it" >&2
        rm -f "$cache.aot.$$"
      fi
    fi
    [[ -f "$cache.aot" ]] || rm -f "$cache.aotconf" "$cache.ready"
  else
    [[ -f "$cache.jsa" && ! -f "$cache.ready" ]] && rm -f "$cache.jsa"
    [[ -f "$cache.jsa" ]] || rm -f "$cache.ready"
  fi
  return 0
}

# Compact object headers (JEP 519, a product option from JDK 25): every object 4 bytes smaller,
# so fewer bytes allocated and copied per request. JDK 25+ only (21-24 do not have it as a product
# option); the class cache must be made with the same setting as it is used with, so
# lanyard_server_prepare passes it too. Measured: docs/performance.md, "Compact object headers".
lanyard_object_headers() {
  (( lanyard_major >= 25 )) && echo "-XX:+UseCompactObjectHeaders"
  return 0
}

# The JVM options `serve` runs with (bin/lanyard, and bench/side/run so the bench measures the
# same server), after lanyard_server_prepare. $1 is the snapshot folder, where the class cache lives.
# - The classes the server loads, parsed and linked ahead of time, from the cache of an earlier
#   whole start of this build (lanyard_server_prepare): JDK 25+ an ahead-of-time cache (JEP 483,
#   515; -XX:AOTMode=record writes the recording at exit, then -XX:AOTCache uses the cache), JDK
#   21-24 a class-data sharing archive the JVM writes at exit and uses from the next start on
#   (-XX:+AutoCreateSharedArchive). Start to ready, docs/performance.md: about 1.85 s with
#   neither, 0.95 s with the archive, 0.78 s with the cache (medians on a 2-core machine).
#   Both need jars on the class path, not folders, hence lanyard.jar.
# - A small initial heap and a bounded one: the heap the JVM reserves by default is a quarter of
#   the machine, and G1's own tables grow with it (40 MB of them at 6 GB). Lanyard bounds every
#   request and never holds an organization in memory, so 512 MB is ample; raise it with
#   LANYARD_JAVA_OPTS="-Xmx2g", which comes later on the command line and wins.
# - JDK 25+: compact object headers (lanyard_object_headers).
# -Xlog:aot=error -Xlog:cds=error: recording and archiving warn once per class they leave out
# (about 190 lines: picocli's Java 5 class files, classes generated at run time); those are no
# concern of the operator's and stay out of the log.
# -Dlanyard.cds.ready: the file the server creates once it listens (see lanyard_server_prepare).
lanyard_server_opts() {
  local cache
  cache=$(lanyard_class_cache "$1")
  local memory="-Xms32m -Xmx512m" quiet="-Xlog:cds=error" ready="-Dlanyard.cds.ready=$cache.ready"
  if (( lanyard_major >= 25 )); then
    local headers
    headers=$(lanyard_object_headers)
    if [[ -f "$cache.aot" ]]; then
      echo "-XX:AOTCache=$cache.aot -Xlog:aot=error $quiet $memory $headers"
    else
      echo "-XX:AOTMode=record -XX:AOTConfiguration=$cache.aotconf -Xlog:aot=error $quiet $ready $memory $headers"
    fi
  else
    echo "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$cache.jsa $quiet $ready $memory"
  fi
}
