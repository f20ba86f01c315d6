/*
 * oomkit conformance hog: a tiny process that holds a known amount of anonymous memory inside a
 * memory cgroup so the real kernel's OOM killer has something to choose from.
 *
 * Usage: hog [-n comm] [-m KB] [-s KB] [-f K] [-c KB] [-t T] [-T] [-G] [-v] [-V] [-p CPU] [-P PID]
 *   -n comm  task name (prctl PR_SET_NAME; children get comm + 'c' + index, the CLONE_VM
 *            child comm + 'v')
 *   -m KB    private anonymous memory touched at start
 *   -s KB    shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, i.e. shmem), touched by the
 *            parent and by every forked child
 *   -f K     fork K children; each touches -c KB of its own private memory
 *   -c KB    private memory per forked child
 *   -t T     start T extra threads (they only sleep)
 *   -T       name the extra threads comm + 't' + index (1..T): each has its own comm
 *   -G       growth steps ("g KB", "r KB") are made by the last extra thread (needs -t), so the
 *            task that faults (the OOM report's current) is a non-leader thread
 *   -v       start one CLONE_VM child: a separate process sharing this process's mm
 *   -V       start one vfork child parked before exec (comm + 'f'): a helper thread vforks, so
 *            it waits in the kernel (vfork_done) while the main thread keeps serving commands
 *   -P PID   the harness's pid: children and the CLONE_VM child exit once it is gone
 *   -S       settle the rss counters before "ready" (settle_rss_counters())
 *   -C FILE  join the memory cgroup whose cgroup.procs is FILE before re-executing (below)
 *   -p CPU   pin to one CPU, so the kernel's per-CPU rss counters drift the same way for
 *            identical hogs (the OOM killer reads the approximate counters)
 *   -R KB    page cache by read(): a file of KB (unlinked, in $HOG_FILE_DIR or /var/tmp) is
 *            written and dropped from the cache before "go", then read whole after it, so its
 *            pages are cached and charged to the case cgroup but mapped by nobody
 *   -F KB    page cache by mmap: a file of KB (made as for -R) mapped shared read-only after
 *            "go" and every page read (rss_file)
 *   -K KB    a tmpfs file of KB written after "go" ($HOG_SHM_DIR or /dev/shm, named
 *            oomkit-conf-tmpfs-<pid>) and closed: shmem charged to the case cgroup that nobody
 *            maps; it outlives the hog, the harness removes it
 *
 * With -S, before "ready" each process with an mm of its own settles its anon (and shmem) rss counter on
 * its CPU (settle_rss_counters()), so the OOM killer's approximate counters differ from /proc's
 * exact split by the file counter's pending pages only.
 *
 * Identical hogs must look identical to the kernel: the hog re-executes itself without address
 * space randomisation (same page-table count) and populates every file mapping
 * (MADV_POPULATE_READ), so rss_file does not depend on what happened to be in the page cache.
 *
 * Protocol (one line each, stdout is line-flushed):
 *   prints "pid <pid>" and waits for the line "go" on stdin (the harness moves it into the
 *   cgroup in between, so every page it touches is charged there);
 *   touches its memory, starts children and threads, prints
 *   "ready <pid> [c<child>...] [v<clone-vm child>] [V<vfork child>]" (threads are found in /proc/<pid>/task);
 *   then serves commands: "g KB" maps and touches KB more private memory and answers
 *   "ok <total private KB>"; "r KB" grows KB at a time without waiting for commands (free
 *   running, one "ok <total>" per step) until it is killed; "q" exits. With -G the ready line
 *   ends in "G<tid>", the growing thread. EOF on stdin exits the parent; its children and
 *   CLONE_VM child stay (the OOM killer may have taken the parent alone) until the harness
 *   kills them or exits itself (-P), so a dead harness leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define PAGE 4096UL
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

static long private_kb;

/* Map and write every page of `kb` KiB; returns NULL on failure. */
static void *touch_new(unsigned long kb, int shared) {
  if (kb == 0) return NULL;
  unsigned long bytes = kb * 1024UL;
  int flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE);
  char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) {
    perror("hog: mmap");
    exit(3);
  }
  madvise(p, bytes, MADV_NOHUGEPAGE);
  for (unsigned long off = 0; off < bytes; off += PAGE) p[off] = (char)(off / PAGE + 1);
  return p;
}

