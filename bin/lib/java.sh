# Sourced by bin/lanyard and bin/test: finds a JDK >= 21 and exports JAVA_HOME so that
# both `java` and Maven use it. Lanyard targets Java 21 (records, virtual threads in Jetty 12).

# Major version of the java binary at $1 ("17", "21", "25"), or nothing if it does not run.
lanyard_java_major() {
  local version
  version=$("$1" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }') || return 0
  # "1.8.0_392" is Java 8; "21.0.5" and "25" are their first number.
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

# The JVM options `serve` runs with (bin/lanyard, and bench/side/run so the bench measures the
# same server). $1 is the snapshot folder (lanyard.jar + lib/), where the class-data archive lives.
# - A class-data sharing archive of the classes the server loaded, written by the JVM when the
#   first `serve` of a build exits and used from the next start on (JDK 19+; a build is a new
#   snapshot, so a stale archive is never used): start to ready about 1.1 s instead of 1.9 s here.
#   It needs jars on the class path, not folders, hence lanyard.jar.
# - A small initial heap and a bounded one: the heap the JVM reserves by default is a quarter of
#   the machine, and G1's own tables grow with it (40 MB of them at 6 GB). Lanyard bounds every
#   request and never holds an organization in memory, so 512 MB is ample; raise it with
#   LANYARD_JAVA_OPTS="-Xmx2g", which comes later on the command line and wins.
# -Xlog:cds=error: writing the archive warns once per class it leaves out (about 170 lines, e.g.
# classes generated at run time); those are no concern of the operator's and stay out of the log.
# -Dlanyard.cds.ready: the file the server creates once it listens, which tells bin/lanyard that
# the archive this JVM writes at exit is one of a whole start (see there).
lanyard_server_opts() {
  echo "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$1/serve.jsa -Xlog:cds=error -Dlanyard.cds.ready=$1/serve.ready -Xms32m -Xmx512m"
}
