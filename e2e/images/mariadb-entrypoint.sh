#!/bin/bash
# Entrypoint of the MariaDB sidecar image: honours the official mysql image's variables
# (MYSQL_ROOT_PASSWORD, MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD, and each one's _FILE form),
# data in /var/lib/mysql,
# port 3306. Initialises an empty data directory once, then runs mariadbd in the foreground.
set -euo pipefail
# As the official image's file_env: VAR_FILE names a file whose content (trailing newlines
# stripped, as $(< f) does) becomes VAR; both set is an error. The operator mounts the passwords
# as files (docs/security.md, "Secrets as files").
file_env() {
  local var="$1" file="${1}_FILE"
  if [[ -n "${!var:-}" && -n "${!file:-}" ]]; then
    echo "error: both $var and $file are set (but are exclusive)" >&2
    exit 1
  fi
  if [[ -n "${!file:-}" ]]; then
    export "$var"="$(< "${!file}")"
  fi
  unset "$file"
}
for v in MYSQL_ROOT_PASSWORD MYSQL_DATABASE MYSQL_USER MYSQL_PASSWORD; do file_env "$v"; done
datadir=/var/lib/mysql
mkdir -p /run/mysqld
if [[ "$(id -u)" == 0 ]]; then chown -R mysql:mysql "$datadir" /run/mysqld; user=(--user=mysql); else user=(); fi
if [[ ! -d "$datadir/mysql" ]]; then
  : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set}"
  mariadb-install-db "${user[@]}" --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null
  mariadbd "${user[@]}" --datadir="$datadir" --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  for _ in $(seq 1 60); do mariadb-admin --socket=/run/mysqld/init.sock ping >/dev/null 2>&1 && break; sleep 1; done
  esc() { printf '%s' "$1" | sed "s/'/''/g"; }
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(esc "$MYSQL_ROOT_PASSWORD")';"
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$(esc "$MYSQL_ROOT_PASSWORD")';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [[ -n "${MYSQL_DATABASE:-}" ]]; then echo "CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE}\`;"; fi
    if [[ -n "${MYSQL_USER:-}" && -n "${MYSQL_PASSWORD:-}" ]]; then
      echo "CREATE USER IF NOT EXISTS '$(esc "$MYSQL_USER")'@'%' IDENTIFIED BY '$(esc "$MYSQL_PASSWORD")';"
      if [[ -n "${MYSQL_DATABASE:-}" ]]; then
        echo "GRANT ALL ON \`${MYSQL_DATABASE}\`.* TO '$(esc "$MYSQL_USER")'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket=/run/mysqld/init.sock -uroot
  mariadb-admin --socket=/run/mysqld/init.sock -uroot -p"$MYSQL_ROOT_PASSWORD" shutdown
  wait "$pid" || true
fi
exec mariadbd "${user[@]}" --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 \
  --socket=/run/mysqld/mysqld.sock --skip-name-resolve "$@"