/* Write every page of an existing (shared) region so it is mapped in this process. */
static void touch_existing(char *p, unsigned long kb) {
  for (unsigned long off = 0; p != NULL && off < kb * 1024UL; off += PAGE) p[off] ^= 1;
}

static pid_t harness_pid;

/* Children and the CLONE_VM child live until the harness (not their parent: the OOM killer may
 * take the parent first) is gone; the harness kills them at teardown. Raw syscalls only: this also
 * runs in the CLONE_VM child, which shares libc state with its parent. */
static void wait_for_harness(void) {
  for (;;) {
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    if (harness_pid > 0 && syscall(SYS_kill, harness_pid, 0) != 0 && errno == ESRCH)
      syscall(SYS_exit_group, 0);
  }
}

static pthread_barrier_t threads_started;
static char thread_base[16];
static int name_threads, grow_in_thread;
static long nthreads_started;

/* Growth requests handed to the growing thread (-G): kb per step, how many steps (-1: free
 * running), and a counter of finished requests the main thread waits on. */
static pthread_mutex_t grow_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t grow_cv = PTHREAD_COND_INITIALIZER;
static unsigned long grow_kb;
static long grow_pending, grow_done;
static int grow_free;
static volatile pid_t grower_tid;

static void *touch_new(unsigned long kb, int shared);

/* One growth step: map and touch kb, print the new total. */
static void grow_step(unsigned long kb) {
  touch_new(kb, 0);
  private_kb += (long)kb;
  printf("ok %ld\n", private_kb);
}

/* The growing thread's loop (-G): serve the requests the main thread hands over. */
static void grower_loop(void) {
  grower_tid = (pid_t)syscall(SYS_gettid);
  for (;;) {
    pthread_mutex_lock(&grow_mu);
    while (grow_pending == grow_done && !grow_free) pthread_cond_wait(&grow_cv, &grow_mu);
    unsigned long kb = grow_kb;
    int free_running = grow_free;
    pthread_mutex_unlock(&grow_mu);
    grow_step(kb);
    if (free_running) continue;
    pthread_mutex_lock(&grow_mu);
    grow_done++;
    pthread_cond_broadcast(&grow_cv);
    pthread_mutex_unlock(&grow_mu);
  }
}

static void *thread_main(void *arg) {
  long idx = (long)arg;
  if (name_threads) {
    char name[16];
    snprintf(name, sizeof name, "%.10st%ld", thread_base, idx);
    prctl(PR_SET_NAME, name, 0, 0, 0);
  }
  int grows = grow_in_thread && idx == nthreads_started;
  pthread_barrier_wait(&threads_started);
  if (grows) grower_loop();
  for (;;) pause();
  return NULL;
}

/* "g KB" (once) or "r KB" (free running): in this thread, or handed to the growing thread. */
static void grow_request(unsigned long kb, int free_running) {
  if (!grow_in_thread) {
    do grow_step(kb);
    while (free_running);
    return;
  }
  pthread_mutex_lock(&grow_mu);
  grow_kb = kb;
  if (free_running) grow_free = 1;
  else grow_pending++;
  pthread_cond_broadcast(&grow_cv);
  while (!free_running && grow_done < grow_pending) pthread_cond_wait(&grow_cv, &grow_mu);
  pthread_mutex_unlock(&grow_mu);
}

/* Fault in every page of every file-backed mapping (errors, e.g. past EOF, are ignored). */
static void populate_file_mappings(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (f == NULL) return;
  char line[512];
  while (fgets(line, sizeof line, f) != NULL) {
    unsigned long lo, hi;
    char perms[8];
    int path = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &path) < 3) continue;
    if (path == 0 || line[path] != '/' || perms[0] != 'r') continue;
    madvise((void *)lo, hi - lo, MADV_POPULATE_READ);
  }
  fclose(f);
}

/* get_mm_rss() as /proc/self/stat's rss field (24) prints it: the counters the OOM killer reads
 * (6.18 fs/proc/array.c do_task_stat()), -1 on error. No stdio, no allocation: reading it must not
 * fault anything in. */
