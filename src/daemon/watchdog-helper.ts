/**
 * @module The watchdog helper's source: a bash script the daemon starts as its child (a few
 * MiB, no second V8 isolate in the daemon; its reads and arithmetic are builtins, so it forks
 * nothing while it watches). It blocks in `read -t` on a pipe from the daemon:
 * - `B<TAB>ms`: a heartbeat; the next is due within `ms` + the timeout (`ms` > 0 announces one of
 *   the loop's own waits, e.g. the pre-kill hook, so it is never taken for a stall);
 * - `C<TAB>timeoutMs<TAB>action<TAB>killBelowBytes<TAB>meminfo<TAB>sysrq`, then one
 *   `G<TAB>p|b<TAB>value<TAB>path` per watched cgroup (p: hundredths of a percent of the limit,
 *   b: bytes of headroom): its settings; `Q`: quit. End of file (the daemon died): it exits.
 * When no heartbeat came in time it looks at the scopes the daemon watches, once per timeout
 * while the stall lasts:
 * - each watched cgroup whose headroom (limit − (usage − inactive_file)) is at or below its kill
 *   threshold: "1" into its cgroup.kill, or without one (v1, < 5.14) SIGKILL to the cgroup's
 *   largest process (VmRSS) other than the daemon and itself;
 * - the system, only when its MemAvailable trigger is on (killBelowBytes > 0) and MemAvailable
 *   is at or below it: sysrq-f (the kernel's OOM killer) when the sysrq file exists, else a log.
 * With action 'log' it only logs. Each firing is a JSON log line on fd 2 (the daemon's stderr,
 * written by the helper itself: the daemon may be stuck) and `F<TAB>stale<TAB>scope<TAB>acted
 * <TAB>availKb` on stdout for the daemon.
 */
// Written with "$\{" and "\}" for bash's "${" and "}" (a template literal would interpolate them).
export const WATCHDOG_HELPER_SOURCE = String.raw`
set -u
daemon=$PPID timeout_ms=10000 action=log kill_below=0 meminfo=/proc/meminfo sysrq=/proc/sysrq-trigger
cg_kind=() cg_value=() cg_path=()
wait_ms=$timeout_ms stale=0 room=0 lim=0 acted= pids=()
log() {
  local msg=$1 now
  msg=$\{msg//\\/\\\\\}; msg=$\{msg//\"/\\\"\}
  if [[ -n $\{EPOCHREALTIME:-\} ]]; then now=$(( $\{EPOCHREALTIME/./\} / 1000 )); else printf -v now '%(%s)T000' -1; fi
  printf '{"level":50,"time":%s,"name":"oomkit-daemon","msg":"%s"}\n' "$now" "$msg" >&2
}
headroom() {
  local d=$1 usage= k v inactive=0
  lim=
  if [[ -r $d/memory.usage_in_bytes ]]; then
    read -r usage 2>/dev/null < "$d/memory.usage_in_bytes"; read -r lim 2>/dev/null < "$d/memory.limit_in_bytes"
  elif [[ -r $d/memory.current ]]; then
    read -r usage 2>/dev/null < "$d/memory.current"; read -r lim 2>/dev/null < "$d/memory.max"
  else return 1; fi
  [[ $usage =~ ^[0-9]+$ && $lim =~ ^[0-9]+$ && $\{#lim\} -lt 19 ]] || return 1
  while read -r k v; do
    if [[ $k == total_inactive_file ]]; then inactive=$v; break; fi
    [[ $k == inactive_file ]] && inactive=$v
  done 2>/dev/null < "$d/memory.stat"
  local used=$(( usage - inactive ))
  (( used < 0 )) && used=0
  room=$(( lim - used ))
}
collect() {
  local p s
  while read -r p; do [[ -n $p ]] && pids+=("$p"); done 2>/dev/null < "$1/cgroup.procs"
  for s in "$1"/*/; do [[ -d $s ]] && collect "$\{s%/\}"; done
}
kill_worst() {
  local best= best_rss=-1 pid rss k v
  pids=()
  collect "$1"
  for pid in "$\{pids[@]\}"; do
    (( pid == daemon || pid == 1 || pid == $$ )) && continue
    rss=0
    while read -r k v _; do [[ $k == VmRSS: ]] && { rss=$v; break; }; done 2>/dev/null < "/proc/$pid/status"
    (( rss > best_rss )) && { best=$pid; best_rss=$rss; }
  done
  if [[ -z $best ]]; then acted='no process'
  elif kill -9 "$best" 2>/dev/null; then acted="SIGKILL pid $best"
  else acted="kill failed: pid $best"; fi
}
act_cgroup() {
  if [[ $action != sysrq-f ]]; then acted=logged
  elif [[ -e $1/cgroup.kill ]]; then
    if { printf 1 > "$1/cgroup.kill"; } 2>/dev/null; then acted=cgroup.kill; else acted='cgroup.kill failed'; fi
  else kill_worst "$1"; fi
}
act_system() {
  if [[ $action != sysrq-f ]]; then acted=logged
  elif [[ ! -e $sysrq ]]; then acted="logged (no $sysrq)"
  elif { printf f > "$sysrq"; } 2>/dev/null; then acted=sysrq-f
  else acted='sysrq-f failed'; fi
}
check() {
  local i below avail= k v
  for (( i = 0; i < $\{#cg_path[@]\}; i++ )); do
    headroom "$\{cg_path[i]\}" || continue
    if [[ $\{cg_kind[i]\} == p ]]; then
      below=$(( lim / 10000 * cg_value[i] + lim % 10000 * cg_value[i] / 10000 ))
    else below=$\{cg_value[i]\}; fi
    (( room > below )) && continue
    act_cgroup "$\{cg_path[i]\}"
    log "watchdog: main loop stalled $stale ms with cgroup $\{cg_path[i]\} $room bytes from its limit: $acted"
    printf 'F\t%s\t%s\t%s\t\n' "$stale" "$\{cg_path[i]\}" "$acted"
  done
  (( kill_below > 0 )) || return 0
  while read -r k v _; do [[ $k == MemAvailable: ]] && { avail=$v; break; }; done 2>/dev/null < "$meminfo"
  [[ -n $avail ]] && (( avail * 1024 <= kill_below )) || return 0
  act_system
  log "watchdog: main loop stalled $stale ms with MemAvailable $avail kB below the kill stage: $acted"
  printf 'F\t%s\tsystem\t%s\t%s\n' "$stale" "$acted" "$avail"
}
while :; do
  printf -v secs '%d.%03d' $(( wait_ms / 1000 )) $(( wait_ms % 1000 ))
  IFS=$'\t' read -r -t "$secs" kind a b c d e
  st=$?
  if (( st == 0 )); then
    case $kind in
      B) wait_ms=$(( a + timeout_ms )) stale=0 ;;
      C) timeout_ms=$a wait_ms=$a action=$b kill_below=$c meminfo=$d sysrq=$e cg_kind=() cg_value=() cg_path=() ;;
      G) cg_kind+=("$a"); cg_value+=("$b"); cg_path+=("$c") ;;
      Q) exit 0 ;;
    esac
    continue
  fi
  (( st > 128 )) || exit 0
  stale=$(( stale + wait_ms ))
  check
  wait_ms=$timeout_ms
done
`
  .replaceAll('$\\{', '${')
  .replaceAll('\\}', '}')
