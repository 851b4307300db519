#!/usr/bin/env bash
# Consumer tests (issue 6): sigbridge's installed artifacts used the way users use them.
#   (a) ci/consumers/plain    an ordinary Maven dependency on the jar; handles a USR1 that kill(1) sends
#   (b) ci/consumers/nar      the NAR plugin: <type>nar</type>, the AOL nar unpacked, NarSystem.loadLibrary()
#   (c) ci/consumers/modular  a named module on --module-path (JDK 17, and Temurin 25 when present)
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

echo "== consumers passed in $((SECONDS - start)) s"