static long stat_rss(void) {
  static char buf[1024];
  int fd = open("/proc/self/stat", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (p == NULL) return -1;
  int field = 2;
  for (p++; *p != 0 && field < 24; p++)
    if (*p == ' ') field++;
  return strtol(p, NULL, 10);
}

/* Settle one rss counter on this CPU (6.2+ percpu_counter_add_batch(): a CPU's delta folds into
 * the count get_mm_counter() reads once it reaches the batch, 32 on 2 CPUs): write fresh pages of
 * a new private (MM_ANONPAGES) or shared (MM_SHMEMPAGES) mapping one at a time until the rss
 * /proc/self/stat prints moves, i.e. this CPU's delta of that counter has just folded and is 0.
 * The touched pages stay mapped (the snapshot sees them), the untouched rest is unmapped. */
static void settle_counter(int shared) {
  const long max = 256;
  int flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE);
  char *p = mmap(NULL, (size_t)max * PAGE, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return;
  long before = stat_rss(), i = 0;
  while (i < max) {
    p[i * PAGE] = 1;
    i++;
    if (stat_rss() != before) break;
  }
  if (i < max) munmap(p + i * PAGE, (size_t)(max - i) * PAGE);
}

/* Settle the anon counter, and the shmem one when the process maps shmem, so that what /proc's
 * exact split and stat's approximate total differ by is the file counter's alone (the harness
 * writes it as the scenario's rssPending.file; conformance/README.md). A short sleep first lets
 * the threads and children sharing this mm finish their own faults. */
static int settle_rss;

static void settle_rss_counters(int has_shmem) {
  if (!settle_rss) return;
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);
  (void)stat_rss();
  settle_counter(0);
  if (has_shmem) settle_counter(1);
}

static char vm_comm[16];

static int clone_vm_main(void *arg) {
  (void)arg;
  prctl(PR_SET_NAME, vm_comm, 0, 0, 0);
  /* Do not hold the harness's pipes open past the parent's death. */
  syscall(SYS_close, 0);
  syscall(SYS_close, 1);
  wait_for_harness();
  return 0;
}

static char vf_comm[16];
static volatile pid_t vfork_child, vfork_waiter;

/* The vfork child: borrows the helper thread's stack and the whole mm, so raw syscalls only. */
static void *vfork_thread(void *arg) {
  (void)arg;
  vfork_waiter = (pid_t)syscall(SYS_gettid);
  pid_t c = vfork();
  if (c == 0) {
    syscall(SYS_prctl, PR_SET_NAME, vf_comm, 0, 0, 0);
    syscall(SYS_close, 0);
    syscall(SYS_close, 1);
    vfork_child = (pid_t)syscall(SYS_getpid);
    wait_for_harness();
  }
  if (c < 0) vfork_child = -1;
  return NULL;
}

