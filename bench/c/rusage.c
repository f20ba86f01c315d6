/*
 * Runs one command as a user would (fork, exec, wait) and reports what it cost, for the
 * whole-command figures of bench/cli.ts and bench/daemon.ts.
 * Usage: rusage OUT_FILE CMD [ARGS...]   (the command's stdout/stderr are inherited)
 * Writes to OUT_FILE: "<wall ns> <user+system CPU us> <max RSS kB> <exit status or 128+signal>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: rusage OUT_FILE CMD [ARGS...]\n");
		return 2;
	}
	long long t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return 2;
	long long wall = now_ns() - t0;
	long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
			ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	FILE *out = fopen(argv[1], "w");
	if (!out)
		return 2;
	fprintf(out, "%lld %lld %ld %d\n", wall, cpu, ru.ru_maxrss, code);
	fclose(out);
	return 0;
}
