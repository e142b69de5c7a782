#ifndef VMIGRATE_LIB_THREAD_H
#define VMIGRATE_LIB_THREAD_H

#include <pthread.h>

/* Thread-safe. */

/* pthread_create with every signal blocked in the new thread: SIGINT and
 * SIGTERM stay with the main thread, whose waits (waitpid, sleeps) rely on
 * being cut short by them; worker threads see them through interrupted().
 * Returns pthread_create's result. */
int thread_start (pthread_t *t, void *(*fn) (void *), void *arg);

#endif
