#!/bin/bash
# genstat.sh <genlog>: commands by kind, per replication_log append (one per replica per write)
f=$1
grep -E "^[0-9 :]*	+ *[0-9]+ (Query|Execute|Prepare|Close stmt|Reset stmt)" $f | grep -v "sleep(1.5)\|general_log" > /tmp/perf-runs/.g
total=$(wc -l < /tmp/perf-runs/.g)
appends=$(grep -c "INSERT INTO \`replication_log\`" /tmp/perf-runs/.g)
echo "$f: commands=$total log-appends=$appends per-append=$(echo "scale=1; $total/$appends" | bc)"
for k in "SET SESSION TRANSACTION" "SET autocommit" "COMMIT" "ROLLBACK" "SELECT" "INSERT" "UPDATE" " Prepare" " Execute"; do
  echo "  $k: $(grep -c "$k" /tmp/perf-runs/.g)"
done
