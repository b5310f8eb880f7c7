/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zswap's interface to the rest of the kernel.  zswap itself plugs into
 * swap through frontswap (include/linux/frontswap.h), whose ->load() also
 * carries the exclusive-load hook; what other code reads of zswap is here.
 */
#ifndef _LINUX_ZSWAP_H
#define _LINUX_ZSWAP_H

#include <linux/atomic.h>
#include <linux/types.h>

#ifdef CONFIG_ZSWAP
/* Bytes used by all zswap pools; /proc/meminfo's Zswap */
extern u64 zswap_pool_total_size;
/* Pages zswap holds, same-filled ones included; /proc/meminfo's Zswapped */
extern atomic_t zswap_stored_pages;
#endif

#endif /* _LINUX_ZSWAP_H */
