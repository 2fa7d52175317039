#!/usr/bin/env bash
# paired.sh N 'command A' 'command B': runs A and B in turn N times each, under
# /usr/bin/time -f '%e %U %S', and prints each run and the medians of wall time and of CPU
# (user + system) for each, with their ratios A / B. Compare builds in the same session, in
# turn, so that the neighbours weigh on both alike.
set -eu
n=$1 a=$2 b=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for i in $(seq "$n"); do
  for x in a b; do
    cmd=$a; [ "$x" = b ] && cmd=$b
    /usr/bin/time -f '%e %U %S' -o "$tmp/t" sh -c "$cmd"
    read -r wall user sys < "$tmp/t"
    echo "$x $wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" | tee -a "$tmp/runs"
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
for col in 2 3; do
  ma=$(awk -v c=$col '$1=="a" {print $c}' "$tmp/runs" | median)
  mb=$(awk -v c=$col '$1=="b" {print $c}' "$tmp/runs" | median)
  name=wall; [ $col = 3 ] && name=cpu
  echo "$name median: A $ma s, B $mb s, A/B $(awk -v a="$ma" -v b="$mb" 'BEGIN {if (b > 0) printf "%.3f\n", a / b; else print "-"}')"
done
