/*
 * The victim scan of bench/engine.ts as a tight C loop, for comparison: for every process, the
 * >= 5.9 oom_evaluate_task() checks (unkillable, earlier victim, origin) and oom_badness()
 * (adj -1000, rss + swap + pgtables + adj * (totalpages / 1000); for a task that would be chosen,
 * the thread holding the mm and MMF_OOM_SKIP / vfork), keeping the last of the highest scores.
 * The task table mirrors the TS objects the scan reads: a task record, its thread records and
 * its mm, each a separate allocation.
 * Same table generator (LCG) as the TypeScript bench. Usage: select N RUNS [ptr|flat]
 * Prints: "<chosen pid> <points> <median wall ms> <median CPU ms>".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mm {
	long anon, file, shmem, swapents, pgtables_bytes;
	int oom_skip;
};

struct thread {
	int tid;
	int mm_released;
};

struct task {
	int pid;
	int kthread;
	int in_vfork;
	int origin;
	short adj;
	struct mm *oom_victim_mm;
	struct mm *mm;
	struct thread *threads;
	int nr_threads;
};

static unsigned int seed = 12345;
static unsigned int lcg(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	/* "ptr" (default): like the TS state, a list of pointers to task records, each allocated
	 * with its thread record and its mm, in task order. "flat": the task records in one array. */
	int flat = argc > 3 && strcmp(argv[3], "flat") == 0;
	long totalpages = 16L * 1024 * 1024;
	struct task **list = calloc(n, sizeof(*list));
	struct task *tasks = flat ? calloc(n, sizeof(*tasks)) : NULL;
	for (int i = 0; i < n; i++) {
		struct task *t = flat ? &tasks[i] : calloc(1, sizeof(*t));
		list[i] = t;
		t->pid = i + 1;
		t->kthread = (i % 1000) == 7;
		unsigned int r = lcg();
		t->adj = (r % 50) == 0 ? -1000 : (r % 5) == 0 ? (short)((int)(lcg() % 2001) - 1000) : 0;
		t->threads = calloc(1, sizeof(struct thread));
		t->threads[0].tid = t->pid;
		t->nr_threads = 1;
		if (!t->kthread) {
			t->mm = calloc(1, sizeof(struct mm));
			t->mm->anon = lcg() % 100000;
			t->mm->file = lcg() % 20000;
			t->mm->shmem = lcg() % 1000;
			t->mm->swapents = lcg() % 5000;
			t->mm->pgtables_bytes = (long)(lcg() % 2000) * 4096;
		}
	}
	double *ms = calloc(runs, sizeof(double));
	double *cpu = calloc(runs, sizeof(double));
	int chosen = -1;
	long chosen_points = 0;
	for (int run = 0; run < runs; run++) {
		double t0 = now_ms();
		double c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		struct task *best = NULL;
		long best_points = LONG_MIN;
		for (int i = 0; i < n; i++) {
			struct task *t = list[i];
			if (t->kthread || t->pid == 1)
				continue;
			if (t->oom_victim_mm) {
				if (t->oom_victim_mm->oom_skip)
					continue;
				best = NULL;
				break;
			}
			if (t->origin) {
				best = t;
				best_points = LONG_MAX;
				continue;
			}
			struct mm *mm = t->mm;
			if (t->adj == -1000 || !mm)
				continue;
			long points = mm->anon + mm->file + mm->shmem + mm->swapents +
				      mm->pgtables_bytes / 4096 + (long)t->adj * (totalpages / 1000);
			if (points < best_points)
				continue;
			/* find_lock_task_mm(), in_vfork(), MMF_OOM_SKIP: tested last, as the TS scan does
			 * (a task scoring below the current choice is passed over either way). */
			int held = 0;
			for (int k = 0; k < t->nr_threads; k++)
				if (!t->threads[k].mm_released) {
					held = 1;
					break;
				}
			if (!held || t->in_vfork || mm->oom_skip)
				continue;
			best = t;
			best_points = points;
		}
		ms[run] = now_ms() - t0;
		cpu[run] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		chosen = best ? best->pid : -1;
		chosen_points = best_points;
	}
	qsort(ms, runs, sizeof(double), cmp);
	qsort(cpu, runs, sizeof(double), cmp);
	printf("%d %ld %.3f %.3f\n", chosen, chosen_points, ms[runs / 2], cpu[runs / 2]);
	return 0;
}
