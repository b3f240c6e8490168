# Sourced by run.sh and test.sh: install and start PostgreSQL and Redis when missing.
# Each ensure_* function records what it started, so stop_started stops only that.

STARTED_REDIS=""
STARTED_PG=""

apt_install() {
  # Install Debian packages only when missing, so a warm machine is fast.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]}..."
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { $sudo apt-get update -q >/dev/null && \
         $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
}

# ensure_redis HOST PORT
ensure_redis() {
  local host="${1:-127.0.0.1}" port="${2:-6379}"
  command -v redis-server >/dev/null || apt_install redis-server
  if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
    return 0
  fi
  echo "Starting Redis on $host:$port..."
  redis-server --bind "$host" --port "$port" --daemonize yes --save '' --appendonly no \
    --dir /tmp --pidfile "/tmp/ccpor-redis-$port.pid" --logfile "/tmp/ccpor-redis-$port.log"
  for _ in $(seq 50); do
    redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && { STARTED_REDIS="$port"; return 0; }
    sleep 0.1
  done
  echo "Redis did not start; see /tmp/ccpor-redis-$port.log" >&2
  return 1
}

# ensure_postgres: a local cluster on 127.0.0.1:5432 with role and database app/app.
ensure_postgres() {
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local pgv
  pgv=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_lsclusters -h | grep -q "^$pgv main" || pg_createcluster "$pgv" main >/dev/null
    echo "Starting PostgreSQL $pgv..."
    pg_ctlcluster "$pgv" main start
    STARTED_PG="$pgv"
    for _ in $(seq 100); do
      pg_isready -q -h 127.0.0.1 -p 5432 && break
      sleep 0.1
    done
  fi
  (cd /tmp && runuser -u postgres -- psql -q -tAc \
    "SELECT 1 FROM pg_roles WHERE rolname='app'" | grep -q 1) \
    || (cd /tmp && runuser -u postgres -- psql -q -c \
      "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB")
  (cd /tmp && runuser -u postgres -- psql -q -tAc \
    "SELECT 1 FROM pg_database WHERE datname='app'" | grep -q 1) \
    || (cd /tmp && runuser -u postgres -- createdb -O app app)
}

# ensure_vnu_jar: export VNU_JAR, the Nu HTML Checker's jar (the `vnu-jar` npm package,
# pinned), fetched with `npm pack` into ~/.cache/ccpor the first time. A VNU_JAR already
# set to an existing file wins.
VNU_VERSION="26.9.27"
ensure_vnu_jar() {
  if [ -n "${VNU_JAR:-}" ] && [ -s "$VNU_JAR" ]; then
    export VNU_JAR
    return 0
  fi
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/ccpor"
  local jar="$cache/vnu-$VNU_VERSION.jar"
  if [ ! -s "$jar" ]; then
    command -v java >/dev/null || apt_install openjdk-17-jre-headless
    command -v npm >/dev/null || apt_install npm
    echo "Fetching the Nu HTML Checker (vnu-jar $VNU_VERSION) from the npm registry..."
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "vnu-jar@$VNU_VERSION" >/dev/null \
      && tar -xzf "vnu-jar-$VNU_VERSION.tgz" package/build/dist/vnu.jar)
    mkdir -p "$cache"
    mv "$tmp/package/build/dist/vnu.jar" "$jar.part"
    mv "$jar.part" "$jar"
    rm -rf "$tmp"
  fi
  export VNU_JAR="$jar"
}

stop_started() {
  if [ -n "$STARTED_REDIS" ]; then
    redis-cli -p "$STARTED_REDIS" shutdown nosave >/dev/null 2>&1 || true
  fi
  if [ -n "$STARTED_PG" ]; then
    pg_ctlcluster "$STARTED_PG" main stop >/dev/null 2>&1 || true
  fi
}
