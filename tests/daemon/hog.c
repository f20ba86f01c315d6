/*
 * A memory hog for the daemon's integration tests and bench.
 *
 *   hog STEP_MIB INTERVAL_MS MAX_MIB [REPORT_FILE [meminfo THRESH_KB | cgroup DIR THRESH_BYTES]]
 *
 * Every INTERVAL_MS it allocates and touches STEP_MIB more, up to MAX_MIB, then holds. With a
 * watch, after each step it checks MemAvailable (kB) or the cgroup's headroom under its limit
 * (limit - (usage - total_inactive_file), bytes) and records the first time (CLOCK_MONOTONIC) it
 * is at or below THRESH. On SIGTERM it writes "<crossed_ns> <sigterm_ns> <allocated_mib>\n" to
 * REPORT_FILE and exits 0. Prints "ready" on stdout once started. With HOG_WAIT=1 in the
 * environment it then waits for a line on stdin before it starts allocating. With HOG_IGNORE_TERM=1
 * it ignores SIGTERM (a victim that has to be SIGKILLed).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile long long crossed_ns = -1;
static volatile long allocated_mib = 0;
static const char *report = NULL;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_term(int sig) {
  (void)sig;
  long long t = now_ns();
  if (report) {
    FILE *f = fopen(report, "w");
    if (f) {
      fprintf(f, "%lld %lld %ld\n", crossed_ns, t, allocated_mib);
      fclose(f);
    }
  }
  _exit(0);
}

static long long read_ll(const char *path, const char *key) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[256];
  long long v = -1;
  size_t klen = key ? strlen(key) : 0;
  while (fgets(line, sizeof line, f)) {
    if (!key) { v = atoll(line); break; }
    if (strncmp(line, key, klen) == 0) { v = atoll(line + klen); break; }
  }
  fclose(f);
  return v;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: hog STEP_MIB INTERVAL_MS MAX_MIB [REPORT [meminfo KB | cgroup DIR BYTES]]\n");
    return 2;
  }
  long step = atol(argv[1]), interval = atol(argv[2]), max = atol(argv[3]);
  if (argc > 4) report = argv[4];
  int watch = 0; /* 1 meminfo, 2 cgroup */
  long long thresh = 0;
  char usage_path[512], limit_path[512], stat_path[512];
  if (argc > 6 && strcmp(argv[5], "meminfo") == 0) { watch = 1; thresh = atoll(argv[6]); }
  if (argc > 7 && strcmp(argv[5], "cgroup") == 0) {
    watch = 2; thresh = atoll(argv[7]);
    snprintf(usage_path, sizeof usage_path, "%s/memory.usage_in_bytes", argv[6]);
    snprintf(limit_path, sizeof limit_path, "%s/memory.limit_in_bytes", argv[6]);
    snprintf(stat_path, sizeof stat_path, "%s/memory.stat", argv[6]);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  if (getenv("HOG_IGNORE_TERM")) sa.sa_handler = SIG_IGN;
  sigaction(SIGTERM, &sa, NULL);
  printf("ready\n");
  fflush(stdout);
  if (getenv("HOG_WAIT")) {
    char go[16];
    if (!fgets(go, sizeof go, stdin)) return 1;
  }
  long long limit = watch == 2 ? read_ll(limit_path, NULL) : 0;
  for (;;) {
    if (allocated_mib < max) {
      char *p = malloc((size_t)step << 20);
      if (p) { memset(p, 1, (size_t)step << 20); allocated_mib += step; }
      if (watch && crossed_ns < 0) {
        long long value;
        if (watch == 1) value = read_ll("/proc/meminfo", "MemAvailable:");
        else {
          long long usage = read_ll(usage_path, NULL);
          long long inactive = read_ll(stat_path, "total_inactive_file ");
          value = limit - (usage - (inactive > 0 ? inactive : 0));
        }
        if (value >= 0 && value <= thresh) crossed_ns = now_ns();
      }
    }
    usleep((useconds_t)interval * 1000);
  }
}
