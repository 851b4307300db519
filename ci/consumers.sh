#!/usr/bin/env bash
# Consumer tests (issue 6): sigbridge's installed artifacts used the way users use them.
#   (a) ci/consumers/plain    an ordinary Maven dependency on the jar; handles a USR1 that kill(1) sends
#   (b) ci/consumers/nar      the NAR plugin: <type>nar</type>, the AOL nar unpacked, NarSystem.loadLibrary()
#   (c) ci/consumers/modular  a named module on --module-path (JDK 17, and Temurin 25 when present)
#   (d) ci/consumers/junit    the JUnit harnesses (sigbridge-<v>-junit.jar) through Surefire, the
#                             console launcher and the module path (issue 12)
#   and `java -jar sigbridge.jar` on Temurin 25 without a restricted-method warning (the manifest).
# The project is installed with -DskipTests into a private local repository, target/consumers/m2:
# io/sigbridge there is its own, every other group is a link into ~/.m2/repository, so nothing
# is downloaded again and no other checkout's sigbridge is picked up or overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/consumers
repo=$work/m2
shared=${SIGBRIDGE_SHARED_REPO:-$HOME/.m2/repository}
jdk25=${SIGBRIDGE_JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn=(mvn -B -ntp -Dmaven.repo.local="$repo")
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
start=$SECONDS

echo "== consumers: sigbridge $version, local repository $repo"
rm -rf "$work"
mkdir -p "$repo/io" "$shared"
for d in "$shared"/*; do
  [ -e "$d" ] && [ "$(basename "$d")" != io ] && ln -s "$d" "$repo/"
done
for d in "$shared"/io/*; do
  [ -e "$d" ] && [ "$(basename "$d")" != sigbridge ] && ln -s "$d" "$repo/io/"
done

echo "== install (-DskipTests)"
"${mvn[@]}" -q install -DskipTests
installed=$repo/io/sigbridge/sigbridge/$version
ls "$installed"
jar=$installed/sigbridge-$version.jar
for f in "sigbridge-$version.jar" "sigbridge-$version.nar" "sigbridge-$version-amd64-Linux-gpp-jni.nar" \
         "sigbridge-$version-sources.jar" "sigbridge-$version-javadoc.jar"; do
  [ -f "$installed/$f" ] || { echo "FAILED: $f was not installed"; exit 1; }
done

# Builds one consumer project with its tests and checks its Surefire report shows no failure.
maven_consumer() { # DIR TEST-CLASS EXTRA-LINES-TO-SHOW
  "${mvn[@]}" -f "ci/consumers/$1/pom.xml" -Dsigbridge.version="$version" verify \
    | grep -E "Tests run:|BUILD|ERROR|FAIL$3" || true
  local report="ci/consumers/$1/target/surefire-reports/TEST-$2.xml"
  test -f "$report"
  grep -q 'errors="0".*failures="0"\|failures="0".*errors="0"' "$report"
}

echo "== (a) plain Maven consumer"
maven_consumer plain consumer.PlainConsumerTest ""

echo "== (b) NAR plugin consumer"
maven_consumer nar consumer.NarConsumerTest "|Unpacking|nar"

echo "== (c) modular consumer"
"${mvn[@]}" -q -f ci/consumers/modular/pom.xml -Dsigbridge.version="$version" package
modpath="$jar:$root/ci/consumers/modular/target/classes"
java --module-path "$modpath" -m io.sigbridge.consumer/io.sigbridge.consumer.Main
if [ -x "$jdk25/bin/java" ]; then
  out=$("$jdk25/bin/java" --enable-native-access=io.sigbridge --module-path "$modpath" \
        -m io.sigbridge.consumer/io.sigbridge.consumer.Main 2>&1)
  echo "$out"
  if grep -q WARNING <<<"$out"; then echo "FAILED: a warning on Temurin 25 with the flag"; exit 1; fi
  grep -q '^OK modular consumer' <<<"$out"

  echo "== java -jar on Temurin 25: Enable-Native-Access in the manifest, no warning"
  out=$("$jdk25/bin/java" -jar "$jar" list 2>&1)
  if grep -qi 'restricted method\|WARNING' <<<"$out"; then echo "$out"; echo "FAILED: a warning"; exit 1; fi
  grep -q 'SIGUSR1' <<<"$out"
  echo "no warning; $(grep -c usable <<<"$out") usable signals listed"
else
  echo "(no $jdk25: the Temurin 25 checks are skipped)"
fi

# ===== junit (issue 12): sigbridge's JUnit 5 harnesses, the junit jar, used as users use it =====
echo "== (d) JUnit harnesses: ci/consumers/junit through Surefire, one selection at a time"
junit_dir=$root/ci/consumers/junit
junit_mvn=("${mvn[@]}" -f "$junit_dir/pom.xml" -Dsigbridge.version="$version")
junit_reports=$junit_dir/target/surefire-reports
junit_dumps=$junit_dir/target/sigbridge-dumps
junit_log=$work/junit.log
junit_fail() { echo "FAILED (junit): $*"; exit 1; }
# Runs the consumer's tests (extra Maven arguments); the exit status and the log are kept.
junit_surefire() {
  local status=0
  "${junit_mvn[@]}" "$@" >"$junit_log" 2>&1 || status=$?
  grep -E "Tests run:|BUILD|sigbridge.junit:|Process Exit Code|Crashed tests" "$junit_log" | grep -v "^\[ERROR\] 	at " || true
  return $status
}
junit_has() { # FILE TEXT: the file contains the text, literally
  grep -qF -- "$2" "$1" || junit_fail "$1 lacks: $2"
}

echo "-- passing tests: death tests, a leak reported, a dump on kill -USR1 (-D), @SignalTimeout's early dump"
junit_surefire clean test -Dsigbridge.junit.dump.signal=USR1 || junit_fail "the passing selection failed: $junit_log"
for t in DeathTest LeakTest SignalDumpTest SlowTest; do
  junit_has "$junit_reports/TEST-consumer.$t.xml" 'failures="0"'
  junit_has "$junit_reports/TEST-consumer.$t.xml" 'errors="0"'
done
junit_has "$junit_reports/TEST-consumer.DeathTest.xml" 'tests="2"'
junit_has "$junit_reports/consumer.LeakTest-output.txt" \
  "consumer.LeakTest.leavesUsr1Registered() left 1 sigbridge registration open:"
junit_has "$junit_reports/consumer.LeakTest-output.txt" "at consumer.LeakTest.leavesUsr1Registered(LeakTest.java:"
ls "$junit_dumps"/'consumer.SignalDumpTest.killUsr1LeavesADump().USR1.'*.txt \
   "$junit_dumps"/'consumer.SlowTest.takesTwoSeconds().after-1s.'*.txt >/dev/null

echo "-- a failing death test: the failure names the expected and the actual end"
junit_surefire test -Dtest=FailingDeathTest && junit_fail "FailingDeathTest passed"
junit_has "$junit_reports/TEST-consumer.FailingDeathTest.xml" \
  "expected death by ABRT, got exit 0 after the body returned normally (stderr tail:"
junit_has "$junit_reports/TEST-consumer.FailingDeathTest.xml" "still alive"

echo "-- hygiene=fail with extension autodetection: the leak fails its test"
junit_surefire test -Dtest=LeakTest -Dsigbridge.junit.hygiene=fail -Djunit.jupiter.extensions.autodetection.enabled=true \
  && junit_fail "LeakTest passed with sigbridge.junit.hygiene=fail"
junit_has "$junit_reports/TEST-consumer.LeakTest.xml" "left 1 sigbridge registration open:"
junit_has "$junit_reports/TEST-consumer.LeakTest.xml" "(closed now: the dispositions are back to before the test)"

echo "-- a hung test ignoring interrupts (configurationParameters): dumps, then the fork halts with 86"
junit_surefire test -Phung -Dtest=HungTest && junit_fail "the hung test's build passed"
junit_has "$junit_log" "Process Exit Code: 86"
grep -A1 "Crashed tests:" "$junit_log" | grep -q "consumer.HungTest" || junit_fail "Surefire does not name the crashed test"
junit_has "$junit_log" "sigbridge.junit: consumer.HungTest.ignoresInterrupts() still running after 6 s (sigbridge.junit.halt.after=6s): thread dump in"
for kind in after-2s halt; do
  f=$(ls "$junit_dumps"/"consumer.HungTest.ignoresInterrupts().$kind."*.txt)
  junit_has "$f" "at consumer.HungTest.ignoresInterrupts(HungTest.java:"
  junit_has "$f" "- locked <0x"
done

echo "-- Signals.raise(ABRT) in the fork: an abort dump, then death by SIGABRT"
junit_surefire test -Dtest=AbortTest && junit_fail "the aborting test's build passed"
junit_has "$junit_log" "Process Exit Code: 134"
f=$(ls "$junit_dumps"/'consumer.AbortTest.abortsWithoutJni().abort.'*.txt)
junit_has "$f" "sigbridge.junit: SIGABRT"
junit_has "$f" "at consumer.AbortTest.abortsWithoutJni(AbortTest.java:"

echo "== (d) the same through the JUnit console launcher, which finds the listener by itself"
console_jar=$work/console/junit-platform-console-standalone-1.14.1.jar
"${mvn[@]}" -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 \
  -DoutputDirectory="$work/console"
"${junit_mvn[@]}" -q dependency:build-classpath -Dmdep.outputFile="$work/junit-cp.txt"
junit_cp="$junit_dir/target/test-classes:$(cat "$work/junit-cp.txt")"
console_dumps=$work/console-dumps
junit_console() { # EXPECTED-STATUS JVM-OPTIONS... -- LAUNCHER-ARGUMENTS...
  local expected=$1 status=0 jvm=()
  shift
  while [ "$1" != -- ]; do jvm+=("$1"); shift; done
  shift
  java "${jvm[@]}" -jar "$console_jar" execute --disable-banner --details=summary --class-path "$junit_cp" "$@" \
    >"$junit_log" 2>&1 || status=$?
  grep -E "tests (successful|failed)|sigbridge.junit|expected death|left 1" "$junit_log" || true
  [ "$status" = "$expected" ] || junit_fail "the console launcher exited $status, not $expected: $junit_log"
}
junit_console 1 -- --select-class consumer.DeathTest --select-class consumer.LeakTest --select-class consumer.FailingDeathTest
junit_has "$junit_log" "3 tests successful"
junit_has "$junit_log" "1 tests failed"
junit_has "$junit_log" "expected death by ABRT, got exit 0 after the body returned normally"
junit_has "$junit_log" "consumer.LeakTest.leavesUsr1Registered() left 1 sigbridge registration open:"
junit_console 86 -- --select-class consumer.HungTest --config sigbridge.junit.dump.after=2s \
  --config sigbridge.junit.halt.after=6s --config "sigbridge.junit.dump.dir=$console_dumps"
junit_has "$junit_log" "sigbridge.junit: consumer.HungTest.ignoresInterrupts() still running after 6 s"
junit_has "$(ls "$console_dumps"/'consumer.HungTest.ignoresInterrupts().halt.'*.txt)" "- locked <0x"
junit_console 134 "-Dsigbridge.junit.dump.dir=$console_dumps" -- --select-class consumer.AbortTest
junit_has "$(ls "$console_dumps"/'consumer.AbortTest.abortsWithoutJni().abort.'*.txt)" "sigbridge.junit: SIGABRT"

echo "== (d) module io.sigbridge.junit on the module path: resolved, and its listener found through provides"
"${mvn[@]}" -q dependency:copy -Dartifact=org.junit.platform:junit-platform-launcher:1.14.1 -DoutputDirectory="$work/mods"
junit_jar=$installed/sigbridge-$version-junit.jar
modules="$jar:$junit_jar:$work/mods/junit-platform-launcher-1.14.1.jar:$(tr ':' '\n' <"$work/junit-cp.txt" \
  | grep -E '/(junit-platform-(engine|commons)|junit-jupiter-api|opentest4j|apiguardian-api)-[0-9.]+\.jar$' | paste -sd:)"
for java_home in "${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" "$jdk25"; do
  [ -x "$java_home/bin/java" ] || continue
  out=$("$java_home/bin/java" --module-path "$modules" --add-modules io.sigbridge.junit \
        "$junit_dir/jpms/ListListeners.java" 2>&1) || junit_fail "module path on $java_home: $out"
  echo "$("$java_home/bin/java" -version 2>&1 | head -n 1): $out"
  grep -q "^listener io.sigbridge.junit.SigbridgeListener in module io.sigbridge.junit$" <<<"$out" \
    || junit_fail "the module path listener was not found on $java_home"
done
# ===== end junit =====

echo "== consumers passed in $((SECONDS - start)) s"
