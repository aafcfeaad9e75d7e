/* usagecmd.c: the help of `isle image` and `isle instance` and their subcommands
 * (docs/instances.md says the same at more length). */
#include <stdio.h>
#include <string.h>

#include "usage.h"

static const char image_create[] =
	"Usage: isle image create [-c CONFIG] [-a PROGRAM | PROGRAM] [-i NAME] [-t onprem]\n"
	"Builds an image as isle build does into the local image store\n"
	"($XDG_DATA_HOME/isle/images, default ~/.local/share/isle/images).\n"
	"  -c, --config FILE      ops-style config.json (Dirs, Files, Env, Args, ...)\n"
	"  -a, --program PROGRAM  the program (as in ops; note that isle build -a is a\n"
	"                         program argument); a positional PROGRAM works too, and\n"
	"                         without either the config's Program is used\n"
	"  -i, --image-name NAME  the image's name (default: PROGRAM's file name + \"-image\");\n"
	"                         an existing image of that name is replaced\n"
	"  -t, --target TARGET    onprem (the only target so far)\n";
static const char image_list[] = "Usage: isle image list [-t onprem]\n"
				 "Lists the store's images: NAME, SIZE, CREATED (UTC), PROGRAM, "
				 "sorted by name.\n";
static const char image_delete[] =
	"Usage: isle image delete NAME... [-t onprem]\n"
	"Removes images from the store (instances keep their own copy of the disk).\n"
	"Exit status 1 when a NAME is not in the store (the others are deleted).\n";
static const char image_inspect[] =
	"Usage: isle image inspect NAME [-t onprem]\n"
	"Shows an image's metadata, its manifest (program, cwd, flags, argv, environment)\n"
	"and the config it was built with.\n";
static const char image_files[] =
	"Usage: isle image files IMAGE [PATH]   list a directory of an image (default /)\n"
	"       isle image cat IMAGE PATH       write a file of an image to stdout\n"
	"IMAGE is a store name (isle image list) or a path; a name holding '/' is a path.\n";

static const char inst_create[] =
	"Usage: isle instance create [IMAGE | -i IMAGE] [-c CONFIG] [-p HOST[:GUEST][/udp]]...\n"
	"                            [--name NAME] [--net MODE] [-m SIZE] [--smp N] [-t onprem]\n"
	"Starts IMAGE (a store name or a path) in the background on its own copy of the\n"
	"disk, supervised by a detached isle process, and returns once the VM runs.\n"
	"  -i, --image IMAGE      the image (instead of the positional IMAGE)\n"
	"  -c, --config FILE      RunConfig (memory, CPUs, Ports) from FILE; by default\n"
	"                         the config a store image was built with\n"
	"  -p, --port HOST[:GUEST][/udp]\n"
	"                         forward 127.0.0.1:HOST to GUEST (default HOST) in the\n"
	"                         guest, as isle run -p (repeatable); replaces the\n"
	"                         config's Ports; a host port of another live instance or\n"
	"                         in use on the host is refused\n"
	"      --name NAME        instance name (default: image name + a short suffix)\n"
	"      --net MODE         user (default with ports), isolated, tap:NAME,\n"
	"                         udp:LOCALPORT:REMOTEPORT or none, as isle run --net\n"
	"  -m, --memory SIZE      guest memory, as isle run -m\n"
	"      --smp N            virtual CPUs, as isle run --smp\n"
	"      --accel MODE       as isle run --accel\n"
	"  -t, --target TARGET    onprem (the only target so far)\n"
	"With RebootOnExit in the image, a program that exits non-zero is started again\n"
	"(at most 10 times, waiting 1, 2, 4, ... up to 30 s between).\n";
static const char inst_list[] =
	"Usage: isle instance list [-t onprem]\n"
	"NAME, IMAGE, STATE (starting, running, stopped, exited(N) with isle run's exit\n"
	"status, or crashed: the supervisor died without recording an end), PORTS, PID\n"
	"(of the supervisor), UPTIME, MEMORY (host RSS of its QEMU).\n";
static const char inst_logs[] =
	"Usage: isle instance logs NAME [-f]\n"
	"Prints the instance's console and isle log (capped at 1 MiB, then rotated to\n"
	"log.1, which is printed first). -f, --follow: keep printing until the instance\n"
	"ends or ^C.\n";
static const char inst_stop[] =
	"Usage: isle instance stop NAME... [--timeout S]\n"
	"Sends SIGTERM to the instance's supervisor, which stops the VM as isle run does:\n"
	"the ACPI power button, SIGTERM to the program, file systems written back, power\n"
	"off (docs/stop.md). After S seconds (default 30) the supervisor is killed.\n";
static const char inst_delete[] = "Usage: isle instance delete NAME...\n"
				  "Stops the instance if it runs (as isle instance stop), then "
				  "removes its state,\nlog and disk.\n";

void usage_image(FILE *f, const char *sub)
{
	const char *parts[] = {image_create, image_list, image_delete, image_inspect, image_files};
	const char *names[] = {"create", "list", "delete", "inspect", "files"};

	for (size_t i = 0; i < 5; i++) {
		if (sub && strcmp(sub, names[i]) && !(i == 4 && !strcmp(sub, "cat")))
			continue;
		fprintf(f, "%s%s", parts[i], !sub && i < 4 ? "\n" : "");
	}
	fprintf(f, "Exit status: 0 ok, 1 failed (not found, I/O), 2 bad command line "
		   "or target, 126/127 as isle build.\n");
}

void usage_instance(FILE *f, const char *sub)
{
	const char *parts[] = {inst_create, inst_list, inst_logs, inst_stop, inst_delete};
	const char *names[] = {"create", "list", "logs", "stop", "delete"};

	for (size_t i = 0; i < 5; i++)
		if (!sub || !strcmp(sub, names[i]))
			fprintf(f, "%s%s", parts[i], !sub && i < 4 ? "\n" : "");
	fprintf(f, "State: $XDG_STATE_HOME/isle/instances/NAME (default ~/.local/state/...).\n"
		   "Exit status: 0 ok, 1 failed (no such instance, port in use, the VM did "
		   "not start),\n2 bad command line, name or target, 127 IMAGE not found.\n");
}
