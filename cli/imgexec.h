/* imgexec.h: what in an image could help an attacker who gets code execution in the
 * program: `isle build` warns about shells, interpreters and network tools in the staging
 * tree (it never refuses them), and `isle image inspect` lists every executable file of
 * a built image (docs/security.md, "Image contents"). */
#ifndef ISLE_CLI_IMGEXEC_H
#define ISLE_CLI_IMGEXEC_H

#include <stdio.h>

/* If the file name name (a base name) is a shell, an interpreter or a network tool,
 * returns what it is ("a shell", "an interpreter", "a network tool"), else NULL. The
 * names are those of docs/security.md; "python", "perl", "ruby", "lua", "php", "node"
 * and "tclsh" also with a version suffix of digits and dots ("python3.11"). */
const char *imgexec_risky_name(const char *name);

/* Walks the staging tree root (stage.h) and prints one warning line on stderr for each
 * regular file or symbolic link with a risky name, except the image path skip (the
 * program itself), as
 *   "isle: warning: the image contains a shell: /bin/sh (an attacker who gets code
 *    execution can use it; isle never runs it)"
 * (one line). Returns how many it printed; a tree it cannot walk gives no warnings. */
int imgexec_warn_tree(const char *root, const char *skip);

/* Prints to out every regular file of the ext2 image image with any execute bit, sorted
 * by path, one per line: "  MODE SIZE KIND PATH", KIND being ELF, script (then the
 * "#!" line in parentheses) or other; "  (none)" when there are none. Reads the image
 * with debugfs, dumping only the executables into a private temporary directory (removed
 * afterwards) to look at their first bytes. Paths debugfs cannot quote (a '"', a
 * backslash or a control character in a name) are listed with KIND "?". Returns 0, or
 * -errno after printing why (debugfs missing, no temporary directory). */
int imgexec_list(const char *image, FILE *out);

#endif
