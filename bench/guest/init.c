/* init.c: /init of the benchmarks' Linux guest (Debian's kernel, a minimal initramfs).
 * Prints the guest's boot time (CLOCK_BOOTTIME at entry, which starts with the kernel's
 * timekeeping), loads the virtio modules listed in /modules.order with finit_module,
 * configures lo and eth0 as QEMU user networking expects (10.0.2.15/24, gateway 10.0.2.2)
 * with ioctls, then runs the program named by its arguments (the kernel passes what
 * follows "--" on its command line) as its child, in directory /, and powers the VM off
 * when it exits (prints "linux-init: exit N"), so QEMU (-no-reboot) ends. Static glibc;
 * nothing else in the image. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Loads the modules listed in /modules.order; a module whose symbols come from one
 * listed later fails with ENOENT, so passes repeat while one makes progress. */
static void load_modules(void)
{
	char names[16][64];
	int n = 0, left, progress = 1;
	FILE *f = fopen("/modules.order", "r");

	if (!f)
		return;
	while (n < 16 && fgets(names[n], sizeof(names[n]), f)) {
		names[n][strcspn(names[n], "\n")] = 0;
		n++;
	}
	fclose(f);
	left = n;
	for (int pass = 0; pass < n && left && progress; pass++) {
		progress = 0;
		for (int i = 0; i < n; i++) {
			if (!names[i][0])
				continue;
			int fd = open(names[i], O_RDONLY | O_CLOEXEC);
			if (fd >= 0 && syscall(SYS_finit_module, fd, "", 0) == 0) {
				names[i][0] = 0;
				left--;
				progress = 1;
			}
			if (fd >= 0)
				close(fd);
		}
	}
	for (int i = 0; i < n; i++)
		if (names[i][0])
			fprintf(stderr, "init: module %s not loaded\n", names[i]);
}

static void set_addr(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in *in = (struct sockaddr_in *)sa;

	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &in->sin_addr);
}

/* Sets NAME's address and netmask (when ip is not NULL) and brings it up. */
static int if_up(int s, const char *name, const char *ip, const char *mask)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ip) {
		set_addr(&ifr.ifr_addr, ip);
		if (ioctl(s, SIOCSIFADDR, &ifr) != 0)
			return -1;
		set_addr(&ifr.ifr_netmask, mask);
		if (ioctl(s, SIOCSIFNETMASK, &ifr) != 0)
			return -1;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static void net_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct rtentry rt;

	if (s < 0)
		return;
	if (if_up(s, "lo", NULL, NULL) != 0)
		perror("init: lo");
	if (if_up(s, "eth0", "10.0.2.15", "255.255.255.0") != 0) {
		perror("init: eth0"); /* no NIC: the program runs without one */
		close(s);
		return;
	}
	memset(&rt, 0, sizeof(rt));
	set_addr(&rt.rt_dst, "0.0.0.0");
	set_addr(&rt.rt_genmask, "0.0.0.0");
	set_addr(&rt.rt_gateway, "10.0.2.2");
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	if (ioctl(s, SIOCADDRT, &rt) != 0)
		perror("init: route");
	close(s);
}

int main(int argc, char **argv)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	printf("linux-init: boot time %ld us\n", ts.tv_sec * 1000000L + ts.tv_nsec / 1000);
	fflush(stdout);
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	load_modules();
	net_up();
	if (argc < 2) {
		fprintf(stderr, "init: no program given after -- on the kernel command line\n");
	} else {
		pid_t pid = fork();
		if (pid == 0) {
			chdir("/");
			execv(argv[1], argv + 1);
			fprintf(stderr, "init: exec %s: %m\n", argv[1]);
			_exit(127);
		}
		int status = 0;
		while (pid > 0 && waitpid(pid, &status, 0) < 0)
			;
		printf("linux-init: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
		fflush(stdout);
	}
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