/* Until thread `tid` sleeps in the kernel (state D: waiting for the vfork child), at most 1 s. */
static void wait_blocked(pid_t tid) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
  for (int i = 0; i < 1000; i++) {
    FILE *f = fopen(path, "r");
    if (f != NULL) {
      size_t n = fread(buf, 1, sizeof buf - 1, f);
      fclose(f);
      buf[n] = 0;
      char *close = strrchr(buf, ')');
      if (close != NULL && close[1] == ' ' && close[2] == 'D') return;
    }
    struct timespec ts = {0, 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

/* Write `kb` KiB of `fill` bytes to `fd`; exits 3 on a short write (`what` names the file). */
static void fill_fd(int fd, unsigned long kb, char fill, const char *what) {
  char buf[65536];
  memset(buf, fill, sizeof buf);
  for (unsigned long done = 0; done < kb * 1024UL;) {
    size_t n = kb * 1024UL - done < sizeof buf ? kb * 1024UL - done : sizeof buf;
    if (write(fd, buf, n) != (ssize_t)n) {
      fprintf(stderr, "hog: write %s: %s\n", what, strerror(errno));
      exit(3);
    }
    done += n;
  }
}

/* A file of `kb` KiB, unlinked, written and dropped from the page cache (charged nowhere). */
static int cold_file(unsigned long kb) {
  if (kb == 0) return -1;
  const char *dir = getenv("HOG_FILE_DIR");
  if (dir == NULL) dir = "/var/tmp";
  char path[256];
  snprintf(path, sizeof path, "%s/oomkit-conf-file-%d-XXXXXX", dir, (int)getpid());
  int fd = mkstemp(path);
  if (fd < 0) {
    perror("hog: mkstemp");
    exit(3);
  }
  unlink(path);
  fill_fd(fd, kb, 'f', "file");
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  return fd;
}

/* Read the whole file into the page cache (nobody maps it). */
static void read_file(int fd) {
  char buf[65536];
  lseek(fd, 0, SEEK_SET);
  while (read(fd, buf, sizeof buf) > 0) {
  }
}

/* Map the file shared read-only and read every page (rss_file of this process). */
static void map_file(int fd, unsigned long kb) {
  volatile char *p = mmap(NULL, kb * 1024UL, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    perror("hog: mmap file");
    exit(3);
  }
  char sum = 0;
  for (unsigned long off = 0; off < kb * 1024UL; off += PAGE) sum ^= p[off];
  (void)sum;
}

/* A tmpfs file of `kb` KiB written and closed: shmem pages charged here, mapped by nobody. */
static void write_tmpfs(unsigned long kb) {
  const char *dir = getenv("HOG_SHM_DIR");
  if (dir == NULL) dir = "/dev/shm";
  char path[256];
  snprintf(path, sizeof path, "%s/oomkit-conf-tmpfs-%d", dir, (int)getpid());
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) {
    perror("hog: open tmpfs file");
    exit(3);
  }
  fill_fd(fd, kb, 't', "tmpfs file");
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

int main(int argc, char **argv) {
  const char *comm = "hog";
  unsigned long mkb = 0, skb = 0, ckb = 0, rkb = 0, fkb = 0, kkb = 0;
  long nfork = 0, nthreads = 0;
  int clonevm = 0, vforkchild = 0, opt, cpu = -1;
  /* Pin first, so that every page the re-executed image faults in is counted on that CPU. */
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], "-p") == 0) cpu = atoi(argv[i + 1]);
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) perror("hog: sched_setaffinity");
  }
  /* -C FILE: join that memory cgroup (write our pid to its cgroup.procs) before re-executing, so
   * every page of the image that runs is charged there; pages faulted before a move stay charged
   * where they were (v1 without move_charge_at_immigrate, v2). */
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "-C") != 0) continue;
    int fd = open(argv[i + 1], O_WRONLY);
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%d", (int)getpid());
    if (fd < 0 || write(fd, pid, (size_t)n) != n) perror("hog: join cgroup");
    if (fd >= 0) close(fd);
  }
  /* Same layout on every run: re-execute once without ASLR (the pid stays the same). */
  int persona = personality(0xffffffff);
  if (persona != -1 && !(persona & ADDR_NO_RANDOMIZE)) {
    if (personality((unsigned long)persona | ADDR_NO_RANDOMIZE) != -1) execv("/proc/self/exe", argv);
  }
  while ((opt = getopt(argc, argv, "n:m:s:f:c:t:TGvVp:P:R:F:K:C:S")) != -1) {
    switch (opt) {
      case 'n': comm = optarg; break;
      case 'm': mkb = strtoul(optarg, NULL, 10); break;
      case 's': skb = strtoul(optarg, NULL, 10); break;
      case 'f': nfork = strtol(optarg, NULL, 10); break;
      case 'c': ckb = strtoul(optarg, NULL, 10); break;
      case 't': nthreads = strtol(optarg, NULL, 10); break;
      case 'T': name_threads = 1; break;
      case 'G': grow_in_thread = 1; break;
      case 'v': clonevm = 1; break;
      case 'V': vforkchild = 1; break;
      case 'p': cpu = atoi(optarg); break;
      case 'P': harness_pid = (pid_t)atoi(optarg); break;
      case 'R': rkb = strtoul(optarg, NULL, 10); break;
      case 'F': fkb = strtoul(optarg, NULL, 10); break;
      case 'K': kkb = strtoul(optarg, NULL, 10); break;
      case 'C': break;
      case 'S': settle_rss = 1; break;
      default:
        fprintf(stderr, "usage: hog [-n comm] [-m KB] [-s KB] [-f K] [-c KB] [-t T] [-T] [-G] [-v] [-V] [-p CPU] [-P PID] [-R KB] [-F KB] [-K KB]\n");
        return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* Killed children are reaped by the kernel, so they never linger as zombies. */
  signal(SIGCHLD, SIG_IGN);
  if (grow_in_thread && nthreads < 1) {
    fprintf(stderr, "hog: -G needs at least one extra thread (-t)\n");
    return 2;
  }
  set_comm(comm, "", -1);
  snprintf(thread_base, sizeof thread_base, "%s", comm);
  nthreads_started = nthreads;
  printf("pid %d\n", (int)getpid());

  /* Files are made (and dropped from the cache) before the move into the case cgroup. */
  int rfd = cold_file(rkb), ffd = cold_file(fkb);

  char line[128];
  if (fgets(line, sizeof line, stdin) == NULL) return 0;
  if (strncmp(line, "go", 2) != 0) return 2;

  populate_file_mappings();
  if (rfd >= 0) read_file(rfd);
  if (ffd >= 0) map_file(ffd, fkb);
  if (kkb > 0) write_tmpfs(kkb);
  touch_new(mkb, 0);
  private_kb = (long)mkb;
  char *shared = touch_new(skb, 1);

  char ready[4096];
  int len = snprintf(ready, sizeof ready, "ready %d", (int)getpid());

  /* A forking hog settles before it forks: a child's rss counts its parent's anon pages at the
   * fork, which the scenario reads from the parent's (snapshot-scenario.ts cowFrom/sharedAnon),
   * so the parent adds no pages after it but its threads' stacks. */
  if (nfork > 0) settle_rss_counters(skb > 0);
  int notify[2];
  if (nfork > 0 && pipe(notify) != 0) {
    perror("hog: pipe");
    return 3;
  }
  for (long i = 0; i < nfork; i++) {
    pid_t c = fork();
    if (c < 0) {
      perror("hog: fork");
      return 3;
    }
    if (c == 0) {
      set_comm(comm, "c", i);
      close(notify[0]);
      /* Do not hold the harness's pipes open past the parent's death. */
      close(0);
      close(1);
      populate_file_mappings();
      touch_existing(shared, skb);
      touch_new(ckb, 0);
      settle_rss_counters(skb > 0);
      char b = 1;
      if (write(notify[1], &b, 1) != 1) _exit(3);
      close(notify[1]);
      wait_for_harness();
    }
    len += snprintf(ready + len, sizeof ready - (size_t)len, " c%d", (int)c);
  }
  if (nfork > 0) {
    close(notify[1]);
    for (long i = 0; i < nfork; i++) {
      char b;
      if (read(notify[0], &b, 1) != 1) {
        fprintf(stderr, "hog: child failed to start\n");
        return 3;
      }
    }
    close(notify[0]);
  }

  if (clonevm) {
    snprintf(vm_comm, sizeof vm_comm, "%.14sv", comm);
    size_t stack_size = 64 * 1024;
    char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED) {
      perror("hog: mmap stack");
      return 3;
    }
    int c = clone(clone_vm_main, stack + stack_size, CLONE_VM | SIGCHLD, NULL);
    if (c < 0) {
      perror("hog: clone");
      return 3;
    }
    len += snprintf(ready + len, sizeof ready - (size_t)len, " v%d", c);
  }

  if (vforkchild) {
    snprintf(vf_comm, sizeof vf_comm, "%.14sf", comm);
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    if (pthread_create(&th, &attr, vfork_thread, NULL) != 0) {
      fprintf(stderr, "hog: pthread_create (vfork) failed\n");
      return 3;
    }
    while (vfork_child == 0) {
      struct timespec ts = {0, 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    if (vfork_child < 0) {
      perror("hog: vfork");
      return 3;
    }
    wait_blocked(vfork_waiter);
    len += snprintf(ready + len, sizeof ready - (size_t)len, " V%d", (int)vfork_child);
  }

  /* "ready" only once every thread runs, so its memory is in the snapshot. */
  if (nthreads > 0) pthread_barrier_init(&threads_started, NULL, (unsigned)nthreads + 1);
  for (long i = 0; i < nthreads; i++) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    if (pthread_create(&th, &attr, thread_main, (void *)(i + 1)) != 0) {
      fprintf(stderr, "hog: pthread_create failed\n");
      return 3;
    }
  }
  if (nthreads > 0) pthread_barrier_wait(&threads_started);
  while (grow_in_thread && grower_tid == 0) {
    struct timespec ts = {0, 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (grow_in_thread)
    len += snprintf(ready + len, sizeof ready - (size_t)len, " G%d", (int)grower_tid);
  if (nfork == 0) settle_rss_counters(skb > 0);
  printf("%s\n", ready);

  while (fgets(line, sizeof line, stdin) != NULL) {
    if (line[0] == 'g' || line[0] == 'r') {
      grow_request(strtoul(line + 1, NULL, 10), line[0] == 'r');
    } else if (line[0] == 'q') {
      return 0;
    }
  }
  return 0;
}
