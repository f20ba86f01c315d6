# oomkit QEMU guest case library (sourced by every case script; busybox sh).
CG=/sys/fs/cgroup

# snap: copy what `oomkit scores --root` reads (the layout of src/host/capture.ts) for every
# process alive now, plus the sysctls and the memory cgroup tree, and print it as a base64 tar.
snap() {
  d=/tmp/snap
  rm -rf $d
  mkdir -p $d/proc/sys/vm $d/proc/sys/kernel $d/proc/pressure $d/etc
  pids=""
  for p in /proc/[0-9]*; do pids="$pids ${p#/proc/}"; done
  for f in meminfo zoneinfo vmstat swaps sys/kernel/osrelease pressure/memory; do
    cat /proc/$f > $d/proc/$f 2>/dev/null
  done
  for f in overcommit_memory overcommit_ratio overcommit_kbytes panic_on_oom \
    oom_kill_allocating_task oom_dump_tasks min_free_kbytes watermark_scale_factor swappiness; do
    cat /proc/sys/vm/$f > $d/proc/sys/vm/$f
  done
  grep ' cgroup' /proc/mounts > $d/proc/mounts
  echo "root:x:0:0::/:/bin/false" > $d/etc/passwd
  for p in $pids; do
    mkdir -p $d/proc/$p
    for f in status stat oom_score oom_score_adj cgroup; do
      cat /proc/$p/$f > $d/proc/$p/$f 2>/dev/null
    done
  done
  for g in $(find /sys/fs/cgroup -type d); do
    mkdir -p $d$g
    for f in cgroup.procs cgroup.controllers memory.limit_in_bytes memory.memsw.limit_in_bytes \
      memory.usage_in_bytes memory.memsw.usage_in_bytes memory.oom_control memory.failcnt \
      memory.swappiness memory.max memory.high memory.low memory.min memory.current \
      memory.swap.max memory.swap.current memory.oom.group memory.events memory.events.local \
      memory.stat; do
      [ -e $g/$f ] && cat $g/$f > $d$g/$f 2>/dev/null
    done
  done
  echo "@@snap-begin"
  tar -C $d -cf - . | gzip -c | base64
  echo "@@snap-end"
  rm -rf $d
}

# hog I CGROUP ARGS...: start ghog number I inside CGROUP (a path below /sys/fs/cgroup, or "/"),
# its output in /tmp/h.I; waits for its "ready" line and prints it as "@@hog I ready ...".
hog() {
  i=$1
  g=$2
  shift 2
  sh -c "echo \$\$ > $CG$g/cgroup.procs && exec /bin/ghog $*" > /tmp/h.$i 2>&1 &
  eval "hogpid_$i=$!"
  n=0
  until grep -q '^ready' /tmp/h.$i 2>/dev/null; do
    n=$((n + 1))
    if [ $n -gt 500 ]; then echo "@@error hog $i never ready: $(cat /tmp/h.$i)"; return 1; fi
    sleep 0.02
  done
  echo "@@hog $i $(grep '^ready' /tmp/h.$i)"
}

# settle: let the hogs' counters reach their final values before the snapshot.
settle() { sleep 0.2; }

# report: the grower's progress, the counters and the kernel log since the last report.
report() {
  echo "@@grown $(grep -E '^(ok|stop)' /tmp/h.$1 | tail -n 1)"
  for g in $(find $CG -mindepth 1 -type d); do
    echo "@@events ${g#$CG} $(tr '\n' ' ' < $g/memory.events)"
  done
  echo "@@vmstat $(grep -E '^oom_kill ' /proc/vmstat)"
  echo "@@dmesg-begin"
  dmesg -c
  echo "@@dmesg-end"
}

# kswapd_trace_prepare (before the snapshot: the first enabled event allocates the ring buffer,
# 1.4 MiB by default, here 256 KiB, which the snapshot's MemFree must already show) and
# kswapd_trace_on (at the go): from then on, record in the trace buffer the start of every kswapd
# balance_pgdat() pass (6.1 kswapd() emits vmscan:mm_vmscan_kswapd_wake just before each call),
# kswapd going to sleep (mm_vmscan_kswapd_sleep, kswapd_try_to_sleep()) and the end of every
# direct reclaim (vmscan:mm_vmscan_direct_reclaim_end, nr_reclaimed: slab included), stamped with the "perf" trace clock (local_clock(), the clock of the dmesg stamps).
TR=/sys/kernel/tracing
TRACED="vmscan/mm_vmscan_kswapd_wake vmscan/mm_vmscan_kswapd_sleep vmscan/mm_vmscan_direct_reclaim_end"
kswapd_trace_prepare() {
  [ -e $TR/trace_clock ] || mount -t tracefs nodev $TR 2>/dev/null || return 0
  echo 0 > $TR/tracing_on
  echo 256 > $TR/buffer_size_kb
  echo perf > $TR/trace_clock
  for e in $TRACED; do echo 1 > $TR/events/$e/enable; done
}
kswapd_trace_on() {
  [ -e $TR/trace ] || return 0
  : > $TR/trace
  echo 1 > $TR/tracing_on
}

# kswapd_trace_report: the passes' and sleeps' stamps, the stamps and page counts of direct
# reclaims that made progress, the reclaim counters and zoneinfo's node_unreclaimable now (at
# the end of the case; the snapshot has them from before the go).
kswapd_trace_report() {
  [ -e $TR/trace ] || return 0
  echo 0 > $TR/tracing_on
  echo "@@kswapd-wakes $(grep -o '[0-9]*\.[0-9]*: mm_vmscan_kswapd_wake' $TR/trace | sed 's/: .*//' | tr '\n' ' ')"
  echo "@@reclaim-progress $(grep -o '[0-9]*\.[0-9]*: mm_vmscan_direct_reclaim_end: nr_reclaimed=[1-9][0-9]*' $TR/trace | sed 's/: .*=/:/' | tr '\n' ' ')"
  echo "@@kswapd-sleeps $(grep -o '[0-9]*\.[0-9]*: mm_vmscan_kswapd_sleep' $TR/trace | sed 's/: .*//' | tr '\n' ' ')"
  echo "@@vmstat-end $(grep -E '^(pgsteal_direct|pgsteal_kswapd|slabs_scanned|pageoutrun) ' /proc/vmstat | tr '\n' ' ')"
  echo "@@node-unreclaimable $(grep -m 1 node_unreclaimable /proc/zoneinfo | tr -s ' ' | cut -d ' ' -f 3)"
  for e in $TRACED; do echo 0 > $TR/events/$e/enable; done
  : > $TR/trace
}

# teardown: kill every hog and remove the case cgroups (deepest first).
teardown() {
  for p in /proc/[0-9]*; do
    [ "$(readlink $p/exe 2>/dev/null)" = /bin/ghog ] && kill -9 ${p#/proc/} 2>/dev/null
  done
  sleep 0.1
  for g in $(find $CG -mindepth 1 -type d | sort -r); do rmdir $g 2>/dev/null; done
  rm -f /tmp/h.* /tmp/go
  sysctl -q -w vm.oom_kill_allocating_task=0 vm.panic_on_oom=0
  dmesg -c > /dev/null
}
