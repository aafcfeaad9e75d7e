/* heap.h: the kernel heap (kmalloc). Small objects from size classes carved from pages,
 * large ones from contiguous pages; every block 16-byte aligned. Returns NULL when memory
 * is exhausted: callers on a program's behalf turn that into -ENOMEM; callers that cannot
 * go on use kmalloc_or_panic, which panics with a clear "out of memory" message. */
#ifndef ISLE_MM_HEAP_H
#define ISLE_MM_HEAP_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kmalloc_or_panic(size_t size);
/* kfree(NULL) does nothing; freeing a pointer not from kmalloc or twice panics when it can
 * be detected. */
void kfree(void *p);

#endif
