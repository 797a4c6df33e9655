#!/bin/bash
# conns.sh: connections to shard-servers (:8081) and the router (:8080), by state, and how many
# of the established ones are new since the last sample (a new local port = a new connection).
for i in 1 2 3; do
  ss -tanH state established '( dport = :8081 )' | awk '{print $3"->"$4}' | sort > /tmp/perf-runs/conns.$i
  tw=$(ss -tanH state time-wait '( dport = :8081 or sport = :8081 )' | wc -l)
  echo "$(date -u +%T) est->8081=$(wc -l < /tmp/perf-runs/conns.$i) timewait(8081)=$tw $( [ $i -gt 1 ] && echo new-since-last=$(comm -13 /tmp/perf-runs/conns.$((i-1)) /tmp/perf-runs/conns.$i | wc -l))"
  sleep 10
done
