#!/bin/bash
# genlog.sh <label>: during the run's one-client latency phase, 1.5 s of MariaDB's general log
l=$1; f=/tmp/perf-runs/$l/stdout.txt
for i in $(seq 1 1200); do [ -f $f ] && [ "$(grep -c 'main shardeddb 4x3 read' $f)" -ge 3 ] && break; sleep 1; done
P=$(ps -eo args | grep "mariadbd" | grep "$l.work" | grep -o "port=[0-9]*" | head -1 | cut -d= -f2)
sleep 2
/tmp/perf-runs/$l.work/local/mariadb.base/bin/mariadb -uroot -h127.0.0.1 -P$P -e "set global general_log_file='/tmp/perf-runs/genlog-$l.txt'; set global general_log=ON; select sleep(1.5); set global general_log=OFF" >/dev/null 2>&1
echo "captured $l port $P"
