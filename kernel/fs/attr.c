/* attr.c: applying setattr fields to an in-memory inode (vfs_apply_attr in vfs.h), shared
 * by the VFS fallback and the file systems' setattr. */
#include "fs/vfs.h"

void vfs_apply_attr(struct inode *inode, const struct iattr *attr)
{
	if (attr->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (attr->mode & 07777);
	if (attr->valid & ATTR_UID)
		inode->uid = attr->uid;
	if (attr->valid & ATTR_GID)
		inode->gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		inode->atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		inode->mtime = attr->mtime;
	inode->ctime = (attr->valid & ATTR_CTIME) ? attr->ctime : vfs_now();
}
