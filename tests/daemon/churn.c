/*
 * Process churn for the daemon's footprint test: RATE process starts a second for SECONDS, each
 * child re-executing this program with a command line of ARG_KB kB and living LIFE_MS.
 *
 *   churn RATE SECONDS ARG_KB LIFE_MS
 *
 * Children are never waited for (SIGCHLD ignored: the kernel reaps them).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "child") == 0) return 0;
  if (argc == 4 && strcmp(argv[1], "child") == 0) {
    usleep((useconds_t)atol(argv[3]) * 1000);
    return 0;
  }
  if (argc < 5) return 2;
  long rate = atol(argv[1]), seconds = atol(argv[2]), kb = atol(argv[3]);
  char *life = argv[4];
  char *pad = malloc((size_t)kb * 1024 + 1);
  memset(pad, 'c', (size_t)kb * 1024);
  pad[kb * 1024] = 0;
  signal(SIGCHLD, SIG_IGN);
  long long start = now_ns(), step = 1000000000LL / rate;
  for (long i = 0; i < rate * seconds; i++) {
    long long due = start + i * step, t = now_ns();
    if (due > t) usleep((useconds_t)((due - t) / 1000));
    pid_t pid = fork();
    if (pid == 0) {
      execl("/proc/self/exe", "churn", "child", pad, life, (char *)NULL);
      _exit(1);
    }
  }
  return 0;
}
