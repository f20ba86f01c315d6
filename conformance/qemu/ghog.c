/*
 * oomkit guest hog: the QEMU guest's counterpart of conformance/hog.c, driven by the guest's
 * case script (busybox sh) instead of a host harness, so it needs no stdin protocol.
 *
 * Usage: ghog [-n comm] [-m KB] [-s KB] [-f K] [-c KB] [-A adj,adj,..] [-t T] [-v] [-a adj]
 *             [-g STEP_KB -w GOFILE -k MAXKILLS -K COUNTERFILE -x MAXKB] [-l]
 *   -n comm  task name; forked children get comm + 'c' + index, the CLONE_VM child comm + 'v'
 *   -m KB    private anonymous memory touched at start
 *   -s KB    shared anonymous memory (shmem), touched by the parent and every forked child
 *   -f K     fork K children, each touching -c KB of private memory, adj from -A (in order)
 *   -t T     T extra threads (sleeping)
 *   -v       one CLONE_VM child (a second process on this mm)
 *   -a adj   oom_score_adj, written before any memory is touched (negative values need
 *            CAP_SYS_RESOURCE: the guest runs everything as root)
 *   -l       mlock all memory (the OOM reaper cannot free it quickly)
 *   -g KB    grower: after GOFILE exists, map and touch KB at a time; after each step print
 *            "ok <KB grown>" and read the "oom_kill N" counter of COUNTERFILE (memory.events or
 *            /proc/vmstat); stop ("stop <KB>") once it reached MAXKILLS or MAXKB was grown.
 *            After a step that raised the counter it waits until the count is stable for 300 ms,
 *            so the victims are gone before the next step. The grower then exits.
 *
 * stdout (a file) gets "ready <pid> [c<child>...] [v<clone-vm child>]" once every process and
 * thread is up and its memory touched; non-growers then sleep until killed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static void *touch_new(unsigned long kb, int shared) {
  if (kb == 0) return NULL;
  unsigned long bytes = kb * 1024UL;
  int flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE);
  char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) {
    perror("ghog: mmap");
    exit(3);
  }
  madvise(p, bytes, MADV_NOHUGEPAGE);
  for (unsigned long off = 0; off < bytes; off += PAGE) p[off] = (char)(off / PAGE + 1);
  return p;
}

static void touch_existing(char *p, unsigned long kb) {
  for (unsigned long off = 0; p != NULL && off < kb * 1024UL; off += PAGE) p[off] ^= 1;
}

static void set_adj(long adj) {
  char buf[32];
  int fd = open("/proc/self/oom_score_adj", O_WRONLY);
  if (fd < 0) return;
  int n = snprintf(buf, sizeof buf, "%ld", adj);
  if (write(fd, buf, (size_t)n) != n) perror("ghog: oom_score_adj");
  close(fd);
}

static void set_comm(const char *base, const char *suffix, long idx) {
  char name[16];
  if (idx >= 0)
    snprintf(name, sizeof name, "%.10s%s%ld", base, suffix, idx % 100);
  else
    snprintf(name, sizeof name, "%.12s%s", base, suffix);
  prctl(PR_SET_NAME, name, 0, 0, 0);
}

/* The "oom_kill N" counter of a memory.events or vmstat file (-1 when unreadable). */
static long read_counter(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  char key[64];
  long v, out = -1;
  while (fscanf(f, "%63s %ld", key, &v) == 2)
    if (strcmp(key, "oom_kill") == 0) out = v;
  fclose(f);
  return out;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void *thread_main(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

static char vm_comm[16];
static int clone_vm_main(void *arg) {
  (void)arg;
  prctl(PR_SET_NAME, vm_comm, 0, 0, 0);
  for (;;) syscall(SYS_pause);
  return 0;
}

static void grow(unsigned long step, const char *gofile, long maxkills, const char *counter,
                 unsigned long maxkb) {
  struct stat st;
  while (stat(gofile, &st) != 0) sleep_ms(5);
  unsigned long grown = 0;
  long base = read_counter(counter);
  long seen = base;
  while (grown < maxkb) {
    touch_new(step, 0);
    grown += step;
    printf("ok %lu\n", grown);
    long now = read_counter(counter);
    if (now > seen) {
      /* wait for the count to settle (group kills, victims exiting) */
      for (int stable = 0; stable < 6;) {
        sleep_ms(50);
        long again = read_counter(counter);
        stable = again == now ? stable + 1 : 0;
        now = again;
      }
      seen = now;
    }
    if (seen - base >= maxkills) break;
  }
  printf("stop %lu\n", grown);
}

int main(int argc, char **argv) {
  const char *comm = "ghog", *gofile = "/tmp/go", *counter = "/proc/vmstat";
  char *childadj = NULL;
  unsigned long mkb = 0, skb = 0, ckb = 0, step = 0, maxkb = 1UL << 30;
  long nfork = 0, nthreads = 0, adj = 0, maxkills = 1;
  int clonevm = 0, setadj = 0, lock = 0, opt;
  while ((opt = getopt(argc, argv, "n:m:s:f:c:A:t:va:lg:w:k:K:x:")) != -1) {
    switch (opt) {
      case 'n': comm = optarg; break;
      case 'm': mkb = strtoul(optarg, NULL, 10); break;
      case 's': skb = strtoul(optarg, NULL, 10); break;
      case 'f': nfork = strtol(optarg, NULL, 10); break;
      case 'c': ckb = strtoul(optarg, NULL, 10); break;
      case 'A': childadj = optarg; break;
      case 't': nthreads = strtol(optarg, NULL, 10); break;
      case 'v': clonevm = 1; break;
      case 'a': adj = strtol(optarg, NULL, 10); setadj = 1; break;
      case 'l': lock = 1; break;
      case 'g': step = strtoul(optarg, NULL, 10); break;
      case 'w': gofile = optarg; break;
      case 'k': maxkills = strtol(optarg, NULL, 10); break;
      case 'K': counter = optarg; break;
      case 'x': maxkb = strtoul(optarg, NULL, 10); break;
      default: fprintf(stderr, "ghog: bad usage\n"); return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGCHLD, SIG_IGN);
  set_comm(comm, "", -1);
  if (setadj) set_adj(adj);
  if (lock) mlockall(MCL_CURRENT | MCL_FUTURE);
  touch_new(mkb, 0);
  char *shared = touch_new(skb, 1);
  char ready[2048];
  int len = snprintf(ready, sizeof ready, "ready %d", (int)getpid());
  int notify[2];
  if (nfork > 0 && pipe(notify) != 0) return 3;
  for (long i = 0; i < nfork; i++) {
    char *next = childadj ? strchr(childadj, ',') : NULL;
    long cadj = childadj ? strtol(childadj, NULL, 10) : adj;
    pid_t c = fork();
    if (c < 0) return 3;
    if (c == 0) {
      set_comm(comm, "c", i);
      if (childadj) set_adj(cadj);
      close(notify[0]);
      touch_existing(shared, skb);
      touch_new(ckb, 0);
      char b = 1;
      if (write(notify[1], &b, 1) != 1) _exit(3);
      close(notify[1]);
      for (;;) pause();
    }
    if (next) childadj = next + 1;
    len += snprintf(ready + len, sizeof ready - (size_t)len, " c%d", (int)c);
  }
  if (nfork > 0) {
    close(notify[1]);
    for (long i = 0; i < nfork; i++) {
      char b;
      if (read(notify[0], &b, 1) != 1) return 3;
    }
    close(notify[0]);
  }
  if (clonevm) {
    snprintf(vm_comm, sizeof vm_comm, "%.14sv", comm);
    size_t ss = 64 * 1024;
    char *stack = mmap(NULL, ss, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int c = clone(clone_vm_main, stack + ss, CLONE_VM | SIGCHLD, NULL);
    if (c < 0) return 3;
    len += snprintf(ready + len, sizeof ready - (size_t)len, " v%d", c);
  }
  for (long i = 0; i < nthreads; i++) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    if (pthread_create(&th, &attr, thread_main, NULL) != 0) return 3;
  }
  if (nthreads > 0) sleep_ms(50);
  printf("%s\n", ready);
  if (step > 0) {
    grow(step, gofile, maxkills, counter, maxkb);
    return 0; /* the case script waits for the grower */
  }
  for (;;) pause();
  return 0;
}
